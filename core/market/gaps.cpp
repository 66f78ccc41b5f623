#include "core/market/gaps.hpp"

#include <algorithm>

namespace btk {

std::vector<candle_gap> find_gaps(const std::vector<candle>& candles) {
  std::vector<candle_gap> out;
  for (std::size_t i = 1; i < candles.size(); ++i) {
    const std::int64_t n = (candles[i].ts - candles[i - 1].ts) / minute_ms - 1;
    if (n > 0)
      out.push_back(
          {candles[i - 1].ts + minute_ms, candles[i].ts - minute_ms, n});
  }
  return out;
}

std::int64_t missing_candles(const std::vector<candle_gap>& gaps) noexcept {
  std::int64_t n = 0;
  for (const auto& g : gaps)
    n += g.missing;
  return n;
}

std::string describe_gaps(const std::vector<candle_gap>& gaps,
                          std::size_t max_listed) {
  const std::int64_t missing = missing_candles(gaps);
  std::string msg = std::to_string(missing) + " missing 1-minute candle" +
                    (missing == 1 ? "" : "s") + " in " +
                    std::to_string(gaps.size()) +
                    (gaps.size() == 1 ? " gap: " : " gaps: ");
  const std::size_t shown = std::min(gaps.size(), max_listed);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0)
      msg += ", ";
    msg += to_iso(gaps[i].from) + " .. " + to_iso(gaps[i].to) + " (" +
           std::to_string(gaps[i].missing) + ")";
  }
  if (shown < gaps.size())
    msg += " and " + std::to_string(gaps.size() - shown) + " more";
  return msg;
}

expected<std::size_t> fill_gaps(std::vector<candle>& candles,
                                std::size_t max_candles, std::size_t max_gap) {
  const auto gaps = find_gaps(candles);
  if (gaps.empty())
    return std::size_t{0};
  for (const auto& g : gaps)
    if (static_cast<std::uint64_t>(g.missing) > max_gap)
      return error{"the gap " + to_iso(g.from) + " .. " + to_iso(g.to) + " (" +
                   std::to_string(g.missing) +
                   " missing minutes) is longer than a fill may be (" +
                   std::to_string(max_gap) +
                   " minutes): data from separate periods is not one series; "
                   "read one period (--frame-start/--frame-end)"};
  const auto missing = static_cast<std::size_t>(missing_candles(gaps));
  if (candles.size() + missing > max_candles)
    return error{"filling " + std::to_string(missing) +
                 " missing minutes would exceed the limit of " +
                 std::to_string(max_candles) + " candles"};
  std::vector<candle> out;
  out.reserve(candles.size() + missing);
  for (std::size_t i = 0; i < candles.size(); ++i) {
    if (i > 0)
      for (timestamp t = candles[i - 1].ts + minute_ms; t < candles[i].ts;
           t += minute_ms)
        out.push_back(flat_candle(t, out.back().close));
    out.push_back(candles[i]);
  }
  candles = std::move(out);
  return missing;
}

} // namespace btk
