#pragma once

// The node's shared context and its actors (private to runtime/cluster).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "core/engine/config.hpp"
#include "core/market/series.hpp"
#include "messages/sweep_convert.hpp"
#include "runtime/cluster/candle_ship.hpp"

namespace btk {

/// What every job of one sweep shares on a node.
struct node_sweep {
  config cfg;
  std::map<std::string, std::shared_ptr<const series>> data;
};

/// A lease for a worker: the jobs, their sweep, and whom to answer.
struct node_lease {
  std::shared_ptr<const node_sweep> sweep;
  std::uint64_t id = 0;
  std::vector<sweep_job> jobs;
  caf::actor reply_to;
};

struct fleet_host;

/// What the node's actors share.
struct node_context {
  caf::actor_system* sys = nullptr;
  /// Where live fleet instances keep their state (`--state`). Default:
  /// none (the node hosts no live instances)
  std::string state_dir;
  /// The live instances this node runs or keeps replicas of.
  std::shared_ptr<fleet_host> fleets;
  /// Failure detector timings (the fleet's requests wait `timeout`).
  std::chrono::milliseconds timeout{2000};
  std::string secret;
  candle_cache cache;
  std::vector<caf::actor> workers;
  /// Hands each lease to the next idle worker, in arrival order.
  caf::actor dispatcher;
  std::function<void(const std::string&)> log;
  /// Every session spawned (weak handles), ended by `node_server::stop`.
  std::mutex sessions_mtx;
  std::vector<caf::actor_addr> sessions;
};

/// Spawns a worker (its own thread): runs a lease's jobs, sends
/// `(result, id, [SweepResult bytes], "")` to the lease's `reply_to` (its
/// session, which passes it on) and tells the lease's sender (the
/// dispatcher) it is idle.
caf::actor spawn_node_worker(caf::actor_system& sys, std::size_t index);

/// Spawns the dispatcher of `workers` (all idle at first): leases queue
/// there until a worker is idle, so a slow lease never holds up another
/// behind it while a worker waits.
caf::actor spawn_node_dispatcher(caf::actor_system& sys,
                                 std::vector<caf::actor> workers);

/// A live fleet's message to a session: starts (or restarts, with a higher
/// epoch) an instance on this node; "" or the error.
std::string fleet_start(const std::shared_ptr<node_context>& ctx,
                        const std::shared_ptr<const node_sweep>& sweep,
                        std::uint64_t epoch,
                        const std::vector<std::string>& text,
                        const std::vector<std::int64_t>& nums,
                        caf::actor coordinator);

/// Applies a replicated batch of a live instance this node stands by for;
/// "" or the error (an older epoch is fenced).
std::string fleet_replica(const std::shared_ptr<node_context>& ctx,
                          const std::string& fleet, const std::string& instance,
                          std::uint64_t epoch, bool fresh,
                          const std::string& batch);

/// An empty fleet host.
std::shared_ptr<fleet_host> make_fleet_host();

/// Stops every live instance of the node (at `node_server::stop`).
void fleet_stop_all(const std::shared_ptr<node_context>& ctx);

/// Spawns the session of an authenticated coordinator: it accepts messages
/// from `peer`'s node only and ends when `peer` goes down.
caf::actor spawn_node_session(caf::actor_system& sys,
                              std::shared_ptr<node_context> ctx,
                              caf::actor peer, std::string who);

} // namespace btk

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::node_lease)
