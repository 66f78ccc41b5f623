// The walker facade: the golden walker scenario through the C++ API, its
// events and callbacks in schema order, get_data / get_report / dump /
// list, and stop.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "runtime/data/candle_reader.hpp"
#include "strategies/spec.hpp"

using namespace btk;

namespace {

const std::string p04 =
    std::string{BTK_SHARED_DIR} + "/parity/p04-walker-sharpe";

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// An engine with p04's candles, frame, config and five strategies, and the
// walker "w" over them.
std::unique_ptr<engine> p04_engine(walker_schema w = {}) {
  const auto sc = read_json(p04 + "/scenario.json");
  auto e = std::make_unique<engine>();
  exchange_schema x;
  x.name = "parity";
  x.get_candles = [](const std::string&) -> expected<std::vector<candle>> {
    auto got = read_candles(p04 + "/candles.csv.gz");
    if (!got)
      return got.err();
    return got->candles;
  };
  e->add_exchange(x);
  frame_schema f;
  f.name = "f";
  f.start = sc.at("frameStart").get<timestamp>();
  f.end = sc.at("frameEnd").get<timestamp>();
  e->add_frame(f);
  e->set_config({{"CC_MAX_BACKTEST_MARKDOWN_ROWS", "1000000"}});
  w.name = "w";
  w.exchange = "parity";
  w.frame = "f";
  w.metric = sc.at("metric").get<std::string>();
  int k = 0;
  for (const auto& spec : sc.at("strategies")) {
    const auto text = spec.get<std::string>();
    const auto name = parse_spec(text)->name + "#" + std::to_string(++k);
    e->add_strategy(strategy_schema::from_spec(name, text));
    w.strategies.push_back(name);
  }
  e->add_walker(w);
  return e;
}

} // namespace

TEST_CASE("the walker facade ranks the golden walker scenario as "
          "backtest-kit did",
          "[api][walker]") {
  if (!std::filesystem::exists(p04)) {
    WARN("skipped: " << p04 << " is missing");
    return;
  }
  const auto want = read_json(p04 + "/expected-summary.json").at("walker");
  std::vector<std::string> order;
  walker_schema w;
  w.on_strategy_start = [&](const std::string& s, const std::string& sym) {
    CHECK(sym == "ETHUSDT");
    order.push_back("start " + s);
  };
  w.on_strategy_complete =
      [&](const std::string& s, const std::string&, const backtest_statistics&,
          std::optional<double>) { order.push_back("complete " + s); };
  bool completed = false;
  w.on_complete = [&](const walker_statistics& st) {
    completed = true;
    CHECK(st.best_strategy == want.at("bestStrategy").get<std::string>());
  };
  auto e = p04_engine(w);
  std::mutex mtx;
  std::vector<walker_event> events;
  std::vector<walker_complete_event> complete;
  std::vector<done_event> done;
  e->listen_walker([&](const walker_event& ev) {
    std::lock_guard<std::mutex> g{mtx};
    events.push_back(ev);
  });
  e->listen_walker_complete([&](const walker_complete_event& ev) {
    std::lock_guard<std::mutex> g{mtx};
    complete.push_back(ev);
  });
  e->listen_done_walker([&](const done_event& ev) {
    std::lock_guard<std::mutex> g{mtx};
    done.push_back(ev);
  });
  auto run = e->walker().run("ETHUSDT", "w");
  std::size_t k = 0;
  const auto& progress = want.at("progress");
  while (auto ev = run.next()) {
    REQUIRE(k < progress.size());
    CHECK(ev->source.strategy == progress[k].at("strategyName"));
    CHECK(ev->strategies_tested == progress[k].at("strategiesTested"));
    CHECK(ev->total_strategies == progress[k].at("totalStrategies"));
    REQUIRE(ev->metric_value.has_value());
    CHECK(*ev->metric_value ==
          Approx(progress[k].at("metricValue").get<double>()).epsilon(1e-9));
    ++k;
  }
  CHECK(k == progress.size());
  CHECK(completed);
  CHECK(order.front() == "start sma-cross#1");
  CHECK(order.back() == "complete every-n#5");
  CHECK(order.size() == 10);
  const auto data = e->walker().get_data("ETHUSDT", "w");
  CHECK(data.best_strategy == want.at("bestStrategy").get<std::string>());
  REQUIRE(data.best_metric.has_value());
  CHECK(*data.best_metric ==
        Approx(want.at("bestMetric").get<double>()).epsilon(1e-9));
  CHECK(data.total_strategies == want.at("totalStrategies"));
  // Newest first.
  REQUIRE(data.strategy_results.size() == 5);
  CHECK(data.strategy_results.front().strategy == "every-n#5");
  e->flush_events();
  REQUIRE(events.size() == 5);
  CHECK(events[4].best_strategy == "every-n#5");
  REQUIRE(complete.size() == 1);
  CHECK(complete[0].best_strategy == "every-n#5");
  CHECK(complete[0].best_stats.has_value());
  REQUIRE(done.size() == 1);
  CHECK(done[0].source.strategy == "w");
  // Report, dump and list.
  const auto report = e->walker().get_report("ETHUSDT", "w");
  CHECK(report.rfind("# Walker Comparison Report: w", 0) == 0);
  CHECK(report.find("## Best Strategy: every-n#5") != std::string::npos);
  const auto dir = std::filesystem::temp_directory_path() / "btk-walker-dump";
  const auto path = e->walker().dump("ETHUSDT", "w", dir.string());
  CHECK(path == (dir / "w.md").string());
  std::filesystem::remove_all(dir);
  const auto all = e->walker().list();
  REQUIRE(all.size() == 1);
  CHECK(all[0].id == "ETHUSDT:w");
  CHECK(all[0].status == "done");
}

TEST_CASE("a stopped walker ranks the strategy it is on and skips the rest",
          "[api][walker]") {
  if (!std::filesystem::exists(p04))
    return;
  engine* self = nullptr;
  walker_schema w;
  w.on_strategy_start = [&](const std::string& s, const std::string& sym) {
    if (s == "sma-cross#2")
      self->walker().stop(sym, "w");
  };
  auto e = p04_engine(w);
  self = e.get();
  e->walker().stop("BTCUSDT", "w"); // nothing runs there: a no-op
  const auto data = e->walker().background("ETHUSDT", "w").get();
  REQUIRE(data.strategy_results.size() == 2);
  CHECK(data.strategy_results[0].strategy == "sma-cross#2");
  CHECK(data.strategy_results[1].strategy == "sma-cross#1");
  CHECK(data.total_strategies == 5);
  CHECK_THROWS_WITH(e->walker().get_data("BTCUSDT", "w"),
                    Catch::Contains("no walker data available"));
  CHECK_THROWS_WITH(e->walker().run("ETHUSDT", "nope"),
                    Catch::Contains("walker 'nope' is not registered"));
}
