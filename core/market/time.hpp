#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace btk {

/// Milliseconds since the Unix epoch, UTC. A candle's timestamp is its open
/// time.
using timestamp = std::int64_t;

/// One minute in milliseconds.
constexpr timestamp minute_ms = 60'000;

/// One day in milliseconds.
constexpr timestamp day_ms = 86'400'000;

/// Division rounding toward negative infinity (C++ `/` truncates).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Formats `t` as `YYYY-MM-DDTHH:mm:ss.sssZ`, like JavaScript's
/// `Date.prototype.toISOString`.
std::string to_iso(timestamp t);

/// Parses an ISO-8601 UTC time (`2024-03-04`, `2024-03-04T00:05`,
/// `2024-03-04T00:05:00Z`, `2024-03-04T00:05:00.000Z`; a space may replace the
/// `T`) or a plain integer of epoch milliseconds. Returns nothing when the
/// text is neither.
std::optional<timestamp> parse_time(std::string_view text);

} // namespace btk
