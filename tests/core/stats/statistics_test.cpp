#include "core/stats/statistics.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// Pushes trades with PnL `rs` (chronological), one per hour, 30 min each.
closed_trade_list hourly(const std::vector<double>& rs,
                         std::int64_t cap = 1'000'000) {
  closed_trade_list list{cap};
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const timestamp start = t0 + static_cast<timestamp>(i) * 3'600'000;
    list.push(trade(start, start + 1'800'000, rs[i]));
  }
  return list;
}

void require_all_null(const backtest_statistics& s) {
  for (const auto& [key, value] : stat_fields(s)) {
    INFO(key);
    if (key == "totalSignals" || key == "winCount" || key == "lossCount")
      CHECK(std::get<std::int64_t>(value) == 0);
    else if (key != "signalListLength")
      CHECK(std::holds_alternative<std::monostate>(value));
  }
}

} // namespace

TEST_CASE("an empty trade list gives zero counts and null everywhere else") {
  closed_trade_list list{250};
  const auto s = compute_backtest_statistics(list);
  require_all_null(s);
  CHECK(s.signal_list_length == 0);
}

TEST_CASE("the list ignores results that are not closed trades") {
  closed_trade_list list{250};
  auto cancelled = trade(0, t0, 0);
  cancelled.kind = action::cancelled;
  list.push(cancelled);
  auto opened = trade(t0, t0, 0);
  opened.kind = action::opened;
  list.push(opened);
  CHECK(list.empty());
}

TEST_CASE("the list keeps the newest trade first") {
  const auto list = hourly({1, 2, 3});
  std::vector<double> seen;
  for (const auto& t : list)
    seen.push_back(t.pnl.pnl_percentage);
  CHECK(seen == std::vector<double>{3, 2, 1});
  CHECK(list.front().pnl.pnl_percentage == 3);
}

