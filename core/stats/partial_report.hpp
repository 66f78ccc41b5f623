#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/stats/capped_list.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// A partial profit or loss milestone (seed-era.md §13.3): an open position
/// got `level` percent (10, 20, … 100) of the way to its take-profit
/// (`profit`) or stop-loss.
struct partial_record {
  /// True for a profit level, false for a loss level.
  bool profit = true;
  /// The level reached, percent of the distance to TP or SL.
  int level = 0;
  /// The symbol traded.
  std::string symbol;
  /// The strategy that opened the position.
  std::string strategy;
  /// The position's signal id.
  std::string signal_id;
  /// Direction of the position.
  side position = side::long_;
  /// Price at which the level was reached.
  double current_price = 0;
  /// Tick time, or the candle open time on the fast path.
  timestamp when = 0;
  /// True when it happened in a backtest.
  bool backtest = true;
};

/// The events of backtest-kit's partial `ReportStorage` (statistics.md
/// §4.5), newest first, capped at `CC_MAX_PARTIAL_MARKDOWN_ROWS` (pass
/// `config::max_partial_markdown_rows`; default 250).
using partial_book = capped_list<partial_record>;

/// `Partial.getData` (`PartialStatisticsModel`, statistics.md §4.5).
struct partial_statistics {
  /// The stored events, newest first (`eventList`).
  std::vector<partial_record> events;
  /// Number of stored events.
  std::int64_t total_events = 0;
  /// Stored profit-level events.
  std::int64_t total_profit = 0;
  /// Stored loss-level events.
  std::int64_t total_loss = 0;
};

/// Computes `Partial.getData` over `book`.
partial_statistics compute_partial(const partial_book& book);

/// The counts under the reference's JSON key names (`"totalEvents"`,
/// `"totalProfit"`, `"totalLoss"`); `"eventList"` is `s.events`, each
/// through `stat_fields(const partial_record&)`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const partial_statistics& s);

/// One event under the reference's JSON key names (`"action"` = `"profit"`
/// or `"loss"`, `"symbol"`, `"strategyName"`, `"signalId"`, `"position"`,
/// `"level"`, `"currentPrice"`, `"timestamp"`, `"backtest"` as 0/1).
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const partial_record& e);

/// Renders `Partial.getReport` (statistics.md §4.5): `# Partial Profit/Loss
/// Report: {symbol}:{strategy}`, the event table newest first and the three
/// counts; no footnotes. Without events it is the title and `No partial
/// profit/loss events recorded yet.`. Lines are joined with `\n`, without a
/// trailing newline.
std::string render_partial_report(std::string_view symbol,
                                  std::string_view strategy,
                                  const partial_statistics& stats);

} // namespace btk
