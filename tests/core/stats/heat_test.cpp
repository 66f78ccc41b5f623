#include "core/stats/heat.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// Pushes trades with PnL `rs` (chronological) for `symbol`, one per hour
/// from `start`, 30 minutes each.
void hourly(heat_book& book, const std::string& symbol,
            const std::vector<double>& rs, timestamp start = t0) {
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const timestamp at = start + static_cast<timestamp>(i) * 3'600'000;
    book.push(symbol, trade(at, at + 30 * minute_ms, rs[i]));
  }
}

heat_row row_of(const heat_statistics& s, const std::string& symbol) {
  for (const auto& r : s.rows)
    if (r.symbol == symbol)
      return r;
  FAIL("no row for " << symbol);
  return s.rows.front();
}

} // namespace

TEST_CASE("heat keeps one newest-first list per symbol in first-seen order") {
  heat_book book{3};
  // Two strategies trading ETH and one trading BTC all land in the same
  // book: the reference keys Heat by exchange and frame, not by strategy.
  book.push("ETH", trade(t0, t0 + minute_ms, 1));
  book.push("BTC", trade(t0, t0 + minute_ms, 2));
  for (int i = 2; i <= 5; ++i)
    book.push("ETH", trade(t0, t0 + i * minute_ms, i));
  auto opened = trade(t0, t0, 9);
  opened.kind = action::opened;
  book.push("SOL", opened);
  REQUIRE(book.size() == 2);
  CHECK(book.entries()[0].symbol == "ETH");
  CHECK(book.entries()[1].symbol == "BTC");
  // Capped at 3 per symbol, newest first: 5, 4, 3.
  std::vector<double> eth;
  for (const auto& t : book.entries()[0].trades)
    eth.push_back(t.pnl.pnl_percentage);
  CHECK(eth == std::vector<double>{5, 4, 3});
  CHECK(book.entries()[1].trades.size() == 1);
  book.clear();
  CHECK(book.empty());
}

TEST_CASE("heat sorts rows by sharpe descending with null sharpe last") {
  heat_book book;
  // Pushed C, B, A; A has the best Sharpe, C too few trades for one.
  hourly(book, "C", {5, 5, 5});
  hourly(book, "B", {2, -1, 2, -1, 2, -1, 2, -1, 2, -1});
  hourly(book, "A", {3, -1, 3, -1, 3, -1, 3, -1, 3, -1});
  hourly(book, "D", {1, 2});
  const auto s = compute_heat(book);
  REQUIRE(s.rows.size() == 4);
  CHECK(s.rows[0].symbol == "A");
  CHECK(s.rows[1].symbol == "B");
  // Both null: the symbol order is kept.
  CHECK(s.rows[2].symbol == "C");
  CHECK(s.rows[3].symbol == "D");
  // A: mean 1, squared deviations 4 each: stdDev sqrt(40/9).
  CHECK(*s.rows[0].sharpe_ratio == 1 / std::sqrt(40.0 / 9));
  // B: mean 0.5, squared deviations 2.25 each: stdDev sqrt(22.5/9).
  CHECK(*s.rows[1].sharpe_ratio == 0.5 / std::sqrt(22.5 / 9));
  CHECK_FALSE(s.rows[2].sharpe_ratio);
  CHECK(s.total_symbols == 4);
  CHECK(s.portfolio_total_trades == 25);
  // Summed in row order A, B, C, D: 10 + 5 + 15 + 3.
  CHECK(*s.portfolio_total_pnl == 33);
}

