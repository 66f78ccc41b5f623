#!/usr/bin/env python3
"""Cold one-shot runs of two btk builds, alternating, on the same data.

    bench/cold_ab.py BEFORE_BTK AFTER_BTK [ROUNDS]

One year of synthetic candles as plain CSV, gzip CSV and a candle store, and
30 days as plain CSV; each round runs every case with both binaries in turn,
so the machine's drift falls on both. Prints medians and before/after ratios
of `timing.load_ms` and `timing.engine_ms`, and the wall time of the 30-day
run end to end. Both binaries must write the same trades (checked).
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main():
    before, after = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    bins = {"before": before, "after": after}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run = lambda *a: subprocess.run([after, *a], check=True, capture_output=True)
        run("data", "synth", "--out", str(tmp / "Y.csv"), "--days", "365", "--seed", "5")
        subprocess.run(["gzip", "-k", str(tmp / "Y.csv")], check=True)
        run("data", "import", str(tmp / "Y.csv"), "--symbol", "SYNUSDT",
            "--store", str(tmp / "store"))
        run("data", "synth", "--out", str(tmp / "M.csv"), "--days", "30", "--seed", "11")
        cases = {"plain CSV (30 MB)": ["--data", str(tmp / "Y.csv")],
                 "gzip CSV": ["--data", str(tmp / "Y.csv.gz")],
                 "candle store": ["--store", str(tmp / "store"), "--symbol", "SYNUSDT"]}
        timing = {(b, c): [] for b in bins for c in cases}
        walls = {b: [] for b in bins}
        trades = {}
        for _ in range(rounds):
            for c, args in cases.items():
                for b, exe in bins.items():
                    out = tmp / f"t-{b}.jsonl"
                    subprocess.run([exe, "backtest", "--quiet", *args, "--strategy",
                                    "sma-cross:fast=10,slow=30,interval=5m",
                                    "--report-dir", str(tmp / "rep"),
                                    "--summary-out", str(tmp / "s.json"),
                                    "--trades-out", str(out)], check=True)
                    t = json.loads((tmp / "s.json").read_text())["timing"]
                    timing[(b, c)].append((t["load_ms"], t["engine_ms"]))
                    trades[b] = out.read_bytes()
                if trades["before"] != trades["after"]:
                    sys.exit(f"{c}: the two builds wrote different trades")
            for b, exe in bins.items():
                t0 = time.perf_counter()
                subprocess.run([exe, "backtest", "--quiet", "--data", str(tmp / "M.csv"),
                                "--strategy", "sma-cross", "--report-dir", str(tmp / "rep"),
                                "--summary-out", str(tmp / "m.json")], check=True)
                walls[b].append(time.perf_counter() - t0)
    med = lambda b, c, k: statistics.median(x[k] for x in timing[(b, c)])
    print(f"| one year, sma-cross 5m, median of {rounds}, alternating | load ms before "
          "| load ms after | ratio | engine ms before | engine ms after |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in cases:
        lb, la = med("before", c, 0), med("after", c, 0)
        print(f"| {c} | {lb:.1f} | {la:.1f} | {lb / la:.2f}x | "
              f"{med('before', c, 1):.2f} | {med('after', c, 1):.2f} |")
    wb, wa = statistics.median(walls["before"]), statistics.median(walls["after"])
    print(f"| 30-day CSV end to end (wall ms) | {wb * 1000:.1f} | {wa * 1000:.1f} "
          f"| {wb / wa:.2f}x | | |")


if __name__ == "__main__":
    main()
