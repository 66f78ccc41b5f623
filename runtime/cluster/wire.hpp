#pragma once

// What crosses the wire between a coordinator and a node. Only CAF's
// built-in types travel (atoms, integers, strings, lists of strings, actor
// handles); every record is Cap'n Proto bytes (`messages/*.capnp`),
// decoded and validated on arrival like any other input.
//
// coordinator link -> node gate      hello, auth (runtime/cluster/auth.hpp)
// link -> session    (setup, key, SweepSetup)        -> (setup, key, missing
// hashes)
//                    (candles, hash, index, CandleBatch)  -> on the last chunk:
//                                                       (candles, hash, error)
//                    (lease, id, key, [SweepJob])   -> a worker answers
//                                                       (result, id,
//                                                       [SweepResult], error)
//                    (ping, n)                      -> (pong, n)
// live fleet (runtime/cluster/fleet.hpp), once a node is up:
// coordinator -> owner   (fleet, key, epoch, [fleet, symbol, name, spec,
//                         clock], [from, until, stop_at, all_ticks],
//                         coordinator)                -> "" or the error
// owner -> coordinator   (replicate, fleet, instance, epoch, fresh, batch)
//                        -> delegated to the standby as (replica, ...)
//                        -> "" or the error (fenced, refused)
//                        (events, fleet, instance, epoch, [LiveEvent])
//                        -> "" or the error (fenced)
//                        (current, fleet, instance, epoch)
//                        -> "" while it owns the instance, before an order
//                        (ended, fleet, instance, epoch, error)

#include <cstddef>
#include <cstdint>

#include <caf/atom.hpp>

namespace btk {

/// Version of this protocol; a node refuses any other.
constexpr std::uint32_t cluster_protocol_version = 1;

using hello_atom = caf::atom_constant<caf::atom("hello")>;
using auth_atom = caf::atom_constant<caf::atom("auth")>;
using setup_atom = caf::atom_constant<caf::atom("setup")>;
using candles_atom = caf::atom_constant<caf::atom("candles")>;
using lease_atom = caf::atom_constant<caf::atom("lease")>;
using result_atom = caf::atom_constant<caf::atom("result")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
using up_atom = caf::atom_constant<caf::atom("up")>;
using down_atom = caf::atom_constant<caf::atom("down")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using notice_atom = caf::atom_constant<caf::atom("notice")>;
using refused_atom = caf::atom_constant<caf::atom("refused")>;
using session_atom = caf::atom_constant<caf::atom("session")>;
using fleet_atom = caf::atom_constant<caf::atom("fleet")>;
using replicate_atom = caf::atom_constant<caf::atom("replicate")>;
using replica_atom = caf::atom_constant<caf::atom("replica")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using ended_atom = caf::atom_constant<caf::atom("ended")>;
using current_atom = caf::atom_constant<caf::atom("current")>;

/// Limits a node and a link enforce on what they receive.
struct wire_limits {
  /// Jobs in one lease. Default: 1024
  static constexpr std::size_t max_jobs_per_lease = 1024;
  /// Bytes of one encoded job or result. Default: 64 KiB
  static constexpr std::size_t max_record_bytes = 64 * 1024;
  /// Bytes of one candle chunk. Default: 16 MiB
  static constexpr std::size_t max_chunk_bytes = 16 * 1024 * 1024;
  /// Candles of one series (about 95 years of minutes). Default: 50 M
  static constexpr std::uint64_t max_series_candles = 50'000'000;
  /// Candles per chunk the coordinator sends. Default: 65,536 (3 MiB)
  static constexpr std::size_t chunk_candles = 65536;
  /// Handshakes a node keeps open at once. Default: 256
  static constexpr std::size_t max_pending_hellos = 256;
};

} // namespace btk
