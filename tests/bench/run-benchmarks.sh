#!/usr/bin/env bash
# Produces the figures of docs/benchmarks.md: every scenario RUNS times with CareCircle and the
# reference server side by side, the servers pinned to SERVER_CPU and the load generator to
# BENCH_CPU, then a sweep over the number of clients for the plots.
#
#   tests/bench/run-benchmarks.sh            # everything (about an hour on 2 cores)
#   STEPS="fanout persist" RUNS=1 tests/bench/run-benchmarks.sh
#
# Environment: BUILD, OUT, RUNS, STEPS, SOAK (idle soak seconds), SWEEP_CLIENTS, SERVER_CPU,
# BENCH_CPU, SERVER_BINARY and BENCH_BINARY (default: the build's), SKIP_BUILD=1.
#
# Results: $OUT/results.jsonl and $OUT/sweep.jsonl (one JSON line per scenario run), then
# tests/bench/summarize.py turns them into the tables and plots.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
OUT=${OUT:-$BUILD/bench-results}
RUNS=${RUNS:-3}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
STEPS=${STEPS:-"fanout latency idle persist history sweep"}
SOAK=${SOAK:-60}
SWEEP_CLIENTS=${SWEEP_CLIENTS:-"100 500 1000 2000 5000 10000"}
SERVER_BINARY=${SERVER_BINARY:-$BUILD/bin/carecircle}
BENCH_BINARY=${BENCH_BINARY:-$BUILD/bin/carecircle-bench}

mkdir -p "$OUT"
if [[ -z ${SKIP_BUILD:-} ]]; then
  cmake --build "$BUILD" --target carecircle carecircle-bench >/dev/null
fi
if [[ ! -d tests/bench/reference/node_modules/ws ]]; then
  (cd tests/bench/reference && npm ci --no-audit --no-fund --loglevel=error)
fi

bench=(taskset -c "$BENCH_CPU" "$BENCH_BINARY"
       --server-binary "$SERVER_BINARY" --server-cpus "$SERVER_CPU"
       --node "$(command -v node)" --reference-script tests/bench/reference/server.js
       --fixture "$OUT/fixture" --work-dir "$OUT/work")

# Registering thousands of users is slow on purpose (Argon2), and so is writing a million
# messages: both are done once, into a fixture that each run copies.
if [[ ! -f "$OUT/fixture/fixture.json" ]]; then
  mkdir -p "$OUT/fixture"
  taskset -c "$BENCH_CPU" "$BENCH_BINARY" prepare --fixture "$OUT/fixture" \
    --server-binary "$SERVER_BINARY" --server-cpus "$SERVER_CPU" \
    --users 2000 --messages 1000000 --max-seconds 1800
fi

run() { # label, scenario and its options
  local label=$1; shift
  echo "== $label $*" >&2
  "${bench[@]}" --label "$label" "$@" >> "$OUT/results.jsonl"
}

for step in $STEPS; do
  case $step in
    fanout)  for i in $(seq "$RUNS"); do run target fanout --clients 500 --inflight 8 --duration 10; done ;;
    latency) for i in $(seq "$RUNS"); do run target latency --clients 2000 --rate 100 --duration 10; done ;;
    idle)    for i in $(seq "$RUNS"); do run target idle --clients 10000 --conns-per-user 5 --soak "$SOAK" --rate 1; done ;;
    persist) for i in $(seq "$RUNS"); do run target persist --senders 100 --groups 10 --inflight 1 --duration 10; done ;;
    history) for i in $(seq "$RUNS"); do run target history --readers 50 --messages 1000000 --duration 10; done ;;
    sweep)
      for n in $SWEEP_CLIENTS; do
        per_user=$(( n > 2000 ? 5 : 1 ))
        echo "== sweep $n clients" >&2
        "${bench[@]}" --label sweep fanout --clients "$n" --conns-per-user "$per_user" --inflight 8 \
          --duration 5 >> "$OUT/sweep.jsonl"
        "${bench[@]}" --label sweep latency --clients "$n" --conns-per-user "$per_user" --rate 100 \
          --duration 5 >> "$OUT/sweep.jsonl"
      done ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
echo "results in $OUT" >&2
