#!/usr/bin/env bash
# Checks the C++ sources the way a reviewer would want every change checked:
#  - clang-format: every tracked .cpp and .hpp is formatted as .clang-format says;
#  - clang-tidy: the checks in .clang-tidy find nothing in protocol/, storage/ and server/.
# Usage: deploy/check-style.sh BUILD_DIR   (a configured build with compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: deploy/check-style.sh BUILD_DIR}

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
echo "-- clang-format: ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

mapfile -t units < <(git ls-files 'protocol/src/*.cpp' 'storage/src/*.cpp' 'server/src/*.cpp')
echo "-- clang-tidy: ${#units[@]} translation units"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! run-clang-tidy -p "$build" -j "$(nproc)" -quiet "${units[@]}" >"$log" 2>&1; then
  grep -E "(warning|error):" "$log" | sort -u
  echo "clang-tidy found problems"
  exit 1
fi
echo "style: 2 passed, 0 failed"
