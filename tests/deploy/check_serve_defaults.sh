#!/usr/bin/env bash
# `carecircle serve` with nothing but a port, as PROTOCOL.md promises: the database goes to
# ./data/carecircle.db (the folder is made), the web client is found without --web-root, and
# stdout carries exactly one `listening on http://HOST:PORT` line with the real port.
# Usage: check_serve_defaults.sh CARECIRCLE_BINARY
set -euo pipefail
source "$(dirname "$0")/../shell/server_checks.sh"
binary=$1
make_work_dir
fail() {
  echo "FAIL: $*"
  cat "$work/stdout" "$work/stderr" 2>/dev/null || true
  exit 1
}

cd "$work"
"$binary" serve --listen 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
stop_pids+=("$server_pid")
wait_for_server "$work/stdout" "$server_pid" >/dev/null || fail "the server did not start"
line=$(grep "^listening on " "$work/stdout") || fail "no listening line"
[[ $(grep -c "^listening on " "$work/stdout") == 1 ]] || fail "more than one listening line"
[[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] || fail "unexpected line: $line"
port=${BASH_REMATCH[1]}
((port != 0)) || fail "the line shows port 0, not the real port"

[[ -f $work/data/carecircle.db ]] || fail "no database at ./data/carecircle.db"
page=$(curl -fsS "http://127.0.0.1:$port/") || fail "nothing served at /"
[[ $page == *"<title>CareCircle"* ]] || fail "the web client was not found without --web-root"
curl -fsS -o /dev/null -H 'Content-Type: application/json' \
  --data '{"username":"first","password":"kettle-on-between-visits","display_name":"First"}' \
  "http://127.0.0.1:$port/api/register" || fail "could not sign up"
[[ -n $(sqlite3 "$work/data/carecircle.db" "SELECT id FROM users WHERE username = 'first'") ]] ||
  fail "the account is not in ./data/carecircle.db"
echo "serve defaults: ok (port $port)"
