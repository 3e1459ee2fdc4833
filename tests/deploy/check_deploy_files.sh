#!/usr/bin/env bash
# Checks the deploy files as a sysadmin's tools would: systemd-analyze verify on the unit and
# nginx -t on the site, each with its paths pointed at this build and a throwaway certificate.
# Usage: check_deploy_files.sh SOURCE_DIR CARECIRCLE_BINARY
set -euo pipefail
source_dir=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# systemd: the unit as shipped, but starting the binary that was just built.
sed "s|/usr/local/bin/carecircle|$binary|" "$source_dir/deploy/carecircle.service" >"$work/carecircle.service"
if ! output=$(systemd-analyze verify "$work/carecircle.service" 2>&1); then
  echo "$output"
  exit 1
fi
# verify exits 0 on some warnings; any line naming the unit is a finding.
if grep -q "carecircle.service" <<<"$output"; then
  echo "$output"
  exit 1
fi
echo "systemd unit: ok"

# nginx: the site inside a minimal main configuration, with a certificate made here.
source "$(dirname "$0")/nginx_test_site.sh"
make_site "$work" "$source_dir"
make_main_conf "$work"
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "nginx site: ok"

# The example configuration is one the server accepts as it is.
"$binary" serve --config "$source_dir/deploy/carecircle.conf.example" --print-config >/dev/null
echo "config example: ok"
