#!/usr/bin/env bash
# A live fleet on three `btk node`s (loopback), replaying 30 synthetic days
# of two symbols x two strategies on a virtual clock: events per second
# through the coordinator, against one process; then the same with one node
# SIGKILLed part way: the failover time. Prints Markdown for bench/README.md.
#   bench/fleet_bench.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
btk="$build/bin/btk"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
for s in 1 2; do
  "$btk" data synth --out "$tmp/s$s.csv" --days 30 --seed $s >/dev/null
  "$btk" data import "$tmp/s$s.csv" --symbol "SYM$s" --store "$tmp/store" >/dev/null
done
openssl rand -hex 32 > "$tmp/secret" && chmod 600 "$tmp/secret"
start_nodes() { # prefix; sets $nodes
  local addrs=()
  for n in 1 2 3; do
    "$btk" node --listen 127.0.0.1:0 --workers 1 --secret-file "$tmp/secret" \
      --state "$tmp/$1-node$n" > "$tmp/$1-n$n.out" 2> "$tmp/$1-n$n.err" &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$tmp/$1-n$n.out" 2>/dev/null && break; sleep 0.05; done
    addrs+=("$(sed -n 's/.*listening on \([^ ]*\) with.*/\1/p' "$tmp/$1-n$n.out")")
  done
  nodes=$(IFS=,; echo "${addrs[*]}")
}
args=(live --store "$tmp/store" --symbols SYM1,SYM2
      --strategy "every-n:n=30,side=alt,tp=0.6,sl=0.6,minutes=20"
      --strategy "sma-cross:fast=5,slow=20,interval=5m"
      --clock virtual --from 2024-01-02T00:00:00Z)
t() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
one=$(t "$btk" "${args[@]}" --state "$tmp/single" --events-out "$tmp/single.jsonl" -q)
events=$(wc -l < "$tmp/single.jsonl")
start_nodes a
fleet=$(t "$btk" "${args[@]}" --nodes "$nodes" --secret-file "$tmp/secret" --state "$tmp/coord-a" \
  --events-out "$tmp/fleet.jsonl" -q)
start_nodes b
"$btk" "${args[@]}" --nodes "$nodes" --secret-file "$tmp/secret" --state "$tmp/coord-b" \
  --events-out "$tmp/killed.jsonl" 2> "$tmp/killed.err" &
live=$!
sleep "$(echo "$fleet * 0.4" | bc)"
# A node that owns instances (each owns some: 4 instances, 3 nodes).
for n in 1 2 3; do
  if grep -q "runs live instance" "$tmp/b-n$n.err"; then
    kill -9 "${pids[$((n + 2))]}"
    break
  fi
done
wait "$live"
sort "$tmp/single.jsonl" > "$tmp/a"; sort "$tmp/fleet.jsonl" > "$tmp/b"; sort "$tmp/killed.jsonl" > "$tmp/c"
cmp "$tmp/a" "$tmp/b" && cmp "$tmp/a" "$tmp/c"
echo "Two synthetic symbols x two strategies, 30 days on a virtual clock: $events events; the"
echo "fleet's events equal the single process's (compared sorted), with and without the kill."
echo
echo "| run | wall s | events/s |"
echo "|---|---:|---:|"
python3 -c "
import sys
e = int(sys.argv[3])
for label, s in (('one process', float(sys.argv[1])), ('fleet, 3 nodes', float(sys.argv[2]))):
    print(f'| {label} | {s:.2f} | {e/s:.0f} |')" "$one" "$fleet" "$events"
echo
echo "With one node SIGKILLed part way:"
grep -E "resumed on|fleet on" "$tmp/killed.err" | sed 's/^/    /'
