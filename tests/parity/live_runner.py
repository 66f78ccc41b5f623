#!/usr/bin/env python3
"""Runs one golden live scenario through `btk live` (the runner contract of
../shared/parity-live/README.md):

    live_runner.py --btk BTK SCENARIO_DIR OUT_DIR   -> OUT_DIR/events.jsonl

and, with --suite DIR, runs compare.py over every scenario with this runner,
then runs every scenario again with --all-ticks and checks each instance's
counts of idle, waiting, active, scheduled, opened, closed and cancelled
ticks, and its Live.getData statistics, against the reference's
(expected-summary.json):

    live_runner.py --btk BTK --suite ../shared/parity-live
"""
import collections
import tempfile
import argparse
import json
import os
import subprocess
import sys


def command(btk, scenario_dir, out_dir):
    with open(os.path.join(scenario_dir, "scenario.json"), encoding="utf-8") as f:
        sc = json.load(f)
    cmd = [btk, "live", "--exchange", "replay",
           "--data", os.path.join(scenario_dir, sc.get("candles", "candles.csv.gz")),
           "--symbols", sc["symbol"], "--clock", "virtual",
           "--from", str(sc["start"]), "--until", str(sc["end"]),
           "--state", os.path.join(out_dir, "state"),
           "--events-out", os.path.join(out_dir, "events.jsonl"), "--quiet"]
    if sc.get("stopAt") is not None:
        cmd += ["--stop-at", str(sc["stopAt"])]
    for spec in sc["strategies"]:
        cmd += ["--strategy", spec]
    for key, value in (sc.get("config") or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        cmd += ["--set", f"{key}={value}"]
    if sc.get("unsafeConfig"):
        cmd.append("--unsafe-config")
    if sc.get("all"):
        cmd.append("--all-ticks")
    return cmd


def close(a, b):
    """compare.py's rule: equal, or within 1e-9 relative (1e-12 near 0)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None \
            or isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    m = max(abs(a), abs(b))
    return a == b or abs(a - b) <= 1e-9 * m or abs(a - b) <= 1e-12


def tick_counts(btk, scenario_dir):
    """Problems with the per-instance tick counts of an --all-ticks run and
    with its Live.getData statistics (--summary-out)."""
    with tempfile.TemporaryDirectory() as out:
        summary_out = os.path.join(out, "summary.json")
        cmd = command(btk, scenario_dir, out) + ["--all-ticks", "--summary-out", summary_out]
        if subprocess.run(cmd).returncode != 0:
            return ["btk live --all-ticks failed"]
        got = collections.defaultdict(collections.Counter)
        with open(os.path.join(out, "events.jsonl"), encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                if "action" in e:
                    got[e["strategy"]][e["action"]] += 1
        with open(summary_out, encoding="utf-8") as f:
            stats = {s["strategyName"]: s["stats"] for s in json.load(f)["strategies"]}
    with open(os.path.join(scenario_dir, "expected-summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    problems = []
    for st in summary["strategies"]:
        name = st["strategyName"]
        want = {k: v for k, v in st["counts"].items() if k != "doneLive"}
        have = dict(got[name])
        if want != have:
            problems.append(f"{name}: ticks {have}, expected {want}")
        for key, value in st["stats"].items():
            mine = stats.get(name, {}).get(key, "missing")
            if not close(value, mine):
                problems.append(f"{name}: stats.{key} = {mine!r}, expected {value!r}")
    return problems


def suite(btk, suite_dir):
    compare = os.path.join(suite_dir, "compare.py")
    runner = f"{sys.executable} {os.path.abspath(__file__)} --btk {btk}"
    rc = subprocess.run([sys.executable, compare, "--suite", suite_dir,
                         "--runner", runner, "--no-events"]).returncode
    names = sorted(n for n in os.listdir(suite_dir)
                   if os.path.isfile(os.path.join(suite_dir, n, "scenario.json")))
    for n in names:
        problems = tick_counts(btk, os.path.join(suite_dir, n))
        print(("FAIL" if problems else "ok") + f" {n} (every tick)")
        for p in problems:
            print("   ", p)
        rc = rc or (1 if problems else 0)
    return rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btk", required=True)
    ap.add_argument("--suite")
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args()
    if args.suite:
        return suite(args.btk, args.suite)
    if not args.scenario or not args.out:
        ap.error("give SCENARIO_DIR OUT_DIR, or --suite DIR")
    return subprocess.run(command(args.btk, args.scenario, args.out)).returncode


if __name__ == "__main__":
    sys.exit(main())
