#!/usr/bin/env python3
"""Kills `btk live` with SIGKILL at random moments and checks that nothing is
lost or repeated:

    crash_kill.py --btk BTK --work DIR [--kills 25] [--days 12] [--seed 1]
                  [--trades-only] [--risk SPEC]

1. makes synthetic candles (`btk data synth`) and runs a replay on a virtual
   clock once, uninterrupted, with every tick published (--all-ticks; with
   --trades-only only trades, so most minutes write no state and restarts
   derive it) and a graceful stop near the end; with --risk, the three
   strategies share that risk profile, so a restart must rebuild its book
   of open positions to make the same decisions;
2. runs the same command on a fresh state folder, killing the process
   (SIGKILL) at a random moment after it starts, `--kills` times, then lets
   the last restart finish;
3. the events file, the trades file and `btk live status` of the killed
   runs must equal the uninterrupted run's byte for byte, and no event id may
   appear twice.

Exit status 0 when they do. Prints how many kills hit a running process.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time


ALL_TICKS = True
RISK = None


def live_command(btk, data, state, out, stop_at, until=None):
    extra = ["--until", until] if until else []
    if ALL_TICKS:
        extra.append("--all-ticks")
    if RISK:
        extra += ["--risk", RISK]
    return [btk, "live", "--exchange", "replay", "--data", data] + extra + [
            "--symbols", "CRASHUSDT", "--clock", "virtual",
            "--from", "2024-01-01T02:00:00Z", "--stop-at", stop_at,
            "--strategy", "every-n:n=45,side=alt,tp=1,sl=0.8,minutes=120",
            "--strategy", "scheduled:n=60,offset=0.3,side=alt,tp=1,sl=1,minutes=90",
            "--strategy", "sma-cross:fast=5,slow=20,interval=5m,tp=1,sl=0.8,minutes=180",
            "--state", state,
            "--events-out", os.path.join(out, "events.jsonl"),
            "--trades-out", os.path.join(out, "trades.jsonl"), "--quiet"]


def status(btk, state):
    r = subprocess.run([btk, "live", "status", "--state", state],
                       capture_output=True, text=True, check=True)
    # The first line names the folder.
    return r.stdout.split("\n", 1)[1]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btk", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--kills", type=int, default=25)
    ap.add_argument("--days", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--trades-only", action="store_true",
                    help="publish only scheduled/opened/closed/cancelled: most "
                         "minutes then write no state, and a restart derives it")
    ap.add_argument("--risk", help="a risk profile the strategies share")
    args = ap.parse_args()
    global ALL_TICKS, RISK
    ALL_TICKS = not args.trades_only
    RISK = args.risk
    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    data = os.path.join(args.work, "CRASHUSDT-1m.csv.gz")
    subprocess.run([args.btk, "data", "synth", "--out", data, "--seed", "7",
                    "--days", str(args.days), "--start", "2024-01-01",
                    "--price", "100", "--vol", "1.2", "--decimals", "3"],
                   check=True, capture_output=True)
    stop_at = f"2024-01-{args.days - 1:02d}T12:00:00Z" if args.days <= 29 else "2024-01-29T12:00:00Z"

    ref = os.path.join(args.work, "ref")
    os.makedirs(ref)
    t0 = time.monotonic()
    subprocess.run(live_command(args.btk, data, os.path.join(ref, "state"), ref, stop_at),
                   check=True)
    duration = time.monotonic() - t0
    # What a start costs before the first minute (loading the candles,
    # opening RocksDB): a run with no minute to run.
    empty = os.path.join(args.work, "empty")
    os.makedirs(empty)
    t0 = time.monotonic()
    subprocess.run(live_command(args.btk, data, os.path.join(empty, "state"), empty,
                                stop_at, until="2024-01-01T02:00:00Z"), check=True)
    startup = time.monotonic() - t0
    work = max(duration - startup, 0.1)

    def check(run):
        problems = []
        for name in ("events.jsonl", "trades.jsonl"):
            a = read(os.path.join(ref, name))
            b = read(os.path.join(run, name))
            if a != b:
                la, lb = a.splitlines(), b.splitlines()
                first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y),
                             min(len(la), len(lb)))
                problems.append(f"{name}: {len(lb)} lines, expected {len(la)}; "
                                f"first difference at line {first + 1}")
        ids = [json.loads(line)["id"]
               for line in read(os.path.join(run, "events.jsonl")).splitlines()]
        if len(ids) != len(set(ids)):
            problems.append(f"events.jsonl: {len(ids) - len(set(ids))} repeated ids")
        if status(args.btk, os.path.join(ref, "state")) != \
                status(args.btk, os.path.join(run, "state")):
            problems.append("btk live status differs from the uninterrupted run's")
        return problems, len(ids)

    # Each process lives for a random time up to its start-up plus a slice
    # of the work (kills also land while it opens the state and recovers).
    # When a run finishes before all the kills are spent (a slow machine,
    # a sanitizer build), it is checked like any other and the next one
    # starts on a new state with the kills left.
    total = 0
    starts = 0
    attempts = 0
    problems = []
    events = 0
    while total < args.kills and not problems:
        attempts += 1
        run = os.path.join(args.work, f"killed-{attempts}")
        os.makedirs(run)
        cmd = live_command(args.btk, data, os.path.join(run, "state"), run, stop_at)
        kills = 0
        finished = False
        while total + kills < args.kills:
            starts += 1
            if starts > 8 * args.kills:
                print(f"FAIL: only {total + kills} of {args.kills} kills hit a "
                      "running process")
                return 1
            p = subprocess.Popen(cmd)
            time.sleep(rng.uniform(0.0, startup + work / args.kills))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
                kills += 1
            elif p.returncode != 0:
                print(f"FAIL: a restart exited with {p.returncode}")
                return 1
            else:
                finished = True
                break
        if not finished:
            subprocess.run(cmd, check=True)
        problems, events = check(run)
        total += kills
    for p in problems:
        print("FAIL:", p)
    print(f"{total} kills over {starts} starts in {attempts} run(s); {events} events; "
          f"uninterrupted run {duration:.2f} s, of which start-up {startup:.2f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
