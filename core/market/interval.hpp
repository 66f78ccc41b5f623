#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/market/time.hpp"

namespace btk {

/// Candle, signal and frame intervals. Candle intervals run from 1m to 8h,
/// signal (strategy) intervals from 1m to 1h, frame intervals from 1m to 3d.
enum class interval : std::uint8_t {
  m1,
  m3,
  m5,
  m15,
  m30,
  h1,
  h2,
  h4,
  h6,
  h8,
  h12,
  d1,
  d3
};

/// Number of enumerators of `interval`.
constexpr std::size_t interval_count = 13;

/// Length of one interval in milliseconds.
constexpr timestamp interval_ms(interval iv) noexcept {
  constexpr timestamp table[interval_count] = {
      1, 3, 5, 15, 30, 60, 120, 240, 360, 480, 720, 1440, 4320};
  return table[static_cast<std::size_t>(iv)] * minute_ms;
}

/// Length of one interval in minutes.
constexpr std::int64_t interval_minutes(interval iv) noexcept {
  return interval_ms(iv) / minute_ms;
}

/// True for intervals a strategy may ask candles of (1m .. 8h).
constexpr bool is_candle_interval(interval iv) noexcept {
  return iv <= interval::h8;
}

/// True for intervals a strategy may be throttled to (1m .. 1h).
constexpr bool is_signal_interval(interval iv) noexcept {
  return iv <= interval::h1;
}

/// The text form: `1m`, `3m`, … `1d`, `3d`.
std::string_view to_string(interval iv) noexcept;

/// Parses the text form; returns nothing for anything else.
std::optional<interval> parse_interval(std::string_view text) noexcept;

} // namespace btk
