#pragma once

// `Live` of backtest-kit on the engine (`engine.live()`): strategies
// registered on the engine trade on the clock, one live session per engine
// with crash-safe state, their events on the engine's listeners
// (`listen_signal_live`, `listen_done_live`, performance `live_tick`,
// `listen_error`).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/stats/live_report.hpp"
#include "messages/events.hpp"
#include "runtime/api/engine.hpp"

namespace btk {

class market_feed;

/// Which strategy and exchange a live instance runs (no frame in live).
struct live_context {
  /// The strategy's registered name.
  std::string strategy;
  /// The exchange's registered name.
  std::string exchange;
};

/// Where the engine's live runs keep their state and get market data. Set
/// with `configure` before the first run.
struct live_setup {
  /// The RocksDB state folder. Default: ./dump/live-state
  std::string state_dir = "./dump/live-state";
  /// The market data. Default: a replay of each exchange's candles (its
  /// `get_series` / `get_candles`), a candle released only once the clock
  /// has passed its close
  std::function<std::unique_ptr<market_feed>()> feed;
  /// `real`, `virtual` (as fast as the data allows) or `xN`. Default: real
  std::string clock = "real";
  /// First tick. Default: the clock's current minute (required with
  /// `virtual`)
  std::optional<timestamp> from;
  /// Ticks run while `when < until`. Default: none
  std::optional<timestamp> until;
};

/// A live instance started by `background`.
class live_handle {
public:
  live_handle() = default;
  /// Stops it as backtest-kit's cancel closure does: no new signal, a
  /// scheduled one is cancelled, an open position runs to its close.
  void cancel();
  /// Blocks until its loop ended.
  void wait();
  /// True once its loop ended.
  bool done() const;

  struct state;

private:
  friend class live_facade;
  std::shared_ptr<state> st_;
  std::function<void()> cancel_;
};

/// The results of `live.run`, pulled as they happen: opened, closed and
/// cancelled results (what backtest-kit's `Live.run` yields), blocking
/// until the next one; it ends with the instance's loop.
class live_stream {
public:
  live_stream(live_stream&&) noexcept;
  live_stream& operator=(live_stream&&) noexcept;
  /// Leaving the stream before the instance ended stops the instance
  /// (gracefully).
  ~live_stream();
  /// The next result, or nothing once the loop ended.
  std::optional<signal_event> next();

private:
  friend class live_facade;
  live_stream(std::shared_ptr<live_handle::state> st,
              std::function<void()> stop);
  std::shared_ptr<live_handle::state> st_;
  std::function<void()> stop_;
};

class live_facade {
public:
  explicit live_facade(engine& e);
  ~live_facade();
  live_facade(const live_facade&) = delete;
  live_facade& operator=(const live_facade&) = delete;

  /// Sets state folder, market data and clock; before the first run.
  void configure(live_setup s);

  /// Starts `symbol` with `ctx` and returns its results as they happen.
  live_stream run(const std::string& symbol, const live_context& ctx);

  /// Starts `symbol` with `ctx` and returns at once. Throws `api_error` for
  /// unknown names, an instance already running, or state stored for it
  /// under another spec.
  live_handle background(const std::string& symbol, const live_context& ctx);

  /// Starts several instances together: all take their first tick at the
  /// same minute (with a virtual clock, one after the other would not).
  std::vector<live_handle>
  background(const std::vector<std::pair<std::string, live_context>>& runs);

  /// `Live.stop`: no new signal; a scheduled signal is cancelled (`user`)
  /// on the next tick; an open position runs to its close, then the loop
  /// ends. Idempotent; a no-op for an unknown instance.
  void stop(const std::string& symbol, const std::string& strategy);

  /// `Live.getData` of this process's events (statistics.md §4.1).
  live_statistics get_data(const std::string& symbol,
                           const std::string& strategy);
  /// `Live.getReport`.
  std::string get_report(const std::string& symbol,
                         const std::string& strategy);
  /// Writes the report to `{dir}/{symbol}_{strategy}.md`; returns the path.
  /// Default dir: ./dump/live
  std::string dump(const std::string& symbol, const std::string& strategy,
                   const std::string& dir = "./dump/live");
  /// Every live instance with its status ("running" or "done").
  std::vector<instance_info> list();

  struct impl;

private:
  std::vector<live_handle>
  start(const std::vector<std::pair<std::string, live_context>>& runs,
        bool stream);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
