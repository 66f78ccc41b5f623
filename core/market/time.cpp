#include "core/market/time.hpp"

#include <charconv>
#include <cstdio>

namespace btk {

namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t n,
                 unsigned& out) {
  if (pos + n > s.size())
    return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  return true;
}

} // namespace

std::string to_iso(timestamp t) {
  const std::int64_t days = floor_div(t, day_ms);
  const std::int64_t rest = t - days * day_ms;
  const auto [y, m, d] = civil_from_days(days);
  char buf[96];
  std::snprintf(
      buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
      static_cast<long long>(y), m, d, static_cast<long long>(rest / 3'600'000),
      static_cast<long long>(rest / 60'000 % 60),
      static_cast<long long>(rest / 1000 % 60),
      static_cast<long long>(rest % 1000));
  return buf;
}

std::optional<timestamp> parse_time(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  // Plain epoch milliseconds.
  bool all_digits = true;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] >= '0' && s[i] <= '9') && !(i == 0 && s[i] == '-'))
      all_digits = false;
  if (all_digits) {
    timestamp v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < 0 ||
        v > latest_time)
      return std::nullopt;
    return v;
  }
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, ms = 0;
  if (!read_digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' ||
      !read_digits(s, 5, 2, mo) || s[7] != '-' || !read_digits(s, 8, 2, d))
    return std::nullopt;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    if (!read_digits(s, pos + 1, 2, h) || pos + 3 >= s.size() ||
        s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, mi))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!read_digits(s, pos + 1, 2, se))
        return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        if (!read_digits(s, pos + 1, 3, ms))
          return std::nullopt;
        pos += 4;
      }
    }
  }
  if (pos < s.size() && s[pos] == 'Z')
    ++pos;
  if (pos != s.size())
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  // The day must exist in its month (no February 30th).
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  if (d > month_days[mo - 1] + (mo == 2 && leap ? 1 : 0))
    return std::nullopt;
  const std::int64_t days = days_from_civil(y, mo, d);
  const timestamp t =
      days * day_ms + h * 3'600'000LL + mi * 60'000LL + se * 1000LL + ms;
  // Years before 1970 are outside btk's times (see latest_time).
  if (t < 0)
    return std::nullopt;
  return t;
}

} // namespace btk
