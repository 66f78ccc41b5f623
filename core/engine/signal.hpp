#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/market/time.hpp"

namespace btk {

/// Direction of a position.
enum class side : std::uint8_t { long_, short_ };

/// Why a position closed.
enum class close_reason : std::uint8_t { take_profit, stop_loss, time_expired };

/// Why a scheduled signal was cancelled before it opened.
enum class cancel_reason : std::uint8_t { timeout, price_reject, user };

/// The kind of a tick result (engine.md §7, live.md §4.6).
enum class action : std::uint8_t {
  idle,
  scheduled,
  opened,
  active,
  closed,
  cancelled,
  /// Live only: a scheduled signal still waiting for its entry.
  waiting
};

std::string_view to_string(side x) noexcept;
std::string_view to_string(close_reason x) noexcept;
std::string_view to_string(cancel_reason x) noexcept;
std::string_view to_string(action x) noexcept;

/// What a strategy's `get_signal` returns to ask for a position
/// (backtest-kit's `ISignalDto`). Validated by the engine (`validation.hpp`).
struct signal_request {
  side position = side::long_;
  double price_take_profit = 0;
  double price_stop_loss = 0;
  /// Maximum holding time in minutes, counted from activation. NaN means the
  /// default, `CC_MAX_SIGNAL_LIFETIME_MINUTES`. Must be a positive integer.
  double minute_estimated_time = std::numeric_limits<double>::quiet_NaN();
  /// Limit entry price. NaN means "enter now at the current price".
  double price_open = std::numeric_limits<double>::quiet_NaN();
  /// Optional id; the engine numbers signals when it is empty.
  std::string id;
  /// Optional free text shown in reports.
  std::string note;

  bool has_price_open() const noexcept { return price_open == price_open; }
};

/// A signal the engine accepted: scheduled, open, or finished.
struct signal_row {
  std::string id;
  std::string note;
  side position = side::long_;
  /// Entry the PnL uses: `cost / (cost / E)` (engine.md §3.6). For a
  /// cancelled scheduled signal, the planned entry.
  double price_open = 0;
  /// The entry as created: the current price for immediate signals, the
  /// strategy's `priceOpen` for limit entries.
  double original_price_open = 0;
  double price_take_profit = 0;
  double price_stop_loss = 0;
  std::int64_t minute_estimated_time = 0;
  /// Tick at which the signal was created.
  timestamp scheduled_at = 0;
  /// When the position started; 0 while scheduled and for cancellations.
  timestamp pending_at = 0;
};

/// PnL of a closed position (engine.md §6).
struct pnl_result {
  double pnl_percentage = 0;
  double pnl_cost = 0;
  /// Invested cost, `CC_POSITION_ENTRY_COST`.
  double pnl_entries = 0;
  double price_open = 0;
  double price_close = 0;
};

/// One result the engine emits: `scheduled`, `opened`, `closed` or
/// `cancelled` in a backtest. Fields after `signal` are meaningful for
/// `closed` (all) and `cancelled` (close_timestamp, price_close,
/// cancel_reason).
struct tick_result {
  action kind = action::idle;
  signal_row signal;
  /// Time of the event: the tick for scheduled/opened, the candle for
  /// closed/cancelled.
  timestamp when = 0;
  close_reason close = close_reason::time_expired;
  cancel_reason cancel = cancel_reason::timeout;
  timestamp close_timestamp = 0;
  double price_close = 0;
  pnl_result pnl;
  /// Best PnL % seen while open (statistics.md §1.2 `peak`).
  double peak_pnl = 0;
  /// Worst PnL % seen while open (statistics.md §1.2 `fall`).
  double max_drawdown_pnl = 0;
};

} // namespace btk
