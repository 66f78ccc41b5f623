// engine.live(): a golden live scenario through the C++ facade (pull
// stream, background batch, listeners, callbacks, Live.getData), stop, and
// the errors it names.

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "runtime/api/candle_source.hpp"
#include "runtime/api/live_facade.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

const std::string scenario =
    std::string{BTK_SHARED_DIR} + "/parity-live/r01-real-bybit-btc";

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// An engine with exchange "bybit" serving the scenario's candles and its
// three strategies under their parity names.
std::unique_ptr<engine> scenario_engine(const nlohmann::json& sc,
                                        strategy_callbacks cb = {}) {
  auto e = std::make_unique<engine>();
  candle_source src;
  src.file = scenario + "/candles.csv.gz";
  src.symbols = {sc["symbol"].get<std::string>()};
  auto data = load_candles(src).front().data;
  exchange_schema x;
  x.name = "bybit";
  x.get_series =
      [data](const std::string&) -> expected<std::shared_ptr<const series>> {
    return data;
  };
  e->add_exchange(x);
  int k = 0;
  for (const auto& spec : sc["strategies"]) {
    const auto text = spec.get<std::string>();
    auto s = strategy_schema::from_spec(
        text.substr(0, text.find(':')) + "#" + std::to_string(++k), text);
    s.callbacks = cb;
    e->add_strategy(s);
  }
  e->set_config({{"CC_MAX_LIVE_MARKDOWN_ROWS", "1000000"}}, false);
  return e;
}

} // namespace

TEST_CASE("engine.live runs a golden scenario through the stream, the "
          "background batch and the listeners, with the reference's "
          "statistics") {
  scratch_dir dir{"live_facade"};
  const auto sc = read_json(scenario + "/scenario.json");
  const auto summary = read_json(scenario + "/expected-summary.json");
  std::atomic<int> opened_cb{0}, closed_cb{0};
  strategy_callbacks cb;
  cb.on_open = [&](const std::string&, const signal_row&, double, bool live) {
    CHECK_FALSE(live);
    ++opened_cb;
  };
  cb.on_close = [&](const std::string&, const signal_row&, double, bool) {
    ++closed_cb;
  };
  auto e = scenario_engine(sc, cb);
  live_setup setup;
  setup.state_dir = dir / "state";
  setup.clock = "virtual";
  setup.from = sc["start"].get<timestamp>();
  setup.until = sc["end"].get<timestamp>();
  e->live().configure(setup);
  std::mutex m;
  std::map<std::string, int> heard;
  int done = 0, timings = 0;
  e->listen_signal_live([&](const signal_event& ev) {
    std::lock_guard<std::mutex> g{m};
    CHECK_FALSE(ev.source.backtest);
    ++heard[ev.source.strategy + ":" + std::string{to_string(ev.result.kind)}];
  });
  e->listen_done_live([&](const done_event&) {
    std::lock_guard<std::mutex> g{m};
    ++done;
  });
  int partials = 0;
  e->listen_partial_profit([&](const partial_event& p) {
    std::lock_guard<std::mutex> g{m};
    CHECK(p.level % 10 == 0);
    CHECK_FALSE(p.source.backtest);
    ++partials;
  });
  e->listen_performance([&](const performance_event& p) {
    std::lock_guard<std::mutex> g{m};
    timings += p.type == "live_tick";
  });
  const std::string symbol = sc["symbol"];
  const auto names =
      std::vector<std::string>{"every-n#1", "sma-cross#2", "scheduled#3"};
  auto handles = e->live().background({{symbol, {names[0], "bybit"}},
                                       {symbol, {names[1], "bybit"}},
                                       {symbol, {names[2], "bybit"}}});
  for (auto& h : handles)
    h.wait();
  e->flush_events();
  // Every instance: the reference's tick counts and Live.getData.
  int opened = 0, closed = 0;
  for (const auto& st : summary["strategies"]) {
    const std::string name = st["strategyName"];
    for (const auto& [kind, n] : st["counts"].items())
      if (kind != "doneLive")
        CHECK(heard[name + ":" + kind] == n.get<int>());
    opened += st["counts"].value("opened", 0);
    closed += st["counts"].value("closed", 0);
    const auto stats = e->live().get_data(symbol, name);
    CHECK(stats.total_events == st["stats"]["totalEvents"].get<int>());
    CHECK(stats.total_closed == st["stats"]["totalClosed"].get<int>());
    if (st["stats"]["totalPnl"].is_number())
      CHECK(*stats.metrics.total_pnl ==
            Approx(st["stats"]["totalPnl"].get<double>()).epsilon(1e-9));
    CHECK(has(e->live().get_report(symbol, name),
              "# Live Trading Report: " + name));
  }
  CHECK(opened_cb == opened);
  CHECK(closed_cb == closed);
  CHECK(timings > 3000);
  CHECK(partials > 0);
  // The window ended the session, not a stop: as in the reference, no
  // instance's loop broke, so no done_live (the handles still return).
  CHECK(done == 0);
  const auto path = e->live().dump(symbol, names[0], dir / "reports");
  CHECK(has(slurp(path), "**Total events:**"));
  for (const auto& i : e->live().list())
    CHECK(i.status == "done");
}

