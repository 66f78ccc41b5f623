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

/// A signal a risk profile rejected (seed-era.md §13.1, backtest-kit's
/// `RiskEvent`).
struct risk_rejection {
  /// The symbol the signal would have traded.
  std::string symbol;
  /// The strategy that asked for it.
  std::string strategy;
  /// The exchange of the run.
  std::string exchange;
  /// The signal's id; empty when it had none yet (printed `N/A`).
  std::string signal_id;
  /// Why: the note of the failing validation, or `N/A`.
  std::string comment;
  /// Direction of the rejected signal.
  side position = side::long_;
  /// Price at the rejection.
  double current_price = 0;
  /// Positions open in the risk profile at the rejection.
  std::size_t active_position_count = 0;
  /// Time of the rejection.
  timestamp when = 0;
};

/// The rejections of backtest-kit's risk `ReportStorage` (statistics.md
/// §4.6), newest first, capped at `CC_MAX_RISK_MARKDOWN_ROWS` (pass
/// `config::max_risk_markdown_rows`; default 250).
using risk_report_book = capped_list<risk_rejection>;

/// `Risk.getData` (`RiskStatisticsModel`, statistics.md §4.6).
struct risk_statistics {
  /// The stored rejections, newest first (`eventList`).
  std::vector<risk_rejection> events;
  /// Number of stored rejections.
  std::int64_t total_rejections = 0;
  /// Rejections per symbol, in the order the symbols first appear newest
  /// first (the reference's JSON key order).
  std::vector<std::pair<std::string, std::int64_t>> by_symbol;
  /// Rejections per strategy, in the same kind of order.
  std::vector<std::pair<std::string, std::int64_t>> by_strategy;
};

/// Computes `Risk.getData` over `book`.
risk_statistics compute_risk(const risk_report_book& book);

/// The total under the reference's JSON key name (`"totalRejections"`);
/// `"bySymbol"` and `"byStrategy"` are objects built from `s.by_symbol` and
/// `s.by_strategy`, `"eventList"` from `s.events` through
/// `stat_fields(const risk_rejection&)`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const risk_statistics& s);

/// One rejection under the reference's JSON key names (`"symbol"`,
/// `"strategyName"`, `"exchangeName"`, `"signalId"` (null when empty),
/// `"position"`, `"currentPrice"`, `"activePositionCount"`,
/// `"rejectionNote"`, `"timestamp"`).
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const risk_rejection& e);

/// Renders `Risk.getReport` (statistics.md §4.6): `# Risk Rejection Report:
/// {symbol}:{strategy}`, the rejection table newest first, the total, then
/// `## Rejections by Symbol` and `## Rejections by Strategy` with one `- name:
/// n` line each. Without rejections it is the title and `No risk rejections
/// recorded yet.`. Lines are joined with `\n`, without a trailing newline.
std::string render_risk_report(std::string_view symbol,
                               std::string_view strategy,
                               const risk_statistics& stats);

} // namespace btk
