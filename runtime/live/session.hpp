#pragma once

// A live session: strategy instances on symbols, ticking once a minute on a
// clock over a market feed, with every state transition and event written
// to RocksDB in one synced batch per minute before any sink sees it.
// Restarting with the same state continues where the last process stopped.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/live/live_machine.hpp"
#include "core/risk/risk.hpp"
#include "core/stats/live_report.hpp"
#include "runtime/live/broker.hpp"
#include "runtime/live/clock.hpp"
#include "runtime/live/feed.hpp"
#include "runtime/live/live_store.hpp"
#include "runtime/live/sinks.hpp"
#include "runtime/results/results.hpp"
#include "strategies/callbacks.hpp"
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
  /// The schema's callbacks. Default: none
  std::shared_ptr<const strategy_callbacks> callbacks;
  /// The risk profiles (of `live_session_options::risks`) its signals must
  /// pass; several must all allow (the reference's `MergeRisk`).
  /// Default: none
  std::vector<std::string> risks;
  /// The exchange its risk validations see. Default: empty
  /// (`live_session_options::exchange`)
  std::string exchange;
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
  /// The risk profiles instances may name. Each keeps one book of open
  /// positions shared by every instance naming it; instances tick in their
  /// order, so the books (and every decision) are the same after a
  /// restart. Default: none
  std::vector<risk_schema> risks;
  /// The exchange name risk validations see for instances that name none.
  /// Default: empty
  std::string exchange;
  /// Where opened and closed positions become orders. Default: a
  /// `paper_broker`
  std::shared_ptr<broker> orders;
  /// Keep running with no instance left, waiting for `add_instance` (a
  /// host's live facade); `instances` may then start empty. Default: false
  bool wait_for_instances = false;
  /// Gets every minute's synced batch before its events are published
  /// (`live_store::set_replicator`): a live fleet puts it on a standby
  /// node. An error stops the session with nothing of that minute
  /// published. Default: none
  std::function<expected<bool>(const std::string& batch)> replicator;
};

/// Counters of a session, for status lines and benchmarks.
using live_session_stats = live_counters;

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

  /// Adds an instance while the session runs (from any thread); it starts
  /// at the next minute, restored from the state when stored there. An
  /// instance already in the session, or stored with another spec, is an
  /// error.
  expected<bool> add_instance(live_instance_def def);

  /// Adds a risk profile while the session runs (from any thread), before
  /// an instance naming it is added. A name already known is an error.
  expected<bool> add_risk(risk_schema r);

  /// `Live.stop` of one instance (from any thread), applied before the
  /// next minute. Unknown instances are ignored.
  void stop_instance(const std::string& symbol, const std::string& name);

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
    /// Signals its risk profiles rejected in this process.
    std::uint64_t risk_rejected;
  };
  /// The configuration its instances run with.
  const config& cfg() const noexcept { return opts_.cfg; }

  /// Every instance. Not while `run` runs on another thread: use
  /// `with_view` then.
  std::vector<instance_view> view() const;

  /// Calls `f` with instance `symbol`/`name` under the session's lock (from
  /// any thread); false when there is no such instance.
  bool with_view(const std::string& symbol, const std::string& name,
                 const std::function<void(const instance_view&)>& f) const;

  /// Calls `f` for every instance under the session's lock.
  void for_each(const std::function<void(const instance_view&)>& f) const;

  /// What a host hears from the loop's thread after each minute's batch is
  /// synced: every result of every tick (idle, waiting and active
  /// included), the time each tick took, every warning, and each instance
  /// whose loop ended. Each is optional.
  struct hooks {
    std::function<void(const instance_view&, const live_result&)> on_result;
    std::function<void(const instance_view&, double tick_ms)> on_tick;
    std::function<void(const instance_view&, timestamp, const std::string&)>
        on_warning;
    std::function<void(const instance_view&)> on_ended;
    /// A partial profit or loss level the open position reached, with its
    /// signal.
    std::function<void(const instance_view&, const partial_hit&,
                       const signal_row&)>
        on_partial;
    /// A risk profile rejected the instance's signal: the profile's name,
    /// what its validations saw (`active_positions` left empty, the count
    /// kept: a rejection is not worth a copy of every position), and the
    /// decision.
    std::function<void(const instance_view&, const std::string&,
                       const risk_args&, const risk_decision&)>
        on_risk;
  };
  void set_hooks(hooks h) { hooks_ = std::move(h); }

  /// Called after every minute (from the loop's thread). Default: none
  void on_minute(std::function<void(const live_session_stats&)> f) {
    on_minute_ = std::move(f);
  }

  ~live_session();

