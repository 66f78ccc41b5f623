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

#include <caf/fwd.hpp>

#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/market/series.hpp"
#include "messages/sweep_convert.hpp"
#include "runtime/cluster/cluster_options.hpp"
#include "runtime/results/results.hpp"

namespace btk {

/// What a sweep runs and where its results go.
struct sweep_plan {
  /// What to run (kept in the report and, as the sweep's identity, in the
  /// state).
  sweep_spec spec;
  /// JSON lines file, one object per job in job-id order (so the file is
  /// the same whatever the number of workers). Default: none
  std::string results_out;
  /// RocksDB directory keeping every finished job; a rerun of the same
  /// sweep skips them. Default: none
  std::string state_dir;
  /// Jobs per message to a worker. Default: 4
  std::size_t batch = 4;
  /// Called after each result with (jobs done, jobs in all). Default: none
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
  /// Nodes (`btk node`) to lease the jobs to instead of running them on
  /// local workers (`--nodes`). Results are the same, byte for byte, on any
  /// number of nodes and whatever fails. Default: none (local workers)
  std::vector<node_address> nodes;
  /// The cluster's secret and timings, with `nodes`.
  cluster_options cluster;
  /// Called with a line for the user (a node up, down or refusing).
  /// Default: none
  std::function<void(const std::string&)> on_notice;
  /// Makes the actor of node slot `k` instead of a link to `nodes[k]`: it
  /// speaks a link's protocol to `coordinator` (runtime/cluster/
  /// node_link.hpp). Benchmarks drive the coordinator with in-process fake
  /// nodes this way. Default: none (real links)
  std::function<caf::actor(caf::actor_system& sys, caf::actor coordinator,
                           std::uint32_t k)>
      make_node;
};

/// Runs the sweep of `plan` over `data` (the candles of every symbol of the
/// plan) on its own actor system, streaming results to `results_out` and
/// the state, and returns what it did (the report also describes the plan).
expected<sweep_report> run_sweep_plan(
    const sweep_plan& plan,
    const std::map<std::string, std::shared_ptr<const series>>& data);

} // namespace btk
