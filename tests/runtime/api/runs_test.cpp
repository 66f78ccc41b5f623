// Whole runs through the public API alone (runtime/api/runs.hpp): a host
// gets exactly the files `btk backtest` and `btk walker` write, and a model
// that says the same; bad options fail before anything is written.

#include "runtime/api/runs.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>

#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/store/candle_store.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;
using json = nlohmann::json;

namespace {

const std::vector<std::string> symbols{"AAAUSDT", "BBBUSDT"};

// A store with 8 days of generated candles for each of `symbols`.
std::string make_store(const scratch_dir& tmp) {
  const std::string dir = tmp / "store";
  auto store = candle_store::open(dir, true);
  REQUIRE(store);
  std::uint64_t seed = 11;
  for (const auto& s : symbols) {
    synth_options o;
    o.seed = seed++;
    o.minutes = 8 * 1440;
    o.price = 250;
    REQUIRE(store->put(s, generate_candles(o)));
  }
  return dir;
}

// A summary without what differs from run to run: timings and the paths
// of the reports (their names carry the minute they were written in).
json stable(json j) {
  if (j.is_object()) {
    j.erase("timing");
    j.erase("report");
    for (auto& [k, v] : j.items())
      v = stable(v);
  } else if (j.is_array()) {
    for (auto& v : j)
      v = stable(v);
  }
  return j;
}

json read_json(const std::string& path) {
  return json::parse(slurp(path));
}

} // namespace

TEST_CASE("run_backtests over two symbols writes the files btk backtest "
          "writes") {
  scratch_dir tmp{"runs_test"};
  const auto store = make_store(tmp);
  backtest_options o;
  o.source.store = store;
  o.source.symbols = symbols;
  o.strategies = {"every-n:n=90,side=alt", "sma-cross:fast=5,slow=20"};
  o.overrides = {{"CC_PERCENT_FEE", "0.05"}};
  o.trades_out = tmp / "api/trades.jsonl";
  o.summary_out = tmp / "api/summary.json";
  o.report_dir = tmp / "api/backtest";
  const auto rep = run_backtests(o);

  const auto cli = run_btk(
      tmp, {"backtest", "--store", store, "--symbols", "AAAUSDT,BBBUSDT",
            "--strategy", o.strategies[0], "--strategy", o.strategies[1],
            "--set", "CC_PERCENT_FEE=0.05", "--trades-out",
            tmp / "cli/trades.jsonl", "--summary-out", tmp / "cli/summary.json",
            "--report-dir", tmp / "cli/backtest", "--quiet"});
  REQUIRE(cli.code == 0);
  const auto trades = slurp(tmp / "api/trades.jsonl");
  CHECK_FALSE(trades.empty());
  CHECK(trades == slurp(tmp / "cli/trades.jsonl"));
  const auto api_summary = read_json(tmp / "api/summary.json");
  const auto cli_summary = read_json(tmp / "cli/summary.json");
  CHECK(stable(api_summary) == stable(cli_summary));
  // Every report, the Heat report included, has the same content.
  REQUIRE(rep.runs.size() == 4);
  for (std::size_t k = 0; k < rep.runs.size(); ++k) {
    const auto cli_report =
        cli_summary.at("strategies").at(k).at("report").get<std::string>();
    CHECK(slurp(rep.runs[k].report_path) == slurp(cli_report));
  }
  REQUIRE(rep.heat);
  CHECK(slurp(rep.heat->report_path) ==
        slurp(cli_summary.at("heat").at("report").get<std::string>()));
  // The model: runs symbol by symbol in spec order, named name#k.
  CHECK(rep.runs[0].symbol == "AAAUSDT");
  CHECK(rep.runs[1].strategy == "sma-cross#2");
  CHECK(rep.runs[2].symbol == "BBBUSDT");
  CHECK(rep.runs[3].spec == o.strategies[1]);
  for (const auto& r : rep.runs) {
    CHECK(r.outcome.error.empty());
    CHECK(r.results.size() ==
          r.outcome.counters.closed + r.outcome.counters.cancelled);
  }
  CHECK(rep.cfg.percent_fee == 0.05);
}

