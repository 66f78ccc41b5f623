#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "strategies/strategy.hpp"

namespace btk {

/// `long`, `short`, or `alt` (long on even periods, short on odd ones).
enum class side_mode : std::uint8_t { long_only, short_only, alternate };

namespace detail {

/// Side of period `k` in a side mode.
inline side side_of(side_mode mode, std::int64_t k) noexcept {
  switch (mode) {
  case side_mode::long_only:
    return side::long_;
  case side_mode::short_only:
    return side::short_;
  default:
    return k % 2 == 0 ? side::long_ : side::short_;
  }
}

/// Whole minutes of a lifetime parameter (0 when not positive).
inline std::int64_t lifetime(double minutes) noexcept {
  return minutes > 0 && minutes < 1e12
             ? static_cast<std::int64_t>(minutes + 0.999999999)
             : 0;
}

} // namespace detail

// -- reference strategies (parity/README.md) ----------------------------------

/// `every-n`: opens at the current price every `n` minutes
/// (`floor(t / 1m) % n == 0`). Interval 1m.
class every_n final : public inline_strategy<every_n> {
public:
  struct params {
    /// Period in minutes. Default: 60
    std::int64_t n = 60;
    /// Side. Default: long
    side_mode mode = side_mode::long_only;
    /// Take-profit distance, percent. Default: 1
    double tp = 1;
    /// Stop-loss distance, percent. Default: 1
    double sl = 1;
    /// Lifetime in minutes. Default: 60
    double minutes = 60;
  };
  explicit every_n(params p)
      : p_(p) {}
  interval signal_interval() const override { return interval::m1; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override;
  std::int64_t max_lifetime_minutes() const override;

private:
  params p_;
};

/// `sma-cross`: the fast mean of closes crossing the slow one on bars of
/// `interval`; long on an upward cross, short on a downward one, entry at
/// the current price.
class sma_cross final : public inline_strategy<sma_cross> {
public:
  struct params {
    /// Fast window in bars. Default: 10
    std::int64_t fast = 10;
    /// Slow window in bars. Default: 30
    std::int64_t slow = 30;
    /// Bar and throttle interval. Default: 5m
    interval iv = interval::m5;
    /// Take-profit distance, percent. Default: 1
    double tp = 1;
    /// Stop-loss distance, percent. Default: 1
    double sl = 1;
    /// Lifetime in minutes. Default: 240
    double minutes = 240;
  };
  explicit sma_cross(params p)
      : p_(p) {}
  interval signal_interval() const override { return p_.iv; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override;
  std::int64_t lookback_minutes() const override;
  std::int64_t max_lifetime_minutes() const override;

private:
  params p_;
};

/// `scheduled`: like `every-n`, but a limit entry `offset` percent below
/// (long) or above (short) the current price, which waits to be reached.
class scheduled_entry final : public inline_strategy<scheduled_entry> {
public:
  struct params {
    /// Period in minutes. Default: 120
    std::int64_t n = 120;
    /// Entry offset from the current price, percent. Default: 0.3
    double offset = 0.3;
    /// Side. Default: long
    side_mode mode = side_mode::long_only;
    /// Take-profit distance from the entry, percent. Default: 1
    double tp = 1;
    /// Stop-loss distance from the entry, percent. Default: 1
    double sl = 1;
    /// Lifetime in minutes. Default: 60
    double minutes = 60;
  };
  explicit scheduled_entry(params p)
      : p_(p) {}
  interval signal_interval() const override { return interval::m1; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override;
  std::int64_t max_lifetime_minutes() const override;
  bool may_schedule() const override { return true; }

private:
  params p_;
};

// -- strategies a trader would run ------------------------------------------

/// `rsi-reversion`: Wilder's RSI on bars of `interval`; goes long when the
/// RSI climbs back above `oversold`, short when it falls back below
/// `overbought` (a mean-reversion entry after an extreme, not during it).
class rsi_reversion final : public inline_strategy<rsi_reversion> {
public:
  struct params {
    /// RSI period in bars. Default: 14
    std::int64_t period = 14;
    /// Bar and throttle interval. Default: 15m
    interval iv = interval::m15;
    /// Long trigger level. Default: 30
    double oversold = 30;
    /// Short trigger level. Default: 70
    double overbought = 70;
    /// Take-profit distance, percent. Default: 1.5
    double tp = 1.5;
    /// Stop-loss distance, percent. Default: 1
    double sl = 1;
    /// Lifetime in minutes. Default: 360
    double minutes = 360;
  };
  explicit rsi_reversion(params p);
  interval signal_interval() const override { return p_.iv; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override;
  std::int64_t lookback_minutes() const override;
  std::int64_t max_lifetime_minutes() const override;

  /// Wilder's RSI of the last close of `closes[0..n)`, seeded with the
  /// simple mean of the first `period` changes. Needs n > period. Returns
  /// 100 when there were no losses and 50 when nothing moved.
  static double rsi(const double* closes, std::size_t n, std::int64_t period);

  /// The RSI of `period` at every bar: value `k` is `rsi` over the
  /// `period * 4 + 1` closes ending at bar `k`; NaN before that many.
  static indicator_fill rsi_fill(std::int64_t period);

  /// Bars the RSI is computed over: `period * 4 + 1`, enough for Wilder's
  /// smoothing to forget its seed.
  std::size_t window() const noexcept {
    return static_cast<std::size_t>(p_.period) * 4 + 1;
  }

private:
  params p_;
  std::string key_;
  indicator_fill fill_;
};

/// `donchian-breakout`: the last closed bar of `interval` closing above the
/// highest high (long) or below the lowest low (short) of the `period` bars
/// before it.
class donchian_breakout final : public inline_strategy<donchian_breakout> {
public:
  struct params {
    /// Channel length in bars. Default: 20
    std::int64_t period = 20;
    /// Bar and throttle interval. Default: 1h
    interval iv = interval::h1;
    /// Take-profit distance, percent. Default: 3
    double tp = 3;
    /// Stop-loss distance, percent. Default: 1.5
    double sl = 1.5;
    /// Lifetime in minutes. Default: 1440
    double minutes = 1440;
  };
  explicit donchian_breakout(params p)
      : p_(p) {}
  interval signal_interval() const override { return p_.iv; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override;
  std::int64_t lookback_minutes() const override;
  std::int64_t max_lifetime_minutes() const override;

private:
  params p_;
};

} // namespace btk
