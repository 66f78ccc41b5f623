#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "core/engine/backtest.hpp"

namespace btk {

/// A backtest frame (backtest-kit's `IFrameSchema`, seed-era.md §3.3).
struct frame_schema {
  /// Unique name; runs refer to it.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// Tick spacing. Default: 1m
  interval iv = interval::m1;
  /// First tick, ms since the epoch (UTC). Required.
  timestamp start = 0;
  /// Last tick, included. Required.
  timestamp end = 0;
};

/// Spawns the frame actor: it keeps the frame schemas and turns one into
/// the timeframe a run walks.
///
/// Messages: `(frame_atom, std::string name, backtest_frame)` registers
/// (replaces) a frame;
/// `(frame_atom, std::string name)` -> `backtest_frame` (an error naming
/// the frame when unknown); `(frame_atom, std::string name, bool)` ->
/// `std::vector<timestamp>`, every tick of the frame (backtest-kit's
/// `getTimeframe`).
caf::actor spawn_frame_actor(caf::actor_system& sys);

} // namespace btk
