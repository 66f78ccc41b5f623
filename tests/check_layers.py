#!/usr/bin/env python3
"""Checks that btk's layers and runtime subsystems depend one way only.

    check_layers.py SOURCE_ROOT

UNITS below says, for every layer and runtime subsystem, which other units
and which third-party libraries its code may use directly. The check:

1. every #include of every .hpp/.cpp file of a unit names the unit itself,
   a unit it may use, the C++ standard library (core/ and strategies/: no
   I/O or clock headers), or a library it may use;
2. every btk_add_library(...) in a CMakeLists.txt links only the btk
   libraries and third-party targets its unit may use;
3. every source folder (top level and under runtime/) is a unit, and the
   units form no cycle;
4. docs/architecture.md carries the same table (between the markers
   `<!-- layers:begin -->` and `<!-- layers:end -->`), so the picture of
   the architecture is the one this test enforces.

Prints one line per violation and a closing 'N passed, N failed' line.
"""
import os
import re
import sys

# unit -> (units it may use, third-party libraries it may use)
UNITS = {
    "core": ([], []),
    "strategies": (["core"], []),
    "messages": (["core"], ["capnp", "caf"]),
    "actors": (["messages", "strategies", "core"], ["caf"]),
    "runtime/data": (["core"], ["zlib", "deflate", "posix", "threads"]),
    "runtime/store": (["messages", "core"], ["rocksdb"]),
    "runtime/results": (["messages", "core"], ["fmt", "json"]),
    "runtime/cluster": (["runtime/live", "runtime/store", "actors", "messages", "strategies", "core"],
                        ["caf", "openssl", "rocksdb", "threads", "posix"]),
    "runtime/sweep": (["runtime/cluster", "runtime/results", "runtime/store", "actors", "messages", "strategies", "core"],
                      ["caf", "rocksdb", "json"]),
    "runtime/live": (["runtime/results", "runtime/store", "messages", "strategies", "core"],
                     ["rocksdb", "fmt"]),
    "runtime/net": (["core"], ["boost", "openssl"]),
    "runtime/exchange": (["runtime/net", "runtime/live", "core"],
                         ["boost", "openssl", "json", "fmt", "threads"]),
    "runtime/llm": (["runtime/net", "runtime/store", "strategies", "core"],
                    ["boost", "json", "threads", "openssl", "rocksdb"]),
    "runtime/api": (["runtime/llm", "runtime/exchange", "runtime/live", "runtime/sweep", "runtime/cluster", "runtime/results", "runtime/store", "runtime/data",
                     "actors", "messages", "strategies", "core"],
                    ["caf", "fmt", "json", "toml", "threads"]),
    "runtime/server": (["runtime/api", "runtime/net", "runtime/live", "runtime/results", "runtime/store",
                        "messages", "strategies", "core"],
                       ["boost", "json", "fmt", "threads", "posix"]),
    "runtime/cli": (["runtime/server", "runtime/api", "runtime/results", "runtime/store", "runtime/data",
                     "strategies", "core"],
                    ["cli11", "fmt", "posix"]),
}

# Third-party libraries: their header prefixes and CMake targets.
LIBRARIES = {
    "caf": (("caf/",), ("CAF::core", "CAF::io", "CAF::openssl")),
    "capnp": (("capnp/", "kj/"), ("CapnProto::capnp",)),
    "rocksdb": (("rocksdb/",), ("RocksDB::rocksdb-shared", "RocksDB::rocksdb",
                               "${BTK_ROCKSDB}")),
    "zlib": (("zlib.h",), ("ZLIB::ZLIB",)),
    "deflate": (("libdeflate.h",), ("libdeflate::libdeflate",)),
    "fmt": (("fmt/",), ("fmt::fmt",)),
    "json": (("nlohmann/",), ("nlohmann_json::nlohmann_json",)),
    "cli11": (("CLI/",), ("CLI11::CLI11",)),
    "posix": (("unistd.h", "fcntl.h", "sys/"), ()),
    "threads": ((), ("Threads::Threads",)),
    "boost": (("boost/",), ("Boost::headers",)),
    "openssl": (("openssl/",), ("OpenSSL::SSL", "OpenSSL::Crypto")),
    "toml": (("toml++/",), ("tomlplusplus::tomlplusplus",)),
}

