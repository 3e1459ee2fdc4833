#!/usr/bin/env bash
# Checks the C++ sources the way a reviewer would want every change checked:
#  - clang-format: every tracked .cpp and .hpp is formatted as .clang-format says;
#  - clang-tidy: the checks in .clang-tidy find nothing in protocol/, storage/ and server/.
# clang-tidy takes minutes over the whole tree, so it checks the units that changed since the
# commit named in deploy/tidy-checked-at (the last one checked whole), together with every
# unit that includes a header that changed. `--all` checks every unit; afterwards, a clean
# run may move that file to the current commit.
# Usage: deploy/check-style.sh BUILD_DIR [--all]   (BUILD_DIR: a built Ninja tree)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: deploy/check-style.sh BUILD_DIR [--all]}
scope=${2:-changed}

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
echo "-- clang-format: ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

mapfile -t units < <(git ls-files 'protocol/src/*.cpp' 'storage/src/*.cpp' 'server/src/*.cpp')
checked_at=$(cat deploy/tidy-checked-at)
if [[ $scope != --all ]] && git cat-file -e "$checked_at^{commit}" 2>/dev/null &&
  git diff --quiet "$checked_at" -- .clang-tidy; then
  # What changed: committed since then, and anything not yet committed.
  changed=$( (git diff --name-only "$checked_at" HEAD; git diff --name-only HEAD) | sort -u)
  # Ninja knows every header each object was compiled from; a unit is checked when its source
  # or any file it includes from this tree is among the changed ones.
  mapfile -t units < <(
    ninja -C "$build" -t deps | awk -v changed="$changed" -v units="${units[*]}" '
      BEGIN {
        split(changed, list, "\n"); for (i in list) is_changed[list[i]] = 1
        split(units, list, " "); for (i in list) is_unit[list[i]] = 1
      }
      /^[^ ]/ { source = ""; next }
      {
        path = $1; sub(/^(\.\.\/)+/, "", path)
        if (source == "") source = path
        if (is_unit[source] && is_changed[path]) picked[source] = 1
      }
      END { for (s in picked) print s }' | sort)
  echo "-- clang-tidy: ${#units[@]} translation units changed since ${checked_at:0:12}"
else
  echo "-- clang-tidy: all ${#units[@]} translation units"
fi
if ((${#units[@]} > 0)); then
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! run-clang-tidy -p "$build" -j "$(nproc)" -quiet "${units[@]}" >"$log" 2>&1; then
    grep -E "(warning|error):" "$log" | sort -u
    echo "clang-tidy found problems"
    exit 1
  fi
fi
echo "style: 2 passed, 0 failed"
