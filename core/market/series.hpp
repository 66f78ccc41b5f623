#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"
#include "core/market/column.hpp"
#include "core/market/interval.hpp"

namespace btk {

/// Bars of one interval as a structure of arrays: bar `k` opens at
/// `first + k * step`. Used for 1-minute candles and for the higher
/// intervals aggregated from them.
struct bar_series {
  interval iv = interval::m1;
  /// Open time of bar 0.
  timestamp first = 0;
  /// Bar length in milliseconds.
  timestamp step = minute_ms;
  /// Set in full by whoever builds the bars (see `column`).
  column open, high, low, close, volume;

  std::size_t size() const noexcept { return close.size(); }
  timestamp open_time(std::size_t k) const noexcept {
    return first + static_cast<timestamp>(k) * step;
  }
};

/// A read-only window of `size` consecutive bars, oldest first. Points into
/// a `bar_series` owned by a `series`; valid while that series lives.
struct bar_window {
  const double* open = nullptr;
  const double* high = nullptr;
  const double* low = nullptr;
  const double* close = nullptr;
  const double* volume = nullptr;
  /// Open time of the oldest bar.
  timestamp first = 0;
  timestamp step = minute_ms;
  std::size_t size = 0;

  candle at(std::size_t k) const noexcept {
    return {first + static_cast<timestamp>(k) * step,
            open[k],
            high[k],
            low[k],
            close[k],
            volume[k]};
  }
};

/// Computes an indicator's values for bars `[from, to)` of `bars` into
/// `out[0 .. to - from)`. Value `k` may read bars `0 ..= k` only (a later
/// bar would be look-ahead) and must not depend on where the range starts,
/// so that values computed in any order have the same bits. See
/// `indicator_values` (core/market/indicator.hpp).
using indicator_fill = std::function<void(
    const bar_series& bars, std::size_t from, std::size_t to, double* out)>;

class indicator_values;

/// The immutable market data of one symbol: contiguous 1-minute candles plus
/// caches derived from them (higher-interval bars, VWAP windows). Shared
/// read-only (`std::shared_ptr<const series>`) by every strategy that trades
/// the symbol; the caches are filled once, under a lock, on first use, the
/// VWAP array and the bars on several threads when the host installed a
/// runner (`set_parallel_runner`, core/market/parallel.hpp).
class series {
public:
  /// Builds a series from 1-minute candles in ascending order. Fails when the
  /// list is empty, a timestamp is off the minute grid, out of order, or
  /// leaves a gap, or a price or volume is not valid; the error names the
  /// symbol, the index and the value.
  static expected<std::shared_ptr<const series>>
  make(std::string symbol, const std::vector<candle>& candles);

  /// Like `make`, from 1-minute columns moved in without a copy (the
  /// candle store reads them so). Fails when `minutes` is not of 1-minute
  /// bars on the grid with columns of one non-zero length, or a candle
  /// breaks the candle rules; the error is the one `make` gives for the
  /// same candles.
  static expected<std::shared_ptr<const series>>
  from_minutes(std::string symbol, bar_series minutes);

  const std::string& symbol() const noexcept { return symbol_; }

  /// The 1-minute candles.
  const bar_series& minutes() const noexcept { return m1_; }

  std::size_t size() const noexcept { return m1_.size(); }
  /// Open time of the first 1-minute candle.
  timestamp first() const noexcept { return m1_.first; }
  /// Open time of the last 1-minute candle.
  timestamp last() const noexcept { return m1_.open_time(m1_.size() - 1); }

  /// Index of the 1-minute candle opening at `t`, or -1 when `t` is off the
  /// grid or outside the series.
  std::ptrdiff_t index_of(timestamp t) const noexcept;

  /// Bars of `iv` aggregated from the 1-minute candles: buckets aligned to
  /// UTC epoch multiples of the step; open of the first minute, max high,
  /// min low, close of the last minute, summed volume. Only buckets fully
  /// covered by the data are kept.
  std::shared_ptr<const bar_series> bars(interval iv) const;

  /// `result[i]` is the VWAP of the `n` 1-minute candles ending at candle `i`
  /// (inclusive), computed exactly as the reference does (typical price
  /// (h + l + c) / 3 times volume, summed oldest to newest, divided by the
  /// summed volume; the mean of the closes when that volume is 0). Entries
  /// with fewer than `n` candles are NaN.
  std::shared_ptr<const column> vwap(int n) const;

  /// The indicator named `key` over the bars of `iv`, created on first use
  /// with `fill` and shared by every run on this series (a sweep's jobs
  /// compute each value once). `key` must name the indicator and every
  /// parameter it depends on (`sma:20`): the same key is the same values.
  /// Values are computed block by block as runs read them.
  std::shared_ptr<const indicator_values>
  indicator(interval iv, const std::string& key,
            const indicator_fill& fill) const;

  /// The simple moving average of `period` closes of `iv` (`sma_fill`),
  /// cached apart from the keyed indicators and found without building a
  /// key: a live tick asks for it anew every minute.
  std::shared_ptr<const indicator_values> sma(interval iv,
                                              std::size_t period) const;

  /// Bytes this series' indicator cache holds (its share of the
  /// process-wide budget, `set_indicator_cache_budget`).
  std::size_t indicator_bytes() const;

private:
  series() = default;

  /// The cached indicator of `iv` with `period` (moving averages) or, for
  /// `period` 0, `key`; made with `fill` when not cached.
  std::shared_ptr<const indicator_values>
  cached_indicator_of(interval iv, std::size_t period, const std::string& key,
                      const indicator_fill& fill) const;

  /// Drops this series' oldest cached indicators until `room` more bytes
  /// fit in the process-wide budget. Called with `mtx_` held.
  void drop_indicators(std::size_t room) const;

  std::string symbol_;
  bar_series m1_;
  mutable std::mutex mtx_;
  mutable std::array<std::shared_ptr<const bar_series>, interval_count> bars_;
  mutable std::map<int, std::shared_ptr<const column>> vwap_;
  struct cached_indicator; // series.cpp
  /// Oldest first.
  mutable std::vector<std::shared_ptr<cached_indicator>> indicators_;
};

/// VWAP of candles `[from, to]` (inclusive) of `m`, in the reference's order
/// of operations. Exposed for tests and for callers without a `series`.
double vwap_of(const bar_series& m, std::size_t from, std::size_t to) noexcept;

} // namespace btk
