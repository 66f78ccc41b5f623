// Walker ranking (statistics.md §3.2): metric lookup, strictly greater,
// ties keep the earlier strategy, nulls never win.

#include "core/walker/walker.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/core/test_trades.hpp"

using namespace btk;

namespace {

backtest_statistics with_sharpe(std::optional<double> sharpe,
                                std::int64_t signals = 12) {
  backtest_statistics s;
  s.total_signals = signals;
  s.sharpe_ratio = sharpe;
  return s;
}

} // namespace

TEST_CASE("metric_value reads any numeric statistic and nothing else") {
  auto s = with_sharpe(0.25, 17);
  s.win_rate = 40;
  CHECK(metric_value(s, "sharpeRatio") == 0.25);
  CHECK(metric_value(s, "winRate") == 40);
  // An integer field ranks too.
  CHECK(metric_value(s, "totalSignals") == 17);
  // Null, unknown and text fields give nothing.
  CHECK_FALSE(metric_value(s, "annualizedSharpeRatio"));
  CHECK_FALSE(metric_value(s, "noSuchField"));
  CHECK_FALSE(metric_value(s, "trend"));
}

TEST_CASE("a walker ranks by any numeric statistic; another name is an "
          "error listing them") {
  const auto names = walker_metric_names();
  CHECK(names.size() == stat_fields(backtest_statistics{}).size() - 1);
  CHECK(std::find(names.begin(), names.end(), "trend") == names.end());
  CHECK(*check_walker_metric("") == "sharpeRatio");
  CHECK(*check_walker_metric("expectedYearlyReturns") ==
        "expectedYearlyReturns");
  for (const auto bad : {"sharpe", "trend", "SharpeRatio"}) {
    const auto r = check_walker_metric(bad);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.err().message,
               Catch::Contains(std::string{"metric '"} + bad + "'") &&
                   Catch::Contains("accepted: totalSignals, winCount"));
  }
}

TEST_CASE("the walker keeps the first of equal metrics and never ranks a "
          "null") {
  walker_ranking r{"", 5};
  CHECK(r.metric() == "sharpeRatio");
  CHECK(r.add("a", with_sharpe(std::nullopt)).best_strategy == std::nullopt);
  CHECK_FALSE(r.best_stats());
  const auto& b = r.add("b", with_sharpe(-0.3));
  // A negative metric beats a null best.
  CHECK(b.best_strategy == std::string{"b"});
  CHECK(b.best_metric == -0.3);
  r.add("c", with_sharpe(0.2));
  // Equal: the earlier one stays best.
  const auto& d = r.add("d", with_sharpe(0.2));
  CHECK(d.best_strategy == std::string{"c"});
  CHECK(d.strategies_tested == 4);
  CHECK(d.total_strategies == 5);
  const auto& e = r.add("e", with_sharpe(0.2000001));
  CHECK(e.best_strategy == std::string{"e"});
  REQUIRE(r.best_stats() != nullptr);
  CHECK(r.best_stats()->sharpe_ratio == 0.2000001);
  CHECK(r.steps().size() == 5);
  CHECK(r.steps()[0].metric_value == std::nullopt);
}

TEST_CASE("a walker whose strategies all have null metrics has no best") {
  walker_ranking r{"certaintyRatio", 2};
  r.add("a", with_sharpe(1));
  r.add("b", with_sharpe(2));
  CHECK_FALSE(r.best_strategy());
  CHECK_FALSE(r.best_metric());
}

// Walker.getData and Walker.getReport (statistics.md §3.4, §3.5).

namespace {

using test::lines_of;
using test::separator;
using test::t0;

constexpr timestamp hour_ms = 60 * minute_ms;

/// A closed trade with an id and a side (see `test::trade`).
tick_result trade_of(std::string id, side pos, timestamp pending,
                     timestamp close, double r) {
  auto t = test::trade(pending, close, r);
  t.signal.id = std::move(id);
  t.signal.position = pos;
  return t;
}

const walker_names names{"w", "BTCUSDT", "ex", "fr"};

/// The lines of the section that starts after `heading` and its empty
/// line, up to the next empty line.
std::vector<std::string> section(const std::vector<std::string>& lines,
                                 const std::string& heading) {
  std::vector<std::string> out;
  auto it = std::find(lines.begin(), lines.end(), heading);
  if (it == lines.end() || ++it == lines.end())
    return out;
  for (++it; it != lines.end() && !it->empty(); ++it)
    out.push_back(*it);
  return out;
}

/// Three strategies tested in the order a, b, c: a has two trades, b one,
/// c none; ranked by totalPnl.
struct three_strategies {
  closed_trade_list a{250}, b{250}, c{250};
  walker_ranking ranking{"totalPnl", 4};
  std::vector<const closed_trade_list*> lists;