TEST_CASE("trades without a start or close time are stored but not counted") {
  closed_trade_list list{250};
  list.push(trade(t0, t0 + 60'000, 1));
  list.push(trade(0, t0 + 120'000, 5));
  const auto s = compute_backtest_statistics(list);
  CHECK(s.total_signals == 1);
  CHECK(s.signal_list_length == 2);
  CHECK(*s.total_pnl == 1);
}

TEST_CASE("a list of only invalid trades is all null but keeps its length") {
  closed_trade_list list{250};
  list.push(trade(0, t0, 1));
  const auto s = compute_backtest_statistics(list);
  require_all_null(s);
  CHECK(s.signal_list_length == 1);
}

TEST_CASE("fewer than ten trades give sums and means but null ratios") {
  const auto s = compute_backtest_statistics(hourly({1, -0.5, 2}));
  CHECK(s.total_signals == 3);
  CHECK(s.win_count == 2);
  CHECK(s.loss_count == 1);
  CHECK(*s.total_pnl == 2.5);
  CHECK(*s.avg_pnl == 2.5 / 3);
  CHECK(*s.win_rate == (2.0 / 3.0) * 100);
  CHECK(*s.median_pnl == 1);
  CHECK(*s.avg_duration == 30);
  CHECK(*s.avg_win_duration == 30);
  CHECK(*s.avg_loss_duration == 30);
  CHECK_FALSE(s.std_dev);
  CHECK_FALSE(s.sharpe_ratio);
  CHECK_FALSE(s.sortino_ratio);
  CHECK_FALSE(s.certainty_ratio);
  CHECK_FALSE(s.expectancy);
  CHECK_FALSE(s.recovery_factor);
  CHECK_FALSE(s.annualized_sharpe_ratio);
  CHECK_FALSE(s.expected_yearly_returns);
  CHECK_FALSE(s.calmar_ratio);
  CHECK_FALSE(s.profile.median_step_size);
  CHECK_FALSE(s.profile.trend);
}

TEST_CASE("the win rate is zero, not null, without decisive trades") {
  const auto s = compute_backtest_statistics(hourly({0, 0}));
  CHECK(*s.win_rate == 0);
  CHECK(s.win_count == 0);
  CHECK(s.loss_count == 0);
  CHECK(*s.median_pnl == 0);
  CHECK_FALSE(s.avg_win_duration);
  CHECK_FALSE(s.avg_loss_duration);
  CHECK_FALSE(s.avg_consecutive_win_pnl);
  CHECK_FALSE(s.avg_consecutive_loss_pnl);
}

TEST_CASE("break-even trades are left out of the win rate denominator") {
  const auto s = compute_backtest_statistics(hourly({1, 0, -1, 1}));
  CHECK(s.total_signals == 4);
  CHECK(*s.win_rate == (2.0 / 3.0) * 100);
}

TEST_CASE("with the default cap only the newest 250 of 300 trades count") {
  std::vector<double> rs;
  for (int i = 1; i <= 300; ++i)
    rs.push_back(i);
  const auto list = hourly(rs, 250);
  CHECK(list.size() == 250);
  const auto s = compute_backtest_statistics(list);
  CHECK(s.signal_list_length == 250);
  CHECK(s.total_signals == 250);
  // 51 + 52 + ... + 300.
  CHECK(*s.total_pnl == 43875);
  CHECK(*s.median_pnl == 175.5);
  CHECK(s.win_count == 250);
}

TEST_CASE("a cap of zero keeps no trade at all") {
  const auto list = hourly({1, 2, 3, 4, 5}, 0);
  CHECK(list.empty());
  const auto s = compute_backtest_statistics(list);
  require_all_null(s);
  CHECK(s.signal_list_length == 0);
}

TEST_CASE("the median averages the two middle values for an even count") {
  CHECK(*compute_backtest_statistics(hourly({3, -1, 2})).median_pnl == 2);
  CHECK(*compute_backtest_statistics(hourly({5, 1, -2, 3})).median_pnl == 2);
  CHECK(*compute_backtest_statistics(hourly({7})).median_pnl == 7);
}

TEST_CASE("streaks are summed oldest to newest and break on flat trades") {
  // Win runs: {1, 2} = 3 and {3} = 3; loss runs: {-1} and {-2, -4} = -6.
  const auto s = compute_backtest_statistics(hourly({1, 2, -1, 0, 3, -2, -4}));
  CHECK(*s.avg_consecutive_win_pnl == 3);
  CHECK(*s.avg_consecutive_loss_pnl == -3.5);
}

TEST_CASE("durations average the minutes from start to close per side") {
  closed_trade_list list{250};
  list.push(trade(t0, t0 + 10 * minute_ms, 1));
  list.push(trade(t0 + day_ms, t0 + day_ms + 20 * minute_ms, -1));
  list.push(trade(t0 + 2 * day_ms, t0 + 2 * day_ms + 45 * minute_ms, 2));
  const auto s = compute_backtest_statistics(list);
  CHECK(*s.avg_duration == 25);
  CHECK(*s.avg_win_duration == 27.5);
  CHECK(*s.avg_loss_duration == 20);
}

TEST_CASE("the equity walk marks each trade at its worst excursion") {
  closed_trade_list list{250};
  // +10 %: equity 1.1 (new peak). -10 % with a -20 % excursion: the trough
  // 1.1 * 0.8 = 0.88 is a 20 % drawdown from 1.1; equity ends at 0.99.
  list.push(trade(t0, t0 + minute_ms, 10, 100, 10, 0));
  list.push(trade(t0 + day_ms, t0 + day_ms + minute_ms, -10, 100, 0, -20));
  for (int i = 2; i < 10; ++i)
    list.push(trade(t0 + i * day_ms, t0 + i * day_ms + minute_ms, 0));
  const auto s = compute_backtest_statistics(list);
  REQUIRE(s.total_signals == 10);
  REQUIRE(s.recovery_factor);
  // ((0.99 - 1) * 100) / 20.
  CHECK(*s.recovery_factor == Approx(-0.05).epsilon(1e-12));
  CHECK(*s.avg_fall_pnl == -2);
  CHECK(*s.avg_peak_pnl == 1);
}

TEST_CASE("a blown account nulls the recovery factor and yearly returns") {
  SECTION("through an excursion beyond -100 %") {
    closed_trade_list list{250};
    for (int i = 0; i < 10; ++i)
      list.push(trade(t0 + i * 2 * day_ms, t0 + i * 2 * day_ms + minute_ms,
                      i == 3 ? -50 : 1, 100, 1, i == 3 ? -150 : 0));
    const auto s = compute_backtest_statistics(list);
    CHECK(s.total_signals == 10);
    CHECK(s.sharpe_ratio);
    CHECK_FALSE(s.recovery_factor);
    CHECK_FALSE(s.expected_yearly_returns);
    CHECK_FALSE(s.calmar_ratio);
  }
  SECTION("through a loss of the whole equity") {
    closed_trade_list list{250};
    for (int i = 0; i < 10; ++i)
      list.push(trade(t0 + i * 2 * day_ms, t0 + i * 2 * day_ms + minute_ms,
                      i == 5 ? -100 : 1));
    const auto s = compute_backtest_statistics(list);
    CHECK_FALSE(s.recovery_factor);
    CHECK_FALSE(s.expected_yearly_returns);
  }
}

TEST_CASE("a recovery without any drawdown is null") {
  // All trades win and never dip: the equity drawdown stays 0.
  std::vector<double> rs(10, 1);
  const auto s = compute_backtest_statistics(hourly(rs));
  CHECK_FALSE(s.recovery_factor);
  CHECK_FALSE(s.calmar_ratio);
  // stdDev is 0, so Sharpe is null; with no loss Sortino and certainty too.
  CHECK(*s.std_dev == 0);
  CHECK_FALSE(s.sharpe_ratio);
  CHECK_FALSE(s.sortino_ratio);
  CHECK_FALSE(s.certainty_ratio);
  CHECK(*s.expectancy == 1);
}

TEST_CASE("ratios use the sample deviation and the downside over all trades") {
  // Five trades of 3 and five of -1: mean 1, squared deviations 4 each.
  const auto s =
      compute_backtest_statistics(hourly({3, -1, 3, -1, 3, -1, 3, -1, 3, -1}));
  CHECK(*s.avg_pnl == 1);
  CHECK(*s.std_dev == std::sqrt(40.0 / 9));
  CHECK(*s.sharpe_ratio == 1 / std::sqrt(40.0 / 9));
  // Downside deviation sqrt(5 * 1 / 10).
  CHECK(*s.sortino_ratio == 1 / std::sqrt(0.5));
  CHECK(*s.certainty_ratio == 3);
  CHECK(*s.expectancy == 0.5 * 3 + 0.5 * -1);
}

TEST_CASE("annualisation needs ten trades over at least fourteen days") {
  // Ten trades within ten days: span < 14 days.
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i)
    list.push(
        trade(t0 + i * day_ms, t0 + i * day_ms + minute_ms, i % 2 ? 0.3 : 0.1));
  const auto s = compute_backtest_statistics(list);
  CHECK(s.sharpe_ratio);
  CHECK_FALSE(s.annualized_sharpe_ratio);
  CHECK_FALSE(s.expected_yearly_returns);
}

TEST_CASE("annualisation is refused above 365 trades a year") {
  // 21 trades over exactly 15 days: 21 / 15 * 365 = 511 trades a year.
  closed_trade_list list{250};
  for (int i = 0; i < 20; ++i) {
    const timestamp start = t0 + i * (15 * day_ms / 20);
    list.push(trade(start, start + minute_ms, i % 2 ? 0.3 : 0.1));
  }
  list.push(trade(t0 + 15 * day_ms - minute_ms, t0 + 15 * day_ms, 0.1));
  const auto s = compute_backtest_statistics(list);
  CHECK(s.sharpe_ratio);
  CHECK_FALSE(s.annualized_sharpe_ratio);
  CHECK_FALSE(s.expected_yearly_returns);
}

TEST_CASE("ten trades over twenty days are annualised at 182.5 a year") {
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i) {
    const timestamp start = t0 + i * 2 * day_ms;
    // The last trade closes exactly 20 days after the first start.
    const timestamp close = i == 9 ? t0 + 20 * day_ms : start + minute_ms;
    list.push(trade(start, close, i % 2 ? 0.3 : 0.1));
  }
  const auto s = compute_backtest_statistics(list);
  REQUIRE(s.sharpe_ratio);
  REQUIRE(s.annualized_sharpe_ratio);
  CHECK(*s.annualized_sharpe_ratio ==
        Approx(*s.sharpe_ratio * std::sqrt(182.5)).epsilon(1e-14));
  // Equity 1.001^5 * 1.003^5 compounded to 182.5 trades a year.
  const double equity = std::pow(1.001, 5) * std::pow(1.003, 5);
  REQUIRE(s.expected_yearly_returns);
  CHECK(*s.expected_yearly_returns ==
        Approx((std::pow(equity, 18.25) - 1) * 100).epsilon(1e-12));
  // No drawdown: Calmar stays null even though the returns are defined.
  CHECK_FALSE(s.calmar_ratio);
}

TEST_CASE("yearly returns beyond 100 percent are null, not capped") {
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i) {
    const timestamp start = t0 + i * 2 * day_ms;
    list.push(trade(start, i == 9 ? t0 + 20 * day_ms : start + minute_ms,
                    i % 2 ? 3 : 4));
  }
  const auto s = compute_backtest_statistics(list);
  // Annualisable (182.5 trades a year), but 1.03^5 * 1.04^5 compounded
  // 18.25 times is far beyond +100 %.
  CHECK(s.annualized_sharpe_ratio);
  CHECK_FALSE(s.expected_yearly_returns);
  CHECK_FALSE(s.calmar_ratio);
}

TEST_CASE("a steadily rising exit price is a bullish profile") {
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i)
    list.push(trade(t0 + i * day_ms, t0 + i * day_ms + minute_ms, 1, 100 + i));
  const auto s = compute_backtest_statistics(list);
  CHECK(*s.profile.buyer_pressure == 1);
  CHECK(*s.profile.seller_pressure == 0);
  CHECK(*s.profile.buyer_strength == 1);
  CHECK(*s.profile.seller_strength == 0);
  CHECK(*s.profile.pressure_imbalance == 1);
  // Steps 1/100 ... 1/108: the fifth of nine is 1/104.
  CHECK(*s.profile.median_step_size == Approx(100.0 / 104).epsilon(1e-14));
  CHECK(*s.profile.trend == "bullish");
  CHECK(*s.profile.trend_strength == Approx(0.95).epsilon(0.02));
  CHECK(*s.profile.trend_confidence > 0.99);
}

