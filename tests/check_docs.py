#!/usr/bin/env python3
"""Checks that every file the docs and build files cite exists.

    check_docs.py SOURCE_ROOT

Looks in README.md, docs/*.md, bench/README.md, every CMakeLists.txt and
tests/*.py for names ending in `.md` and finds each in the repository (from
its root, docs/ or the citing file's folder) or in ../shared (the spec, the
parity suites), where the project's own documents point; and, in the
Markdown files, for paths of the repository's own sources
(`core/engine/config.hpp`, `tests/check_layers.py`, ...), which must exist
from the root, as must those the sources' comments cite. Prints one line per citation that leads nowhere and a
closing count.
"""
import glob
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
shared = os.path.join(root, "..", "shared")
bases = [root, os.path.join(root, "docs"), shared, os.path.join(shared, "spec"), os.path.join(shared, "parity"),
         os.path.join(shared, "parity-live")]
files = [os.path.join(root, "README.md"), os.path.join(root, "bench", "README.md")]
files += glob.glob(os.path.join(root, "docs", "*.md"))
files += glob.glob(os.path.join(root, "tests", "*.py"))
for dirpath, dirs, names in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
    if "CMakeLists.txt" in names:
        files.append(os.path.join(dirpath, "CMakeLists.txt"))

# A cited name: letters, digits, `_`, `-`, `.` and `/`, ending in `.md`, not
# a pattern such as `{strategy}.md`.
cite = re.compile(r"(?<![\w{}/.-])((?:\.\./)*[A-Za-z][\w./-]*\.md)\b")
# A cited source path: a top-level source folder, then a file with a source
# ending (patterns such as `{strategy}.md` or `*.cpp` are not citations).
source = re.compile(r"(?<![\w/.*{-])((?:core|strategies|messages|actors|runtime|tests|bench|"
                    r"examples|cmake|scripts)/[\w./-]*\.(?:hpp|cpp|py|sh|capnp|cmake|in))\b")
bad, checked = [], 0
for path in files:
    if not os.path.exists(path):
        continue
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        for m in cite.finditer(line):
            name = m.group(1)
            checked += 1
            where = [os.path.dirname(path)] + bases
            if not any(os.path.exists(os.path.join(b, name)) for b in where):
                bad.append(f"{os.path.relpath(path, root)}:{n}: cites {name}, which is nowhere")
        if not path.endswith(".md"):
            continue
        for m in source.finditer(line):
            name = m.group(1)
            checked += 1
            if not os.path.exists(os.path.join(root, name)):
                bad.append(f"{os.path.relpath(path, root)}:{n}: cites {name}, which is not in the repository")
# Source paths cited in the sources' own comments must exist too.
for folder in ("core", "strategies", "messages", "actors", "runtime", "tests",
               "examples", "bench"):
    for dirpath, _, names in os.walk(os.path.join(root, folder)):
        for name in sorted(names):
            if not name.endswith((".hpp", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                at = line.find("//")
                if at < 0:
                    continue
                for m in source.finditer(line[at:]):
                    checked += 1
                    if not os.path.exists(os.path.join(root, m.group(1))):
                        bad.append(f"{os.path.relpath(path, root)}:{n}: cites "
                                   f"{m.group(1)}, which is not in the repository")
for line in bad:
    print(line)
print(f"{checked} citations checked, {len(bad)} lead nowhere")
sys.exit(1 if bad else 0)