TEST_CASE("a heat row computes every per-symbol metric from its trades") {
  heat_book book;
  hourly(book, "A", {3, -1, 3, -1, 3, -1, 3, -1, 3, -1});
  const auto s = compute_heat(book);
  const auto& r = row_of(s, "A");
  CHECK(r.total_trades == 10);
  CHECK(r.win_count == 5);
  CHECK(r.loss_count == 5);
  CHECK(*r.total_pnl == 10);
  CHECK(*r.avg_pnl == 1);
  CHECK(*r.win_rate == 50);
  CHECK(*r.std_dev == std::sqrt(40.0 / 9));
  // 15 won over 5 lost.
  CHECK(*r.profit_factor == 3);
  CHECK(*r.avg_win == 3);
  CHECK(*r.avg_loss == -1);
  CHECK(*r.certainty_ratio == 3);
  CHECK(*r.expectancy == 0.5 * 3 + 0.5 * -1);
  // Downside deviation sqrt(5 * 1 / 10).
  CHECK(*r.sortino_ratio == 1 / std::sqrt(0.5));
  CHECK(r.max_win_streak == 1);
  CHECK(r.max_loss_streak == 1);
  CHECK(*r.median_pnl == 1);
  CHECK(*r.avg_duration == 30);
  CHECK(*r.avg_win_duration == 30);
  CHECK(*r.avg_loss_duration == 30);
  // Ten hours: far too short to annualise.
  CHECK_FALSE(r.trades_per_year);
  CHECK_FALSE(r.expected_yearly_returns);
  CHECK_FALSE(r.annualized_sharpe_ratio);
  CHECK_FALSE(r.calmar_ratio);
  // No excursions below zero: the equity walk only sees the closes. The
  // first trade lifts the equity to 1.03, the second drops it 1 %.
  CHECK(*r.max_drawdown == Approx(1).epsilon(1e-12));
  REQUIRE(r.recovery_factor);
}

TEST_CASE("heat walks streaks newest to oldest and sums them in that order") {
  heat_book book;
  // Chronological 0.1, 0.2, 0.3 then a loss: the list holds -1, 0.3, 0.2,
  // 0.1, so the win run sums 0.3 + 0.2 + 0.1 = 0.6 exactly, where the
  // oldest-first order of the backtest statistics gives 0.6000000000000001.
  hourly(book, "A", {0.1, 0.2, 0.3, -1});
  const auto& r = row_of(compute_heat(book), "A");
  CHECK(*r.avg_consecutive_win_pnl == 0.6);
  CHECK(*r.avg_consecutive_loss_pnl == -1);
  CHECK(r.max_win_streak == 3);
  CHECK(r.max_loss_streak == 1);

  heat_book mixed;
  // Chronological 1, 2, -1, 0, 3, -2, -4: walked newest first the win runs
  // are {3} and {2, 1}, the loss runs {-4, -2} and {-1}.
  hourly(mixed, "B", {1, 2, -1, 0, 3, -2, -4});
  const auto& m = row_of(compute_heat(mixed), "B");
  CHECK(*m.avg_consecutive_win_pnl == 3);
  CHECK(*m.avg_consecutive_loss_pnl == -3.5);
  CHECK(m.max_win_streak == 2);
  CHECK(m.max_loss_streak == 2);
}

TEST_CASE("heat gates ratios below ten trades but keeps sums and averages") {
  heat_book book;
  hourly(book, "A", {1, -0.5, 2});
  const auto& r = row_of(compute_heat(book), "A");
  CHECK(*r.total_pnl == 2.5);
  CHECK(*r.profit_factor == 3 / 0.5);
  CHECK(*r.avg_win == 1.5);
  CHECK(*r.avg_loss == -0.5);
  CHECK(*r.median_pnl == 1);
  CHECK(*r.max_drawdown == Approx(0.5).epsilon(1e-12));
  CHECK_FALSE(r.std_dev);
  CHECK_FALSE(r.sharpe_ratio);
  CHECK_FALSE(r.sortino_ratio);
  CHECK_FALSE(r.expectancy);
  CHECK_FALSE(r.certainty_ratio);
  CHECK_FALSE(r.recovery_factor);
  CHECK_FALSE(r.trades_per_year);
  CHECK_FALSE(r.profile.median_step_size);
  CHECK_FALSE(r.profile.trend);
}

