#include "core/stats/report.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// Two trades: an older long stop-loss and a newer short take-profit on a
/// sub-dollar price (4-decimal scale).
closed_trade_list two_trades() {
  closed_trade_list list{250};
  tick_result a;
  a.kind = action::closed;
  a.signal.id = "a";
  a.signal.position = side::long_;
  a.signal.price_open = 39703.5;
  a.signal.original_price_open = 39703.5;
  a.signal.price_take_profit = 40100;
  a.signal.price_stop_loss = 39000.25;
  a.signal.scheduled_at = 1'709'424'000'000; // 2024-03-03T00:00:00Z
  a.signal.pending_at = 1'709'424'000'000;
  a.close = close_reason::stop_loss;
  a.close_timestamp = 1'709'424'000'000 + 3'600'000;
  a.price_close = 39000.25;
  a.pnl.pnl_percentage = -1.25;
  a.pnl.pnl_cost = -1.25;
  a.peak_pnl = 0;
  a.max_drawdown_pnl = -1.25;
  list.push(a);
  tick_result b;
  b.kind = action::closed;
  b.signal.id = "b";
  b.signal.note = "breakout";
  b.signal.position = side::short_;
  b.signal.price_open = 0.61234;
  b.signal.original_price_open = 0.61234;
  b.signal.price_take_profit = 0.6;
  b.signal.price_stop_loss = 0.62;
  b.signal.scheduled_at = t0;
  b.signal.pending_at = t0;
  b.close = close_reason::take_profit;
  b.close_timestamp = t0 + 90'000; // 1.5 min: rounds up to 2
  b.price_close = 0.6;
  b.pnl.pnl_percentage = 2.5;
  b.pnl.pnl_cost = 0.025;
  b.peak_pnl = 2.5;
  b.max_drawdown_pnl = -0.25;
  list.push(b);
  return list;
}

std::string render(const closed_trade_list& list, const config& cfg) {
  return render_backtest_report("every-n#1", "BTCUSDT", list,
                                compute_backtest_statistics(list), cfg);
}

} // namespace

TEST_CASE("a report without trades is the title and one sentence") {
  closed_trade_list list{250};
  CHECK(render(list, config{}) ==
        "# Backtest Report: every-n#1\n\nNo signals closed yet.");
}

TEST_CASE("a report whose trades are all invalid counts as empty") {
  closed_trade_list list{250};
  tick_result t;
  t.kind = action::closed;
  t.close_timestamp = 1'709'510'400'000;
  list.push(t);
  CHECK(render(list, config{}) ==
        "# Backtest Report: every-n#1\n\nNo signals closed yet.");
}

TEST_CASE("a two-trade report has the table, 31 metrics and 32 notes") {
  const auto text = render(two_trades(), config{});
  CHECK(text.back() != '\n');
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 2 + 2 + 2 + 1 + 31 + 1 + 32);
  CHECK(lines[0] == "# Backtest Report: every-n#1");
  CHECK(lines[1].empty());
  CHECK(lines[2] ==
        "| Signal ID | Symbol | Position | Open Price | Close Price | "
        "Take Profit | Stop Loss | Original TP | Original SL | "
        "Original Entry | DCA Entries | Partial Closes | Multiplier | Margin "
        "| PNL (net) | PNL (USD) | Partial Executed % | Partial Closes | "
        "Close Reason | Duration (min) | Open Time | Close Time | Peak PNL | "
        "Max DD PNL |");
  CHECK(lines[3] == separator(24));
  // Newest first.
  CHECK(lines[4] ==
        "| b | BTCUSDT | SHORT | 0.6123 USD | 0.6000 USD | 0.6000 USD | "
        "0.6200 USD | 0.6000 USD | 0.6200 USD | 0.6123 USD | 1 | 0 | 1x | "
        "isolated | +2.50% | +0.025000 USD | 0.0% | N/A | take_profit | 2 | "
        "2024-03-04T00:00:00.000Z | 2024-03-04T00:01:30.000Z | +2.50% | "
        "-0.25% |");
  CHECK(lines[5] ==
        "| a | BTCUSDT | LONG | 39703.50 USD | 39000.25 USD | 40100.00 USD | "
        "39000.25 USD | 40100.00 USD | 39000.25 USD | 39703.50 USD | 1 | 0 | "
        "1x | isolated | -1.25% | -1.25 USD | 0.0% | N/A | stop_loss | 60 | "
        "2024-03-03T00:00:00.000Z | 2024-03-03T01:00:00.000Z | 0.00% | "
        "-1.25% |");
  CHECK(lines[6].empty());
  const std::vector<std::string> footer(lines.begin() + 7, lines.begin() + 38);
  const std::vector<std::string> expected = {
      "**Total signals:** 2",
      "**Closed signals:** 2",
      "**Win rate:** 50.00% (1W / 1L) (higher is better)",
      "**Average PNL:** +0.63% (higher is better)", // 0.625: a tie, rounded up
      "**Total PNL:** +1.25% (higher is better)",
      "**Standard Deviation Per Trade:** N/A",
      "**Sharpe Ratio:** N/A",
      "**Annualized Sharpe Ratio:** N/A",
      "**Certainty Ratio:** N/A",
      "**Expected Yearly Returns:** N/A",
      "**Avg Peak PNL:** +1.25% (higher is better)",
      "**Avg Max Drawdown PNL:** -0.75% (closer to 0 is better)",
      "**Sortino Ratio:** N/A",
      "**Calmar Ratio:** N/A",
      "**Recovery Factor:** N/A",
      "**Expectancy:** N/A",
      "**Median PNL:** +0.625% (closer to avgPnl = symmetric distribution)",
      "**Avg Duration:** 30.8 min", // (1.5 + 60) / 2 = 30.75
      "**Avg Win Duration:** 1.5 min",
      "**Avg Loss Duration:** 60.0 min",
      "**Avg Consecutive Win PNL:** +2.500% (higher is better)",
      "**Avg Consecutive Loss PNL:** -1.250% (closer to 0 is better)",
      "**Trend:** N/A",
      "**Trend Strength:** N/A",
      "**Trend Confidence (R²):** N/A",
      "**Buyer Pressure:** N/A",
      "**Seller Pressure:** N/A",
      "**Buyer Strength:** N/A",
      "**Seller Strength:** N/A",
      "**Pressure Imbalance:** N/A",
      "**Median Step Size:** N/A",
  };
  CHECK(footer == expected);
  CHECK(lines[38].empty());
  CHECK(lines[39].rfind("*Win Rate:", 0) == 0);
  CHECK(lines.back().rfind("*Negative values", 0) == 0);
  for (std::size_t i = 39; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].size() > 2);
    CHECK(lines[i].front() == '*');
    CHECK(lines[i].back() == '*');
  }
}

