#pragma once

#include <cstddef>

#include "core/engine/pnl.hpp"
#include "core/engine/signal.hpp"
#include "core/market/series.hpp"

namespace btk {

/// An open position to walk candle by candle (engine.md §4, the fast path).
struct position_walk {
  side position = side::long_;
  double take_profit = 0;
  double stop_loss = 0;
  /// Reported entry (`cost / (cost / raw)`), which prices the PnL.
  double entry = 0;
  /// Entry as created (`originalPriceOpen`), the start of peak/fall tracking.
  double raw_entry = 0;
  /// Index of the first 1-minute candle to examine.
  std::size_t start = 0;
  /// Index at which the position expires: the first candle after the frame
  /// end, or `pendingAt + minuteEstimatedTime`, whichever comes first.
  std::size_t limit = 0;
};

/// Where and how a position walk ended.
struct position_exit {
  /// False when the data ended before the position closed.
  bool complete = false;
  /// Index of the closing candle (or the size of the data when incomplete).
  std::size_t index = 0;
  close_reason reason = close_reason::time_expired;
  double price = 0;
  /// Best and worst PnL % seen (statistics.md §1.2).
  double peak_pnl = 0;
  double fall_pnl = 0;
};

/// Walks an open position over `m` with `avg[i]`, the VWAP of the window
/// ending at candle `i`: expiry first, then the stop on the wick, then the
/// target on the VWAP. Tracks the peak and fall snapshots on every candle
/// that does not close. No allocation, no virtual call.
position_exit walk_position(const bar_series& m, const double* avg,
                            const position_walk& w,
                            const pnl_params& p) noexcept;

/// A scheduled (limit) signal waiting for its entry (engine.md §5).
struct schedule_walk {
  side position = side::long_;
  double price_open = 0;
  double stop_loss = 0;
  /// Index of the creation tick's candle.
  std::size_t start = 0;
  /// Index at which it times out: the first candle after the frame end, or
  /// creation + `CC_SCHEDULE_AWAIT_MINUTES`, whichever comes first.
  std::size_t limit = 0;
};

/// Where and how a wait ended.
struct schedule_exit {
  /// False when the data ended before the wait did.
  bool complete = false;
  bool activated = false;
  /// Index of the activation or cancellation candle.
  std::size_t index = 0;
  /// Set when not activated.
  cancel_reason reason = cancel_reason::timeout;
};

/// Waits for a scheduled entry: timeout, then the stop (a `price_reject`
/// even when the same candle also reaches the entry), then the entry.
schedule_exit walk_schedule(const bar_series& m,
                            const schedule_walk& w) noexcept;

} // namespace btk
