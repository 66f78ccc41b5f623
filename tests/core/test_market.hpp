#pragma once

// A hand-built market and the engine settings shared by the engine tests.
//
// With `plain()` (a VWAP window of one candle, no fee or slippage) the price
// the engine sees at candle `k` is the typical price (h + l + c) / 3 of that
// candle alone and the PnL is the raw price move.

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/engine/backtest.hpp"
#include "tests/core/test_trades.hpp"

namespace btk::test {

/// Open time of minute `k` (minute 0 is the first candle of every market).
inline timestamp at(std::int64_t k) {
  return t0 + k * minute_ms;
}

/// An unset price: NaN.
inline const double none = std::numeric_limits<double>::quiet_NaN();

/// A flat market at `p` (100 unless told) from minute 0 with candles
/// overridden by hand.
struct market {
  /// The candles, one a minute.
  std::vector<candle> cs;

  explicit market(int n, double p = 100) {
    for (int k = 0; k < n; ++k)
      cs.push_back({at(k), p, p, p, p, 1});
  }

  /// Candle `k` with h = l = c = p: price p.
  market& flat(int k, double p) { return set(k, p, p, p); }

  /// Candle `k` with high `h`, low `l`, open and close `c`, volume `v`.
  market& set(int k, double h, double l, double c, double v = 1) {
    cs[static_cast<std::size_t>(k)] = {at(k), c, h, l, c, v};
    return *this;
  }

  /// The series of symbol `TEST`.
  std::shared_ptr<const series> build() const {
    auto s = series::make("TEST", cs);
    REQUIRE(s.has_value());
    return *s;
  }
};

/// A request for `s` with take-profit `tp`, stop-loss `sl`, a lifetime of
/// `minutes` and, when given, a limit entry `price_open`.
inline signal_request go(side s, double tp, double sl, double minutes,
                         double price_open = none) {
  signal_request r;
  r.position = s;
  r.price_take_profit = tp;
  r.price_stop_loss = sl;
  r.minute_estimated_time = minutes;
  r.price_open = price_open;
  return r;
}

/// No fee, no slippage, a VWAP window of `n` candles.
inline config plain(int n = 1) {
  config c;
  c.percent_fee = 0;
  c.percent_slippage = 0;
  c.avg_price_candles_count = n;
  return c;
}

} // namespace btk::test
