#pragma once

// Whole runs in one call: what `btk backtest` and `btk walker` do, for any
// host. Each takes an options struct (candles, strategies, frame,
// configuration, threads, output files) and returns the result model of
// `runtime/results/results.hpp`; the command line only parses its flags
// into these options and prints the model. Errors are `api_error`s naming
// the file, symbol, strategy or option and the reason; nothing is written
// before every run succeeded.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "core/market/interval.hpp"
#include "core/market/time.hpp"
#include "core/walker/walker.hpp"
#include "runtime/api/candle_source.hpp"
#include "runtime/cluster/cluster_options.hpp"
#include "runtime/results/results.hpp"

namespace btk {

/// The most threads a batch may ask for (more is a typo, or a negative
/// number wrapped). Value: 1024
inline constexpr std::size_t max_workers = 1024;

/// What every batch shares: its candles, strategies, frame, configuration,
/// threads and output files.
struct batch_options {
  /// Where the candles come from. Required.
  candle_source source;
  /// Strategy specs `name:key=value,...` (see `btk strategies`); every
  /// symbol runs all of them, the k-th named `name#k`. At least one
  /// (a sweep may give grids instead).
  std::vector<std::string> strategies;
  /// First tick. Default: the first candle plus the warm-up (the VWAP
  /// window or the longest look-back), as backtest-kit
  std::optional<timestamp> frame_start;
  /// Last tick, included. Default: the last candle minus the look-ahead
  /// (longest lifetime, plus the schedule wait for limit entries, plus 1m)
  std::optional<timestamp> frame_end;
  /// Tick spacing. Default: 1m
  interval frame_interval = interval::m1;
  /// The configuration the overrides apply to. Default: backtest-kit's
  config cfg;
  /// `CC_KEY=value` overrides, applied on `cfg` with every problem
  /// reported at once. Default: none
  std::vector<std::pair<std::string, std::string>> overrides;
  /// Apply the overrides without the safety rules. Default: false
  bool unsafe_config = false;
  /// Risk profiles `NAME:key=value,...` (core/risk/risk_limits.hpp), each
  /// shared by the strategies it names (all by default) on every symbol.
  /// Not for sweeps, whose jobs run apart. Default: none
  std::vector<std::string> risks;
  /// Scheduler (or sweep worker) threads, at most `max_workers`.
  /// Default: 0 (one per core)
  std::size_t workers = 0;
  /// JSON lines of every closed and cancelled result, run by run in batch
  /// order. Default: none (not written)
  std::string trades_out;
  /// JSON summary (`batch_summary_json` / `sweep_summary_json`).
  /// Default: none (not written)
  std::string summary_out;
  /// Folder of the reports: one per run for backtests (plus the Heat
  /// report in `../heatmap` for several symbols), one per symbol for
  /// walkers; for sweeps, with `report_format` html, the heatmap page
  /// `sweep-heatmap.html`. Default: none (not written)
  std::string report_dir;
  /// What the reports in `report_dir` are: `md` (Markdown), `html` (one
  /// self-contained page with the tables and charts of the PNL, drawdown
  /// and trades) or `both`. Default: md
  std::string report_format{"md"};
  /// Keep every closed and cancelled result in the model
  /// (`strategy_run::results`); always on when `trades_out` is set.
  /// Default: false
  bool keep_results = false;
  /// Progress as (done, total): for backtests and walkers the summed
  /// progress of the runs and their number, for sweeps the jobs done and
  /// the jobs in all. Called one call at a time, from btk's threads.
  /// Default: none
  std::function<void(double done, double total)> on_progress;
  /// Backtests: set it (from any thread) to stop every run as
  /// `backtest.stop` does: no new signal, an open position closes, the run
  /// ends; the report covers what ran. Default: none
  const std::atomic<bool>* stop = nullptr;
};

/// Options of `run_backtests`.
struct backtest_options : batch_options {};

/// Options of `run_walker`.
struct walker_options : batch_options {
  /// The statistic to rank by; any numeric statistic of
  /// `walker_metric_names()`. Default: sharpeRatio
  std::string metric{default_walker_metric};
};

/// Options of `run_sweep`: the candles, threads and files of a batch, and
/// the grids (`sweep_grid`: grids, where, sample, seed, metric,
/// walk_forward, top). A sweep writes no trades or Markdown reports:
/// `trades_out` stays empty, and `report_dir` only holds the heatmap page
/// of `report_format` html (drawn from `results_out`, which it needs).
struct sweep_options : batch_options, sweep_grid {
  /// One JSON line per job, in job-id order (the same file for any number
  /// of workers). Default: none (not written)
  std::string results_out;
  /// RocksDB directory keeping every finished job; running the same sweep
  /// again skips them. Default: none
  std::string state_dir;
  /// `btk node`s to lease the jobs to instead of local workers, `HOST:PORT`
  /// items (an item may list several, `A,B`). The results are the same,
  /// byte for byte, on any number of nodes and whatever fails.
  /// Default: none (local workers)
  std::vector<std::string> nodes;
  /// File holding the cluster's shared secret (mode 0600); required with
  /// `nodes`. Default: none
  std::string secret_file;
  /// The failure detector's timings (`cluster.secret` is read from
  /// `secret_file`). Defaults: cluster_options'
  cluster_options cluster;
  /// Called with a line for the user when a node comes up, goes down or
  /// refuses. Default: none
  std::function<void(const std::string&)> on_notice;
};

/// Runs every strategy on every symbol as concurrent actors (`btk
/// backtest`) and writes the outputs asked for. Runs are listed symbol by
/// symbol, strategies in order, whatever the scheduling; with several
/// symbols the Heat report pools them.
batch_report run_backtests(const backtest_options& opts);

/// Ranks the strategies on each symbol by `opts.metric` through the walker
/// facade, exactly as backtest-kit's walker (`btk walker --strategy ...`),
/// and writes the outputs asked for.
batch_report run_walker(const walker_options& opts);

/// Runs every grid point on every symbol on all cores (`btk walker
/// --grid ...`), resumably with `state_dir`, optionally walk-forward, and
/// writes the outputs asked for.
sweep_report run_sweep(const sweep_options& opts);

} // namespace btk
