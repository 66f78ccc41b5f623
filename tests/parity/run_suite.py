#!/usr/bin/env python3
"""Runs the golden parity suite (shared/parity) through the real `btk` CLI.

    run_suite.py --btk PATH/TO/btk --suite SUITE_DIR [--jobs N]
        Runs compare.py over every scenario of the suite, with this script
        as the runner.

    run_suite.py --btk PATH/TO/btk --run SCENARIO_DIR OUT_DIR
        The runner compare.py calls: turns SCENARIO_DIR/scenario.json into a
        `btk backtest` (or, for walker scenarios, `btk walker --metric M`)
        command writing OUT_DIR/trades.jsonl and OUT_DIR/summary.json.
"""

import json
import os
import subprocess
import sys


def fmt_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v)


def backtest_command(btk, scenario_dir, out_dir):
    with open(os.path.join(scenario_dir, "scenario.json"), encoding="utf-8") as f:
        sc = json.load(f)
    walker = sc.get("mode") == "walker"
    cmd = [btk, "walker" if walker else "backtest", "--quiet",
           "--data", os.path.join(scenario_dir, sc.get("candles", "candles.csv.gz")),
           "--symbol", sc["symbol"],
           "--frame-start", str(sc["frameStart"]),
           "--frame-end", str(sc["frameEnd"]),
           "--frame-interval", sc.get("frameInterval", "1m"),
           "--trades-out", os.path.join(out_dir, "trades.jsonl"),
           "--summary-out", os.path.join(out_dir, "summary.json"),
           "--report-dir", os.path.join(out_dir, "reports")]
    for spec in sc["strategies"]:
        cmd += ["--strategy", spec]
    for key, value in (sc.get("config") or {}).items():
        cmd += ["--set", f"{key}={fmt_value(value)}"]
    if sc.get("unsafeConfig"):
        cmd.append("--unsafe-config")
    if walker:
        cmd += ["--metric", sc.get("metric") or "sharpeRatio"]
    return cmd


def main(argv):
    args = argv[1:]
    opts = {}
    rest = []
    i = 0
    while i < len(args):
        if args[i] in ("--btk", "--suite", "--jobs"):
            opts[args[i]] = args[i + 1]
            i += 2
        elif args[i] == "--run":
            opts["--run"] = True
            i += 1
        else:
            rest.append(args[i])
            i += 1
    btk = os.path.abspath(opts["--btk"])
    if opts.get("--run"):
        scenario_dir, out_dir = rest
        return subprocess.call(backtest_command(btk, scenario_dir, out_dir))

    suite = os.path.abspath(opts["--suite"])
    with open(os.path.join(suite, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    names = [entry.get("dir") or entry["name"] for entry in manifest["scenarios"]]
    runner = f"{sys.executable} {os.path.abspath(__file__)} --btk {btk} --run"
    cmd = [sys.executable, os.path.join(suite, "compare.py"), "--suite", suite,
           "--runner", runner, "--only", ",".join(names),
           "--jobs", opts.get("--jobs", "2")]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
