#pragma once

// Builders and helpers shared by the tests of core/.

#include <sstream>
#include <string>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/market/time.hpp"

namespace btk::test {

/// 2024-03-04T00:00:00Z, day aligned: where the test timelines start.
constexpr timestamp t0 = 1'709'510'400'000;

/// A closed trade that started at `pending`, closed at `close` with PnL `r`
/// (also its cost, on an entry of 100), exit `price` and the intra-trade
/// extremes `peak` / `fall`.
inline tick_result trade(timestamp pending, timestamp close, double r,
                         double price = 100, double peak = 0, double fall = 0) {
  tick_result t;
  t.kind = action::closed;
  t.signal.pending_at = pending;
  t.signal.scheduled_at = pending;
  t.close_timestamp = close;
  t.price_close = price;
  t.pnl.pnl_percentage = r;
  t.pnl.pnl_cost = r;
  t.pnl.pnl_entries = 100;
  t.peak_pnl = peak;
  t.max_drawdown_pnl = fall;
  return t;
}

/// The lines of `text`, without their `\n`.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

/// The separator row of a Markdown table of `columns` columns:
/// `| --- | --- |`.
inline std::string separator(int columns) {
  std::string out = "|";
  for (int i = 0; i < columns; ++i)
    out += " --- |";
  return out;
}

} // namespace btk::test
