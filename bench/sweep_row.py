"""Prints a sweep's Markdown table row from its --summary-out file.

    python3 bench/sweep_row.py SUMMARY LABEL [PEAK_RSS_KB]

Columns: label, jobs, seconds, M candle-evaluations/s, and peak RSS MB when given.
"""
import json
import sys

d = json.load(open(sys.argv[1]))
t = d["timing"]
cells = [sys.argv[2], str(d["jobs"]["total"]), f"{t['seconds']:.2f}",
         f"{t['candle_evaluations_per_second'] / 1e6:.1f}"]
if len(sys.argv) > 3:
    cells.append(f"{int(sys.argv[3]) / 1024:.1f}")
print("| " + " | ".join(cells) + " |")