TEST_CASE("run_walker ranks each symbol as btk walker does") {
  scratch_dir tmp{"runs_test"};
  const auto store = make_store(tmp);
  walker_options o;
  o.source.store = store;
  o.source.symbols = symbols;
  o.strategies = {"every-n:n=120", "sma-cross:fast=5,slow=20",
                  "donchian-breakout:period=10,interval=15m"};
  o.metric = "totalPnl";
  o.trades_out = tmp / "api/trades.jsonl";
  o.summary_out = tmp / "api/summary.json";
  o.report_dir = tmp / "api/walker";
  const auto rep = run_walker(o);

  std::vector<std::string> args{"walker",   "--store",         store,
                                "--symbol", "AAAUSDT,BBBUSDT", "--metric",
                                "totalPnl"};
  for (const auto& s : o.strategies)
    args.insert(args.end(), {"--strategy", s});
  args.insert(args.end(), {"--trades-out", tmp / "cli/trades.jsonl",
                           "--summary-out", tmp / "cli/summary.json",
                           "--report-dir", tmp / "cli/walker", "--quiet"});
  REQUIRE(run_btk(tmp, args).code == 0);
  CHECK(slurp(tmp / "api/trades.jsonl") == slurp(tmp / "cli/trades.jsonl"));
  const auto cli_summary = read_json(tmp / "cli/summary.json");
  CHECK(stable(read_json(tmp / "api/summary.json")) == stable(cli_summary));
  REQUIRE(rep.walkers.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& w = rep.walkers[i];
    CHECK(w.model.symbol == symbols[i]);
    CHECK(w.model.metric == "totalPnl");
    CHECK(w.model.strategy_results.size() == 3);
    CHECK(
        slurp(w.report_path) ==
        slurp(cli_summary.at("walkers").at(i).at("report").get<std::string>()));
    // The best is the strictly greatest metric, the earliest on ties.
    std::optional<double> best;
    std::string best_name;
    for (auto r = w.model.strategy_results.rbegin();
         r != w.model.strategy_results.rend(); ++r)
      if (r->metric_value && (!best || *r->metric_value > *best)) {
        best = r->metric_value;
        best_name = r->strategy;
      }
    CHECK(w.model.best_strategy.value_or("") == best_name);
  }
}

TEST_CASE("run_sweep writes the results file and summary btk walker --grid "
          "writes") {
  scratch_dir tmp{"runs_test"};
  const auto store = make_store(tmp);
  sweep_options o;
  o.source.store = store;
  o.source.symbols = symbols;
  o.grids = {"sma-cross:fast=3..9:3,slow=20|40"};
  o.where = "fast<slow";
  o.top = 4;
  o.results_out = tmp / "api/results.jsonl";
  o.summary_out = tmp / "api/summary.json";
  o.workers = 2;
  std::mutex mtx;
  double last_done = 0, last_total = 0;
  o.on_progress = [&](double done, double total) {
    std::lock_guard<std::mutex> guard{mtx};
    CHECK(done >= last_done);
    last_done = done;
    last_total = total;
  };
  const auto rep = run_sweep(o);
  REQUIRE(run_btk(tmp,
                  {"walker", "--store", store, "--symbol", "AAAUSDT,BBBUSDT",
                   "--grid", o.grids[0], "--where", "fast<slow", "--top", "4",
                   "--workers", "1", "--results-out", tmp / "cli/results.jsonl",
                   "--summary-out", tmp / "cli/summary.json", "--quiet"})
              .code == 0);
  CHECK(slurp(tmp / "api/results.jsonl") == slurp(tmp / "cli/results.jsonl"));
  CHECK(stable(read_json(tmp / "api/summary.json")) ==
        stable(read_json(tmp / "cli/summary.json")));
  CHECK(rep.jobs == 12);
  CHECK(rep.run == 12);
  CHECK(rep.top.size() == 4);
  CHECK(last_done == 12);
  CHECK(last_total == 12);
}

