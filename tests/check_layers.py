#!/usr/bin/env python3
"""Checks the one-way layering of DEVELOPERS.md on every #include.

core/ may include only the C++ standard library and core/; strategies/ only
core/ and strategies/. In particular core/ never sees CAF, RocksDB, Beast,
Cap'n Proto, fmt or a JSON library, and does no I/O.
Prints one line per violation and a closing 'N passed, N failed' line.
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
allowed = {"core": ("core/",), "strategies": ("core/", "strategies/")}
# Standard headers only (no .h/.hpp extension), minus those for I/O and clocks.
io_headers = {"iostream", "fstream", "filesystem", "chrono", "thread", "ctime"}  # cstdio: snprintf only
include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
bad, checked = [], 0
for layer, prefixes in allowed.items():
    for dirpath, _, files in os.walk(os.path.join(root, layer)):
        for name in sorted(files):
            if not name.endswith((".hpp", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                m = include.match(line)
                if not m:
                    continue
                checked += 1
                kind, header = m.groups()
                if kind == '"':
                    ok = header.startswith(prefixes)
                else:
                    ok = "." not in header and "/" not in header and not (
                        layer == "core" and header in io_headers)
                if not ok:
                    bad.append(f"{os.path.relpath(path, root)}:{n}: {layer}/ may not include {header}")
for line in bad:
    print(line)
print(f"{checked - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad else 0)
