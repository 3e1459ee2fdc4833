#!/usr/bin/env python3
"""Turns carecircle-bench result lines into the tables and plots of docs/benchmarks.md.

    tests/bench/summarize.py RESULTS_DIR [--plots DOCS_DIR]

Reads RESULTS_DIR/results.jsonl (runs labelled "target") and RESULTS_DIR/sweep.jsonl; prints a
Markdown table of medians with min-max per figure, and with --plots writes the gnuplot data
and PNGs (needs gnuplot).
"""
import json
import pathlib
import statistics
import subprocess
import sys

FIGURES = {
    "fanout": ["deliveries_per_s", "messages_per_s", "delivery_latency.p99_ms", "ack_latency.p99_ms",
               "deliveries_lost", "server_cpu_percent", "generator_cpu_percent"],
    "latency": ["delivery_latency.p50_ms", "delivery_latency.p99_ms", "delivery_latency.max_ms",
                "deliveries_per_s", "deliveries_lost", "closed_by_server", "server_cpu_percent",
                "generator_cpu_percent"],
    "idle": ["kib_per_connection", "rss_after_kib", "soak.drift_percent", "soak.spread_percent",
             "soak.delivery_latency.p99_ms", "deliveries_lost"],
    "persist": ["acks_per_s", "ack_latency.p50_ms", "ack_latency.p99_ms", "server_cpu_percent",
                "generator_cpu_percent"],
    "history": ["read_latency.p50_ms", "read_latency.p99_ms", "reads_per_s", "startup_seconds",
                "server_cpu_percent", "generator_cpu_percent"],
}


def lookup(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj if isinstance(obj, (int, float)) else None


def fmt(x):
    if x is None:
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, "–"
    med = statistics.median(values)
    if len(values) == 1:
        return med, fmt(med)
    return med, f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def load(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def table(results):
    print("| scenario | figure | CareCircle, median (min–max) | reference `ws`, median (min–max) | ratio of medians | runs |")
    print("|---|---|---|---|---|---|")
    for scenario, figures in FIGURES.items():
        runs = [r for r in results if r.get("scenario") == scenario and r.get("label") == "target"]
        if not runs:
            continue
        for figure in figures:
            ours, ours_text = spread([lookup(r.get("carecircle", {}), figure) for r in runs])
            theirs, theirs_text = spread([lookup(r.get("reference", {}), figure) for r in runs])
            ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "–"
            print(f"| {scenario} | {figure} | {ours_text} | {theirs_text} | {ratio} | {len(runs)} |")


def plots(sweep, docs):
    rows = {}
    for r in sweep:
        for target in ("carecircle", "reference"):
            figures = r.get(target)
            if not figures:
                continue
            key = (r["scenario"], target, figures.get("clients"))
            rows.setdefault(key, []).append(figures)
    clients = sorted({k[2] for k in rows if k[2]})
    data = docs / "benchmarks-sweep.dat"
    with data.open("w") as out:
        out.write("# clients cc_fanout_deliveries_s ref_fanout_deliveries_s "
                  "cc_latency_p99_ms ref_latency_p99_ms cc_latency_delivered_fraction ref_latency_delivered_fraction\n")
        for n in clients:
            def med(scenario, target, path):
                vals = [lookup(f, path) for f in rows.get((scenario, target, n), [])]
                vals = [v for v in vals if v is not None]
                return statistics.median(vals) if vals else float("nan")

            def fraction(target):
                runs = rows.get(("latency", target, n), [])
                # Against every message sent, acknowledged in time or not.
                vals = [f["deliveries_made"] / (f["messages_sent"] * f["clients"]) for f in runs
                        if f.get("messages_sent") and f.get("clients")]
                return statistics.median(vals) if vals else float("nan")

            out.write(f"{n} {med('fanout', 'carecircle', 'deliveries_per_s')} "
                      f"{med('fanout', 'reference', 'deliveries_per_s')} "
                      f"{med('latency', 'carecircle', 'delivery_latency.p99_ms')} "
                      f"{med('latency', 'reference', 'delivery_latency.p99_ms')} "
                      f"{fraction('carecircle')} {fraction('reference')}\n")
    script = f"""
set terminal pngcairo size 900,540 noenhanced font ",11"
set datafile missing "nan"
set logscale x
set grid
set key top left
set xlabel "clients (members of the group)"
set output "{docs}/benchmarks-fanout.png"
set title "Fan-out: one sender, 8 messages in flight, 64-byte texts"
set ylabel "deliveries per second"
set format y "%.0f"
set yrange [0:*]
plot "{data}" using 1:2 with linespoints lw 2 title "CareCircle (persisted, authenticated)", \\
     "{data}" using 1:3 with linespoints lw 2 title "reference: Node ws, in memory"
set output "{docs}/benchmarks-latency.png"
set title "Send-to-receive p99 at 100 messages/s"
set ylabel "p99 latency (ms)"
set autoscale y
set logscale y
set format y "%g"
plot "{data}" using 1:4 with linespoints lw 2 title "CareCircle (persisted, authenticated)", \\
     "{data}" using 1:5 with linespoints lw 2 title "reference: Node ws, in memory"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    results_dir = pathlib.Path(sys.argv[1])
    table(load(results_dir / "results.jsonl"))
    if "--plots" in sys.argv:
        docs = pathlib.Path(sys.argv[sys.argv.index("--plots") + 1])
        plots(load(results_dir / "sweep.jsonl"), docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
