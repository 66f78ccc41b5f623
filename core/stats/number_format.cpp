#include "core/stats/number_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace btk {

namespace {

// Adds one unit in the last place of the decimal digits in `s` (a point may
// sit among them), carrying through nines into a new leading digit.
void increment_last_digit(std::string& s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == '.')
      continue;
    if (s[i] != '9') {
      ++s[i];
      return;
    }
    s[i] = '0';
  }
  s.insert(s.begin(), '1');
}

} // namespace

std::string to_fixed(double x, int digits) {
  if (!std::isfinite(x) || std::fabs(x) >= 1e21)
    return js_number(x);
  // JavaScript accepts 0..100 digits (and throws otherwise).
  digits = std::clamp(digits, 0, 100);
  const double a = std::fabs(x);
  // to_chars rounds the exact binary value correctly, so it agrees with
  // JavaScript except on an exact tie, which it breaks to even where
  // JavaScript rounds away from zero. A tie needs the expansion of |x| to
  // end at digit digits + 1 with a 5; the expansion of m * 2^-k has k
  // fractional digits, so only a value that 2^(digits + 1) makes whole can
  // tie, and printing it with digits + 1 decimals is then exact.
  // 22 integer digits, a point and 101 decimals fit.
  char buf[160];
  const double scaled = std::ldexp(a, digits + 1);
  std::string out = x < 0 ? "-" : "";
  if (scaled == std::floor(scaled)) {
    const auto r = std::to_chars(buf, buf + sizeof buf, a,
                                 std::chars_format::fixed, digits + 1);
    if (r.ptr[-1] == '5') {
      // Drop the 5 (and the point when no decimals are kept), round up.
      std::string kept(buf, r.ptr - (digits == 0 ? 2 : 1));
      increment_last_digit(kept);
      return out + kept;
    }
  }
  const auto r =
      std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, digits);
  out.append(buf, r.ptr);
  return out;
}

std::string js_number(double x) {
  if (std::isnan(x))
    return "NaN";
  if (std::isinf(x))
    return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0)
    return "0";
  // Shortest round-trip digits in scientific form: d[.ddd]e±XX.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(x),
                                 std::chars_format::scientific);
  const std::string sci(buf, res.ptr);
  const std::size_t e = sci.find('e');
  std::string digits;
  for (std::size_t i = 0; i < e; ++i)
    if (sci[i] != '.')
      digits += sci[i];
  const int k = static_cast<int>(digits.size());
  // JavaScript's n: the value is 0.digits × 10^n.
  const int n = std::atoi(sci.c_str() + e + 1) + 1;
  std::string out = x < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

int price_scale(double v) {
  const double a = std::fabs(v);
  if (a == 0)
    return 2;
  if (std::isnan(a))
    return 0;
  const double m = std::floor(std::log10(a));
  const double s = 2 - 2 * m;
  if (s <= 2)
    return 2;
  if (s >= 8)
    return 8;
  return static_cast<int>(s);
}

bool parse_js_number(std::string_view s, double& out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && std::isfinite(out);
}

} // namespace btk
