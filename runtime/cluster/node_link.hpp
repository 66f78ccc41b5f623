#pragma once

// A coordinator's link to one node: connects and proves the secret, sends
// the sweep's setup and the candles the node lacks, forwards leases, and
// decides when the node is down (no answer to its pings within the
// timeout, or the connection lost). It keeps trying to reach a node that
// is down.
//
// To the coordinator it sends
//   (up, slot, workers, name)        the node takes leases
//   (down, slot, reason)             re-queue every lease of the slot
//   (refused, slot, reason)          the node refused our secret (or we
//                                    its): retrying will not help
//   (notice, text)                   a line for the user
//   (lease id, [sweep_result])       a lease's results, checked
// and it takes (lease id, [sweep_job]) from the coordinator, as a local
// sweep worker does. A result for
// a lease the link no longer holds (the node was declared down since) is
// dropped, so nothing is counted twice.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "core/market/series.hpp"
#include "runtime/cluster/candle_ship.hpp"
#include "runtime/cluster/cluster_options.hpp"

namespace btk {

/// What a sweep sends every node before its leases.
struct sweep_shipment {
  /// The sweep's key on the node (from the setup's hash).
  std::uint64_t key = 0;
  /// `SweepSetup` bytes.
  std::string setup;
  /// The series by content hash (encoded for a node only when it lacks
  /// them).
  std::map<std::string, series_shipment> series;
};

/// Builds the shipment of a sweep over `data` with `cfg`.
std::shared_ptr<const sweep_shipment> make_sweep_shipment(
    const config& cfg,
    const std::map<std::string, std::shared_ptr<const series>>& data);

/// Spawns the link to `node` for slot `slot` of `coordinator`.
caf::actor spawn_node_link(caf::actor_system& sys, caf::actor coordinator,
                           std::uint32_t slot, node_address node,
                           cluster_options opts,
                           std::shared_ptr<const sweep_shipment> shipment);

} // namespace btk
