#!/usr/bin/env bash
# Runs every libFuzzer target of a BTK_FUZZ build (`./run.sh fuzz`) over its
# corpus in tests/fuzz/corpus, one after another.
#
#   tests/fuzz/run.sh BUILD_DIR --seconds N   each target for N seconds (CI)
#   tests/fuzz/run.sh BUILD_DIR --runs N      each target for N executions
#                                             (bench: 10,000,000)
#   ... [TARGET...]                           only these targets
#
# The repository's corpus is read, never written: new inputs go to
# BUILD_DIR/fuzz-work/NAME. A failure stops the run naming the saved input
# (BUILD_DIR/fuzz-work/crash-NAME-*); fix it and keep the input in
# tests/fuzz/crashes/NAME/, where every build replays it as a test.
# Prints one line per target: executions, seconds, executions per second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR --seconds N|--runs N [TARGET...]}
mode=${2:?usage: run.sh BUILD_DIR --seconds N|--runs N [TARGET...]}
amount=${3:?usage: run.sh BUILD_DIR --seconds N|--runs N [TARGET...]}
shift 3
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(candle_reader strategy_spec grid_where values store_records
           sweep_records binance_json http_request)
fi
case "$mode" in
  --seconds) limit=(-max_total_time="$amount") ;;
  --runs) limit=(-runs="$amount") ;;
  *) echo "run.sh: $mode: expected --seconds or --runs" >&2; exit 2 ;;
esac

work="$build/fuzz-work"
mkdir -p "$work"
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "run.sh: $bin is not built (./run.sh fuzz builds it)" >&2; exit 2; }
  mkdir -p "$work/$t"
  # Candle files need room for many rows; the other inputs are short texts.
  max_len=4096
  [ "$t" = candle_reader ] && max_len=65536
  log="$work/$t.log"
  start=$(date +%s.%N)
  if ! "$bin" "${limit[@]}" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/crash-$t-" \
      "$work/$t" "$here/corpus/$t" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "run.sh: fuzz_$t failed; its input is saved as $(ls "$work"/crash-"$t"-* 2>/dev/null | head -1)" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  python3 -c "import sys; r,s=int(sys.argv[2]),float(sys.argv[3])-float(sys.argv[4]); print(f'{sys.argv[1]:<14} {r:>11,} runs {s:8.1f} s {r/s:>10,.0f} /s')" \
    "$t" "${runs:-0}" "$end" "$start"
done
