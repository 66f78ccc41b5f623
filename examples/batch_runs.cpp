// Whole runs through the C++ API, as `btk backtest` and `btk walker` do
// them: a backtest of two symbols, a walker ranking three strategies, and a
// parameter sweep, on generated candles kept in a candle store.
//
//   batch_runs [DIR]
//
// Everything the command line prints comes from the models these calls
// return; the same options with output paths write the CLI's files.

#include <cstdio>
#include <filesystem>

#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/store/candle_store.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "./dump/batch_runs";
  std::filesystem::remove_all(dir);
  // Two symbols of 20 days in a candle store (as `btk data import` fills it).
  {
    auto store = btk::candle_store::open((dir / "store").string(), true);
    if (!store) {
      std::fprintf(stderr, "batch_runs: %s\n", store.err().message.c_str());
      return 1;
    }
    std::uint64_t seed = 1;
    for (const char* symbol : {"BTCUSDT", "ETHUSDT"}) {
      btk::synth_options o;
      o.seed = seed++;
      o.minutes = 20 * 1440;
      o.price = seed == 2 ? 42000 : 2300;
      store->put(symbol, btk::generate_candles(o));
    }
  }
  try {
    btk::backtest_options bt;
    bt.source.store = (dir / "store").string();
    bt.source.symbols = {"BTCUSDT", "ETHUSDT"};
    bt.strategies = {"sma-cross:fast=10,slow=30,interval=15m",
                     "rsi-reversion:period=14,interval=15m"};
    bt.overrides = {{"CC_PERCENT_FEE", "0.05"}};
    bt.summary_out = (dir / "backtest.json").string();
    const btk::batch_report rep = btk::run_backtests(bt);
    for (const btk::strategy_run& r : rep.runs)
      std::printf("%s %-22s %4llu closed, total PnL %7.2f%%%s\n",
                  r.symbol.c_str(), r.strategy.c_str(),
                  static_cast<unsigned long long>(r.outcome.counters.closed),
                  r.stats.total_pnl.value_or(0),
                  r.capped() ? " (statistics capped)" : "");
    if (rep.heat)
      std::printf(
          "portfolio: %lld trades\n",
          static_cast<long long>(rep.heat->model.portfolio_total_trades));

    btk::walker_options wk;
    static_cast<btk::batch_options&>(wk) = bt;
    wk.strategies.push_back("donchian-breakout:period=20,interval=1h");
    wk.metric = "totalPnl";
    wk.summary_out = (dir / "walker.json").string();
    const btk::batch_report ranked = btk::run_walker(wk);
    for (const btk::walker_summary& w : ranked.walkers)
      std::printf("%s best by %s: %s\n", w.model.symbol.c_str(),
                  w.model.metric.c_str(),
                  w.model.best_strategy.value_or("none").c_str());

    btk::sweep_options sw;
    sw.source = bt.source;
    sw.grids = {"sma-cross:fast=5..20:5,slow=30|60,interval=15m"};
    sw.where = "fast<slow";
    sw.top = 3;
    sw.results_out = (dir / "sweep.jsonl").string();
    const btk::sweep_report sr = btk::run_sweep(sw);
    std::printf("sweep: %llu jobs, best %s on %s\n",
                static_cast<unsigned long long>(sr.jobs),
                sr.top.empty() ? "none" : sr.top.front().result.spec.c_str(),
                sr.top.empty() ? "-" : sr.top.front().result.symbol.c_str());
    std::printf("batch_runs: %zu runs, %zu walkers, %llu sweep jobs\n",
                rep.runs.size(), ranked.walkers.size(),
                static_cast<unsigned long long>(sr.jobs));
  } catch (const btk::api_error& e) {
    std::fprintf(stderr, "batch_runs: %s\n", e.what());
    return 1;
  }
  return 0;
}
