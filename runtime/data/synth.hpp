#pragma once

#include <cstdint>
#include <vector>

#include "core/market/candle.hpp"

namespace btk {

/// Parameters of `generate_candles`.
struct synth_options {
  /// Seed of the generator; the same options give the same candles on every
  /// run and machine. Default: 1
  std::uint64_t seed = 1;

  /// Open time of the first candle, floored to the minute.
  /// Default: 1704067200000 (2024-01-01T00:00:00.000Z)
  timestamp start = 1'704'067'200'000;

  /// Number of 1-minute candles to generate; none when <= 0. Default: 1440
  std::int64_t minutes = 1440;

  /// Open price of the first candle; must be > 0. Default: 100
  double price = 100;

  /// Target annualised volatility of the 1-minute log returns (a year of
  /// 525,600 minutes; crypto trades around the clock). Default: 0.6
  double annual_vol = 0.6;

  /// Mean drift of the log price per year (0.1 = about +10 % a year).
  /// Default: 0
  double annual_drift = 0;

  /// Digits after the decimal point of prices (clamped to 0..12); every price
  /// is a multiple of 10^-decimals and at least one such tick. Default: 2
  int decimals = 2;

  /// Mean volume per minute, in base units. Default: 100
  double volume = 100;

  /// Digits after the decimal point of volumes (clamped to 0..12).
  /// Default: 4
  int volume_decimals = 4;
};

/// Generates `options.minutes` contiguous, valid 1-minute candles that look
/// like a liquid 24x7 market: a log-price random walk whose variance follows
/// a GARCH(1,1) process (volatility clustering) with an intraday (UTC hour)
/// profile, rare jumps, an optional drift; highs and lows drawn as the
/// extremes of a Brownian bridge between open and close; volume following
/// the UTC hour of day, lower on weekends and rising with |return|. Each
/// open equals the previous close; `low <= min(open, close)`,
/// `high >= max(open, close)`, prices > 0, volume >= 0.
///
/// Deterministic: its own PRNG (xoshiro256** seeded through splitmix64) and
/// normal sampling (Box-Muller, polar form); only IEEE arithmetic plus `exp`,
/// `log` and `sqrt` from the C library.
std::vector<candle> generate_candles(const synth_options& options);

} // namespace btk