  three_strategies() {
    // Pushed oldest first, so each list iterates newest first.
    a.push(trade_of("a1", side::long_, t0 + minute_ms, t0 + hour_ms, 1.5));
    a.push(
        trade_of("a2", side::short_, t0 + 2 * hour_ms, t0 + 3 * hour_ms, -0.5));
    b.push(trade_of("b1", side::long_, t0 + 30 * minute_ms, t0 + 5 * hour_ms,
                    2.125));
    const std::pair<const char*, const closed_trade_list*> all[] = {
        {"a", &a}, {"b", &b}, {"c", &c}};
    for (const auto& [name, list] : all) {
      ranking.add(name, compute_backtest_statistics(*list));
      lists.push_back(list);
    }
  }
};

} // namespace

TEST_CASE("the walker's get_data lists the strategies newest first with "
          "their event times") {
  three_strategies w;
  const auto s = make_walker_statistics(names, w.ranking, w.lists);
  CHECK(s.walker_name == "w");
  CHECK(s.symbol == "BTCUSDT");
  CHECK(s.exchange == "ex");
  CHECK(s.frame == "fr");
  CHECK(s.metric == "totalPnl");
  CHECK(s.total_strategies == 4);
  CHECK(s.best_strategy == std::string{"b"});
  CHECK(s.best_metric == 2.125);
  REQUIRE(s.best_stats);
  CHECK(s.best_stats->total_signals == 1);
  CHECK(s.best_stats->total_pnl == 2.125);
  REQUIRE(s.strategy_results.size() == 3);
  CHECK(s.strategy_results[0].strategy == "c");
  CHECK(s.strategy_results[1].strategy == "b");
  CHECK(s.strategy_results[2].strategy == "a");
  const auto& a = s.strategy_results[2];
  CHECK(a.metric_value == 1.0);
  CHECK(a.stats.total_signals == 2);
  // Earliest start and latest close, whatever the storage order.
  CHECK(a.first_event_time == t0 + minute_ms);
  CHECK(a.last_event_time == t0 + 3 * hour_ms);
  CHECK(s.strategy_results[1].first_event_time == t0 + 30 * minute_ms);
  CHECK(s.strategy_results[1].last_event_time == t0 + 5 * hour_ms);
  // No stored trades: no metric and no event times.
  const auto& c = s.strategy_results[0];
  CHECK_FALSE(c.metric_value);
  CHECK_FALSE(c.first_event_time);
  CHECK_FALSE(c.last_event_time);
  // A missing list counts as no trades.
  const auto short_lists = make_walker_statistics(names, w.ranking, {&w.a});
  CHECK(short_lists.strategy_results[2].first_event_time == t0 + minute_ms);
  CHECK_FALSE(short_lists.strategy_results[1].first_event_time);
}

TEST_CASE("the walker's JSON fields name the contract like the reference") {
  three_strategies w;
  const auto s = make_walker_statistics(names, w.ranking, w.lists);
  const auto f = stat_fields(s);
  REQUIRE(f.size() == 8);
  CHECK(f[0].first == "walkerName");
  CHECK(std::get<std::string>(f[0].second) == "w");
  CHECK(f[5].first == "totalStrategies");
  CHECK(std::get<std::int64_t>(f[5].second) == 4);
  CHECK(std::get<std::string>(f[6].second) == "b");
  CHECK(std::get<double>(f[7].second) == 2.125);
  const auto r = stat_fields(s.strategy_results[0]);
  REQUIRE(r.size() == 4);
  CHECK(r[0].first == "strategyName");
  CHECK(std::holds_alternative<std::monostate>(r[1].second));
  CHECK(std::holds_alternative<std::monostate>(r[2].second));
  const auto ra = stat_fields(s.strategy_results[2]);
  CHECK(ra[2].first == "firstEventTime");
  CHECK(std::get<std::int64_t>(ra[2].second) == t0 + minute_ms);
  CHECK(std::get<std::int64_t>(ra[3].second) == t0 + 3 * hour_ms);
}

