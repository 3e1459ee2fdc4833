#!/usr/bin/env bash
# Installs what is missing, builds CareCircle, adds demo data to an embedded SQLite database
# and starts the server. Open the URL it prints.
# Environment: LISTEN (default 127.0.0.1:8080), DB (default data/carecircle.db).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCARECIRCLE_TESTS=OFF >/dev/null
cmake --build build-release --target carecircle

db="${DB:-data/carecircle.db}"
build-release/bin/carecircle admin seed-demo --db "$db"
exec build-release/bin/carecircle serve --listen "${LISTEN:-127.0.0.1:8080}" --db "$db" --web-root web-client
