#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/market/time.hpp"

namespace btk {

/// One OHLCV candle. `ts` is the open time. Every candle btk reads, stores
/// or trades on obeys the rules of `candle_flaws` (checked by the readers,
/// the candle store and `series::make`, all through that one function).
struct candle {
  timestamp ts = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
};

/// The rules of a candle, one bit each; `candle_flaws` returns the broken
/// ones. A flaw set is a plain bit mask so a reader can check a million rows
/// without building a string.
enum candle_flaw : std::uint16_t {
  /// The open time is not a whole minute.
  off_grid = 1u << 0,
  /// open, high, low or close is not a finite number > 0.
  open_not_price = 1u << 1,
  high_not_price = 1u << 2,
  low_not_price = 1u << 3,
  close_not_price = 1u << 4,
  /// high < low (checked only when all four prices are valid).
  high_below_low = 1u << 5,
  /// open or close outside [low, high] (only when high >= low).
  open_outside = 1u << 6,
  close_outside = 1u << 7,
  /// volume is NaN or infinite.
  volume_not_finite = 1u << 8,
  /// volume < 0.
  volume_negative = 1u << 9,
};

/// The rules `c` breaks, as `candle_flaw` bits (0 when it is valid).
std::uint16_t candle_flaws(const candle& c) noexcept;

/// The fields of a candle as text, for messages: a reader passes the text
/// of its file, so the user sees the value as written.
struct candle_text {
  std::string_view ts, open, high, low, close, volume;
};

/// One reason per flaw of `flaws`, joined with "; ", each naming the field
/// and its value from `text` (e.g. "high 9 is below low 11"). Empty when
/// `flaws` is 0.
std::string describe_candle_flaws(std::uint16_t flaws, const candle_text& text);

/// `describe_candle_flaws` with the values of `c` written as the shortest
/// text that reads back to the same double.
std::string describe_candle_flaws(std::uint16_t flaws, const candle& c);

} // namespace btk
