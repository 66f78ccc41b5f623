#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/market/series.hpp"
#include "core/market/time.hpp"

namespace btk {

/// One partial profit or loss milestone a position reached (seed-era.md
/// §13.3, the reference's `partialProfitSubject` / `partialLossSubject`).
struct partial_hit {
  /// True for a profit level (progress towards the take-profit), false for a
  /// loss level (progress towards the stop-loss).
  bool profit = true;
  /// The level: 10, 20, ..., 100 (percent of the way to the target).
  int level = 0;
  /// `partial_milestones`: index of the 1-minute candle in the series.
  /// `partial_tracker`: number of `update` calls before the one that
  /// reached it (0 for the first call after construction or `reset`).
  std::size_t index = 0;
  /// Tick time (tick path) or the candle's open time (fast path).
  timestamp when = 0;
  /// The price that reached the level.
  double price = 0;
};

/// How far a price has moved an open position towards one of its targets.
struct partial_progress {
  /// True when moving towards the take-profit, false towards the stop.
  bool profit = true;
  /// Percent of the way, capped at 100.
  double percent = 0;
};

/// The progress formula of seed-era.md §13.3, evaluated as written:
///   long : d = price - open; d > 0: min(100, d / (tp - open) * 100)
///                            d < 0: min(100, |d| / (open - sl) * 100)
///   short: d = open - price; d > 0: min(100, d / (open - tp) * 100)
///                            d < 0: min(100, |d| / (sl - open) * 100)
/// Empty when `d` is 0 (or NaN): no movement, nothing to report. This is
/// also what the reference's `onPartialProfit` / `onPartialLoss` callbacks
/// receive on every evaluated step.
std::optional<partial_progress>
partial_progress_of(side position, double price_open, double take_profit,
                    double stop_loss, double price) noexcept;

/// Remembers which milestones one position reached, for the tick path (the
/// reference's `ClientPartial` state of one signal id). Levels 10..100 of
/// each direction fire at most once, ascending, when the progress is >= the
/// level; one step can fire several.
class partial_tracker {
public:
  /// A tracker for a position with this side, entry (the reported
  /// `priceOpen`), take-profit and stop-loss.
  partial_tracker(side position, double price_open, double take_profit,
                  double stop_loss) noexcept;

  /// Evaluates `price` at `when` and appends the levels it newly reached to
  /// `out` (profit or loss, ascending). Appends nothing when the price did
  /// not move from the entry or every reached level already fired.
  void update(double price, timestamp when, std::vector<partial_hit>& out);

  /// Forgets the fired levels and the step count (the position closed and
  /// the tracker is reused for the next one with the same prices).
  void reset() noexcept;

  /// Highest profit level fired so far (0 when none).
  int profit_level() const noexcept { return profit_level_; }
  /// Highest loss level fired so far (0 when none).
  int loss_level() const noexcept { return loss_level_; }

private:
  side position_;
  double price_open_;
  double take_profit_;
  double stop_loss_;
  /// Levels fire in ascending order and `progress >= level` holds for a
  /// prefix of 10..100, so the set of fired levels is `10..level_`.
  int profit_level_ = 0;
  int loss_level_ = 0;
  std::size_t steps_ = 0;
};

/// The milestones a closed position reached on the fast path, recomputed
/// after the fact so that the engine's loop stays untouched (it runs only
/// when someone listens to partial events).
///
/// `closed` is a `closed` result of `run_backtest` over `s`; `avg` is the
/// VWAP array the run used (`s.vwap(CC_AVG_PRICE_CANDLES_COUNT)->data()`).
/// The prices are `avg[i]` for exactly the candles `walk_position` evaluated
/// without closing, read from core/engine/walk.cpp and
/// core/engine/backtest.hpp:
/// - `walk_position` examines candles `start .. min(limit, size) - 1`; on
///   each it tests the stop (wick), then the take-profit (on `avg[i]`), and
///   only a candle that closes neither updates the peak/fall with `avg[i]`.
///   The closing candle (`close_timestamp`, a stop, target or expiry) is
///   not a progress step, and an expiry candle is not examined at all.
/// - `start` (`walk_from` in backtest.hpp) is the tick's candle for an
///   immediate entry, and the candle after the activation candle for an
///   activated scheduled signal: the activation candle is not checked.
/// An immediate entry has `pending_at == scheduled_at`, but so has a
/// scheduled signal that activated on its creation candle; the two are told
/// apart as the engine does, by the current price at the creation tick,
/// `avg[index(scheduled_at) - 1]`: immediate when the entry as created
/// (`original_price_open`) is at or above it for a long, at or below it for
/// a short (a market entry equals it).
/// Progress uses `signal.price_open` (the reported entry),
/// `price_take_profit` and `price_stop_loss`; `when` is the candle's open
/// time and `index` its index. Returns nothing for a result that is not
/// `closed` or whose times are not in `s`.
std::vector<partial_hit> partial_milestones(const series& s, const double* avg,
                                            const tick_result& closed);

} // namespace btk
