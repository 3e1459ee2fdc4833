# Shared by the shell checks that start the server themselves. Source it, start the server in
# the background with its stdout going to LOG, then:
#
#   port=$(wait_for_server LOG PID) || fail "the server did not start"
#
# waits up to 10 s for the `listening on http://HOST:PORT` line and prints PORT. It fails at
# once if the process has exited, and if the line never comes.
wait_for_server() {
  local log=$1 pid=$2 line
  for _ in $(seq 100); do
    line=$(grep -m1 "^listening on http://" "$log" 2>/dev/null) && break
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  [[ $line =~ :([0-9]+)$ ]] || return 1
  echo "${BASH_REMATCH[1]}"
}
