#pragma once

#include <cstdint>
#include <functional>

#include <caf/fwd.hpp>

#include "messages/events.hpp"

namespace btk {

/// Spawns the event bus: it keeps the listeners of every topic and forwards
/// each published batch, in the order it arrives, to the listeners of the
/// batch's topic.
///
/// Messages it understands:
/// - `(subscribe_atom, topic, uint64_t id, actor listener)` and
///   `(unsub_atom, uint64_t id)`;
/// - batches `std::vector<E>` for E = signal_event (topics signal and
///   signal_backtest or signal_live), progress_event, risk_event,
///   partial_event (split into partial_profit / partial_loss),
///   performance_event; a single `done_event` (done_backtest / done_live);
///   `(topic, error_event)` for the error and exit topics;
///   `std::vector<walker_event>`, a `walker_complete_event` and
///   `(topic, done_event)` (done_walker) from walker runs;
/// - `flush_atom`: answers once every listener has handled every event
///   forwarded before it.
caf::actor spawn_event_bus(caf::actor_system& sys);

/// Spawns a listener for events of type `E` on its own thread (user code
/// may block). It calls `fn` for each event that passes `filter` (empty: all),
/// one at a time in arrival order. With `once`, it unsubscribes `id` from
/// `bus` and ends after the first call.
template <class E>
caf::actor spawn_listener(caf::actor_system& sys,
                          std::function<bool(const E&)> filter,
                          std::function<void(const E&)> fn, bool once,
                          caf::actor bus, std::uint64_t id);

} // namespace btk