TEST_CASE("engine.live pulls opened, closed and cancelled results as they "
          "happen, and stop ends an instance after its position") {
  scratch_dir dir{"live_stream"};
  const auto sc = read_json(scenario + "/scenario.json");
  auto e = scenario_engine(sc);
  live_setup setup;
  setup.state_dir = dir / "state";
  setup.clock = "virtual";
  setup.from = sc["start"].get<timestamp>();
  e->live().configure(setup);
  std::atomic<int> done{0};
  e->listen_done_live([&](const done_event& d) {
    CHECK(d.stopped);
    ++done;
  });
  auto stream = e->live().run(sc["symbol"], {"every-n#1", "bybit"});
  int n = 0;
  while (auto ev = stream.next()) {
    CHECK((ev->result.kind == action::opened ||
           ev->result.kind == action::closed));
    if (++n == 3) // opened, closed, opened: stop with a position open
      e->live().stop(sc["symbol"], "every-n#1");
  }
  CHECK(n == 4); // the open position still closed, then the loop ended
  e->flush_events();
  CHECK(done == 1);
  CHECK_THROWS_WITH(e->live().get_data("NOPE", "every-n#1"),
                    Catch::Contains("no such live instance"));
  CHECK_THROWS_WITH(e->live().background(sc["symbol"], {"nope", "bybit"}),
                    Catch::Contains("strategy 'nope' is not registered"));
  // A risk profile checks every signal of a strategy naming it, and each
  // rejection reaches listen_risk.
  risk_schema r;
  r.name = "block";
  std::atomic<bool> saw_exchange{false};
  r.validations.push_back({[&](const risk_args& a) {
                             saw_exchange = a.exchange == "bybit";
                             return false;
                           },
                           "closed for the day"});
  e->add_risk(r);
  auto guarded = strategy_schema::from_spec("guarded", "every-n:n=10");
  guarded.risk_name = "block";
  e->add_strategy(guarded);
  std::atomic<int> rejected{0}, guarded_opened{0};
  e->listen_risk([&](const risk_event& ev) {
    CHECK(ev.risk == "block");
    CHECK(ev.comment == "closed for the day");
    CHECK(ev.source.strategy == "guarded");
    if (++rejected == 5)
      e->live().stop(ev.source.symbol, "guarded");
  });
  e->listen_signal_live([&](const signal_event& ev) {
    if (ev.source.strategy == "guarded" && ev.result.kind == action::opened)
      ++guarded_opened;
  });
  auto h = e->live().background(sc["symbol"], {"guarded", "bybit"});
  h.wait();
  e->flush_events();
  CHECK(rejected >= 5);
  CHECK(saw_exchange);
  CHECK(guarded_opened == 0);
}

TEST_CASE("strategy callbacks follow a backtest's results in order") {
  const auto sc = read_json(scenario + "/scenario.json");
  std::vector<std::string> seen;
  std::mutex m;
  strategy_callbacks cb;
  cb.on_open = [&](const std::string&, const signal_row& s, double price,
                   bool backtest) {
    std::lock_guard<std::mutex> g{m};
    CHECK(backtest);
    CHECK(price == s.price_open);
    seen.push_back("open " + s.id);
  };
  cb.on_close = [&](const std::string&, const signal_row& s, double, bool) {
    std::lock_guard<std::mutex> g{m};
    seen.push_back("close " + s.id);
  };
  int ticks = 0;
  cb.on_tick = [&](const std::string&, const tick_result&, bool) {
    std::lock_guard<std::mutex> g{m};
    ++ticks;
  };
  auto e = scenario_engine(sc, cb);
  frame_schema f;
  f.name = "f";
  f.start = sc["start"].get<timestamp>();
  f.end = sc["start"].get<timestamp>() + 24 * 60 * minute_ms;
  e->add_frame(f);
  const auto r = e->backtest()
                     .background(sc["symbol"], {"every-n#1", "bybit", "f"})
                     .wait();
  const auto trades = e->backtest().get_trades(sc["symbol"], "every-n#1");
  REQUIRE(trades.size() > 0);
  CHECK(seen.size() == 2 * trades.size());
  CHECK(ticks == static_cast<int>(2 * trades.size()));
  for (std::size_t k = 0; k + 1 < seen.size(); k += 2) {
    CHECK(seen[k].rfind("open ", 0) == 0);
    CHECK(seen[k + 1] == "close " + seen[k].substr(5));
  }
  (void)r;
}
