#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "core/engine/backtest.hpp"

namespace btk {

/// A backtest frame (backtest-kit's `IFrameSchema`, seed-era.md §3.3): the
/// ticks a run walks (`backtest_frame`: `start` and `end`, both included,
/// ms since the epoch UTC, required; `iv`, the tick spacing, default 1m)
/// under a name runs refer to.
struct frame_schema : backtest_frame {
  /// Unique name; runs refer to it.
  std::string name;
  /// Free text. Default: empty
  std::string note;
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