TEST_CASE("the batch runs refuse bad options before writing anything") {
  scratch_dir tmp{"runs_test"};
  const auto store = make_store(tmp);
  const auto refused = [&](batch_options o, const std::string& why) {
    o.summary_out = tmp / "never/summary.json";
    o.trades_out = tmp / "never/trades.jsonl";
    o.report_dir = tmp / "never/reports";
    backtest_options b;
    static_cast<batch_options&>(b) = o;
    try {
      run_backtests(b);
      FAIL("accepted; expected: " << why);
    } catch (const api_error& e) {
      CHECK_THAT(e.what(), Catch::Contains(why));
    }
    CHECK_FALSE(std::filesystem::exists(tmp / "never"));
  };
  batch_options ok;
  ok.source.store = store;
  ok.source.symbols = {"AAAUSDT"};
  ok.strategies = {"every-n"};

  auto o = ok;
  o.strategies.clear();
  refused(o, "at least one strategy");
  o = ok;
  o.strategies = {"every-n:m=3"};
  refused(o, "spec 'every-n:m=3': strategy 'every-n': unknown parameter 'm'");
  o = ok;
  o.overrides = {{"CC_PERCENT_FEE", "-1"}};
  refused(o, "CC_PERCENT_FEE");
  o = ok;
  o.source.symbols = {"AAAUSDT", "AAAUSDT"};
  refused(o, "AAAUSDT twice");
  o = ok;
  o.source.symbols = {"ZZZUSDT"};
  refused(o, "ZZZUSDT");
  o = ok;
  o.source.symbols.clear();
  refused(o, "stored: AAAUSDT, BBBUSDT");
  o = ok;
  o.source.file = tmp / "x.csv";
  refused(o, "not both");
  o = ok;
  o.frame_start = 1'704'067'200'000 + 30LL * day_ms;
  refused(o, "AAAUSDT has no candles in 2024-01-30T23:55:00.000Z");

  walker_options w;
  static_cast<batch_options&>(w) = ok;
  w.metric = "sharpe";
  w.summary_out = tmp / "never/summary.json";
  CHECK_THROWS_WITH(run_walker(w), Catch::Contains("metric 'sharpe'"));
  sweep_options s;
  static_cast<batch_options&>(s) = ok;
  s.strategies.clear();
  s.summary_out = tmp / "never/summary.json";
  CHECK_THROWS_WITH(run_sweep(s), Catch::Contains("at least one grid"));
  CHECK_FALSE(std::filesystem::exists(tmp / "never"));
}

TEST_CASE("a batch reports its progress up to every run and keeps results "
          "only when asked") {
  scratch_dir tmp{"runs_test"};
  backtest_options o;
  o.source.store = make_store(tmp);
  o.source.symbols = symbols;
  o.strategies = {"every-n:n=60"};
  std::mutex mtx;
  double done = 0, total = 0;
  o.on_progress = [&](double d, double t) {
    std::lock_guard<std::mutex> guard{mtx};
    done = d;
    total = t;
  };
  auto rep = run_backtests(o);
  CHECK(total == 2);
  CHECK(done == Approx(2));
  CHECK(rep.runs.at(0).results.empty());
  o.on_progress = nullptr;
  o.keep_results = true;
  rep = run_backtests(o);
  CHECK(rep.runs.at(0).results.size() ==
        rep.runs.at(0).outcome.counters.closed +
            rep.runs.at(0).outcome.counters.cancelled);
  CHECK_FALSE(rep.runs.at(0).results.empty());
}

TEST_CASE("run_sweep walks forward as btk walker --walk-forward does, step "
          "defaulting to the test span") {
  scratch_dir tmp{"runs_test"};
  const auto store = make_store(tmp);
  sweep_options o;
  o.source.store = store;
  o.source.symbols = {"AAAUSDT"};
  o.grids = {"every-n:n=30|90"};
  o.walk_forward = walk_forward_spec{2 * day_ms, 2 * day_ms, 0};
  o.results_out = tmp / "api/results.jsonl";
  o.summary_out = tmp / "api/summary.json";
  const auto rep = run_sweep(o);
  REQUIRE(
      run_btk(tmp, {"walker", "--store", store, "--symbol", "AAAUSDT", "--grid",
                    o.grids[0], "--walk-forward", "train=2d,test=2d",
                    "--results-out", tmp / "cli/results.jsonl", "--summary-out",
                    tmp / "cli/summary.json", "--quiet"})
          .code == 0);
  CHECK(slurp(tmp / "api/results.jsonl") == slurp(tmp / "cli/results.jsonl"));
  CHECK(stable(read_json(tmp / "api/summary.json")) ==
        stable(read_json(tmp / "cli/summary.json")));
  REQUIRE(rep.windows.size() >= 2);
  CHECK(rep.windows[1].test.start == rep.windows[0].test.end + minute_ms);
  CHECK(rep.out_of_sample.count("AAAUSDT") == 1);
  o.walk_forward->step = day_ms; // shorter than the test span
  CHECK_THROWS_WITH(run_sweep(o), Catch::Contains("must not overlap"));
}
