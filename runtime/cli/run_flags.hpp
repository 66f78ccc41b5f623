#pragma once

// The flags `btk backtest` and `btk walker` share, as typed, and their
// translation into the public API's options (runtime/api/runs.hpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/api/runs.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// Flags of `btk backtest` (see `btk backtest --help`); each default is the
/// API's unless noted.
struct run_flags {
  /// `--data FILE`. Default: none
  std::string data;
  /// `--store DIR`. Default: none
  std::string store;
  /// `--symbol SYM` (`A,B` reads as `--symbols A,B`). Default: none
  std::string symbol;
  /// `--symbols A,B,...`. Default: none
  std::vector<std::string> symbols;
  /// `--workers N`. Default: 0 (one per core)
  std::size_t workers = 0;
  /// `--strategy SPEC`, repeatable. Default: none
  std::vector<std::string> strategies;
  /// `--frame-start T`, `--frame-end T`: ISO-8601 UTC or epoch ms.
  /// Default: none (the default frame)
  std::string frame_start;
  std::string frame_end;
  /// `--frame-interval`. Default: 1m
  std::string frame_interval = "1m";
  /// `--set CC_KEY=VALUE`, repeatable. Default: none
  std::vector<std::string> sets;
  /// `--unsafe-config`. Default: false
  bool unsafe_config = false;
  /// `--fill-gaps`. Default: false
  bool fill_gaps = false;
  /// `--trades-out`, `--summary-out`. Default: none
  std::string trades_out;
  std::string summary_out;
  /// `--report-dir` ('' skips the reports). Default: ./dump/backtest (the
  /// walker: ./dump/walker)
  std::string report_dir = "./dump/backtest";
  /// `-q, --quiet`: print only errors. Default: false
  bool quiet = false;
};

/// Flags of `btk walker`: the shared ones plus ranking and sweeps.
struct walker_flags : run_flags {
  walker_flags() { report_dir = "./dump/walker"; }
  /// `--metric`. Default: sharpeRatio
  std::string metric = "sharpeRatio";
  /// `--grid`, repeatable: a sweep when given. Default: none
  std::vector<std::string> grids;
  /// `--where`, `--sample`, `--seed`, `--top`, `--results-out`, `--state`,
  /// `--walk-forward`: see `btk walker --help`.
  std::string where;
  std::uint64_t sample = 0;
  std::uint64_t seed = 1;
  std::size_t top = 10;
  std::string results_out;
  std::string state;
  std::string walk_forward;
};

/// Declares the shared flags on `cmd`, bound to `f`.
void add_run_flags(CLI::App* cmd, run_flags& f);

/// Fills the API options from the flags. Returns an error naming the flag
/// and the value, or an empty string.
std::string to_options(const run_flags& f, batch_options& out);

/// Prints `btk VERB: message` on stderr; returns the exit code 1.
int fail(const char* verb, const std::string& message);

} // namespace btk
