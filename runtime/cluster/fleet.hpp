#pragma once

// A live fleet across `btk node`s: the coordinator side of `btk live
// --nodes`. Each instance runs on one node (its owner, by rendezvous
// hashing) in a live session of its own whose every batch is put on a
// second node (its standby) before the minute's events are published. When
// a node is declared down, each instance it owned resumes on its standby
// from the replicated state under a higher fencing epoch; anything an older
// epoch sends afterwards (batches, events) is refused. The coordinator
// merges the nodes' events into one stream: per-instance order kept, ids
// deduplicated.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/market/series.hpp"
#include "messages/live_convert.hpp"
#include "runtime/cluster/cluster_options.hpp"

namespace btk {

/// One instance of a fleet.
struct fleet_instance {
  std::string symbol;
  /// Run name `name#k`.
  std::string name;
  std::string spec;
};

/// What a fleet runs and where its events go.
struct fleet_options {
  /// The nodes (each started with `--state`). At least one.
  std::vector<node_address> nodes;
  /// The secret and the failure detector's timings.
  cluster_options cluster;
  /// The recorded candles the replay serves, by symbol.
  std::map<std::string, std::shared_ptr<const series>> data;
  /// The engine settings.
  config cfg;
  /// The instances, in the order a single process would run them.
  std::vector<fleet_instance> instances;
  /// `virtual`, `real` or `xN` (make_clock). Default: virtual
  std::string clock = "virtual";
  timestamp from = 0;
  /// Ticks run while `when < until`. Default: none
  std::optional<timestamp> until;
  /// A graceful stop before this tick. Default: none
  std::optional<timestamp> stop_at;
  /// Publish every tick. Default: false
  bool all_ticks = false;
  /// The coordinator's own state (runtime/cluster/fleet_state.hpp):
  /// placement, epochs, the last event published per instance. Killed and
  /// started again on it, the fleet resumes where it was: no instance runs
  /// twice, no event is lost or published twice. Default: none
  std::string state_dir;
  /// Called with every event once, in each instance's order. `again` is
  /// true for an instance's first events after a restart on `state_dir`:
  /// a coordinator killed before it recorded them may have published some
  /// already, so a sink skips ids it holds. Default: none
  std::function<void(const live_event&, bool again)> on_event;
  /// Called with a line for the user (nodes up and down, failovers).
  /// Default: none
  std::function<void(const std::string&)> on_notice;
};

/// What a fleet did.
struct fleet_report {
  /// Events published (after deduplication).
  std::uint64_t events = 0;
  /// Events a node sent again after a failover, dropped by id.
  std::uint64_t duplicates = 0;
  /// Instances moved to another node.
  std::uint64_t failovers = 0;
  /// Batches and events refused because their epoch was fenced.
  std::uint64_t fenced = 0;
  /// Longest time from a node declared down to its instances running
  /// again elsewhere, ms.
  double failover_ms = 0;
};

/// Runs the fleet until every instance has ended; the error names the
/// instance and the reason.
expected<fleet_report> run_fleet(const fleet_options& opts);

} // namespace btk
