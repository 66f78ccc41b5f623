// Walker ranking (statistics.md §3.2): metric lookup, strictly greater,
// ties keep the earlier strategy, nulls never win.

#include "core/walker.hpp"

#include <catch2/catch.hpp>

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
