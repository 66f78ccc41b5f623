#pragma once

// Parameter sweeps: grids of strategy parameters × symbols run on every
// core, streamed and reduced as results arrive (a top-K table and a JSON
// lines file), resumable from a RocksDB state, optionally walk-forward.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/market/series.hpp"
#include "messages/sweep_convert.hpp"

namespace btk {

/// Walk-forward windows: train on `train`, test on the `test` that follows,
/// then move both by `step`.
struct walk_forward_spec {
  timestamp train = 0;
  timestamp test = 0;
  /// Default: `test`
  timestamp step = 0;
};

/// Parses `train=30d,test=7d[,step=7d]` (units m, h, d, w).
expected<walk_forward_spec> parse_walk_forward(std::string_view text);

/// What a sweep runs and where its results go.
struct sweep_options {
  /// Grid specs (`sma-cross:fast=5..50:5,interval=5m|15m`); a plain spec is
  /// a one-point grid. At least one.
  std::vector<std::string> grids;
  /// Constraint on the parameters (`fast<slow`). Default: none
  std::string where;
  /// Run a uniform sample of this many points per grid. Default: 0 (all)
  std::uint64_t sample = 0;
  /// Seed of the sample. Default: 1
  std::uint64_t seed = 1;
  /// Symbols; every point runs on each. At least one.
  std::vector<std::string> symbols;
  /// The frame every job runs over (walk-forward splits it).
  backtest_frame frame;
  config cfg;
  /// Statistic to rank by. Default: sharpeRatio
  std::string metric = "sharpeRatio";
  /// Worker threads. Default: 0 (one per core)
  std::size_t workers = 0;
  /// Size of the top table. Default: 10
  std::size_t top = 10;
  /// JSON lines file, one object per job in job-id order (so the file is
  /// the same whatever the number of workers). Default: none
  std::string results_out;
  /// RocksDB directory keeping every finished job; a rerun of the same
  /// command skips them. Default: none
  std::string state_dir;
  /// Walk-forward windows. Default: none
  std::optional<walk_forward_spec> walk_forward;
  /// Jobs per message to a worker. Default: 4
  std::size_t batch = 4;
  /// Called after each result with (jobs done, jobs in all). Default: none
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

/// A result with its metric, as ranked.
struct ranked_result {
  sweep_result result;
  std::optional<double> metric;
};

/// One walk-forward window of one symbol.
struct walk_window {
  std::uint32_t index = 0;
  std::string symbol;
  backtest_frame train;
  backtest_frame test;
  /// The best spec on the train span, or empty when none had a metric.
  std::string best_spec;
  std::optional<double> train_metric;
  /// The best spec's statistics on the test span.
  stat_list test_stats;
  std::optional<double> test_metric;
};

/// What a sweep did.
struct sweep_report {
  std::uint64_t jobs = 0;
  /// Jobs run now, and jobs taken from the state of an earlier run.
  std::uint64_t run = 0;
  std::uint64_t resumed = 0;
  std::uint64_t failed = 0;
  /// The best results by the metric (ties: lower job id first); nulls are
  /// never ranked. Without walk-forward only.
  std::vector<ranked_result> top;
  /// Walk-forward windows, in window then symbol order.
  std::vector<walk_window> windows;
  /// Per symbol, the statistics of every test span's trades stitched
  /// together (the out-of-sample result).
  std::map<std::string, stat_list> out_of_sample;
  /// 1-minute candles the jobs walked or ticked over, for throughput.
  std::uint64_t candle_evaluations = 0;
  double seconds = 0;
};

/// Runs a sweep over `data` (the candles of every symbol of `opts`).
expected<sweep_report>
run_sweep(const sweep_options& opts,
          const std::map<std::string, std::shared_ptr<const series>>& data);

} // namespace btk
