#pragma once

// The records of live mode and their Cap'n Proto encoding
// (`messages/live.capnp`): an instance's persisted state and the events it
// publishes. Callers see bytes and plain structs only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/live/live_machine.hpp"

namespace btk {

/// A live instance as stored: what it runs and where it stands.
struct live_instance_record {
  std::string symbol;
  /// Run name `name#k`.
  std::string name;
  /// The strategy spec.
  std::string spec;
  live_state state;
  /// Events published so far; the next one is number `events + 1`.
  std::uint64_t events = 0;
  /// The minute of the batch that wrote the record. A record is written
  /// only when the instance changed, so every later committed minute ran
  /// successfully and changed nothing (a failed tick writes a warning
  /// event, and so the record): the session derives `last_tick` and a flat
  /// instance's throttle bucket from the last committed minute.
  timestamp written_at = 0;
  /// The risk profiles the instance answers to. Default: none
  std::vector<std::string> risks;
};

/// One published event: a tick result, or a warning the tick caught.
struct live_event {
  /// Position in the process-wide order of events.
  std::uint64_t seq = 0;
  std::string symbol;
  std::string name;
  /// The instance's own event number (from 1).
  std::uint64_t number = 0;
  /// A warning (`message`) instead of a result.
  bool warning = false;
  live_result result;
  std::string message;
  /// The broker's order for an opened or closed result (empty: none).
  std::string order_id;
  double fill_price = 0;
  double fill_quantity = 0;

  /// The deterministic id `symbol:name:number`: the same event has the same
  /// id in every run, across restarts.
  std::string id() const;
};

/// Encodes an instance record as a Cap'n Proto message (flat array bytes).
std::string encode_live_instance(const live_instance_record& r);

/// Decodes `encode_live_instance` output; malformed bytes or an
/// out-of-range field give an error naming the field and the value.
expected<live_instance_record> decode_live_instance(std::string_view bytes);

std::string encode_live_event(const live_event& e);
expected<live_event> decode_live_event(std::string_view bytes);

} // namespace btk
