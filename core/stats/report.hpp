#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/engine/config.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// Renders backtest-kit 19.5.0's `Backtest.getReport` markdown for one
/// strategy (statistics.md §2.1-2.4): the title, a table of the stored trades
/// newest first (24 columns, plus "Note" when `report_show_signal_note`), 31
/// bold metric lines (`N/A` where a statistic is null) and 32 italic notes
/// explaining the metrics. Without valid trades the report is the title and
/// "No signals closed yet.". Lines are joined with `\n`, without a trailing
/// newline, so `dump` can write the text unchanged. `symbol` fills the Symbol
/// column (a trade result does not carry it); `stats` must be
/// `compute_backtest_statistics(trades)`; `cfg` provides the leverage
/// multiplier and the note switch.
std::string render_backtest_report(std::string_view strategy_name,
                                   std::string_view symbol,
                                   const closed_trade_list& trades,
                                   const backtest_statistics& stats,
                                   const config& cfg);

/// The report's 31 bold metric lines (`**Total signals:** …` to
/// `**Median Step Size:** …`), shared with the live report, which prints
/// them from `Win rate` on.
std::vector<std::string> backtest_footer(const backtest_statistics& stats);

/// The italic notes under the metric lines.
std::vector<std::string> backtest_footnotes();

} // namespace btk