TEST_CASE("the walker report prints the header, the best strategy and both "
          "tables") {
  three_strategies w;
  const auto s = make_walker_statistics(names, w.ranking, w.lists);
  const auto text = render_walker_report(s, w.lists, config{});
  CHECK(text.back() != '\n');
  const auto lines = lines_of(text);
  const std::vector<std::string> head = {
      "# Walker Comparison Report: w",
      "",
      "**Symbol:** BTCUSDT",
      "**Exchange:** ex",
      "**Frame:** fr",
      "**Optimization Metric:** totalPnl",
      "**Strategies Tested:** 4",
      "",
      "## Best Strategy: b",
      "",
      // 2.125 is an exact tie: toFixed rounds it up.
      "**Best totalPnl:** 2.13",
      "**Total Signals:** 1",
      "**Sortino Ratio:** N/A",
      "**Calmar Ratio:** N/A",
      "**Recovery Factor:** N/A",
      "",
      "## Top Strategies Comparison",
      "",
      "| Rank | Strategy | Metric | Total Signals | Win Rate | Avg PNL | Total "
      "PNL | Sharpe Ratio | Std Dev | Sortino | Calmar | Recovery | First "
      "Event | Last Event |",
      separator(14),
      "| 1 | b | 2.13 | 1 | 100.00% | +2.13% | +2.13% | N/A | N/A | N/A | N/A "
      "| N/A | 2024-03-04T00:30:00.000Z | 2024-03-04T05:00:00.000Z |",
      "| 2 | a | 1.00 | 2 | 50.00% | +0.50% | +1.00% | N/A | N/A | N/A | N/A "
      "| N/A | 2024-03-04T00:01:00.000Z | 2024-03-04T03:00:00.000Z |",
      "| 3 | c | N/A | 0 | N/A | N/A | N/A | N/A | N/A | N/A | N/A | N/A | "
      "N/A | N/A |",
      "",
      "## All Signals (PNL Table)",
      "",
      "| Strategy | Signal ID | Symbol | Position | PNL (net) | Close Reason | "
      "Open Time | Close Time |",
      separator(8),
      // Strategies newest first (c has none), then trades newest first.
      "| b | b1 | BTCUSDT | LONG | +2.13% | time_expired | "
      "2024-03-04T00:30:00.000Z | 2024-03-04T05:00:00.000Z |",
      "| a | a2 | BTCUSDT | SHORT | -0.50% | time_expired | "
      "2024-03-04T02:00:00.000Z | 2024-03-04T03:00:00.000Z |",
      "| a | a1 | BTCUSDT | LONG | +1.50% | time_expired | "
      "2024-03-04T00:01:00.000Z | 2024-03-04T01:00:00.000Z |",
      "",
      "",
  };
  REQUIRE(lines.size() == head.size() + 10);
  for (std::size_t i = 0; i < head.size(); ++i) {
    INFO("line " << i);
    CHECK(lines[i] == head[i]);
  }
  // Eight italic footnotes, the first naming the metric twice, then the
  // note after an empty line.
  for (std::size_t i = head.size(); i < head.size() + 8; ++i) {
    INFO(lines[i]);
    CHECK(lines[i].size() > 2);
    CHECK(lines[i].front() == '*');
    CHECK(lines[i].back() == '*');
    CHECK(lines[i][1] != '*');
  }
  const auto& first = lines[head.size()];
  const auto at = first.find("totalPnl");
  REQUIRE(at != std::string::npos);
  CHECK(first.find("totalPnl", at + 1) != std::string::npos);
  CHECK(lines[lines.size() - 2].empty());
  CHECK(lines.back().rfind("**Note:** ", 0) == 0);
}

TEST_CASE("the walker report's best lines show the best strategy's ratios") {
  walker_ranking r{"sharpeRatio", 2};
  backtest_statistics x;
  x.total_signals = 12;
  x.sharpe_ratio = 0.125;
  x.sortino_ratio = 1.0005;
  x.calmar_ratio = -2.5;
  x.recovery_factor = 1000;
  r.add("x", x);
  backtest_statistics y = x;
  y.sharpe_ratio = -1;
  r.add("y", y);
  const auto s = make_walker_statistics(names, r, {});
  const auto lines = lines_of(render_walker_report(s, {}, config{}));
  REQUIRE(lines.size() > 15);
  CHECK(lines[8] == "## Best Strategy: x");
  CHECK(lines[10] == "**Best sharpeRatio:** 0.13");
  CHECK(lines[11] == "**Total Signals:** 12");
  CHECK(lines[12] == "**Sortino Ratio:** 1.000 (higher is better)");
  CHECK(lines[13] == "**Calmar Ratio:** -2.500 (higher is better)");
  CHECK(lines[14] == "**Recovery Factor:** 1000.000 (higher is better)");
  // No lists: strategies exist but no trade is stored.
  CHECK(section(lines, "## All Signals (PNL Table)") ==
        std::vector<std::string>{"No closed signals available."});
}

