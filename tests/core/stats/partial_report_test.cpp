#include "core/stats/partial_report.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

partial_record level(bool profit, int lvl, timestamp when, double price = 100) {
  partial_record e;
  e.profit = profit;
  e.level = lvl;
  e.symbol = "BTCUSDT";
  e.strategy = "every-n#1";
  e.signal_id = "7";
  e.position = side::short_;
  e.current_price = price;
  e.when = when;
  return e;
}

} // namespace

TEST_CASE("partial statistics count profit and loss levels newest first") {
  partial_book book;
  book.push(level(true, 10, t0));
  book.push(level(true, 20, t0 + minute_ms));
  book.push(level(false, 10, t0 + 2 * minute_ms));
  const auto s = compute_partial(book);
  CHECK(s.total_events == 3);
  CHECK(s.total_profit == 2);
  CHECK(s.total_loss == 1);
  REQUIRE(s.events.size() == 3);
  CHECK_FALSE(s.events[0].profit);
  CHECK(s.events[2].level == 10);
  const auto fields = stat_fields(s.events[0]);
  CHECK(std::get<std::string>(fields[0].second) == "loss");
  CHECK(fields[0].first == "action");
}

TEST_CASE("the partial book keeps the newest 250 events by default") {
  partial_book book;
  for (int i = 0; i < 260; ++i)
    book.push(level(true, 10 + i % 10, t0 + i));
  CHECK(book.size() == 250);
  CHECK(book.begin()->when == t0 + 259);
  CHECK(compute_partial(book).total_profit == 250);
}

TEST_CASE("an empty partial report is the title and one sentence") {
  CHECK(render_partial_report("BTCUSDT", "every-n#1",
                              compute_partial(partial_book{})) ==
        "# Partial Profit/Loss Report: BTCUSDT:every-n#1\n\nNo partial "
        "profit/loss events recorded yet.");
}

TEST_CASE("a partial report lists levels with their sign and ends with the "
          "counts") {
  partial_book book;
  book.push(level(true, 30, t0, 0.61234));
  auto live = level(false, 20, t0 + 90'000, 39703.5);
  live.backtest = false;
  book.push(live);
  const auto text =
      render_partial_report("BTCUSDT", "every-n#1", compute_partial(book));
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 10);
  CHECK(lines[0] == "# Partial Profit/Loss Report: BTCUSDT:every-n#1");
  CHECK(lines[2] == "| Action | Symbol | Strategy | Signal ID | Position | "
                    "Level % | Current Price | Timestamp | Mode |");
  CHECK(lines[4] == "| LOSS | BTCUSDT | every-n#1 | 7 | SHORT | -20% | "
                    "39703.50 USD | 2024-03-04T00:01:30.000Z | Live |");
  CHECK(lines[5] == "| PROFIT | BTCUSDT | every-n#1 | 7 | SHORT | +30% | "
                    "0.6123 USD | 2024-03-04T00:00:00.000Z | Backtest |");
  CHECK(lines[6].empty());
  CHECK(lines[7] == "**Total events:** 2");
  CHECK(lines[8] == "**Profit events:** 1");
  // No footnotes: the report ends with the loss count.
  CHECK(lines[9] == "**Loss events:** 1");
  CHECK(text.back() == '1');
}
