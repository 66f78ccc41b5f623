#!/usr/bin/env python3
"""Runs one golden live scenario through `btk live` (the runner contract of
../shared/parity-live/README.md):

    live_runner.py --btk BTK SCENARIO_DIR OUT_DIR   -> OUT_DIR/events.jsonl

and, with --suite DIR, runs compare.py over every scenario with this runner:

    live_runner.py --btk BTK --suite ../shared/parity-live
"""
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btk", required=True)
    ap.add_argument("--suite")
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args()
    if args.suite:
        compare = os.path.join(args.suite, "compare.py")
        runner = f"{sys.executable} {os.path.abspath(__file__)} --btk {args.btk}"
        return subprocess.run([sys.executable, compare, "--suite", args.suite,
                               "--runner", runner, "--no-events"]).returncode
    if not args.scenario or not args.out:
        ap.error("give SCENARIO_DIR OUT_DIR, or --suite DIR")
    return subprocess.run(command(args.btk, args.scenario, args.out)).returncode


if __name__ == "__main__":
    sys.exit(main())