private:
  struct instance;
  class risk_gate;
  // A risk profile and the positions open under it.
  // A profile and the positions open under it. Live checks only ever ask
  // what is open now, so the list the validations see is kept as it is
  // (`seen.active_positions`, ordered by open time, then the instance's
  // rank) and changed in place by an open or a close: a check costs its
  // validations, not a copy of every position.
  struct risk_profile {
    risk_schema schema;
    risk_args seen;
    // Per entry of `seen.active_positions`: its open time and rank (the
    // order), and a hash of its strategy and symbol (found without
    // comparing every name).
    struct slot {
      timestamp at;
      std::uint32_t rank;
      std::size_t hash;
    };
    std::vector<slot> order;

    void open(const std::string& strategy, const std::string& symbol,
              const std::string& exchange, timestamp at, std::uint32_t rank);
    void close(const std::string& strategy, const std::string& symbol);
  };
  // Points `i` at its profiles and counts its open position in them.
  expected<bool> seat(instance& i);
  // Counts the open positions of stored instances this session does not
  // run in the profiles their records name.
  void seat_stored(const std::map<std::string, live_instance_record>& recs);
  live_session() = default;
  expected<std::unique_ptr<instance>>
  restore(live_instance_def def, const live_instance_record* rec) const;
  instance_view view_of(const instance& i) const;
  // Takes the instances added and the stops asked for since the last
  // minute; returns false when it waited for an instance and got a stop.
  bool take_requests(const std::atomic<bool>& hard_stop, bool all_ended);
  void notify(const live_commit& c);
  expected<bool> recover();
  expected<bool> run_minute(timestamp t, live_commit& c);
  expected<bool> publish(const std::vector<live_event>& events);
  void stop_all();

  live_session_options opts_;
  std::unique_ptr<market_feed> feed_;
  std::unique_ptr<live_clock> clock_;
  std::unique_ptr<live_store> store_;
  std::vector<std::unique_ptr<instance>> instances_;
  std::map<std::string, risk_profile> risks_;
  std::vector<std::unique_ptr<live_sink>> sinks_;
  std::map<std::string, std::uint64_t> acks_;
  live_session_stats stats_;
  timestamp resume_ = 0;
  bool stopped_ = false;
  // The hard-stop flag of the running `run`, for feeds that wait.
  const std::atomic<bool>* hard_ = nullptr;
  hooks hooks_;
  // Guards `instances_` (the loop holds it while it ticks) and the queues.
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<instance>> added_;
  std::vector<std::pair<std::string, std::string>> stops_;
  bool announced_ = false;
  // What the loop tells the hooks after the batch: per instance, its
  // results, warnings and tick time.
  struct heard {
    instance* who = nullptr;
    std::vector<live_result> results;
    std::vector<std::pair<timestamp, std::string>> warnings;
    double tick_ms = -1;
    bool ended = false;
    // Restored by this process: its first tick calls on_active or
    // on_schedule with the state as stored and the tick's price.
    std::optional<live_state> restored;
    double restored_price = 0;
    std::vector<partial_hit> partials;
    signal_row signal;
    struct rejection {
      std::string risk;
      risk_args args;
      risk_decision decision;
    };
    std::vector<rejection> rejections;
  };
  std::vector<heard> heard_;
  std::function<void(const live_session_stats&)> on_minute_;
};

/// True when `b` (after a tick) differs from `a` (as persisted) in what a
/// restart cannot derive: anything but `last_tick`, and the throttle bucket
/// of a flat running instance (always its last tick's bucket, `throttle`
/// being the strategy's interval in ms).
bool live_state_changed(const live_state& a, const live_state& b,
                        timestamp throttle);

} // namespace btk