TEST_CASE("a flat exit price is sideways with null pressures") {
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i)
    list.push(trade(t0 + i * day_ms, t0 + i * day_ms + minute_ms, 1));
  const auto s = compute_backtest_statistics(list);
  CHECK(*s.profile.median_step_size == 0);
  CHECK_FALSE(s.profile.buyer_pressure);
  CHECK_FALSE(s.profile.seller_pressure);
  CHECK_FALSE(s.profile.buyer_strength);
  CHECK_FALSE(s.profile.pressure_imbalance);
  CHECK(*s.profile.trend == "sideways");
  CHECK(*s.profile.trend_strength == 0);
  CHECK(*s.profile.trend_confidence == 0);
}

TEST_CASE("exits at one instant give pressures but no trend") {
  closed_trade_list list{250};
  for (int i = 0; i < 10; ++i)
    list.push(trade(t0 - (i + 1) * minute_ms, t0, 1, i % 2 ? 101 : 100));
  const auto s = compute_backtest_statistics(list);
  // Equal close times keep the newest-first order: prices 101, 100, 101, …,
  // 100 give five falls and four rises.
  CHECK(*s.profile.buyer_pressure == 4.0 / 9);
  CHECK(*s.profile.seller_pressure == 5.0 / 9);
  CHECK_FALSE(s.profile.trend);
  CHECK_FALSE(s.profile.trend_strength);
  CHECK_FALSE(s.profile.trend_confidence);
}

