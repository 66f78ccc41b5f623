// The public C++ API: registration, the backtest facade and listeners,
// checked against the plain core loop on the same candles.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <unistd.h>

#include "core/stats/report.hpp"
#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

bool same(const tick_result& a, const tick_result& b) {
  return a.kind == b.kind && a.signal.id == b.signal.id &&
         a.signal.pending_at == b.signal.pending_at &&
         a.signal.scheduled_at == b.signal.scheduled_at && a.when == b.when &&
         a.price_close == b.price_close &&
         a.pnl.pnl_percentage == b.pnl.pnl_percentage &&
         a.close_timestamp == b.close_timestamp;
}

const backtest_context ctx1{"every-n#1", "synth", "f"};

} // namespace

TEST_CASE("backtest run streams the same results as the plain core loop",
          "[api]") {
  auto e = make_engine({"every-n:n=90,side=alt"});
  const auto expected = plain_run("BTCUSDT", "every-n:n=90,side=alt");
  REQUIRE(expected.size() > 20);
  std::vector<tick_result> got;
  auto stream = e->backtest().run("BTCUSDT", ctx1);
  for (const auto& ev : stream) {
    CHECK(ev.source.symbol == "BTCUSDT");
    CHECK(ev.source.strategy == "every-n#1");
    CHECK(ev.source.exchange == "synth");
    CHECK(ev.source.frame == "f");
    got.push_back(ev.result);
  }
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(same(got[i], expected[i]));
  CHECK(stream.result().error.empty());
  CHECK(stream.result().counters.closed * 2 == expected.size());
}

TEST_CASE("background runs end with counters and get_data equals the core "
          "statistics",
          "[api]") {
  auto e = make_engine({"sma-cross:fast=5,slow=20", "every-n:n=120"});
  config cfg;
  cfg.max_backtest_markdown_rows = 1000000;
  e->set_config(cfg);
  auto h1 = e->backtest().background("ETHUSDT", {"sma-cross#1", "synth", "f"});
  auto h2 = e->backtest().background("ETHUSDT", {"every-n#2", "synth", "f"});
  const auto& r1 = h1.wait();
  const auto& r2 = h2.wait();
  CHECK(h1.done());
  CHECK(r1.error.empty());
  CHECK_FALSE(r1.stopped);
  CHECK(r2.error.empty());
  for (const auto& [name, spec] :
       std::vector<std::pair<std::string, std::string>>{
           {"sma-cross#1", "sma-cross:fast=5,slow=20"},
           {"every-n#2", "every-n:n=120"}}) {
    const auto plain = plain_run("ETHUSDT", spec, cfg);
    closed_trade_list list{cfg.max_backtest_markdown_rows};
    for (const auto& r : plain)
      list.push(r);
    const auto want = compute_backtest_statistics(list);
    const auto got = e->backtest().get_data("ETHUSDT", name);
    CHECK(got.total_signals == want.total_signals);
    CHECK(got.total_signals > 0);
    CHECK(got.win_count == want.win_count);
    CHECK(got.total_pnl == want.total_pnl);
    CHECK(got.sharpe_ratio == want.sharpe_ratio);
    CHECK(e->backtest().get_trades("ETHUSDT", name).size() == list.size());
    // The report is the core renderer's text for the same trades.
    CHECK(e->backtest().get_report("ETHUSDT", name) ==
          render_backtest_report(name, "ETHUSDT", list, want, cfg));
  }
}

TEST_CASE("wait_all_for wakes as the runs end and says whether all did",
          "[api]") {
  auto e = make_engine({"every-n:n=90", "sma-cross:fast=5,slow=20"});
  // No runs: nothing to wait for.
  std::vector<run_handle> none;
  CHECK(run_handle::wait_all_for(none, std::chrono::milliseconds(0)));
  // A batch, and handles started one by one.
  auto batch = e->backtest().background(
      std::vector<std::pair<std::string, backtest_context>>{
          {"BTCUSDT", ctx1}, {"ETHUSDT", {"sma-cross#2", "synth", "f"}}});
  std::vector<run_handle> singles{
      e->backtest().background("ETHUSDT", ctx1),
      e->backtest().background("BTCUSDT", {"sma-cross#2", "synth", "f"})};
  for (auto* hs : {&batch, &singles}) {
    while (!run_handle::wait_all_for(*hs, std::chrono::milliseconds(5))) {
    }
    for (auto& h : *hs) {
      CHECK(h.done());
      CHECK(h.wait().error.empty());
    }
    // Once they are done, it needs no time at all.
    CHECK(run_handle::wait_all_for(*hs, std::chrono::milliseconds(0)));
  }
}

