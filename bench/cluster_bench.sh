#!/usr/bin/env bash
# Distributed sweeps on this machine: the same sweep in one process (2
# workers), on one `btk node` with 2 workers, and on two nodes with one
# worker each, all on loopback; then the coordinator's capacity with many
# in-process fake nodes. Prints Markdown for bench/README.md.
#   bench/cluster_bench.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
btk="$build/bin/btk"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
"$btk" data synth --out "$tmp/y.csv" --days 365 --seed 5 >/dev/null
openssl rand -hex 32 > "$tmp/secret" && chmod 600 "$tmp/secret"
start_node() { # workers name
  "$btk" node --listen 127.0.0.1:0 --workers "$1" --secret-file "$tmp/secret" \
    > "$tmp/$2.out" 2> "$tmp/$2.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$tmp/$2.out" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/.*listening on \([^ ]*\) with.*/\1/p' "$tmp/$2.out"
}
one=$(start_node 2 one)
a=$(start_node 1 a)
b=$(start_node 1 b)
grid="sma-cross:fast=5..50:1,slow=20..200:10,interval=5m"
run() { # label, extra args...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$btk" walker --data "$tmp/y.csv" --symbol BTCUSDT --grid "$grid" --where "fast<slow" \
    --quiet --results-out "$tmp/$label.jsonl" --summary-out "$tmp/$label.json" "$@"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
declare -A best
for rep in 1 2 3; do
  for cfg in local one two; do
    case $cfg in
      local) s=$(run local --workers 2) ;;
      one) s=$(run one --nodes "$one" --secret-file "$tmp/secret") ;;
      two) s=$(run two --nodes "$a,$b" --secret-file "$tmp/secret") ;;
    esac
    if [[ -z "${best[$cfg]:-}" ]] || (( $(echo "$s < ${best[$cfg]}" | bc) )); then best[$cfg]=$s; fi
  done
done
cmp "$tmp/local.jsonl" "$tmp/one.jsonl" && cmp "$tmp/local.jsonl" "$tmp/two.jsonl"
jobs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['jobs']['total'])" "$tmp/local.json")
echo "One-year synthetic series, grid $grid with fast<slow: $jobs jobs; best of 3, results files identical."
echo
echo "| where | wall s | jobs/s | vs one process |"
echo "|---|---:|---:|---:|"
for cfg in local one two; do
  case $cfg in local) label="one process, 2 workers";; one) label="one node, 2 workers";; two) label="two nodes, 1 worker each";; esac
  python3 -c "
import sys
s, l, j = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f'| $label | {s:.2f} | {j/s:.0f} | {100*(s/l-1):+.1f} % |')" "${best[$cfg]}" "${best[local]}" "$jobs"
done
echo
echo "Coordinator capacity (in-process fake nodes answering at once; see bench/coordinator_bench.cpp):"
echo
echo "| nodes | jobs per lease | jobs | leased and reduced |"
echo "|---|---:|---:|---:|"
"$build/bench/coordinator_bench" 100 50000 "$tmp"
