#include "core/market/candle.hpp"

#include <charconv>
#include <cmath>

namespace btk {

namespace {

bool is_price(double v) noexcept {
  return v > 0 && std::isfinite(v);
}

// The shortest text that reads back to `v`.
std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

} // namespace

std::uint16_t candle_flaws(const candle& c) noexcept {
  std::uint16_t out = 0;
  if (c.ts - floor_div(c.ts, minute_ms) * minute_ms != 0)
    out |= off_grid;
  const bool prices[] = {is_price(c.open), is_price(c.high), is_price(c.low),
                         is_price(c.close)};
  const std::uint16_t bits[] = {open_not_price, high_not_price, low_not_price,
                                close_not_price};
  bool all = true;
  for (int k = 0; k < 4; ++k)
    if (!prices[k]) {
      out |= bits[k];
      all = false;
    }
  if (all) {
    if (c.high < c.low) {
      out |= high_below_low;
    } else {
      if (c.open < c.low || c.open > c.high)
        out |= open_outside;
      if (c.close < c.low || c.close > c.high)
        out |= close_outside;
    }
  }
  if (!std::isfinite(c.volume))
    out |= volume_not_finite;
  else if (c.volume < 0)
    out |= volume_negative;
  return out;
}

std::string describe_candle_flaws(std::uint16_t flaws, const candle_text& t) {
  std::string out;
  auto add = [&](std::string_view a, std::string_view b = {},
                 std::string_view c = {}, std::string_view d = {},
                 std::string_view e = {}) {
    if (!out.empty())
      out += "; ";
    for (auto part : {a, b, c, d, e})
      out += part;
  };
  if (flaws & off_grid)
    add("open time ", t.ts, " is not on the 1-minute grid");
  const std::pair<candle_flaw, std::pair<std::string_view, std::string_view>>
      prices[] = {{open_not_price, {"open ", t.open}},
                  {high_not_price, {"high ", t.high}},
                  {low_not_price, {"low ", t.low}},
                  {close_not_price, {"close ", t.close}}};
  for (const auto& [bit, field] : prices)
    if (flaws & bit)
      add(field.first, field.second, " is not a positive finite price");
  if (flaws & high_below_low)
    add("high ", t.high, " is below low ", t.low);
  const std::string range = " is outside [low " + std::string(t.low) +
                            ", high " + std::string(t.high) + "]";
  if (flaws & open_outside)
    add("open ", t.open, range);
  if (flaws & close_outside)
    add("close ", t.close, range);
  if (flaws & volume_not_finite)
    add("volume ", t.volume, " is not finite");
  if (flaws & volume_negative)
    add("volume ", t.volume, " is negative");
  return out;
}

std::string describe_candle_flaws(std::uint16_t flaws, const candle& c) {
  const std::string ts = std::to_string(c.ts), o = shortest(c.open),
                    h = shortest(c.high), l = shortest(c.low),
                    cl = shortest(c.close), v = shortest(c.volume);
  return describe_candle_flaws(flaws, candle_text{ts, o, h, l, cl, v});
}

} // namespace btk
