#pragma once

// The flags `btk backtest` and `btk walker` share. Most bind straight into
// the public API's options (runtime/api/runs.hpp); the few that need
// reading first (times, the interval, `--set`, `--symbol A,B`) are kept as
// typed and read by `read_flags`.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/api/runs.hpp"
#include "runtime/cli/node_command.hpp"
#include "runtime/cli/serve_command.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// Flags of `btk backtest` (see `btk backtest --help`).
struct run_flags {
  run_flags() { options.report_dir = "./dump/backtest"; }

  /// What `--data`, `--store`, `--symbols`, `--fill-gaps`, `--strategy`,
  /// `--workers`, `--unsafe-config`, `--trades-out`, `--summary-out` and
  /// `--report-dir` set; `read_flags` adds the rest. Defaults: the API's,
  /// except the report folder: ./dump/backtest (the walker: ./dump/walker)
  batch_options options;
  /// `--symbol SYM`; `A,B` reads as `--symbols A,B`. Default: none
  std::string symbol;
  /// `--frame-start T`: the first tick, ISO-8601 UTC or epoch ms.
  /// Default: none (the default frame's)
  std::string frame_start;
  /// `--frame-end T`: the last tick. Default: none (the default frame's)
  std::string frame_end;
  /// `--frame-interval`. Default: 1m
  std::string frame_interval = "1m";
  /// `--set CC_KEY=VALUE`, repeatable. Default: none
  std::vector<std::string> sets;
  /// `-q, --quiet`: print only errors. Default: false
  bool quiet = false;
  /// `--config FILE`: a TOML run file. Default: none
  std::string config_file;
};

/// Flags of `btk walker`: the shared ones plus ranking and sweeps.
struct walker_flags : run_flags {
  walker_flags() { options.report_dir = "./dump/walker"; }
  /// What `--metric`, `--grid`, `--where`, `--sample`, `--seed`, `--top`,
  /// `--results-out` and `--state` set (the API's defaults).
  sweep_options sweep;
  /// `--walk-forward train=30d,test=7d[,step=7d]`. Default: none
  std::string walk_forward;
  /// `--heartbeat-ms`, `--node-timeout-ms` (with `--nodes`).
  cluster_flags cluster;
  /// `--serve ADDR`, `--token-file F`.
  serve_option serve;
};

/// Declares the shared flags on `cmd`, bound to `f`.
void add_run_flags(CLI::App* cmd, run_flags& f);

/// Reads the flags kept as typed into `f.options` and checks how the
/// candle flags combine. Returns an error naming the flag and the value,
/// or an empty string.
std::string read_flags(run_flags& f);

/// `A,B,C` split at the commas (empty items kept, for the caller to name).
std::vector<std::string> split_commas(const std::string& text);

/// Reads `text` (ISO-8601 UTC or epoch ms) into `out`; empty text leaves it
/// unset. Returns an error naming `flag` and the value, or "".
std::string read_time(const char* flag, const std::string& text,
                      std::optional<timestamp>& out);

/// Reads `--set KEY=VALUE` items into `out`; returns an error naming the
/// item, or "".
std::string read_sets(const std::vector<std::string>& sets,
                      std::vector<std::pair<std::string, std::string>>& out);

/// `message` with every word (a run without spaces or newlines) longer than
/// 120 bytes cut to its first 60 and its length: a hostile value (a 1 MB
/// field) is named, not echoed whole.
std::string clip_long_words(const std::string& message);

/// Prints `btk VERB: message` (long words clipped) on stderr; returns the
/// exit code 1.
int fail(const char* verb, const std::string& message);

} // namespace btk
