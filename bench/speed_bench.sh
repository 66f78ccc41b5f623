#!/usr/bin/env bash
# Where users feel speed: a cold one-shot `btk backtest` of a year, loading
# candle files and the store, a sweep whose jobs share indicators (1 and 2
# workers, results compared), and `btk backtest` end to end on 30 days.
# Every figure comes from the summaries btk writes, five runs each.
#   bench/speed_bench.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
btk="$build/bin/btk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$btk" data synth --out "$tmp/Y.csv" --days 365 --seed 5 >/dev/null
gzip -k "$tmp/Y.csv"
"$btk" data import "$tmp/Y.csv" --symbol SYNUSDT --store "$tmp/store" >/dev/null
"$btk" data synth --out "$tmp/M.csv" --days 30 --seed 11 >/dev/null

# Median of five runs of `btk backtest ARGS`: load ms, engine ms, candles/s.
cold() {
  for i in 1 2 3 4 5; do
    "$btk" backtest --quiet "$@" --strategy sma-cross:fast=10,slow=30,interval=5m \
      --report-dir "$tmp/rep" --summary-out "$tmp/s$i.json"
  done
  python3 - "$tmp" <<'PY'
import json, statistics, sys
ts = [json.load(open(f"{sys.argv[1]}/s{i}.json"))["timing"] for i in range(1, 6)]
m = lambda k: statistics.median(t[k] for t in ts)
print(f"| {m('load_ms'):.1f} | {m('engine_ms'):.2f} | {m('candles_per_second') / 1e6:.1f} M |")
PY
}
echo "| one year, sma-cross 5m, median of 5 | load ms | engine ms | candles/s |"
echo "|---|---:|---:|---:|"
printf "| plain CSV (30 MB) "; cold --data "$tmp/Y.csv"
printf "| gzip CSV "; cold --data "$tmp/Y.csv.gz"
printf "| candle store "; cold --store "$tmp/store" --symbol SYNUSDT

echo
grid='sma-cross:fast=5..50:1,slow=20..200:10,interval=5m'
echo "| sweep \`$grid\` (one year) | jobs | seconds | M candle-evaluations/s |"
echo "|---|---:|---:|---:|"
for w in 1 2 1 2; do
  "$btk" walker --store "$tmp/store" --symbol SYNUSDT --grid "$grid" --workers "$w" \
    --quiet --summary-out "$tmp/w.json" --results-out "$tmp/r$w.jsonl"
  python3 "$(dirname "$0")/sweep_row.py" "$tmp/w.json" "$w worker(s)"
done
cmp -s "$tmp/r1.jsonl" "$tmp/r2.jsonl" && echo "results of 1 and 2 workers: identical"

echo
python3 - "$btk" "$tmp" <<'PY'
import statistics, subprocess, sys, time
btk, tmp = sys.argv[1], sys.argv[2]
cmd = [btk, "backtest", "--quiet", "--data", f"{tmp}/M.csv", "--strategy", "sma-cross",
       "--report-dir", f"{tmp}/rep", "--summary-out", f"{tmp}/m.json"]
walls = []
for _ in range(5):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    walls.append(time.perf_counter() - t0)
w = statistics.median(walls)
print(f"btk backtest on a 30-day CSV, end to end: median {w * 1000:.1f} ms of 5 "
      f"({5.5 / w:.0f}x backtest-kit's 5.5 s)")
starts = []
for _ in range(5):
    t0 = time.perf_counter()
    subprocess.run([btk, "--version"], check=True, capture_output=True)
    starts.append(time.perf_counter() - t0)
print(f"btk --version (the process's start and exit): median "
      f"{statistics.median(starts) * 1000:.1f} ms of 5")
PY
