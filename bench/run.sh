#!/usr/bin/env bash
# Runs the benchmarks; prints Markdown tables for bench/README.md.
#   bench/run.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=${BTK_SHARED:-../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "## Engine loop (one core, data in memory)"
"$build/bench/engine_bench" "$shared"

echo
echo "## Candle store: parse a CSV vs reload from the store (one core, warm page cache)"
"$build/bench/store_bench" "$shared"

echo
echo "## Actor runtime overhead: 7 symbols x 20 strategies, plain loops vs engine (1 and 2 threads)"
"$build/bench/runtime_bench" "$shared"

echo
echo "## End to end: btk backtest on a 30-day CSV (sma-cross, report written)"
"$build/bin/btk" data synth --out "$tmp/BTCUSDT-30d.csv" --days 30 --seed 11 >/dev/null
python3 - "$build/bin/btk" "$tmp" <<'PY'
import statistics, subprocess, sys, time
btk, tmp = sys.argv[1], sys.argv[2]
cmd = [btk, "backtest", "--quiet", "--data", f"{tmp}/BTCUSDT-30d.csv", "--strategy",
       "sma-cross", "--report-dir", f"{tmp}/reports", "--summary-out", f"{tmp}/s.json"]
walls = []
for _ in range(5):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    walls.append(time.perf_counter() - t0)
print(f"wall time, median of 5: {statistics.median(walls):.3f} s (min {min(walls):.3f} s)")
PY
python3 - "$tmp/s.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timing"]
print(f"last run: load {t['load_ms']:.1f} ms, engine {t['engine_ms']:.2f} ms")
PY

echo
echo "## End to end: the same run with btk backtest --store (candles imported once)"
"$build/bin/btk" data import "$tmp/BTCUSDT-30d.csv" --symbol BTCUSDT --store "$tmp/store" >/dev/null
python3 - "$build/bin/btk" "$tmp" <<'PY'
import statistics, subprocess, sys, time
btk, tmp = sys.argv[1], sys.argv[2]
cmd = [btk, "backtest", "--quiet", "--store", f"{tmp}/store", "--symbol", "BTCUSDT",
       "--strategy", "sma-cross", "--report-dir", f"{tmp}/reports",
       "--summary-out", f"{tmp}/s-store.json"]
walls = []
for _ in range(5):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    walls.append(time.perf_counter() - t0)
print(f"wall time, median of 5: {statistics.median(walls):.3f} s (min {min(walls):.3f} s)")
PY
python3 - "$tmp/s-store.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timing"]
print(f"last run: load {t['load_ms']:.1f} ms, engine {t['engine_ms']:.2f} ms")
PY

echo
echo "## Parameter sweeps (btk walker --grid)"
"$(dirname "$0")/sweep_bench.sh" "$build"

echo
echo "## Cluster: sweeps over btk nodes on loopback, and the coordinator's capacity"
"$(dirname "$0")/cluster_bench.sh" "$build"
echo
echo "## Live fleet: three btk nodes on loopback"
"$(dirname "$0")/fleet_bench.sh" "$build"

echo
echo "## Live mode at scale: 500 symbols x 20 strategies on a virtual clock"
"$build/bench/live_bench" 500 1440 "$tmp/live-state"
echo "(with every instance's Live.getData book kept)"
LB_REPORTS=1 "$build/bench/live_bench" 500 1440 "$tmp/live-state" | tail -4
echo "(every instance under one risk profile)"
LB_RISK=book:max_positions=3000,max_per_symbol=4 "$build/bench/live_bench" 500 1440 "$tmp/live-state"

echo
echo "## Speed where users feel it: cold runs, loading, sweeps that share indicators"
"$build/bench/memory_bench"

echo
echo "## The llm strategy over a year: fake model server, then the warm answer cache"
"$build/bench/llm_bench" 365
bench/speed_bench.sh "$build"

echo
echo "## btk serve under load: 10,000 live instances, 200 WebSocket clients"
"$build/bench/server_load_bench" 500 1440 200 2 all
"$build/bench/server_load_bench" 500 1440 200 6 symbol

echo
echo "## Live mode crash safety: 200 SIGKILLs, restart on the same state"
python3 tests/live/crash_kill.py --btk "$build/bin/btk" --work "$tmp/crash" --kills 200 --days 28 --seed 2
python3 tests/live/crash_kill.py --btk "$build/bin/btk" --work "$tmp/crash-trades" --kills 200 --days 28 --seed 4 --trades-only
python3 tests/live/crash_kill.py --btk "$build/bin/btk" --work "$tmp/crash-risk" --kills 200 --days 28 --seed 6 --trades-only --risk cap:max_positions=1

echo
echo "## Fuzzing: 10 M executions of every libFuzzer target (ASan + UBSan)"
./run.sh fuzz --runs 10000000
