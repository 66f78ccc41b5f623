#!/usr/bin/env python3
"""Live mode against `btk exchange-sim`, fault by fault:

    exchange_faults.py --btk BTK --data CANDLES --work DIR [--speed 300]

For each fault of FAULTS (and none), starts the simulator on a free
loopback port with its clock 30 minutes before the first tick, runs
`btk live --exchange binance --clock exchange` through a window, and checks
that its closed trades equal those of a replay of the same candles on a
virtual clock, byte for byte. The simulator then serves https and wss with
a certificate made here (openssl), and live mode, trusting it through
--ca-file, must give the same trades; without --ca-file, or with a
certificate for another host name, it must refuse the server. Then checks
that an unknown symbol and an unreachable server end with a clear error.
Exit status 0 when all pass.
"""
import argparse
import os
import shutil
import subprocess
import sys

FROM = "2024-04-01T01:00:00Z"
# The simulator starts 30 minutes early: warm-up (and its rate limits)
# happen before the first tick, as a user would start a live run.
SIM_FROM = "2024-04-01T00:30:00Z"
UNTIL = "2024-04-01T01:50:00Z"
STRATEGIES = ["every-n:n=4,side=alt,tp=0.6,sl=0.6,minutes=3",
              "scheduled:n=10,offset=0.02,side=alt,tp=0.6,sl=0.6,minutes=5",
              "sma-cross:fast=3,slow=8,interval=1m,tp=0.6,sl=0.6,minutes=5"]
FAULTS = ["", "drop=0.1", "429=0.4", "dup=0.3", "reorder=0.3", "garbage=0.2",
          "late=30000"]


def live(btk, out, extra):
    cmd = [btk, "live", "--symbols", "BTCUSDT", "--from", FROM, "--until", UNTIL,
           "--state", os.path.join(out, "state"),
           "--trades-out", os.path.join(out, "trades.jsonl")] + extra
    for s in STRATEGIES:
        cmd += ["--strategy", s]
    return subprocess.run(cmd, capture_output=True, text=True)


def make_cert(work, name, san):
    """A self-signed certificate and its key, for a TLS simulator."""
    cert = os.path.join(work, name + "-cert.pem")
    key = os.path.join(work, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san],
                   check=True, capture_output=True)
    return cert, key


