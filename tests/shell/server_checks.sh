# Shared by the shell checks that start the server themselves. Source it, then:
#
#   make_work_dir
#
# makes a fresh folder in $work and, on exit, stops every process whose id the script put in
# $stop_pids (the last started first) and removes the folder (kept when KEEP is set, to look
# at after a failure). Start the server in the background with its stdout going to LOG, add
# its id to $stop_pids, then:
#
#   port=$(wait_for_server LOG PID) || fail "the server did not start"
#
# waits up to 10 s for the `listening on http://HOST:PORT` line and prints PORT. It fails at
# once if the process has exited, and if the line never comes.

make_work_dir() {
  work=$(mktemp -d)
  stop_pids=()
  trap stop_and_clean_up EXIT
}

stop_and_clean_up() {
  local i
  for ((i = ${#stop_pids[@]} - 1; i >= 0; i--)); do
    kill "${stop_pids[i]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}

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