TEST_CASE("heat nulls what needs a win or a loss, unlike the backtest") {
  SECTION("only break-even trades: no win rate, no averages") {
    heat_book book;
    hourly(book, "A", std::vector<double>(10, 0));
    const auto& r = row_of(compute_heat(book), "A");
    CHECK_FALSE(r.win_rate);
    CHECK_FALSE(r.avg_win);
    CHECK_FALSE(r.avg_loss);
    CHECK_FALSE(r.profit_factor);
    CHECK_FALSE(r.expectancy);
    CHECK(*r.std_dev == 0);
    CHECK_FALSE(r.sharpe_ratio);
  }
  SECTION("only wins: expectancy from the wins, no certainty") {
    heat_book book;
    hourly(book, "A", {1, 1, 1, 1, 1, 1, 1, 1, 0, 0});
    const auto& r = row_of(compute_heat(book), "A");
    // (8 / 10) * 1.
    CHECK(*r.expectancy == 0.8);
    CHECK(*r.win_rate == 100);
    CHECK_FALSE(r.certainty_ratio);
    CHECK_FALSE(r.profit_factor);
    CHECK_FALSE(r.sortino_ratio);
  }
  SECTION("only losses: expectancy from the losses, certainty null") {
    heat_book book;
    hourly(book, "A", std::vector<double>(10, -2));
    const auto& r = row_of(compute_heat(book), "A");
    CHECK(*r.expectancy == -2);
    CHECK(*r.win_rate == 0);
    CHECK_FALSE(r.certainty_ratio);
    CHECK_FALSE(r.avg_win);
  }
}

TEST_CASE("heat annualises a symbol over twenty days and its pool") {
  heat_book book;
  for (int i = 0; i < 10; ++i) {
    const timestamp start = t0 + i * 2 * day_ms;
    // The last trade closes exactly 20 days after the first start.
    const timestamp close = i == 9 ? t0 + 20 * day_ms : start + minute_ms;
    book.push("A", trade(start, close, i % 2 ? 0.15 : 0.05));
    book.push("B", trade(start, close, i % 2 ? 0.15 : 0.05));
  }
  const auto s = compute_heat(book);
  const auto& r = row_of(s, "A");
  // 10 trades over 20 days: 182.5 a year.
  REQUIRE(r.trades_per_year);
  CHECK(*r.trades_per_year == 182.5);
  REQUIRE(r.sharpe_ratio);
  CHECK(*r.annualized_sharpe_ratio == *r.sharpe_ratio * std::sqrt(182.5));
  const double equity = std::pow(1.0005, 5) * std::pow(1.0015, 5);
  REQUIRE(r.expected_yearly_returns);
  CHECK(*r.expected_yearly_returns ==
        Approx((std::pow(equity, 18.25) - 1) * 100).epsilon(1e-12));
  // The pool: 20 trades over the same 20 days, exactly 365 a year, which is
  // still allowed; its equity is the square of one symbol's.
  REQUIRE(s.portfolio_trades_per_year);
  CHECK(*s.portfolio_trades_per_year == 365);
  REQUIRE(s.portfolio_sharpe_ratio);
  CHECK(*s.portfolio_annualized_sharpe_ratio ==
        *s.portfolio_sharpe_ratio * std::sqrt(365.0));
  REQUIRE(s.portfolio_expected_yearly_returns);
  CHECK(
      *s.portfolio_expected_yearly_returns ==
      Approx((std::pow(equity * equity, 365.0 / 20) - 1) * 100).epsilon(1e-12));
}

TEST_CASE("a blown heat row keeps its drawdown but drops recovery and EYR") {
  heat_book book;
  for (int i = 0; i < 10; ++i)
    book.push("A", trade(t0 + i * 2 * day_ms, t0 + i * 2 * day_ms + minute_ms,
                         i == 3 ? -50 : 1, 100, 1, i == 3 ? -150 : 0));
  const auto s = compute_heat(book);
  const auto& r = row_of(s, "A");
  CHECK(*r.max_drawdown == 100);
  CHECK(r.sharpe_ratio);
  CHECK_FALSE(r.recovery_factor);
  CHECK_FALSE(r.expected_yearly_returns);
  CHECK_FALSE(r.calmar_ratio);
  CHECK(*r.max_drawdown_pnl == -150);
  CHECK_FALSE(s.portfolio_recovery_factor);
  CHECK_FALSE(s.portfolio_expected_yearly_returns);
}

