#!/usr/bin/env bash
# One entry point for set-up, build, demo, tests and benchmarks.
#
#   ./run.sh demo           install what is missing, build, run a backtest on
#                           generated data (summary + report path at the end)
#   ./run.sh test           install what is missing, build, run every test
#   ./run.sh test-sanitize  the same tests built with ASan and UBSan
#   ./run.sh bench          build optimised, run the benchmarks in bench/
#   ./run.sh fuzz [--seconds N | --runs N]
#                           build the libFuzzer targets with clang (installed
#                           if missing) and run each over its corpus for N
#                           seconds (default 20) or N executions
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

"$here/scripts/setup.sh"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/btk-ccache}
export CCACHE_BASEDIR=$here
jobs=${BTK_JOBS:-$(nproc)}

configure() {  # build-dir, extra cmake args...
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  fi
}

case "${1:-demo}" in
  demo)
    configure build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build -j "$jobs" --target btk >/dev/null
    ./build/bin/btk demo --dir ./dump/demo
    ;;
  test)
    configure build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build -j "$jobs"
    ctest --test-dir build --output-on-failure -j "$jobs"
    ;;
  test-sanitize)
    configure build-sanitize -DCMAKE_BUILD_TYPE=Debug -DBTK_SANITIZE=ON -DBTK_BENCH=OFF
    cmake --build build-sanitize -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-sanitize --output-on-failure -j "$jobs"
    ;;
  fuzz)
    "$here/scripts/setup.sh" clang
    CC=clang CXX=clang++ configure build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBTK_FUZZ=ON -DBTK_TESTS=OFF -DBTK_CLI=OFF -DBTK_EXAMPLES=OFF -DBTK_BENCH=OFF
    cmake --build build-fuzz -j "$jobs" --target fuzzers
    tests/fuzz/run.sh build-fuzz "${2:---seconds}" "${3:-20}"
    ;;
  bench)
    configure build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build -j "$jobs"
    ./bench/run.sh build
    ;;
  *)
    echo "usage: ./run.sh [demo|test|test-sanitize|bench|fuzz]" >&2
    exit 2
    ;;
esac
