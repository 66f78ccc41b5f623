// Defects found by using the C++ API as a new user would; each test failed
// before its fix.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

std::string status_of(engine& e, const std::string& id) {
  for (const auto& i : e.backtest().list())
    if (i.id == id)
      return i.status;
  return "none";
}

// Waits (at most 30 s) until the instance is no longer running.
void wait_idle(engine& e, const std::string& id) {
  for (int i = 0; i < 3000 && status_of(e, id) == "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

} // namespace

TEST_CASE("breaking out of a backtest's result loop stops the run, as an "
          "early exit from backtest-kit's generator does") {
  auto e = make_engine({"every-n:n=30"});
  e->set_config({{"CC_MAX_BACKTEST_MARKDOWN_ROWS", "100000"}});
  const backtest_context ctx{"every-n#1", "synth", "f"};
  // The whole frame, to compare with.
  const auto full = e->backtest().background("BTCUSDT", ctx).wait();
  REQUIRE(full.counters.closed > 100);
  std::size_t seen = 0;
  {
    auto stream = e->backtest().run("BTCUSDT", ctx);
    for (const auto& ev : stream) {
      if (ev.result.kind == action::closed && ++seen == 3)
        break;
    }
    // Asked right after the break, the outcome is the stopped run's.
    const auto& outcome = stream.result();
    CHECK(outcome.stopped);
    // The run computes one signal ahead of its reader, no more.
    CHECK(outcome.counters.closed >= 3);
    CHECK(outcome.counters.closed <= 4);
  }
  // Once the loop is left the run is over: not running, and far from the
  // whole frame.
  wait_idle(*e, "BTCUSDT:every-n#1");
  CHECK(status_of(*e, "BTCUSDT:every-n#1") == "done");
  const auto stats = e->backtest().get_data("BTCUSDT", "every-n#1");
  CHECK(stats.total_signals >= 3);
  CHECK(stats.total_signals <
        static_cast<std::int64_t>(full.counters.closed) / 2);
  // The instance can run again at once.
  std::size_t again = 0;
  for (const auto& ev : e->backtest().run("BTCUSDT", ctx))
    again += ev.result.kind == action::closed ? 1 : 0;
  CHECK(again == full.counters.closed);
}

TEST_CASE("a walker with an unknown metric is refused, listing the metrics "
          "it accepts") {
  auto e = make_engine({"every-n", "sma-cross"});
  walker_schema w;
  w.name = "w";
  w.exchange = "synth";
  w.frame = "f";
  w.strategies = {"every-n#1", "sma-cross#2"};
  w.metric = "sharpe";
  try {
    e->add_walker(w);
    FAIL("add_walker accepted metric 'sharpe'");
  } catch (const api_error& err) {
    const std::string msg = err.what();
    CHECK_THAT(msg, Catch::Contains("metric 'sharpe'"));
    CHECK_THAT(msg, Catch::Contains("sharpeRatio"));
    CHECK_THAT(msg, Catch::Contains("annualizedSharpeRatio"));
    CHECK_THAT(msg, Catch::Contains("expectedYearlyReturns"));
  }
  w.metric = "winRate";
  e->add_walker(w);
  CHECK(e->walker_schema_of("w").metric == "winRate");
}

TEST_CASE("two walkers sharing a strategy on one symbol both run it") {
  auto e = make_engine({"every-n:n=20", "sma-cross", "every-n:n=45"});
  for (const auto& [name, strategies] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"w1", {"every-n#1", "sma-cross#2"}},
           {"w2", {"sma-cross#2", "every-n#3"}}}) {
    walker_schema w;
    w.name = name;
    w.exchange = "synth";
    w.frame = "f";
    w.strategies = strategies;
    e->add_walker(w);
  }
  // A progress listener (a progress bar) makes runs take one simulated day
  // per step, so the two walkers' runs overlap.
  auto progress = e->listen_progress([](const progress_event&) {});
  for (int round = 0; round < 3; ++round) {
    auto a = e->walker().background("BTCUSDT", "w1");
    auto b = e->walker().background("BTCUSDT", "w2");
    const auto m1 = a.get();
    const auto m2 = b.get();
    REQUIRE(m1.strategy_results.size() == 2);
    REQUIRE(m2.strategy_results.size() == 2);
    // sma-cross#2 is the newest result of w1 and the oldest of w2: the same
    // run on the same candles gives the same statistics.
    CHECK(m1.strategy_results.front().strategy == "sma-cross#2");
    CHECK(m2.strategy_results.back().strategy == "sma-cross#2");
    CHECK(m1.strategy_results.front().stats.total_signals ==
          m2.strategy_results.back().stats.total_signals);
    CHECK(m1.strategy_results.front().metric_value ==
          m2.strategy_results.back().metric_value);
  }
}

TEST_CASE("pulling the results of an instance that is already running is "
          "refused instead of waiting forever") {
  auto e = make_engine({"every-n:n=30"});
  const backtest_context ctx{"every-n#1", "synth", "f"};
  // An unread stream holds its run: the instance stays running.
  auto first = e->backtest().run("BTCUSDT", ctx);
  REQUIRE(first.next());
  CHECK(status_of(*e, "BTCUSDT:every-n#1") == "running");
  CHECK_THROWS_WITH(e->backtest().run("BTCUSDT", ctx),
                    Catch::Contains("BTCUSDT:every-n#1 is already running"));
  const auto refused = e->backtest().background("BTCUSDT", ctx).wait();
  CHECK_THAT(refused.error, Catch::Contains("already running"));
  // The first stream is still whole.
  std::size_t closed = 0;
  while (auto ev = first.next())
    closed += ev->result.kind == action::closed ? 1 : 0;
  CHECK(closed > 100);
}
