#pragma once

// `Live.getData` (statistics.md §4.1): backtest-kit's LiveMarkdownService
// storage, which keeps every event kind of an instance in one newest-first
// list capped at `CC_MAX_LIVE_MARKDOWN_ROWS`, and the statistics over its
// closed events.

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "core/live/live_machine.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// The events of one live instance as the reference stores them: idle
/// ticks overwrite the oldest idle unless an opened or active event is
/// older than it; active and waiting ticks overwrite the oldest event of
/// the same kind and signal; everything else goes to the front.
class live_event_book {
public:
  /// Keeps at most `cap` events. Default: 250
  explicit live_event_book(std::int64_t cap = 250)
      : cap_(cap) {}

  void add(const live_result& r);

  /// Newest first.
  const std::deque<live_result>& events() const noexcept { return rows_; }

  /// The closed events, newest first, as the statistics read them.
  closed_trade_list closed() const;

private:
  // Row k of `rows_` (newest first) has the number `newest_ - k`; the sets
  // find the rows the rules look for in O(log n) instead of a scan.
  live_result& row(std::uint64_t number) { return rows_[newest_ - number]; }
  void forget(std::uint64_t number, const live_result& r);

  std::int64_t cap_;
  std::deque<live_result> rows_;
  std::uint64_t newest_ = 0;
  std::set<std::uint64_t> idle_;
  std::set<std::uint64_t> busy_; // opened and active
  std::map<std::pair<int, std::string>, std::set<std::uint64_t>> ticks_;
};

/// `LiveStatisticsModel` without its event list.
struct live_statistics {
  /// Stored events of every kind (the reference's `totalEvents`).
  std::int64_t total_events = 0;
  /// Closed events among them.
  std::int64_t total_closed = 0;
  /// The metrics of statistics.md §1.3 over the closed events; every one
  /// empty (null) when there is none.
  backtest_statistics metrics;
};

live_statistics compute_live_statistics(const live_event_book& book);

/// `Live.getReport` (statistics.md §4.1): the title, every stored event
/// newest first (28 columns, plus "Note" when `report_show_signal_note`),
/// `**Total events:**`, `**Closed signals:**` and the backtest report's
/// metric lines from `Win rate` on, then its notes. Without events: the
/// title and "No events recorded yet.".
std::string render_live_report(std::string_view strategy_name,
                               std::string_view symbol,
                               const live_event_book& book,
                               const live_statistics& stats, const config& cfg);

/// The fields under the reference's key names, in its order:
/// `totalEvents`, `totalClosed`, `winCount` … `trendConfidence`,
/// `eventListLength`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const live_statistics& s);

} // namespace btk