TEST_CASE("stat_fields names every field in the parity summary order") {
  const std::vector<std::string> expected = {"totalSignals",
                                             "winCount",
                                             "lossCount",
                                             "winRate",
                                             "avgPnl",
                                             "totalPnl",
                                             "stdDev",
                                             "sharpeRatio",
                                             "annualizedSharpeRatio",
                                             "certaintyRatio",
                                             "expectedYearlyReturns",
                                             "avgPeakPnl",
                                             "avgFallPnl",
                                             "sortinoRatio",
                                             "calmarRatio",
                                             "recoveryFactor",
                                             "expectancy",
                                             "avgDuration",
                                             "medianPnl",
                                             "avgConsecutiveWinPnl",
                                             "avgConsecutiveLossPnl",
                                             "avgWinDuration",
                                             "avgLossDuration",
                                             "medianStepSize",
                                             "buyerPressure",
                                             "sellerPressure",
                                             "buyerStrength",
                                             "sellerStrength",
                                             "pressureImbalance",
                                             "trend",
                                             "trendStrength",
                                             "trendConfidence",
                                             "signalListLength"};
  const auto s = compute_backtest_statistics(hourly({1, -2}));
  const auto fields = stat_fields(s);
  std::vector<std::string> names;
  for (const auto& f : fields)
    names.emplace_back(f.first);
  CHECK(names == expected);
  CHECK(std::get<std::int64_t>(fields[0].second) == 2);
  CHECK(std::get<double>(fields[5].second) == -1);
  CHECK(std::holds_alternative<std::monostate>(fields[6].second));
  CHECK(std::get<std::int64_t>(fields.back().second) == 2);
}

