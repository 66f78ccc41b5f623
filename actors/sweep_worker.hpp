#pragma once

#include <map>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "core/engine/config.hpp"
#include "core/market/series.hpp"

namespace btk {

struct sweep_job;
struct sweep_result;
class closed_trade_list;

/// Runs one sweep job as a plain core loop on `data` (the job's symbol must
/// be there) and returns its statistics (over the newest
/// `CC_MAX_BACKTEST_MARKDOWN_ROWS` closed trades, as the reference), or the
/// error. When `keep` is not null every closed trade is also pushed to it,
/// within its own cap (walk-forward stitches them).
sweep_result
run_sweep_job(const sweep_job& job,
              const std::map<std::string, std::shared_ptr<const series>>& data,
              const config& cfg, closed_trade_list* keep = nullptr);

/// Spawns a sweep worker: it runs jobs as plain core loops (no actor per
/// job) on the shared read-only series and answers each batch with its
/// results. One worker per core pulls batches from the sweep coordinator.
///
/// Messages: `(lease id, std::vector<sweep_job>)` -> `(lease id,
/// std::vector<sweep_result>)` (same order; a job that fails carries its
/// error). A node link (runtime/cluster) speaks the same to the coordinator.
caf::actor
spawn_sweep_worker(caf::actor_system& sys,
                   std::map<std::string, std::shared_ptr<const series>> data,
                   config cfg);

} // namespace btk
