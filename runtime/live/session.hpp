#pragma once

// A live session: strategy instances on symbols, ticking once a minute on a
// clock over a market feed, with every state transition and event written
// to RocksDB in one synced batch per minute before any sink sees it.
// Restarting with the same state continues where the last process stopped.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/live/live_machine.hpp"
#include "core/stats/live_report.hpp"
#include "runtime/live/clock.hpp"
#include "runtime/live/feed.hpp"
#include "runtime/live/live_store.hpp"
#include "runtime/live/sinks.hpp"
#include "strategies/strategy.hpp"

namespace btk {

/// One strategy on one symbol.
struct live_instance_def {
  std::string symbol;
  /// Run name `name#k`.
  std::string name;
  /// The spec it was built from (stored; a restart must give the same).
  std::string spec;
  std::unique_ptr<strategy> strat;
};

/// What a session runs and where it writes.
struct live_session_options {
  /// The configuration (after overrides). Default: backtest-kit's
  config cfg;
  /// The instances. At least one.
  std::vector<live_instance_def> instances;
  /// First tick (minute-aligned). Default: 0 (the clock's current minute)
  timestamp from = 0;
  /// Ticks run while `when < until`. Default: none (until stopped)
  std::optional<timestamp> until;
  /// A graceful stop of every instance before the tick at this time.
  /// Default: none
  std::optional<timestamp> stop_at;
  /// Publish every tick's result (idle, waiting, active), not only
  /// scheduled, opened, closed and cancelled. Default: false
  bool all_ticks = false;
  /// The RocksDB state folder. Required.
  std::string state_dir;
  /// Keep every instance's events for `Live.getData` (`instance_view::
  /// book`), as the reference's `Markdown.enable({live: true})` does; up to
  /// `CC_MAX_LIVE_MARKDOWN_ROWS` results each. Default: false
  bool keep_reports = false;
};

/// Counters of a session, for status lines and benchmarks.
struct live_session_stats {
  std::uint64_t minutes = 0;
  std::uint64_t ticks = 0;
  std::uint64_t failed_ticks = 0;
  std::uint64_t events = 0;
  std::uint64_t syncs = 0;
  /// The last minute run (0: none).
  timestamp last_minute = 0;
  /// The run ended because a replay's data did.
  bool data_ended = false;
  /// Wall time of the last minute from its candles being there (the clock
  /// reached it) to its batch synced and its events published, ms.
  double last_minute_ms = 0;
};

/// Runs live instances until `until`, a stop, or every instance has ended.
class live_session {
public:
  /// Opens the state and restores every stored instance; an instance stored
  /// with another spec under the same name, or unreadable state, is an
  /// error naming the key.
  static expected<std::unique_ptr<live_session>>
  open(live_session_options opts, std::unique_ptr<market_feed> feed,
       std::unique_ptr<live_clock> clock);

  /// Adds a sink; its unacknowledged events are handed to it at `run`.
  void add_sink(std::unique_ptr<live_sink> s);

  /// Runs the loop. Returns when `until` is reached, every instance has
  /// ended, or `hard_stop` is set (state is safe at every point). Setting
  /// `graceful_stop` stops every instance as `Live.stop` does.
  expected<live_session_stats> run(const std::atomic<bool>& graceful_stop,
                                   const std::atomic<bool>& hard_stop);

  /// Per-instance state, for status tables and `Live.getData`.
  struct instance_view {
    std::string symbol;
    std::string name;
    std::string spec;
    const live_state* state;
    /// Events published so far (all runs).
    std::uint64_t events;
    /// This process's results, as `Live.getData` stores them.
    const live_event_book* book;
    /// This process's ticks by result kind (`action` as index).
    std::array<std::uint64_t, 7> counts;
  };
  std::vector<instance_view> view() const;

  /// Called after every minute (from the loop's thread). Default: none
  void on_minute(std::function<void(const live_session_stats&)> f) {
    on_minute_ = std::move(f);
  }

  ~live_session();

private:
  struct instance;
  live_session() = default;
  expected<bool> recover();
  expected<bool> run_minute(timestamp t, live_commit& c);
  expected<bool> publish(const std::vector<live_event>& events);
  void stop_all();

  live_session_options opts_;
  std::unique_ptr<market_feed> feed_;
  std::unique_ptr<live_clock> clock_;
  std::unique_ptr<live_store> store_;
  std::vector<std::unique_ptr<instance>> instances_;
  std::vector<std::unique_ptr<live_sink>> sinks_;
  std::map<std::string, std::uint64_t> acks_;
  live_session_stats stats_;
  timestamp resume_ = 0;
  bool stopped_ = false;
  // The hard-stop flag of the running `run`, for feeds that wait.
  const std::atomic<bool>* hard_ = nullptr;
  std::function<void(const live_session_stats&)> on_minute_;
};

/// True when `b` (after a tick) differs from `a` (as persisted) in what a
/// restart cannot derive: anything but `last_tick`, and the throttle bucket
/// of a flat running instance (always its last tick's bucket, `throttle`
/// being the strategy's interval in ms).
bool live_state_changed(const live_state& a, const live_state& b,
                        timestamp throttle);

} // namespace btk
