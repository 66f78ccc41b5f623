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

/// A proleptic Gregorian calendar date.
struct civil_date {
  std::int64_t year = 1970;
  /// 1..12
  unsigned month = 1;
  /// 1..31
  unsigned day = 1;
};

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`); negative before 1970.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                       unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The date of day `z` since 1970-01-01 (the inverse of `days_from_civil`).
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  civil_date out;
  out.day = doy - (153 * mp + 2) / 5 + 1;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.year = static_cast<std::int64_t>(yoe) + era * 400 + (out.month <= 2);
  return out;
}

/// Formats `t` as `YYYY-MM-DDTHH:mm:ss.sssZ`, like JavaScript's
/// `Date.prototype.toISOString`.
std::string to_iso(timestamp t);

/// The last time btk reads, 9999-12-31T23:59:59.999Z: times run from epoch
/// 0 to here, so that spans and margins around them cannot overflow.
inline constexpr timestamp latest_time = 253'402'300'799'999;

/// Parses an ISO-8601 UTC time (`2024-03-04`, `2024-03-04T00:05`,
/// `2024-03-04T00:05:00Z`, `2024-03-04T00:05:00.000Z`; a space may replace the
/// `T`) or a plain integer of epoch milliseconds from 0 to `latest_time`.
/// Returns nothing when the text is neither.
std::optional<timestamp> parse_time(std::string_view text);

} // namespace btk
