#pragma once

// Live mode in one call: what `btk live` does, for any host. A session of
// strategy instances (every symbol runs every strategy, the k-th named
// `name#k`) ticks once a minute on a clock over a market feed; every state
// transition and event is written to RocksDB in one synced batch per minute
// before it is published, so a process killed at any moment and restarted
// with the same state folder loses and repeats nothing.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "messages/live_convert.hpp"
#include "runtime/api/candle_source.hpp"
#include "runtime/live/session.hpp"

namespace btk {

/// Options of `run_live`.
struct live_options {
  /// The exchange: `replay` (recorded candles from `source`). Default: replay
  std::string exchange = "replay";
  /// The recorded candles `replay` serves. Required for replay.
  candle_source source;
  /// Strategy specs `name:key=value,...`; every symbol runs all of them.
  /// At least one.
  std::vector<std::string> strategies;
  /// The configuration the overrides apply to. Default: backtest-kit's
  config cfg;
  /// `CC_KEY=value` overrides. Default: none
  std::vector<std::pair<std::string, std::string>> overrides;
  /// Apply the overrides without the safety rules. Default: false
  bool unsafe_config = false;
  /// `real`, `virtual` (as fast as the data allows) or `xN` (N times
  /// faster than real time, from `from`). Default: real
  std::string clock = "real";
  /// First tick. Default: the current minute (virtual clock: required)
  std::optional<timestamp> from;
  /// Ticks run while `when < until`. Default: none (until stopped)
  std::optional<timestamp> until;
  /// A graceful stop of every instance before the tick at this time.
  /// Default: none
  std::optional<timestamp> stop_at;
  /// Publish idle, waiting and active ticks too. Default: false
  bool all_ticks = false;
  /// The RocksDB state folder. Required.
  std::string state_dir;
  /// Every published event as a JSON line, appended. Default: none
  std::string events_out;
  /// Closed and cancelled results as JSON lines, appended. Default: none
  std::string trades_out;
  /// Called with every event after it is persisted. Default: none
  std::function<void(const live_event&)> on_event;
  /// Called after every minute with the session's counters. Default: none
  std::function<void(const live_session_stats&)> on_minute;
};

/// Runs a live session until `until`, a stop, or every instance has ended.
/// `graceful` stops every instance as `Live.stop` does (open positions run
/// to their close); `hard` returns at once (the state is safe either way).
/// Throws `api_error` naming the option, file or state key and the reason.
live_session_stats run_live(const live_options& opts,
                            const std::atomic<bool>& graceful,
                            const std::atomic<bool>& hard);

/// What a state folder holds (`btk live status`): every instance, and the
/// last minute committed. Works beside a running session.
struct live_status_report {
  timestamp minute = 0;
  std::vector<live_instance_record> instances;
};

/// Reads a state folder; throws `api_error` when it is not live state.
live_status_report live_status(const std::string& state_dir);

} // namespace btk
