#include "core/stats/risk_report.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

risk_rejection rejection(std::string symbol, std::string strategy,
                         timestamp when, std::string id = "") {
  risk_rejection r;
  r.symbol = std::move(symbol);
  r.strategy = std::move(strategy);
  r.exchange = "binance";
  r.signal_id = std::move(id);
  r.comment = "Max 1 position";
  r.position = side::long_;
  r.current_price = 42000;
  r.active_position_count = 1;
  r.when = when;
  return r;
}

using counts = std::vector<std::pair<std::string, std::int64_t>>;

} // namespace

TEST_CASE("risk statistics count rejections per symbol and strategy in "
          "newest-first order") {
  risk_report_book book;
  book.push(rejection("ETHUSDT", "s1", t0));
  book.push(rejection("BTCUSDT", "s2", t0 + minute_ms));
  book.push(rejection("ETHUSDT", "s2", t0 + 2 * minute_ms));
  const auto s = compute_risk(book);
  CHECK(s.total_rejections == 3);
  // Newest first: ETH/s2, BTC/s2, ETH/s1.
  CHECK(s.by_symbol == counts{{"ETHUSDT", 2}, {"BTCUSDT", 1}});
  CHECK(s.by_strategy == counts{{"s2", 2}, {"s1", 1}});
  const auto fields = stat_fields(s.events.front());
  CHECK(fields[3].first == "signalId");
  CHECK(std::holds_alternative<std::monostate>(fields[3].second));
}

TEST_CASE("the risk book keeps the newest 250 rejections by default") {
  risk_report_book book;
  for (int i = 0; i < 251; ++i)
    book.push(rejection(i == 0 ? "OLD" : "NEW", "s", t0 + i));
  CHECK(book.size() == 250);
  const auto s = compute_risk(book);
  CHECK(s.by_symbol == counts{{"NEW", 250}});
}

TEST_CASE("an empty risk report is the title and one sentence") {
  CHECK(render_risk_report("BTCUSDT", "s", compute_risk(risk_report_book{})) ==
        "# Risk Rejection Report: BTCUSDT:s\n\nNo risk rejections recorded "
        "yet.");
}

TEST_CASE("a risk report lists rejections, the total and both breakdowns") {
  risk_report_book book;
  book.push(rejection("ETHUSDT", "s1", t0));
  book.push(rejection("BTCUSDT", "s2", t0 + minute_ms, "sig-9"));
  const auto text = render_risk_report("BTCUSDT", "s2", compute_risk(book));
  CHECK(text.back() != '\n');
  const auto lines = lines_of(text);
  CHECK(lines == std::vector<std::string>{
                     "# Risk Rejection Report: BTCUSDT:s2",
                     "",
                     "| Symbol | Strategy | Signal ID | Position | Exchange | "
                     "Current Price | Active Positions | Rejection Reason | "
                     "Timestamp |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
                     "| BTCUSDT | s2 | sig-9 | LONG | binance | 42000.00 USD | "
                     "1 | Max 1 position | 2024-03-04T00:01:00.000Z |",
                     "| ETHUSDT | s1 | N/A | LONG | binance | 42000.00 USD | 1 "
                     "| Max 1 position | 2024-03-04T00:00:00.000Z |",
                     "",
                     "**Total rejections:** 2",
                     "",
                     "## Rejections by Symbol",
                     "- BTCUSDT: 1",
                     "- ETHUSDT: 1",
                     "",
                     "## Rejections by Strategy",
                     "- s2: 1",
                     "- s1: 1",
                 });
}
