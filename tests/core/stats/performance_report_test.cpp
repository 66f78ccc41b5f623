#include "core/stats/performance_report.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

performance_record sample(std::string type, double ms, timestamp when,
                          std::optional<timestamp> previous = std::nullopt) {
  return {std::move(type), ms, when, previous};
}

} // namespace

TEST_CASE("percentiles interpolate linearly between the nearest ranks") {
  const std::vector<double> xs = {1, 2, 3, 4};
  // Rank 0.5 * 3 = 1.5: halfway between 2 and 3.
  CHECK(percentile(xs, 50) == 2.5);
  // Rank 0.95 * 3 = 2.85: 3 * 0.15 + 4 * 0.85.
  CHECK(percentile(xs, 95) == Approx(3.85).epsilon(1e-12));
  CHECK(percentile(xs, 99) == Approx(3.97).epsilon(1e-12));
  CHECK(percentile(xs, 0) == 1);
  CHECK(percentile(xs, 100) == 4);
  CHECK(percentile({7}, 95) == 7);
  CHECK(percentile({}, 50) == 0);
  // Odd count: the median is the middle value.
  CHECK(percentile({1, 3, 5}, 50) == 3);
}

TEST_CASE("performance aggregates each type with a sample deviation") {
  performance_book book;
  // Pushed chronologically; stored newest first.
  book.push(sample("backtest_signal", 4, t0 + 10));
  book.push(sample("backtest_signal", 1, t0 + 30, t0 + 10));
  book.push(sample("backtest_total", 100, t0 + 40));
  book.push(sample("backtest_signal", 3, t0 + 70, t0 + 30));
  book.push(sample("backtest_signal", 2, t0 + 80, t0 + 70));
  const auto s = compute_performance(book);
  CHECK(s.total_events == 5);
  CHECK(s.total_duration == 110);
  REQUIRE(s.metrics.size() == 2);
  // Types in first-seen order over the newest-first list.
  const auto& m = s.metrics[0];
  CHECK(m.type == "backtest_signal");
  CHECK(m.count == 4);
  CHECK(m.total == 10);
  CHECK(m.avg == 2.5);
  CHECK(m.min == 1);
  CHECK(m.max == 4);
  // Squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 over N - 1 = 3.
  CHECK(m.std_dev == std::sqrt(5.0 / 3));
  CHECK(m.median == 2.5);
  CHECK(m.p95 == Approx(3.85).epsilon(1e-12));
  // Waits 20, 40 and 10 ms.
  CHECK(m.avg_wait == Approx(70.0 / 3).epsilon(1e-15));
  CHECK(m.min_wait == 10);
  CHECK(m.max_wait == 40);
  const auto& total = s.metrics[1];
  CHECK(total.type == "backtest_total");
  CHECK(total.count == 1);
  CHECK(total.std_dev == 0);
  CHECK(total.median == 100);
  CHECK(total.p99 == 100);
  CHECK(total.avg_wait == 0);
  CHECK(total.min_wait == 0);
  CHECK(total.max_wait == 0);
  const auto fields = stat_fields(m);
  CHECK(fields.size() == 13);
  CHECK(fields.front().first == "metricType");
  CHECK(fields.back().first == "maxWaitTime");
}

TEST_CASE("the performance book keeps the newest ten thousand samples") {
  performance_book book;
  CHECK(book.cap() == 10000);
  for (int i = 0; i < 10005; ++i)
    book.push(sample("live_tick", i, t0 + i));
  CHECK(book.size() == 10000);
  CHECK(book.begin()->duration_ms == 10004);
  performance_book small{2};
  for (int i = 0; i < 3; ++i)
    small.push(sample("x", i, t0 + i));
  CHECK(compute_performance(small).total_duration == 3);
}

TEST_CASE("an empty performance report is the title and one sentence") {
  CHECK(
      render_performance_report("s", compute_performance(performance_book{})) ==
      "# Performance Report: s\n\nNo performance metrics recorded yet.");
}

TEST_CASE("a performance report puts the slowest type first and splits time") {
  performance_book book;
  book.push(sample("backtest_signal", 1.25, t0));
  book.push(sample("backtest_signal", 0.75, t0 + 5, t0));
  book.push(sample("backtest_total", 8, t0 + 10));
  const auto lines = lines_of(
      render_performance_report("every-n#1", compute_performance(book)));
  CHECK(lines[0] == "# Performance Report: every-n#1");
  CHECK(lines[2] ==
        "| Metric Type | Count | Total (ms) | Avg (ms) | Min (ms) "
        "| Max (ms) | Std Dev (ms) | Median (ms) | P95 (ms) | "
        "P99 (ms) | Avg Wait (ms) | Min Wait (ms) | Max Wait (ms) |");
  CHECK(lines[4] == "| backtest_total | 1 | 8.00 | 8.00 | 8.00 | 8.00 | 0.00 | "
                    "8.00 | 8.00 | 8.00 | 0.00 | 0.00 | 0.00 |");
  // Deviation sqrt(0.125) = 0.3536; P95 0.75 * 0.05 + 1.25 * 0.95 and P99
  // land just above 1.225 and 1.245 in binary, so toFixed rounds them up.
  CHECK(lines[5] == "| backtest_signal | 2 | 2.00 | 1.00 | 0.75 | 1.25 | 0.35 "
                    "| 1.00 | 1.23 | 1.25 | 5.00 | 5.00 | 5.00 |");
  CHECK(lines[6].empty());
  CHECK(lines[7] == "**Total events:** 3");
  CHECK(lines[8] == "**Total execution time:** 10.00ms");
  CHECK(lines[9] == "**Number of metric types:** 2");
  CHECK(lines[10].empty());
  CHECK(lines[11] == "## Time Distribution");
  CHECK(lines[12].empty());
  CHECK(lines[13] == "- **backtest_total**: 80.0% (8.00ms total)");
  CHECK(lines[14] == "- **backtest_signal**: 20.0% (2.00ms total)");
  CHECK(lines[15].empty());
  for (std::size_t i = 16; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].front() == '*');
    CHECK(lines[i].back() == '*');
  }
}

TEST_CASE("a performance report of zero-length samples shows 0.0 percent") {
  performance_book book;
  book.push(sample("live_tick", 0, t0));
  const auto lines =
      lines_of(render_performance_report("s", compute_performance(book)));
  CHECK(lines[12] == "- **live_tick**: 0.0% (0.00ms total)");
}
