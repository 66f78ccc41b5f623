#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium, driven by Selenium,
opens `btk live --serve` on a replay and checks what a trader would look at.

    dashboard_browser.py --btk BIN --setup SCRIPT --work DIR [--shot PNG]

1. Installs Debian's chromium, chromium-driver and python3-selenium when
   missing (through the project's scripts/setup.sh), and runs itself again
   under Debian's python3 when this interpreter cannot import selenium.
2. Writes synthetic candles into a store and starts `btk live` on them with
   a fast clock and `--serve 127.0.0.1:0`.
3. Opens the dashboard and waits until the positions table has the live
   instances and then changes (the session moves on), the equity and
   drawdown curves are drawn from closed trades, and the candlestick chart
   shows candles and trade markers; the event log shows events.
4. Saves a screenshot (`--shot`), stops btk with SIGINT and checks it exits 0.
Exits non-zero naming the first thing that was not there.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PACKAGES = ["chromium", "chromium-driver", "python3-selenium"]


def ensure_browser(setup):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        subprocess.run([setup] + PACKAGES, check=True)
    try:
        import selenium  # noqa: F401
    except ImportError:
        subprocess.run([setup] + PACKAGES, check=True)
        debian = "/usr/bin/python3"
        if os.path.realpath(sys.executable) != os.path.realpath(debian):
            # Debian's selenium lives in Debian's python.
            os.execv(debian, [debian] + sys.argv)
        raise


def fail(msg, proc=None, work=None):
    print("dashboard_browser: " + msg, file=sys.stderr)
    if work:
        for name in ("out", "err"):
            path = os.path.join(work, name)
            if os.path.exists(path):
                print(f"--- btk {name}:\n" + open(path).read(), file=sys.stderr)
    if proc and proc.poll() is None:
        proc.kill()
    sys.exit(1)


def start_live(btk, work):
    store = os.path.join(work, "store")
    csv = os.path.join(work, "demo.csv")
    subprocess.run([btk, "data", "synth", "--out", csv, "--days", "20",
                    "--seed", "11", "--price", "42000"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([btk, "data", "import", csv, "--symbol", "DEMOUSDT",
                    "--store", store], check=True, stdout=subprocess.DEVNULL)
    out = open(os.path.join(work, "out"), "w")
    err = open(os.path.join(work, "err"), "w")
    proc = subprocess.Popen(
        [btk, "live", "--store", store, "--symbols", "DEMOUSDT",
         "--strategy", "sma-cross:fast=10,slow=30,interval=15m,tp=1,sl=1",
         "--strategy", "rsi-reversion:period=14,interval=15m",
         "--clock", "x3000", "--from", "2024-01-03T00:00:00Z",
         "--state", os.path.join(work, "state"), "--token-file",
         os.path.join(work, "token"), "--serve", "127.0.0.1:0", "-q"],
        stdout=out, stderr=err)
    for _ in range(200):
        text = open(os.path.join(work, "out")).read()
        m = re.search(r"serving (http://[0-9.:]+)/", text)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            fail("btk live ended before serving", proc, work)
        time.sleep(0.05)
    fail("btk live did not say where it serves", proc, work)


def browser(work):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for flag in ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-quic", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 "--user-data-dir=" + os.path.join(work, "chromium")]:
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")),
                            options=opts)


def wait_for(what, check, seconds, proc, work):
    end = time.time() + seconds
    while time.time() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    fail(f"{what}: not seen within {seconds} s", proc, work)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btk", required=True)
    ap.add_argument("--setup", required=True)
    ap.add_argument("--work", default=None)
    ap.add_argument("--shot", default=None)
    ap.add_argument("--settle", type=float, default=0,
                    help="seconds to let the session trade before the shot")
    a = ap.parse_args()
    ensure_browser(a.setup)
    work = a.work or tempfile.mkdtemp(prefix="btk_dashboard_")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    proc, url = start_live(a.btk, work)
    driver = browser(work)
    try:
        from selenium.webdriver.common.by import By
        driver.get(url + "/")
        rows = lambda: driver.find_elements(By.CSS_SELECTOR, "#instances tbody tr")
        wait_for("two rows in the positions table", lambda: len(rows()) == 2,
                 20, proc, work)
        first = driver.find_element(By.ID, "instances").text + \
            driver.find_element(By.ID, "runs").text
        wait_for("the positions and runs tables updating",
                 lambda: driver.find_element(By.ID, "instances").text +
                 driver.find_element(By.ID, "runs").text != first,
                 20, proc, work)
        names = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows()]
        if sorted(names) != ["rsi-reversion#2", "sma-cross#1"]:
            fail(f"the positions table names {names}", proc, work)
        wait_for("the equity curve",
                 lambda: driver.find_elements(By.CSS_SELECTOR,
                                              "#equity path.series"),
                 60, proc, work)
        wait_for("the drawdown curve",
                 lambda: driver.find_elements(By.CSS_SELECTOR,
                                              "#drawdown path.series"),
                 10, proc, work)
        wait_for("candles with trade markers",
                 lambda: len(driver.find_elements(By.CSS_SELECTOR,
                                                  "#candles rect.candle")) > 10
                 and driver.find_elements(By.CSS_SELECTOR, "#candles circle"),
                 30, proc, work)
        wait_for("events in the log",
                 lambda: "signals" in driver.find_element(By.ID, "log").text,
                 20, proc, work)
        d = driver.find_element(By.CSS_SELECTOR, "#equity path.series") \
            .get_attribute("d")
        if d.count("L") < 1:
            fail("the equity curve has a single point: " + d, proc, work)
        time.sleep(a.settle)
        if a.shot:
            os.makedirs(os.path.dirname(os.path.abspath(a.shot)), exist_ok=True)
            driver.save_screenshot(a.shot)
    finally:
        driver.quit()
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        fail("btk live did not stop on SIGINT", proc, work)
    if rc != 0:
        fail(f"btk live exited {rc}", None, work)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    print("dashboard_browser: positions updating, curves and candles drawn" +
          (f"; screenshot {a.shot}" if a.shot else ""))


if __name__ == "__main__":
    main()
