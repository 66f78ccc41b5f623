#!/usr/bin/env bash
# Sweep benchmark: 1,040 sma-cross parameter sets over a year of generated
# 1-minute candles on 1 and 2 workers (throughput, speed-up), then peak
# memory for 1,000 vs 100,000 jobs on a 2-day frame (must stay flat).
#   bench/sweep_bench.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
btk="$build/bin/btk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$btk" data synth --out "$tmp/Y.csv.gz" --days 366 --seed 5 >/dev/null
"$btk" data import "$tmp/Y.csv.gz" --symbol SYNUSDT --store "$tmp/store" >/dev/null

year='sma-cross:fast=2..41:1,slow=50..250:8,interval=5m'
echo "| workers | jobs | seconds | M candle-evaluations/s | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|"
for w in 1 2; do
  /usr/bin/time -f "%M" -o "$tmp/rss" "$btk" walker --store "$tmp/store" \
    --symbol SYNUSDT --grid "$year" --workers "$w" --quiet \
    --summary-out "$tmp/s$w.json" --results-out "$tmp/r$w.jsonl"
  python3 "$(dirname "$0")/sweep_row.py" "$tmp/s$w.json" "$w" "$(cat "$tmp/rss")"
done
cmp -s "$tmp/r1.jsonl" "$tmp/r2.jsonl" && echo "results files of 1 and 2 workers: identical"

echo
echo "| jobs (2-day frame, 2 workers) | seconds | peak RSS MB | results file MB |"
echo "|---:|---:|---:|---:|"
for g in 'sma-cross:fast=2..11:1,slow=110..209:1,interval=1m' \
         'sma-cross:fast=2..101:1,slow=110..1109:1,interval=1m'; do
  /usr/bin/time -f "%M" -o "$tmp/rss" "$btk" walker --store "$tmp/store" \
    --symbol SYNUSDT --grid "$g" --workers 2 --quiet \
    --frame-start 2024-01-10T00:00:00Z --frame-end 2024-01-11T23:59:00Z \
    --summary-out "$tmp/m.json" --results-out "$tmp/m.jsonl"
  python3 - "$tmp/m.json" "$(cat "$tmp/rss")" "$(stat -c %s "$tmp/m.jsonl")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"| {d['jobs']['total']:,} | {d['timing']['seconds']:.2f} | "
      f"{int(sys.argv[2]) / 1024:.1f} | {int(sys.argv[3]) / 1e6:.1f} |")
PY
done
