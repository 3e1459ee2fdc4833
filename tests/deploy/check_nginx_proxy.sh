#!/usr/bin/env bash
# Runs the shipped nginx site in front of the server, as docs/operations.md sets them up, and
# checks what a sysadmin and a phone would see through it: HTTP sent on to HTTPS, the web
# client over TLS with HSTS, /metrics refused outside, sign-up with a Secure cookie (the
# server believes nginx's X-Forwarded-Proto), a WebSocket upgrade through the proxy, and
# metrics still answering on the server's own loopback port.
# The site and the example configuration are used as shipped except for ports and paths.
# Usage: check_nginx_proxy.sh SOURCE_DIR CARECIRCLE_BINARY
set -euo pipefail
source "$(dirname "$0")/../shell/server_checks.sh"
source_dir=$1
binary=$2
make_work_dir
chmod 755 "$work" # nginx's workers drop root and still need their temp folders
fail() {
  echo "FAIL: $*"; echo "work: $work"
  echo "--- server log"; tail -n 20 "$work/server.log" || true
  echo "--- nginx error log"; tail -n 20 "$work/error.log" || true
  exit 1
}

read -r app_port http_port https_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# The server, with the example settings (trust-proxy = true) on a free port.
"$binary" serve --config "$source_dir/deploy/carecircle.conf.example" \
  --listen "127.0.0.1:$app_port" --db "$work/carecircle.db" --web-root "$source_dir/web-client" \
  >"$work/server.log" 2>&1 &
server_pid=$!
stop_pids+=("$server_pid")
wait_for_server "$work/server.log" "$server_pid" >/dev/null || fail "the server did not start"

# nginx with the site as shipped, moved to free ports and a certificate made here.
source "$(dirname "$0")/nginx_test_site.sh"
make_site "$work" "$source_dir" \
  -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$app_port;|" \
  -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
  -e '/listen \[::\]/d'
grep -q "127.0.0.1:$app_port" "$work/site.conf" || fail "the site no longer names 127.0.0.1:8080"
make_main_conf "$work"
nginx -c "$work/nginx.conf" -p "$work" &
stop_pids+=("$!")
for _ in $(seq 50); do
  curl -sk -o /dev/null "https://127.0.0.1:$https_port/" && break
  sleep 0.1
done

site="https://care.example.org:$https_port"
resolve=(--resolve "care.example.org:$https_port:127.0.0.1" --resolve "care.example.org:$http_port:127.0.0.1")
request() { curl -sS -k "${resolve[@]}" --max-time 5 "$@"; }

status=$(request -o /dev/null -w '%{http_code} %{redirect_url}' "http://care.example.org:$http_port/a/b")
[[ $status == "301 https://care.example.org/a/b" ]] || fail "plain HTTP is not sent on to HTTPS: $status"

request -D "$work/headers" -o "$work/index.html" "$site/" || fail "no answer over HTTPS"
grep -q "<title>CareCircle" "$work/index.html" || fail "the web client is not served through nginx"
grep -qi "^strict-transport-security: max-age=31536000" "$work/headers" || fail "no HSTS"

status=$(request -o /dev/null -w '%{http_code}' "$site/metrics")
[[ $status == 403 ]] || fail "/metrics answered $status through nginx"

request -D "$work/register" -o "$work/register.json" -H 'Content-Type: application/json' \
  --data '{"username":"proxied","password":"kettle-on-between-visits","display_name":"Proxied"}' \
  "$site/api/register"
head -n 1 "$work/register" | grep -q " 201" || fail "sign-up through nginx: $(head -n 1 "$work/register")"
grep -i "^set-cookie: cc_session=" "$work/register" | grep -qi "; *secure" ||
  fail "the session cookie is not Secure behind nginx"
token=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$work/register.json")

upgrade() {
  # curl stops at the time limit once the socket is open; the status line is what counts.
  request -o /dev/null -w '%{http_code}' --http1.1 --max-time 2 \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "Cookie: cc_session=$token" "$@" \
    "$site/ws" 2>/dev/null || true
}
# A browser on the standard port sends the site's own origin, which the server accepts.
status=$(upgrade -H 'Origin: https://care.example.org')
[[ $status == 101 ]] || fail "WebSocket upgrade through nginx answered $status"
status=$(upgrade -H 'Origin: https://elsewhere.example.com')
[[ $status == 403 ]] || fail "a foreign origin got $status through nginx"

status=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app_port/metrics")
[[ $status == 200 ]] || fail "/metrics on the server's own port answered $status"
echo "nginx in front of the server: ok"