// --- golden parity -------------------------------------------------------

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool close_enough(double a, double b) {
  const double d = std::fabs(a - b);
  return d <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) || d <= 1e-12;
}

/// Compares one computed field with the reference's JSON value; returns an
/// explanation when they differ.
std::string mismatch(const stat_value& got, const json& want) {
  std::ostringstream out;
  if (std::holds_alternative<std::monostate>(got)) {
    if (!want.is_null())
      out << "got null, want " << want.dump();
  } else if (want.is_null()) {
    out << "want null, got a value";
  } else if (auto i = std::get_if<std::int64_t>(&got)) {
    if (!want.is_number_integer() || want.get<std::int64_t>() != *i)
      out << "got " << *i << ", want " << want.dump();
  } else if (auto d = std::get_if<double>(&got)) {
    if (!want.is_number() || !close_enough(*d, want.get<double>())) {
      out.precision(17);
      out << "got " << *d << ", want " << want.dump();
    }
  } else if (auto s = std::get_if<std::string>(&got)) {
    if (!want.is_string() || want.get<std::string>() != *s)
      out << "got " << *s << ", want " << want.dump();
  }
  return out.str();
}

/// Fields computed with `pow` or `log`, where glibc and the reference's
/// fdlibm may differ in the last bit.
bool uses_libm(std::string_view key) {
  return key == "expectedYearlyReturns" || key == "calmarRatio" ||
         key == "trendStrength" || key == "trendConfidence";
}

} // namespace

TEST_CASE("statistics match backtest-kit on every golden parity scenario") {
  const fs::path suite = fs::path(BTK_SHARED_DIR) / "parity";
  std::vector<fs::path> scenarios;
  for (const auto& entry : fs::directory_iterator(suite))
    if (entry.is_directory() &&
        fs::exists(entry.path() / "expected-summary.json"))
      scenarios.push_back(entry.path());
  std::sort(scenarios.begin(), scenarios.end());
  REQUIRE(scenarios.size() == 9);
  std::size_t strategies_checked = 0;
  for (const auto& dir : scenarios) {
    std::ifstream summary_in(dir / "expected-summary.json");
    const json summary = json::parse(summary_in);
    const auto cap =
        summary.at("config").at("CC_MAX_BACKTEST_MARKDOWN_ROWS").get<double>();
    std::map<std::string, closed_trade_list> lists;
    for (const auto& st : summary.at("strategies"))
      lists.emplace(st.at("strategyName").get<std::string>(),
                    closed_trade_list{static_cast<std::int64_t>(cap)});
    std::ifstream trades_in(dir / "expected.jsonl");
    std::string line;
    while (std::getline(trades_in, line)) {
      if (line.empty())
        continue;
      const json row = json::parse(line);
      tick_result t;
      const auto act = row.at("action").get<std::string>();
      t.kind = act == "closed" ? action::closed : action::cancelled;
      t.signal.pending_at = row.at("pendingAt").get<timestamp>();
      t.close_timestamp = row.at("closeTimestamp").get<timestamp>();
      t.price_close = row.at("priceClose").get<double>();
      if (t.kind == action::closed) {
        t.pnl.pnl_percentage = row.at("pnlPercentage").get<double>();
        t.peak_pnl = row.at("peakPnlPercentage").get<double>();
        t.max_drawdown_pnl = row.at("maxDrawdownPnlPercentage").get<double>();
      }
      lists.at(row.at("strategy").get<std::string>()).push(t);
    }
    for (const auto& st : summary.at("strategies")) {
      const auto name = st.at("strategyName").get<std::string>();
      const json& want = st.at("stats");
      const auto got = compute_backtest_statistics(lists.at(name));
      for (const auto& [key, value] : stat_fields(got)) {
        INFO(dir.filename().string() << " " << name << " " << key);
        REQUIRE(want.contains(std::string(key)));
        const json& w = want.at(std::string(key));
        CHECK(mismatch(value, w).empty());
        // Fields free of pow and log follow the reference's operation order
        // exactly, so they must agree to the last bit (this is what catches
        // a wrong summation order, which the tolerance would let through).
        const auto* d = std::get_if<double>(&value);
        if (d && w.is_number() && !uses_libm(key))
          CHECK(*d == w.get<double>());
      }
      ++strategies_checked;
    }
  }
  CHECK(strategies_checked >= 9);
}
