#pragma once

// The sweep engine: grids of strategy parameters × symbols run on every
// core, streamed and reduced as results arrive (a top-K table and a JSON
// lines file), resumable from a RocksDB state, optionally walk-forward.
// Hosts call `run_sweep` of the public API (`runtime/api/runs.hpp`), which
// loads the candles and picks the frame before handing a plan to this.

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
#include "runtime/results/results.hpp"

namespace btk {

/// What a sweep runs and where its results go.
struct sweep_plan {
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

/// Runs the sweep of `plan` over `data` (the candles of every symbol of the
/// plan) on its own actor system, streaming results to `results_out` and
/// the state, and returns what it did (the report also describes the plan).
expected<sweep_report> run_sweep_plan(
    const sweep_plan& plan,
    const std::map<std::string, std::shared_ptr<const series>>& data);

} // namespace btk