TEST_CASE("heat portfolio pools trades by close time and weights row means") {
  heat_book book;
  // A: 2 trades with peaks 1, 1 and falls -1, -3; B: 8 trades with peaks 3
  // and falls -0.5. Interleaved in time so the pool has to be re-sorted.
  book.push("A", trade(t0, t0 + 10 * minute_ms, 2, 100, 1, -1));
  for (int i = 0; i < 8; ++i)
    book.push("B", trade(t0 + i * minute_ms, t0 + (i + 1) * 20 * minute_ms,
                         i % 2 ? -1 : 1, 100, 3, -0.5));
  book.push("A", trade(t0, t0 + 500 * minute_ms, -4, 100, 1, -3));
  const auto s = compute_heat(book);
  // Weighted by trade counts: (1 * 2 + 3 * 8) / 10 and (-2 * 2 + -0.5 * 8)
  // / 10.
  CHECK(*s.portfolio_avg_peak_pnl == 2.6);
  CHECK(*s.portfolio_avg_fall_pnl == -0.8);
  CHECK(*s.portfolio_peak_profit_pnl == 3);
  CHECK(*s.portfolio_max_drawdown_pnl == -3);
  // Pooled in close order: 2 (A), 1, -1, 1, -1, 1, -1, 1, -1 (B), -4 (A);
  // the median of the ten is (-1 + 1) / 2.
  CHECK(*s.portfolio_median_pnl == 0);
  // Ten pooled trades: mean -0.2.
  const std::vector<double> pool = {2, 1, -1, 1, -1, 1, -1, 1, -1, -4};
  double sq = 0;
  for (double v : pool)
    sq += (v + 0.2) * (v + 0.2);
  REQUIRE(s.portfolio_std_dev);
  CHECK(*s.portfolio_std_dev == Approx(std::sqrt(sq / 9)).epsilon(1e-12));
  REQUIRE(s.portfolio_sharpe_ratio);
  CHECK(*s.portfolio_sharpe_ratio ==
        Approx(-0.2 / std::sqrt(sq / 9)).epsilon(1e-12));
  // Five losses averaging -1.6, five wins averaging 1.2.
  CHECK(*s.portfolio_certainty_ratio == Approx(1.2 / 1.6).epsilon(1e-12));
  CHECK(*s.portfolio_expectancy == Approx(-0.2).epsilon(1e-12));
  // Neither row alone has ten trades.
  CHECK_FALSE(row_of(s, "A").sharpe_ratio);
  CHECK_FALSE(row_of(s, "B").sharpe_ratio);
  // Durations over every trade: A 10 and 500 minutes, B 20*(i+1) - i.
  double minutes = 10 + 500;
  for (int i = 0; i < 8; ++i)
    minutes += (i + 1) * 20 - i;
  CHECK(*s.portfolio_avg_duration == Approx(minutes / 10).epsilon(1e-12));
}

TEST_CASE("heat fields carry the reference's JSON names") {
  heat_book book;
  hourly(book, "A", {1, -1});
  const auto s = compute_heat(book);
  const auto row = stat_fields(s.rows.front());
  CHECK(row.size() == 42);
  CHECK(row.front().first == "symbol");
  CHECK(std::get<std::string>(row.front().second) == "A");
  CHECK(row[1].first == "totalPnl");
  CHECK(row.back().first == "trendConfidence");
  const auto top = stat_fields(s);
  CHECK(top.size() == 23);
  CHECK(top.front().first == "totalSymbols");
  CHECK(top.back().first == "portfolioTradesPerYear");
  for (const auto& [key, value] : top)
    if (key == "portfolioSharpeRatio")
      CHECK(std::holds_alternative<std::monostate>(value));
}

TEST_CASE("an empty heatmap report is the title and no data") {
  CHECK(render_heat_report("every-n#1", compute_heat(heat_book{})) ==
        "# Portfolio Heatmap: every-n#1\n\n*No data available*");
}

