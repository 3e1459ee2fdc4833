#!/usr/bin/env bash
# Installs what is missing, builds CareCircle with warnings as errors and runs every test:
# unit, integration (the real server on an ephemeral port) and browser (headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh --with-tests
if [[ -f tests/browser/package-lock.json ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARECIRCLE_WERROR=ON >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure --timeout 300 -j "$(nproc)" "$@"