TEST_CASE("the note column appears only when the config asks for it") {
  config cfg;
  cfg.report_show_signal_note = true;
  cfg.signal_leverage_multiplier = 3;
  const auto lines = lines_of(render(two_trades(), cfg));
  CHECK(lines[2].rfind("| Signal ID | Symbol | Position | Note | Open Price |",
                       0) == 0);
  CHECK(lines[3] == separator(25));
  CHECK(lines[4].rfind("| b | BTCUSDT | SHORT | breakout | 0.6123 USD |", 0) ==
        0);
  CHECK(lines[5].rfind("| a | BTCUSDT | LONG | N/A | 39703.50 USD |", 0) == 0);
  CHECK(lines[4].find("| 3x |") != std::string::npos);

  cfg.report_show_signal_note = false;
  const auto hidden = lines_of(render(two_trades(), cfg));
  CHECK(hidden[2].find("Note") == std::string::npos);
  CHECK(hidden[4].find("breakout") == std::string::npos);
}

TEST_CASE("a full report prints every metric with its template") {
  // Ten trades, two days apart, alternating +3 / -1 on a rising exit price.
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i) {
    const timestamp start = t0 + i * 2 * day_ms;
    auto t =
        trade(start, start + 30 * minute_ms, i % 2 ? -1 : 3, 100 + i, 3, -1);
    t.signal.id = std::to_string(i);
    list.push(t);
  }
  const auto lines = lines_of(render(list, config{}));
  REQUIRE(lines.size() == 2 + 2 + 10 + 1 + 31 + 1 + 32);
  const std::vector<std::string> footer(lines.begin() + 15, lines.begin() + 46);
  CHECK(footer[2] == "**Win rate:** 50.00% (5W / 5L) (higher is better)");
  CHECK(footer[3] == "**Average PNL:** +1.00% (higher is better)");
  CHECK(footer[4] == "**Total PNL:** +10.00% (higher is better)");
  // sqrt(40 / 9) = 2.1082...
  CHECK(footer[5] ==
        "**Standard Deviation Per Trade:** 2.108% (lower is better)");
  CHECK(footer[6] == "**Sharpe Ratio:** 0.474 (higher is better)");
  CHECK(footer[8] == "**Certainty Ratio:** 3.000 (higher is better)");
  // Downside deviation sqrt(5 / 10): 1 / 0.7071 = 1.414.
  CHECK(footer[12] == "**Sortino Ratio:** 1.414 (higher is better)");
  CHECK(footer[15] == "**Expectancy:** +1.000% (higher is better)");
  CHECK(footer[22] == "**Trend:** bullish");
  CHECK(footer[25] == "**Buyer Pressure:** 100.0%");
  CHECK(footer[26] == "**Seller Pressure:** 0.0%");
  CHECK(footer[29] == "**Pressure Imbalance:** +1.000");
}
