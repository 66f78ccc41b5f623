#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine/signal.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// The topics of the event bus (seed-era.md §17). A listener subscribes to
/// one topic and receives that topic's events one at a time, in order.
enum class topic : std::uint8_t {
  /// Every scheduled / opened / closed / cancelled result, any mode.
  signal,
  /// The same, backtests only.
  signal_backtest,
  /// The same, live runs only.
  signal_live,
  /// A backtest's progress through its frame, about once per simulated day.
  progress_backtest,
  /// A backtest of one symbol:strategy finished (or was stopped).
  done_backtest,
  /// A live run finished.
  done_live,
  /// A walker finished.
  done_walker,
  /// A walker finished one strategy.
  walker,
  /// A walker ranked all its strategies.
  walker_complete,
  /// A risk profile rejected a signal.
  risk,
  /// An open position reached a new profit milestone (10 % .. 100 % of TP).
  partial_profit,
  /// An open position reached a new loss milestone (10 % .. 100 % of SL).
  partial_loss,
  /// A wall-clock timing (run, chunk).
  performance,
  /// A recoverable error (a strategy threw; the run goes on).
  error,
  /// A fatal error in a background run (the run ended).
  exit,
};

/// Number of topics.
inline constexpr std::size_t topic_count = 15;

/// The topic's name as the CLI and logs print it.
std::string_view to_string(topic t) noexcept;

/// Which instance an event is about: backtest-kit's `symbol` plus
/// `{strategyName, exchangeName, frameName}`.
struct event_source {
  std::string symbol;
  std::string strategy;
  std::string exchange;
  /// Empty in live mode.
  std::string frame;
  /// True in backtests, false in live mode.
  bool backtest = true;
};

/// A result of the signal machine (topics signal, signal_backtest,
/// signal_live).
struct signal_event {
  event_source source;
  tick_result result;
};

/// A backtest's progress (topic progress_backtest).
struct progress_event {
  event_source source;
  /// Ticks of the frame.
  std::int64_t total_frames = 0;
  /// Ticks run so far.
  std::int64_t processed_frames = 0;
  /// `processed_frames / total_frames`, 0 .. 1.
  double progress = 0;
};

/// A run of one symbol:strategy ended (topics done_backtest, done_live).
struct done_event {
  event_source source;
  /// True when `stop` ended it before the frame did.
  bool stopped = false;
  /// Set when the run failed (it then also published an `exit` event).
  std::string error;
};

/// A risk rejection (topic risk), as backtest-kit's `riskSubject` sends it.
struct risk_event {
  event_source source;
  /// The risk profile that rejected.
  std::string risk;
  /// The signal the strategy asked for.
  signal_request pending;
  double current_price = 0;
  /// Positions of the profile open at that moment.
  std::int64_t active_position_count = 0;
  /// Note of the failing validation, or "N/A".
  std::string comment;
  /// Simulated time of the check (the tick).
  timestamp when = 0;
};

/// A partial profit or loss milestone (topics partial_profit,
/// partial_loss; seed-era.md §13.3).
struct partial_event {
  event_source source;
  /// True for profit (towards TP), false for loss (towards SL).
  bool profit = true;
  /// 10, 20, ... 100.
  std::int32_t level = 0;
  signal_row signal;
  /// Price at the milestone (the rolling VWAP of the candle).
  double current_price = 0;
  /// Candle open time at which the level was reached.
  timestamp when = 0;
};

/// A wall-clock timing (topic performance). Not deterministic.
struct performance_event {
  event_source source;
  /// `backtest_total` (a whole run) or `backtest_timeframe` (one chunk of
  /// simulated time).
  std::string type;
  double duration_ms = 0;
  /// Wall-clock ms since the epoch when it was measured.
  timestamp when = 0;
  /// The previous event's `when` for this instance, or 0.
  timestamp previous = 0;
};

/// A walker finished one strategy (topic walker; backtest-kit's
/// WalkerContract). `source.strategy` is the strategy just tested.
struct walker_event {
  event_source source;
  std::string walker;
  std::string metric;
  backtest_statistics stats;
  std::optional<double> metric_value;
  /// The best so far (empty strategy: none yet).
  std::optional<double> best_metric;
  std::string best_strategy;
  std::int64_t strategies_tested = 0;
  std::int64_t total_strategies = 0;
};

/// A walker ranked all its strategies (topic walker_complete; backtest-kit's
/// WalkerCompleteContract). `source.strategy` is the walker's name.
struct walker_complete_event {
  event_source source;
  std::string walker;
  std::string metric;
  std::int64_t total_strategies = 0;
  /// Empty when no strategy had a metric.
  std::string best_strategy;
  std::optional<double> best_metric;
  std::optional<backtest_statistics> best_stats;
};

/// An error (topics error and exit).
struct error_event {
  event_source source;
  std::string message;
  /// Simulated time (0 when not tied to a tick).
  timestamp when = 0;
};

} // namespace btk