TEST_CASE("a heatmap report has 23 summary lines, 38 columns and footnotes") {
  heat_book book;
  // Older: +1.5 % over 60 min (peak 2, fall -0.25); newer: -0.5 % over 30
  // min (peak 0.1, fall -1).
  book.push("BTCUSDT", trade(t0, t0 + 60 * minute_ms, 1.5, 100, 2, -0.25));
  book.push("BTCUSDT", trade(t0 + day_ms, t0 + day_ms + 30 * minute_ms, -0.5,
                             100, 0.1, -1));
  const auto text = render_heat_report("sma-cross#1", compute_heat(book));
  CHECK(text.back() != '\n');
  const auto lines = lines_of(text);
  CHECK(lines[0] == "# Portfolio Heatmap: sma-cross#1");
  CHECK(lines[1].empty());
  const std::vector<std::string> summary(lines.begin() + 2, lines.begin() + 25);
  const std::vector<std::string> expected = {
      "**Total Symbols:** 1",
      "**Portfolio PNL:** 1.00 %",
      "**Pooled Sharpe:** N/A",
      "**Annualized Sharpe:** N/A",
      "**Certainty Ratio:** N/A",
      "**Expected Yearly Returns:** N/A",
      "**Trades Per Year:** N/A",
      "**Total Trades:** 2",
      "**Avg Peak PNL:** 1.05 %",
      // -0.625 is a tie: toFixed rounds it away from zero.
      "**Avg Max Drawdown PNL:** -0.63 %",
      "**Peak Profit PNL:** 2.00 %",
      "**Max Drawdown PNL:** -1.00 %",
      "**Median PNL:** 0.50 %",
      "**Avg Duration:** 45.0 min",
      "**Avg Win Duration:** 60.0 min",
      "**Avg Loss Duration:** 30.0 min",
      "**Avg Consecutive Win PNL:** 1.50 %",
      "**Avg Consecutive Loss PNL:** -0.50 %",
      "**Standard Deviation Per Trade:** N/A",
      "**Sortino Ratio:** N/A",
      "**Calmar Ratio:** N/A",
      "**Recovery Factor:** N/A",
      "**Expectancy:** N/A",
  };
  CHECK(summary == expected);
  CHECK(lines[25].empty());
  CHECK(lines[26] ==
        "| Symbol | Total PNL | Sharpe | Ann Sharpe | Certainty | Exp Yearly "
        "| Trades/Yr | PF | Expect | WR | Avg Win | Avg Loss | Max DD | "
        "W Streak | L Streak | Trades | Avg Peak PNL | Avg DD PNL | "
        "Peak Profit PNL | Max DD PNL | Median PNL | Avg Dur (min) | "
        "Avg Win Dur | Avg Loss Dur | Avg Win Streak PNL | "
        "Avg Loss Streak PNL | Trend | Trend %/d | Trend R² | Buyer Pres | "
        "Seller Pres | Buyer Str | Seller Str | Pres Imb | Median Step | "
        "Sortino | Calmar | Recovery |");
  CHECK(lines[27] == separator(38));
  // The equity dips to 1.015 * 0.99 after the peak of 1.015: a 1 %
  // drawdown, printed negated.
  CHECK(lines[28] ==
        "| BTCUSDT | 1.00% | N/A | N/A | N/A | N/A | N/A | 3.000 | N/A | "
        "50.00% | 1.50% | -0.50% | -1.00% | 1 | 1 | 2 | 1.05% | -0.63% | "
        "2.00% | -1.00% | 0.50% | 45.0 | 60.0 | 30.0 | 1.50% | -0.50% | N/A | "
        "N/A | N/A | N/A | N/A | N/A | N/A | N/A | N/A | N/A | N/A | N/A |");
  CHECK(lines[29].empty());
  std::size_t notes = 0;
  for (std::size_t i = 30; i < lines.size(); ++i) {
    if (lines[i].empty())
      continue;
    INFO(lines[i]);
    CHECK(lines[i].front() == '*');
    CHECK(lines[i].back() == '*');
    ++notes;
  }
  CHECK(notes > 20);
}

TEST_CASE("a heatmap row without any drawdown prints 0.00 percent, not -0") {
  heat_book book;
  book.push("A", trade(t0, t0 + minute_ms, 1));
  const auto lines = lines_of(render_heat_report("s", compute_heat(book)));
  CHECK(lines[28].find("| 0.00% | 1 | 0 | 1 |") != std::string::npos);
}
