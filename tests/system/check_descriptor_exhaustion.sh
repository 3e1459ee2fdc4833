#!/usr/bin/env bash
# A server that runs out of file descriptors must neither spin nor stay stuck: with a low
# open-file limit and more clients than it can hold, it should idle (not burn a core retrying
# accept) and serve again as soon as clients leave.
# Usage: check_descriptor_exhaustion.sh CARECIRCLE_BINARY
set -euo pipefail
source "$(dirname "$0")/../shell/server_checks.sh"
binary=$1
make_work_dir

# 64 descriptors leave room for the database, the listener and a few dozen clients.
(ulimit -n 64 && exec "$binary" serve --listen 127.0.0.1:0 --db "$work/cc.db" \
  --max-connections-per-ip 0) >"$work/server.log" 2>&1 &
server_pid=$!
stop_pids+=("$server_pid")
port=$(wait_for_server "$work/server.log" "$server_pid") || { cat "$work/server.log"; exit 1; }

python3 - "$port" "$server_pid" <<'PY' || { echo "--- server log"; tail -n 20 "$work/server.log"; exit 1; }
import os, socket, sys, time, urllib.request
port, pid = int(sys.argv[1]), int(sys.argv[2])
ticks = os.sysconf("SC_CLK_TCK")

def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks

def healthy(timeout):
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout).status == 200
    except OSError:
        return False

# More idle clients than the server has descriptors for; the rest wait in the backlog.
clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(120)]
time.sleep(0.5)
before = cpu_seconds()
time.sleep(2)
used = cpu_seconds() - before
print(f"cpu while out of descriptors: {used:.2f} s in 2 s")
if used > 1.0:
    sys.exit("the server spins while it cannot accept")
if healthy(1):
    sys.exit("expected the server to be unable to accept while out of descriptors")

for c in clients:
    c.close()
deadline = time.time() + 10
while not healthy(1):
    if time.time() > deadline:
        sys.exit("the server did not serve again after the clients left")
    time.sleep(0.1)
print("serves again once clients leave")
PY
grep -q '"event":"accept.failed"' "$work/server.log" || { echo "no accept.failed in the log"; exit 1; }
echo "descriptor exhaustion: ok"
