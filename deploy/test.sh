#!/usr/bin/env bash
# Installs what is missing, then builds CareCircle and runs every test:
#  1. g++ with warnings as errors: unit, integration (the real server on an ephemeral port),
#     browser (headless Chromium), deploy-file checks and a short load-generator smoke run;
#     then clang-format and clang-tidy over the sources (deploy/check-style.sh);
#  2. clang with AddressSanitizer and UndefinedBehaviorSanitizer: each libFuzzer target for a
#     bounded time on its seed corpus, then the unit, integration, system and deploy tests again
#     (the browser tests drive the same server operations as the integration tests, slowly);
#  3. clang with ThreadSanitizer: the integration tests, so the server's threads (I/O, writer,
#     password hashing) are checked for data races under real traffic.
# Builds carry no debug information beyond line tables: it adds a third to compile time and
# sanitizer reports need only the lines.
# FUZZ_SECONDS (default 30) sets the time per fuzz target. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh --with-tests
if [[ -f tests/browser/package-lock.json ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
jobs=$(nproc)

echo "== g++ build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O2 -DNDEBUG" \
  -DCARECIRCLE_WERROR=ON >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure --timeout 300 -j "$jobs" -LE bench "$@"

echo "== style: clang-format and clang-tidy"
deploy/check-style.sh build

echo "== clang build with ASan and UBSan"
CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DCARECIRCLE_WERROR=ON -DCARECIRCLE_SANITIZE=ON \
  -DCARECIRCLE_FUZZ=ON -DCARECIRCLE_BROWSER_TESTS=OFF >/dev/null
cmake --build build-sanitize
echo "== fuzzing"
for target in fuzz_decode fuzz_static_path fuzz_ics_text fuzz_http_router; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/"${target#fuzz_}"/* "$corpus"/
  echo "-- $target"
  build-sanitize/bin/"$target" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=65536 \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
  rm -rf "$corpus"
done
echo "fuzzing: 4 passed, 0 failed"

echo "== the suite again under ASan and UBSan"
ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure --timeout 600 -j "$jobs" -LE 'bench|smoke' "$@"

# TSan cannot be combined with ASan, so it is a build of its own; only the server and the
# integration tests are built, which keeps this stage to a few minutes on two cores.
echo "== clang build with ThreadSanitizer"
CC=clang CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DCARECIRCLE_WERROR=ON -DCARECIRCLE_SANITIZE=thread \
  -DCARECIRCLE_BROWSER_TESTS=OFF >/dev/null
cmake --build build-tsan --target carecircle integration_tests
echo "== the integration tests under TSan"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure --timeout 600 -j "$jobs" -L integration "$@"
