#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "core/market/interval.hpp"
#include "core/market/series.hpp"

namespace btk {

/// What a strategy sees when the engine asks it for a signal: the tick time,
/// the current price and the candles before the tick. It cannot return
/// anything at or after the candle that is still forming (no look-ahead,
/// engine.md §1).
class signal_context {
public:
  explicit signal_context(const series& s) noexcept
      : series_(&s) {}

  /// The tick time.
  timestamp when() const noexcept { return when_; }

  /// The current price: the VWAP of the `CC_AVG_PRICE_CANDLES_COUNT`
  /// 1-minute candles before the tick.
  double current_price() const noexcept { return price_; }

  const std::string& symbol() const noexcept { return series_->symbol(); }

  /// The `n` fully closed candles of `iv` strictly before
  /// `floor(when / iv) * iv`, oldest first. `iv` must be a candle interval
  /// (1m .. 8h). When the data does not reach back far enough, returns an
  /// empty window and records the gap; the engine then stops the run with
  /// an error naming the symbol, interval and range.
  bar_window candles(interval iv, std::size_t n) const;

  // -- engine side ------------------------------------------------------------

  /// Moves the context to a new tick.
  void set_tick(timestamp t, double price) noexcept {
    when_ = t;
    price_ = price;
  }

  /// The data gap the last `candles` call hit, or empty.
  const std::string& missing() const noexcept { return missing_; }

private:
  const series* series_;
  timestamp when_ = 0;
  double price_ = 0;
  mutable std::array<const bar_series*, interval_count> bars_{};
  mutable std::string missing_;
};

} // namespace btk