TEST_CASE("dump writes the report to the strategy's file and list shows "
          "every memoized instance",
          "[api]") {
  auto e = make_engine({"every-n:n=200"});
  CHECK(e->backtest().list().empty());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->backtest().background("ETHUSDT", ctx1).wait();
  // Running the same symbol:strategy again reuses its instance.
  e->backtest().background("BTCUSDT", ctx1).wait();
  const auto all = e->backtest().list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == "BTCUSDT:every-n#1");
  CHECK(all[0].symbol == "BTCUSDT");
  CHECK(all[0].strategy == "every-n#1");
  CHECK(all[0].status == "done");
  CHECK(all[1].id == "ETHUSDT:every-n#1");
  const auto dir = std::filesystem::temp_directory_path() /
                   ("btk-dump-" + std::to_string(::getpid()));
  const auto path = e->backtest().dump("BTCUSDT", "every-n#1", dir.string());
  CHECK(path == (dir / "every-n#1.md").string());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == e->backtest().get_report("BTCUSDT", "every-n#1"));
  CHECK(text.str().rfind("# Backtest Report: every-n#1", 0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an instance is idle until run and a second run while running is "
          "refused",
          "[api]") {
  auto e = make_engine({"every-n:n=60"});
  CHECK_THROWS_WITH(e->backtest().get_data("BTCUSDT", "every-n#1"),
                    Catch::Contains("no run of BTCUSDT:every-n#1"));
  auto h = e->backtest().background("BTCUSDT", ctx1);
  auto again = e->backtest().background("BTCUSDT", ctx1);
  const auto& second = again.wait();
  h.wait();
  // The second request reached the actor while the first run was going on,
  // or after it: either it was refused, or it ran to the end.
  if (!second.error.empty())
    CHECK_THAT(second.error, Catch::Contains("already running"));
  CHECK(e->backtest().list().at(0).status == "done");
}

TEST_CASE("registration refuses duplicates and runs name unknown references",
          "[api]") {
  auto e = make_engine({"every-n"});
  CHECK_THROWS_WITH(
      e->add_strategy(strategy_schema::from_spec("every-n#1", "every-n")),
      "add_strategy: strategy 'every-n#1' is already registered");
  frame_schema f;
  f.name = "f";
  CHECK_THROWS_WITH(e->add_frame(f),
                    "add_frame: frame 'f' is already registered");
  CHECK_THROWS_WITH(e->backtest().run("BTCUSDT", {"nope", "synth", "f"}),
                    Catch::Contains("strategy 'nope' is not registered "
                                    "(registered: every-n#1)"));
  CHECK_THROWS_WITH(e->backtest().run("BTCUSDT", {"every-n#1", "x", "f"}),
                    Catch::Contains("exchange 'x' is not registered"));
  CHECK_THROWS_WITH(e->backtest().run("BTCUSDT", {"every-n#1", "synth", "g"}),
                    Catch::Contains("frame 'g' is not registered"));
  auto s = strategy_schema::from_spec("risky", "every-n");
  s.risk_name = "tight";
  e->add_strategy(s);
  CHECK_THROWS_WITH(
      e->backtest().background("BTCUSDT", {"risky", "synth", "f"}),
      Catch::Contains("strategy 'risky' refers to risk 'tight', "
                      "which is not registered"));
  auto dup = strategy_schema::from_spec("dup", "every-n");
  dup.risk_list = {"a", "a"};
  CHECK_THROWS_WITH(e->add_strategy(dup),
                    Catch::Contains("risk 'a' appears twice"));
  CHECK_THROWS_WITH(strategy_schema::from_spec("bad", "every-n:q=1"),
                    Catch::Contains("bad"));
  walker_schema w;
  w.name = "w";
  w.exchange = "synth";
  w.frame = "f";
  w.strategies = {"every-n#1", "ghost"};
  e->add_walker(w);
  CHECK_THROWS_WITH(e->add_walker(w),
                    "add_walker: walker 'w' is already registered");
  CHECK_THROWS_WITH(e->walker_schema_of("w"),
                    "walker 'w' refers to strategy 'ghost', which is not "
                    "registered");
}

TEST_CASE("a run on a symbol the exchange cannot load fails with the "
          "exchange's reason",
          "[api]") {
  engine e;
  exchange_schema x;
  x.name = "empty";
  x.get_candles = [](const std::string& s) -> expected<std::vector<candle>> {
    return error{"no candles for " + s};
  };
  e.add_exchange(x);
  frame_schema f;
  f.name = "f";
  f.start = day0;
  f.end = day0 + day_ms;
  e.add_frame(f);
  e.add_strategy(strategy_schema::from_spec("s", "every-n"));
  CHECK_THROWS_WITH(e.backtest().run("XRPUSDT", {"s", "empty", "f"}),
                    Catch::Contains("exchange empty, symbol XRPUSDT: no "
                                    "candles for XRPUSDT"));
}

TEST_CASE("set_config validates overrides and sizing profiles size "
          "positions",
          "[api]") {
  engine e;
  CHECK_THROWS_WITH(e.set_config({{"CC_PERCENT_FEE", "-1"}}),
                    Catch::Contains("set_config: "));
  e.set_config({{"CC_AVG_PRICE_CANDLES_COUNT", "7"}});
  CHECK(e.get_config().avg_price_candles_count == 7);
  sizing_schema s;
  s.name = "fixed";
  s.options.method = sizing_method::fixed_percentage;
  s.options.risk_percentage = 2;
  e.add_sizing(s);
  CHECK_THROWS_WITH(e.add_sizing(s),
                    "add_sizing: sizing 'fixed' is already registered");
  sizing_input in;
  in.method = sizing_method::fixed_percentage;
  in.balance = 10000;
  in.price_open = 100;
  in.price_stop_loss = 98;
  // 10000 * (2 / 100) / |100 - 98| = 200 / 2 = 100.
  CHECK(e.position_size("fixed", in) == 100);
  CHECK_THROWS_WITH(e.position_size("kelly", in),
                    Catch::Contains("sizing 'kelly' is not registered"));
}

TEST_CASE("the frame actor lists a frame's ticks and exchanges print prices "
          "and quantities",
          "[api]") {
  auto e = make_engine({});
  const auto ticks = e->get_timeframe("f");
  REQUIRE(ticks.size() == 24 * 1440 + 1);
  CHECK(ticks.front() == day0 + day_ms);
  CHECK(ticks.back() == day0 + 25 * day_ms);
  CHECK(ticks[1] - ticks[0] == minute_ms);
  CHECK_THROWS_WITH(e->get_timeframe("nope"),
                    Catch::Contains("frame nope is not registered"));
  // Default formats: the report's price scale and 8 decimals.
  CHECK(e->format_price("synth", "BTCUSDT", 42000.123) == "42000.12");
  CHECK(e->format_price("synth", "DOGEUSDT", 0.123456) == "0.1235");
  CHECK(e->format_quantity("synth", "BTCUSDT", 0.5) == "0.50000000");
  exchange_schema x;
  x.name = "custom";
  x.get_candles = [](const std::string& s) -> expected<std::vector<candle>> {
    return synth_days(s, 2);
  };
  x.format_price = [](const std::string& s, double p) {
    return s + "@" + std::to_string(static_cast<int>(p));
  };
  e->add_exchange(x);
  CHECK(e->format_price("custom", "ETHUSDT", 3100.7) == "ETHUSDT@3100");
  CHECK_THROWS_WITH(e->format_price("nope", "ETHUSDT", 1),
                    Catch::Contains("exchange 'nope' is not registered"));
}