# Standard headers core/ and strategies/ may not include: no I/O, no clock.
IO_HEADERS = {"iostream", "fstream", "filesystem", "chrono", "thread", "ctime"}
PURE = {"core", "strategies"}
# Folders that hold no library (tests, benchmarks, examples, build files,
# and the outputs btk writes by default: ./dump, ./out).
NOT_UNITS = {"tests", "bench", "examples", "docs", "cmake", "scripts", "build", "dump", "out"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ADD_LIBRARY = re.compile(r"btk_add_library\((\w+)(.*?)\)", re.S)


def unit_of_path(rel):
    """The unit a source path (relative to the root) belongs to, or None."""
    parts = rel.split("/")
    if parts[0] == "runtime" and len(parts) > 2:
        return "runtime/" + parts[1]
    return parts[0] if parts[0] in UNITS else None


def unit_of_include(header):
    """The unit a quoted include names ("core/market/series.hpp" -> core)."""
    parts = header.split("/")
    if parts[0] == "runtime" and len(parts) > 2:
        return "runtime/" + parts[1]
    return parts[0]


def check_includes(root, bad):
    checked = 0
    for unit, (uses, libs) in UNITS.items():
        allowed_units = set(uses) | {unit}
        prefixes = tuple(p for lib in libs for p in LIBRARIES[lib][0])
        for dirpath, _, files in os.walk(os.path.join(root, unit)):
            for name in sorted(files):
                if not name.endswith((".hpp", ".cpp")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if unit == "runtime" or unit_of_path(rel) != unit:
                    continue
                for n, line in enumerate(open(path, encoding="utf-8"), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    checked += 1
                    kind, header = m.groups()
                    if kind == '"':
                        ok = unit_of_include(header) in allowed_units
                    elif "." not in header and "/" not in header:
                        ok = not (unit in PURE and header in IO_HEADERS)
                    else:
                        ok = header.startswith(prefixes)
                    if not ok:
                        bad.append(f"{rel}:{n}: {unit}/ may not include {header}")
    return checked


def check_links(root, bad):
    """btk_add_library(NAME ... DEPENDS ...) against the table."""
    checked = 0
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "build"]
        if "CMakeLists.txt" not in files:
            continue
        text = open(os.path.join(dirpath, "CMakeLists.txt"), encoding="utf-8").read()
        text = re.sub(r"#.*", "", text)
        for m in ADD_LIBRARY.finditer(text):
            name, args = m.group(1), m.group(2).split()
            unit = unit_of_path(os.path.relpath(os.path.join(dirpath, "x"), root))
            rel = os.path.relpath(os.path.join(dirpath, "CMakeLists.txt"), root)
            if unit is None:
                bad.append(f"{rel}: btk_add_library({name}) is outside every unit")
                continue
            uses, libs = UNITS[unit]
            targets = {t for lib in libs for t in LIBRARIES[lib][1]}
            libnames = {"btk_" + u.split("/")[-1] for u in uses}
            deps = args[args.index("DEPENDS") + 1:] if "DEPENDS" in args else []
            for dep in deps:
                checked += 1
                if dep not in libnames and dep not in targets:
                    bad.append(f"{rel}: btk_{name} ({unit}) may not link {dep}")
    return checked


def check_units(root, bad):
    """Every source folder is a unit; the table has no cycle."""
    for name in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, name)) and not name.startswith(".") \
                and name not in NOT_UNITS and name != "runtime" \
                and not name.startswith("build") and name not in UNITS:
            bad.append(f"{name}/: a source folder that is not a unit of tests/check_layers.py")
    runtime = os.path.join(root, "runtime")
    for name in sorted(os.listdir(runtime)):
        if os.path.isdir(os.path.join(runtime, name)) and f"runtime/{name}" not in UNITS:
            bad.append(f"runtime/{name}/: a subsystem that is not a unit of tests/check_layers.py")
    state = {}

    def visit(u, path):
        if state.get(u) == "done":
            return
        if state.get(u) == "open":
            bad.append("the units form a cycle: " + " -> ".join(path + [u]))
            return
        state[u] = "open"
        for v in UNITS[u][0]:
            visit(v, path + [u])
        state[u] = "done"

    for u in UNITS:
        visit(u, [])


def table_text():
    width = max(len(u) for u in UNITS)
    lines = []
    for unit, (uses, libs) in UNITS.items():
        line = f"{unit:<{width}} -> {', '.join(uses) if uses else '(nothing)'}"
        if libs:
            line += "  [" + ", ".join(libs) + "]"
        lines.append(line)
    return "\n".join(lines)


def check_doc(root, bad):
    doc = open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8").read()
    m = re.search(r"<!-- layers:begin -->\s*```text\n(.*?)```\s*<!-- layers:end -->", doc, re.S)
    if not m:
        bad.append("docs/architecture.md: no ```text block between <!-- layers:begin --> "
                   "and <!-- layers:end -->")
    elif m.group(1).strip() != table_text():
        bad.append("docs/architecture.md: the layer table differs from tests/check_layers.py; "
                   "it should read:\n" + table_text())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    if "--print-table" in sys.argv:
        print(table_text())
        return 0
    bad = []
    checked = check_includes(root, bad) + check_links(root, bad)
    check_units(root, bad)
    check_doc(root, bad)
    for line in bad:
        print(line)
    print(f"{checked} includes and links checked, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
