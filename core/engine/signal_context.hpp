#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/market/indicator.hpp"
#include "core/market/interval.hpp"
#include "core/market/series.hpp"

namespace btk {

/// A shared indicator seen from a tick: `back(0)` is its value at the last
/// fully closed bar before the tick, `back(1)` at the bar before that, and
/// so on; `size()` bars are closed. Valid while the run lives.
class indicator_view {
public:
  indicator_view() = default;
  indicator_view(const indicator_values* v, std::size_t closed) noexcept
      : v_(v)
      , closed_(closed) {}

  /// Bars closed before the tick (0 when the data does not reach it).
  std::size_t size() const noexcept { return closed_; }

  /// The value `k` bars before the last closed one; `k < size()`.
  double back(std::size_t k = 0) const { return v_->at(closed_ - 1 - k); }

private:
  const indicator_values* v_ = nullptr;
  std::size_t closed_ = 0;
};

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

  /// The indicator `key` over bars of `iv` (see `series::indicator`),
  /// computed once per series and key and shared by every run on it, as
  /// seen from this tick. `iv` must be a candle interval; when it is not,
  /// or the tick is outside the data, the view is empty and `missing()`
  /// says why. Asking again for the same key in the same run costs a few
  /// comparisons.
  indicator_view indicator(interval iv, const std::string& key,
                           const indicator_fill& fill) const;

  /// The simple moving average of `period` closes of `iv` (`sma_fill`),
  /// shared under the key `sma:PERIOD`.
  indicator_view sma(interval iv, std::size_t period) const {
    // Inline: a sweep's jobs ask twice per signal bucket.
    for (const auto& h : held_)
      if (h.period == period && h.iv == iv)
        return view(iv, *h.values);
    return first_sma(iv, period);
  }

  // -- engine side ------------------------------------------------------------

  /// Moves the context to a new tick.
  void set_tick(timestamp t, double price) noexcept {
    when_ = t;
    price_ = price;
    known_ = 0;
  }

  /// The data gap the last `candles` call hit, or empty.
  const std::string& missing() const noexcept { return missing_; }

private:
  const series* series_;
  timestamp when_ = 0;
  double price_ = 0;
  mutable std::array<const bar_series*, interval_count> bars_{};
  mutable std::string missing_;

  /// Bars of each interval closed before the tick, once known (`known_`
  /// has the interval's bit); forgotten at every tick.
  mutable std::array<std::int64_t, interval_count> ends_{};
  mutable std::uint32_t known_ = 0;

  /// Indicators this context has asked for: moving averages by `period`,
  /// the others by key (`period` 0).
  struct held_indicator {
    std::size_t period;
    interval iv;
    std::string key;
    std::shared_ptr<const indicator_values> values;
  };
  mutable std::vector<held_indicator> held_;

  /// Bars of `iv` closed before the tick (may be negative or past the
  /// data; the callers check).
  std::int64_t closed(interval iv, const bar_series& b) const {
    const auto i = static_cast<std::size_t>(iv);
    const std::uint32_t bit = std::uint32_t{1} << i;
    if ((known_ & bit) == 0) {
      // Bars open on multiples of their step, so the bars closed before
      // the forming one are floor((t - first) / step): one division per
      // tick and interval.
      ends_[i] = b.size() == 0 ? -1 : floor_div(when_ - b.first, b.step);
      known_ |= bit;
    }
    return ends_[i];
  }
  /// The bars of `iv`, or nullptr (and `missing_` says why).
  const bar_series* bars_of(interval iv) const;
  /// A view of `v` over the bars of `iv` at this tick.
  indicator_view view(interval iv, const indicator_values& v) const {
    const bar_series& b = *bars_[static_cast<std::size_t>(iv)];
    const std::int64_t end = closed(iv, b);
    if (end < 0 || end > static_cast<std::int64_t>(b.size()))
      return outside(iv, b);
    return {&v, static_cast<std::size_t>(end)};
  }
  /// An empty view, `missing_` saying that the tick is outside the data.
  indicator_view outside(interval iv, const bar_series& b) const;
  /// `sma` the first time this context asks for `period` on `iv`.
  indicator_view first_sma(interval iv, std::size_t period) const;
};

} // namespace btk