TEST_CASE("a walker without a best strategy prints null and N/A") {
  walker_ranking r{"certaintyRatio", 3};
  r.add("a", with_sharpe(1, 12));
  r.add("b", with_sharpe(2, 15));
  const auto s = make_walker_statistics(names, r, {});
  CHECK_FALSE(s.best_stats);
  const auto lines = lines_of(render_walker_report(s, {}, config{}));
  REQUIRE(lines.size() > 15);
  CHECK(lines[8] == "## Best Strategy: null");
  CHECK(lines[10] == "**Best certaintyRatio:** N/A");
  CHECK(lines[11] == "**Total Signals:** 0");
  CHECK(lines[12] == "**Sortino Ratio:** N/A");
  CHECK(lines[13] == "**Calmar Ratio:** N/A");
  CHECK(lines[14] == "**Recovery Factor:** N/A");
  // Every metric null: the table keeps newest first.
  const auto table = section(lines, "## Top Strategies Comparison");
  REQUIRE(table.size() == 4);
  CHECK(table[2].rfind("| 1 | b | N/A | 15 |", 0) == 0);
  CHECK(table[3].rfind("| 2 | a | N/A | 12 |", 0) == 0);
}

TEST_CASE("the comparison table keeps the top N, highest first, ties in "
          "newest-first order and nulls last") {
  // Tested in this order; newest first the order is l, k, ..., a.
  const std::vector<std::pair<std::string, std::optional<double>>> specs = {
      {"a", 0.5},
      {"b", std::nullopt},
      {"c", 0.5},
      {"d", 3},
      {"e", -1},
      {"f", 0.5},
      {"g", 2},
      {"h", -2},
      {"i", std::nullopt},
      {"j", 1},
      {"k", 4},
      {"l", -3},
  };
  walker_ranking r{"", 12};
  for (const auto& [name, sharpe] : specs)
    r.add(name, with_sharpe(sharpe));
  const auto s = make_walker_statistics(names, r, {});
  CHECK(s.best_strategy == std::string{"k"});
  auto order = [&](const config& cfg) {
    const auto lines = lines_of(render_walker_report(s, {}, cfg));
    std::string out;
    for (const auto& row : section(lines, "## Top Strategies Comparison"))
      if (row.rfind("| ---", 0) != 0 && row.rfind("| Rank", 0) != 0)
        out += row.substr(row.find(" | ") + 3, 1);
    return out;
  };
  // Full order would be k d g j f c a e h l i b: ties (0.5) and the nulls
  // keep newest first; the default cut keeps 10.
  config cfg;
  CHECK(cfg.walker_markdown_top_n == 10);
  CHECK(order(cfg) == "kdgjfcaehl");
  cfg.walker_markdown_top_n = 12;
  CHECK(order(cfg) == "kdgjfcaehlib");
  cfg.walker_markdown_top_n = 3;
  CHECK(order(cfg) == "kdg");
  // The key is a configuration value.
  auto applied =
      apply_config(config{}, {{"CC_WALKER_MARKDOWN_TOP_N", "2"}}, false);
  REQUIRE(applied);
  CHECK(order(*applied) == "kd");
  // Ranks count the shown rows.
  const auto lines = lines_of(render_walker_report(s, {}, *applied));
  const auto table = section(lines, "## Top Strategies Comparison");
  REQUIRE(table.size() == 4);
  CHECK(table[2].rfind("| 1 | k | 4.00 |", 0) == 0);
  CHECK(table[3].rfind("| 2 | d | 3.00 |", 0) == 0);
}

TEST_CASE("a walker report without results says so in both tables") {
  walker_ranking r{"", 2};
  const auto s = make_walker_statistics(names, r, {});
  CHECK(s.strategy_results.empty());
  const auto lines = lines_of(render_walker_report(s, {}, config{}));
  CHECK(lines[6] == "**Strategies Tested:** 2");
  CHECK(lines[8] == "## Best Strategy: null");
  CHECK(section(lines, "## Top Strategies Comparison") ==
        std::vector<std::string>{"No strategy results available."});
  CHECK(section(lines, "## All Signals (PNL Table)") ==
        std::vector<std::string>{"No strategy results available."});
  // Strategies without stored trades: the comparison table still lists
  // them.
  three_strategies w;
  const std::vector<const closed_trade_list*> empty = {&w.c, &w.c};
  walker_ranking r2{"", 2};
  r2.add("p", compute_backtest_statistics(w.c));
  r2.add("q", compute_backtest_statistics(w.c));
  const auto s2 = make_walker_statistics(names, r2, empty);
  const auto lines2 = lines_of(render_walker_report(s2, empty, config{}));
  CHECK(section(lines2, "## Top Strategies Comparison").size() == 4);
  CHECK(section(lines2, "## All Signals (PNL Table)") ==
        std::vector<std::string>{"No closed signals available."});
}
