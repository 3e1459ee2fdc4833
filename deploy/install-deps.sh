#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing CareCircle need.
# Safe to run again: it only calls apt-get when something is missing.
# Usage: deploy/install-deps.sh [--with-tests]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-all-dev libsqlitecpp-dev libsqlite3-dev libssl-dev libargon2-dev
  libhowardhinnant-date-dev tzdata
)
if [[ "${1:-}" == "--with-tests" ]]; then
  packages+=(googletest libgtest-dev nodejs npm chromium openssl sqlite3 curl python3
             clang clang-tidy clang-format libclang-rt-14-dev nginx-light systemd python3-icalendar prometheus)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node may come from elsewhere than Debian's package; any node and npm on the PATH will do.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for package in "${missing[@]}"; do
    [[ "$package" == nodejs || "$package" == npm ]] || filtered+=("$package")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