def start_sim(btk, data, speed, faults, extra=()):
    cmd = [btk, "exchange-sim", "--data", data, "--symbol", "BTCUSDT",
           "--listen", "127.0.0.1:0", "--speed", str(speed), "--from", SIM_FROM]
    if faults:
        cmd += ["--faults", faults]
    cmd += list(extra)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on " not in line:
        p.kill()
        raise SystemExit(f"exchange-sim did not start: {line!r}")
    return p, line.split("listening on ")[1].split()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btk", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--speed", type=float, default=300)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    ref = os.path.join(args.work, "replay")
    os.makedirs(ref)
    r = live(args.btk, ref, ["--data", args.data, "--clock", "virtual", "-q"])
    if r.returncode != 0:
        print("FAIL: replay:", r.stderr)
        return 1
    with open(os.path.join(ref, "trades.jsonl"), "rb") as f:
        expected = f.read()
    if expected.count(b"\n") < 4:
        print("FAIL: the window has too few trades to compare")
        return 1
    bad = 0
    cert, key = make_cert(args.work, "localhost", "IP:127.0.0.1,DNS:localhost")
    tls = ["--tls-cert", cert, "--tls-key", key]
    # (fault, simulator flags, live flags); "tls" runs over https and wss.
    cases = [(f, [], []) for f in FAULTS] + [("tls", tls, ["--ca-file", cert])]
    for faults, sim_extra, live_extra in cases:
        out = os.path.join(args.work, faults.replace("=", "-") or "none")
        os.makedirs(out)
        sim, url = start_sim(args.btk, args.data, args.speed,
                             "" if faults == "tls" else faults, sim_extra)
        if faults == "tls" and not url.startswith("https://"):
            bad += 1
            print(f"FAIL tls: the simulator listens on {url}")
        try:
            r = live(args.btk, out, ["--exchange", "binance", "--base-url", url,
                                     "--clock", "exchange"] + live_extra)
        finally:
            sim.terminate()
            tail = sim.communicate()[0]
        name = faults or "no fault"
        path = os.path.join(out, "trades.jsonl")
        got = open(path, "rb").read() if os.path.exists(path) else b""
        warnings = r.stderr.count("btk live: ") - 1
        n_got, n_want = got.count(b"\n"), expected.count(b"\n")
        injected = int(tail.split(" candles pushed, ")[1].split()[0]) if " faults injected" in tail else -1
        connections = int(tail.split(" REST requests, ")[1].split()[0]) \
            if " REST requests, " in tail else 0
        if faults == "tls" and (connections < 1 or warnings != 0):
            # Every candle came over wss, none by a REST fallback.
            bad += 1
            print(f"FAIL tls: {connections} WebSocket connections, {warnings} warnings")
            print(r.stderr[-2000:])
            continue
        if faults and faults != "tls" and injected <= 0:
            bad += 1
            print(f"FAIL {name}: the simulator injected no fault ({tail.strip()!r})")
            continue
        if r.returncode != 0 or got != expected:
            bad += 1
            print(f"FAIL {name}: exit {r.returncode}, {n_got} trades, expected {n_want}")
            print(r.stderr[-2000:])
        else:
            print(f"ok {name}: {n_got} trades, {injected} faults injected, "
                  f"{warnings} warnings")
    # A TLS server live mode must not trust: its certificate is not in the
    # system's store, or names another host.
    other_cert, other_key = make_cert(args.work, "other.example", "DNS:other.example")
    for name, sim_tls, ca in (("untrusted certificate", tls, []),
                              ("certificate for another host",
                               ["--tls-cert", other_cert, "--tls-key", other_key],
                               ["--ca-file", other_cert])):
        sim, url = start_sim(args.btk, args.data, args.speed, "", sim_tls)
        try:
            r = subprocess.run([args.btk, "live", "--exchange", "binance",
                                "--base-url", url, "--symbols", "BTCUSDT",
                                "--strategy", STRATEGIES[0], "--clock", "exchange",
                                "--state", os.path.join(args.work, name[:9], "state")] + ca,
                               capture_output=True, text=True, timeout=60)
        finally:
            sim.terminate()
            sim.wait()
        if r.returncode != 1 or "certificate verify failed" not in r.stderr:
            bad += 1
            print(f"FAIL {name}: exit {r.returncode}: {r.stderr}")
        else:
            print(f"ok {name}:", r.stderr.strip().splitlines()[-1][:160])
    # Clear errors, no crash.
    sim, url = start_sim(args.btk, args.data, args.speed, "")
    try:
        out = os.path.join(args.work, "unknown")
        os.makedirs(out)
        r = subprocess.run([args.btk, "live", "--exchange", "binance", "--base-url", url,
                            "--symbols", "NOPEUSDT", "--strategy", STRATEGIES[0],
                            "--clock", "exchange", "--state", os.path.join(out, "state")],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 1 or "Invalid symbol" not in r.stderr:
            bad += 1
            print(f"FAIL unknown symbol: exit {r.returncode}: {r.stderr}")
        else:
            print("ok unknown symbol:", r.stderr.strip().splitlines()[-1][:160])
    finally:
        sim.terminate()
        sim.wait()
    r = subprocess.run([args.btk, "live", "--exchange", "binance",
                        "--base-url", "http://127.0.0.1:9", "--symbols", "BTCUSDT",
                        "--strategy", STRATEGIES[0], "--clock", "exchange",
                        "--state", os.path.join(args.work, "closed", "state")],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 1 or "127.0.0.1:9" not in r.stderr:
        bad += 1
        print(f"FAIL unreachable server: exit {r.returncode}: {r.stderr}")
    else:
        print("ok unreachable server:", r.stderr.strip().splitlines()[-1][:160])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
