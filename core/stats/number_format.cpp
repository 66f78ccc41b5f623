#include "core/stats/number_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace btk {

std::string to_fixed(double x, int digits) {
  if (!std::isfinite(x) || std::fabs(x) >= 1e21)
    return js_number(x);
  // JavaScript accepts 0..100 digits (and throws otherwise).
  digits = std::clamp(digits, 0, 100);
  // The exact decimal expansion of |x|: a double has at most 1074 fractional
  // digits and glibc prints them exactly, so the rounding below sees the true
  // binary value, ties included.
  std::vector<char> buf(1200);
  const int len =
      std::snprintf(buf.data(), buf.size(), "%.1100f", std::fabs(x));
  std::string exact(buf.data(), static_cast<std::size_t>(len));
  const std::size_t dot = exact.find('.');
  std::string int_part = exact.substr(0, dot);
  std::string frac = exact.substr(dot + 1);
  const auto keep = static_cast<std::size_t>(digits);
  const bool round_up = frac[keep] >= '5';
  // Digits kept, as one string without the point, so a carry can run through.
  std::string kept = int_part + frac.substr(0, keep);
  if (round_up) {
    std::size_t i = kept.size();
    while (i > 0) {
      --i;
      if (kept[i] == '9') {
        kept[i] = '0';
      } else {
        ++kept[i];
        break;
      }
      if (i == 0)
        kept.insert(kept.begin(), '1');
    }
  }
  std::string out;
  if (x < 0)
    out += '-';
  const std::size_t int_len = kept.size() - keep;
  out.append(kept, 0, int_len);
  if (keep > 0) {
    out += '.';
    out.append(kept, int_len, keep);
  }
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
