// The Heat, Schedule, Performance, Partial and Risk facades: get_data,
// get_report and dump over real runs.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <unistd.h>

#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_dir(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("btk-" + name + "-" + std::to_string(::getpid())))
      .string();
}

} // namespace

TEST_CASE("heat pools every strategy's trades per symbol on one exchange and "
          "frame",
          "[api][reports]") {
  auto e = make_engine({"every-n:n=300", "every-n:n=500,side=short"});
  e->set_config({{"CC_MAX_HEATMAP_MARKDOWN_ROWS", "100000"},
                 {"CC_MAX_BACKTEST_MARKDOWN_ROWS", "100000"}});
  std::vector<std::pair<std::string, backtest_context>> runs;
  for (const std::string symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"})
    for (const std::string s : {"every-n#1", "every-n#2"})
      runs.push_back({symbol, {s, "synth", "f"}});
  for (auto& h : e->backtest().background(runs))
    REQUIRE(h.wait().error.empty());
  const backtest_context ctx{"portfolio", "synth", "f"};
  const auto heat = e->heat().get_data(ctx);
  CHECK(heat.total_symbols == 3);
  REQUIRE(heat.rows.size() == 3);
  std::int64_t trades = 0;
  for (const auto& [symbol, c] : runs)
    trades += static_cast<std::int64_t>(
        e->backtest().get_trades(symbol, c.strategy).size());
  CHECK(heat.portfolio_total_trades == trades);
  // Rows are sorted by Sharpe, best first.
  for (std::size_t i = 1; i < heat.rows.size(); ++i)
    if (heat.rows[i].sharpe_ratio && heat.rows[i - 1].sharpe_ratio)
      CHECK(*heat.rows[i - 1].sharpe_ratio >= *heat.rows[i].sharpe_ratio);
  const auto report = e->heat().get_report(ctx);
  CHECK(report.rfind("# Portfolio Heatmap: portfolio", 0) == 0);
  const auto dir = temp_dir("heat");
  const auto path = e->heat().dump(ctx, dir);
  CHECK(path == dir + "/portfolio.md");
  CHECK(read_file(path) == report);
  // Another frame has no runs.
  frame_schema g;
  g.name = "g";
  g.start = day0 + day_ms;
  g.end = day0 + 2 * day_ms;
  e->add_frame(g);
  CHECK(e->heat().get_data({"x", "synth", "g"}).total_symbols == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the schedule report counts scheduled, activated and cancelled "
          "signals",
          "[api][reports]") {
  auto e = make_engine({"scheduled:n=120,offset=0.3"});
  std::size_t scheduled = 0;
  std::size_t activated = 0;
  std::size_t cancelled = 0;
  auto stream = e->backtest().run("BTCUSDT", {"scheduled#1", "synth", "f"});
  for (const auto& ev : stream) {
    const auto& r = ev.result;
    scheduled += r.kind == action::scheduled;
    activated += r.kind == action::opened &&
                 r.signal.scheduled_at != r.signal.pending_at;
    cancelled += r.kind == action::cancelled;
  }
  REQUIRE(scheduled > 20);
  const auto s = e->schedule().get_data("BTCUSDT", "scheduled#1");
  // The book keeps the newest 250 events.
  CHECK(s.total_events ==
        std::min<std::int64_t>(250, scheduled + activated + cancelled));
  CHECK(s.total_scheduled + s.total_opened + s.total_cancelled ==
        s.total_events);
  CHECK(s.total_cancelled > 0);
  CHECK(s.activation_rate.has_value());
  const auto report = e->schedule().get_report("BTCUSDT", "scheduled#1");
  CHECK(report.rfind("# Scheduled Signals Report: scheduled#1", 0) == 0);
  const auto dir = temp_dir("schedule");
  const auto path = e->schedule().dump("BTCUSDT", "scheduled#1", dir);
  CHECK(path == dir + "/BTCUSDT_scheduled#1.md");
  CHECK(read_file(path) == report);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the performance report has one total per run", "[api][reports]") {
  auto e = make_engine({"every-n:n=60"});
  e->backtest().background("BTCUSDT", {"every-n#1", "synth", "f"}).wait();
  const auto p = e->performance().get_data("BTCUSDT", "every-n#1");
  CHECK(p.total_events == 1);
  REQUIRE(p.metrics.size() == 1);
  CHECK(p.metrics[0].type == "backtest_total");
  CHECK(p.metrics[0].count == 1);
  CHECK(e->performance()
            .get_report("BTCUSDT", "every-n#1")
            .rfind("# Performance Report: every-n#1", 0) == 0);
}

TEST_CASE("the partial report holds the milestones the listeners saw",
          "[api][reports]") {
  auto e = make_engine({"every-n:n=240,side=alt,tp=3,sl=3,minutes=900"});
  std::mutex mtx;
  std::int64_t profit = 0;
  std::int64_t loss = 0;
  e->listen_partial_profit([&](const partial_event&) {
    std::lock_guard<std::mutex> g{mtx};
    ++profit;
  });
  e->listen_partial_loss([&](const partial_event&) {
    std::lock_guard<std::mutex> g{mtx};
    ++loss;
  });
  e->set_config({{"CC_MAX_PARTIAL_MARKDOWN_ROWS", "100000"}});
  e->backtest().background("BTCUSDT", {"every-n#1", "synth", "f"}).wait();
  e->flush_events();
  const auto p = e->partial().get_data("BTCUSDT", "every-n#1");
  CHECK(p.total_profit == profit);
  CHECK(p.total_loss == loss);
  CHECK(p.total_events == profit + loss);
  CHECK(profit > 0);
  CHECK(e->partial()
            .get_report("BTCUSDT", "every-n#1")
            .rfind("# Partial Profit/Loss Report: BTCUSDT:every-n#1", 0) == 0);
}

TEST_CASE("the risk report counts an instance's rejections by symbol and "
          "strategy",
          "[api][reports]") {
  auto e = make_engine({});
  risk_schema r;
  r.name = "longs";
  r.validations.push_back(
      {[](const risk_args& a) { return a.pending.position == side::long_; },
       "longs only"});
  e->add_risk(r);
  auto s = strategy_schema::from_spec("alt", "every-n:n=120,side=alt");
  s.risk_name = "longs";
  e->add_strategy(s);
  std::mutex mtx;
  std::int64_t events = 0;
  e->listen_risk([&](const risk_event&) {
    std::lock_guard<std::mutex> g{mtx};
    ++events;
  });
  e->set_config({{"CC_MAX_RISK_MARKDOWN_ROWS", "100000"}});
  const auto run =
      e->backtest().background("BTCUSDT", {"alt", "synth", "f"}).wait();
  e->flush_events();
  CHECK(run.risk_rejected == static_cast<std::uint64_t>(events));
  const auto data = e->risk().get_data("BTCUSDT", "alt");
  CHECK(data.total_rejections == events);
  CHECK(events > 10);
  REQUIRE(data.by_symbol.size() == 1);
  CHECK(data.by_symbol[0] ==
        std::pair<std::string, std::int64_t>{"BTCUSDT", events});
  REQUIRE(data.by_strategy.size() == 1);
  CHECK(data.by_strategy[0].first == "alt");
  CHECK(data.events.at(0).comment == "longs only");
  const auto report = e->risk().get_report("BTCUSDT", "alt");
  CHECK(report.rfind("# Risk Rejection Report: BTCUSDT:alt", 0) == 0);
  const auto dir = temp_dir("risk");
  CHECK(read_file(e->risk().dump("BTCUSDT", "alt", dir)) == report);
  std::filesystem::remove_all(dir);
}
