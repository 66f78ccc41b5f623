#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/stats/capped_list.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// One row of the schedule report (backtest-kit's `ScheduledEvent`): a limit
/// signal was scheduled, activated (`opened`) or cancelled.
struct scheduled_event {
  /// `scheduled`, `opened` or `cancelled`.
  action kind = action::scheduled;
  /// scheduledAt, pendingAt or the cancellation time, by kind.
  timestamp when = 0;
  /// The symbol the signal trades.
  std::string symbol;
  /// The signal's id.
  std::string signal_id;
  /// The signal's free text.
  std::string note;
  /// Direction of the signal.
  side position = side::long_;
  /// Price when the event happened; NaN when unknown (printed `N/A`).
  double current_price = std::numeric_limits<double>::quiet_NaN();
  /// Entry price: the limit for scheduled/cancelled, the effective entry for
  /// opened.
  double price_open = 0;
  /// Take-profit level.
  double price_take_profit = 0;
  /// Stop-loss level.
  double price_stop_loss = 0;
  /// Fractional minutes from scheduling to activation or cancellation;
  /// empty for `scheduled`.
  std::optional<double> duration;
  /// Why a cancelled signal was cancelled; empty otherwise.
  std::optional<cancel_reason> cancel;
};

/// The events of backtest-kit's schedule `ReportStorage` (statistics.md
/// §4.3), newest first, capped at `CC_MAX_SCHEDULE_MARKDOWN_ROWS`.
class schedule_book : public capped_list<scheduled_event> {
public:
  /// Creates an empty book that keeps at most `cap` events; pass
  /// `config::max_schedule_markdown_rows`. Default: 250.
  explicit schedule_book(std::int64_t cap = 250)
      : capped_list(cap) {}

  /// Records `x` of `symbol` by the rules of §4.3: `scheduled` always;
  /// `opened` only when it activated later than it was scheduled
  /// (`pending_at != scheduled_at`); `cancelled` always; every other action
  /// is ignored. `current_price` is the price at the event (a result does
  /// not carry it for scheduled/opened); left NaN, a cancellation falls
  /// back to its `price_close` and the others print `N/A`. The oldest event
  /// beyond the cap is dropped.
  void push(std::string_view symbol, const tick_result& x,
            double current_price = std::numeric_limits<double>::quiet_NaN());
};

/// `Schedule.getData` (`ScheduleStatisticsModel`, statistics.md §4.3).
struct schedule_statistics {
  /// The stored events, newest first (`eventList`).
  std::vector<scheduled_event> events;
  /// Number of stored events.
  std::int64_t total_events = 0;
  /// Stored `scheduled` events.
  std::int64_t total_scheduled = 0;
  /// Stored `opened` events.
  std::int64_t total_opened = 0;
  /// Stored `cancelled` events.
  std::int64_t total_cancelled = 0;
  /// Cancellations among the resolved stored schedulings, %.
  std::optional<double> cancellation_rate;
  /// Activations among the resolved stored schedulings, %.
  std::optional<double> activation_rate;
  /// Mean minutes a cancelled signal waited.
  std::optional<double> avg_wait_time;
  /// Mean minutes an opened signal waited for its entry.
  std::optional<double> avg_activation_time;
};

/// Computes `Schedule.getData` over `book`. The rates count only the opened
/// and cancelled events whose signal id is among the stored scheduled ones
/// and are null when none is; the averages sum newest first.
schedule_statistics compute_schedule(const schedule_book& book);

/// The summary fields under the reference's JSON key names
/// (`"totalEvents"`, …, `"avgActivationTime"`); the `"eventList"` array is
/// `s.events`, each through `stat_fields(const scheduled_event&)`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const schedule_statistics& s);

/// One event under the reference's JSON key names (`"timestamp"`,
/// `"action"`, `"symbol"`, `"signalId"`, …, `"cancelReason"`).
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const scheduled_event& e);

/// Renders `Schedule.getReport` (statistics.md §4.3): `# Scheduled Signals
/// Report: {strategy_name}`, the event table newest first, 8 bold summary
/// lines and 8 italic footnotes. Without events it is the title and `No
/// scheduled signals recorded yet.`. `show_note` adds the Note column
/// (`CC_REPORT_SHOW_SIGNAL_NOTE`). Lines are joined with `\n`, without a
/// trailing newline.
std::string render_schedule_report(std::string_view strategy_name,
                                   const schedule_statistics& stats,
                                   bool show_note = false);

} // namespace btk
