// Engine-loop throughput: candles per second on one core, data in memory.
//
//   engine_bench [SHARED_DIR]
//
// Runs every-n and sma-cross (default parameters) over one year of synthetic
// 1-minute candles and over the real FILUSDT 4-month file from SHARED_DIR
// (default ../shared), best of 5 runs each. "Candles" are the frame's
// 1-minute ticks: the unit backtest-kit's figure uses.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "core/engine/backtest.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"
#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

namespace {

struct counting_sink : btk::result_sink {
  std::uint64_t closed = 0;
  void on_result(const btk::tick_result& r) override {
    closed += r.kind == btk::action::closed;
  }
};

void bench(const char* label, const btk::series& s, const std::string& spec) {
  const btk::config cfg;
  auto strat = btk::builtin_strategies().make(spec);
  btk::backtest_frame f;
  f.start =
      s.first() +
      std::max<std::int64_t>(5, (*strat)->lookback_minutes()) * btk::minute_ms;
  f.end = s.last() - 1441 * btk::minute_ms;
  const double minutes = static_cast<double>(f.end - f.start) / 60000 + 1;
  // The first run also fills the series caches (VWAP, aggregated bars).
  double best = 1e300;
  double cold = 0;
  std::uint64_t trades = 0;
  for (int run = 0; run < 6; ++run) {
    auto fresh = btk::builtin_strategies().make(spec);
    counting_sink sink;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = (*fresh)->backtest(s, cfg, f, sink);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    if (!r) {
      std::fprintf(stderr, "%s: %s\n", label, r.err().message.c_str());
      return;
    }
    if (run == 0)
      cold = secs;
    else
      best = std::min(best, secs);
    trades = sink.closed;
  }
  std::printf("| %-34s | %-38s | %9.0f | %6llu | %8.2f | %8.2f | %7.1f M |\n",
              label, spec.c_str(), minutes,
              static_cast<unsigned long long>(trades), cold * 1e3, best * 1e3,
              minutes / best / 1e6);
}

} // namespace

int main(int argc, char** argv) {
  const std::string shared = argc > 1 ? argv[1] : "../shared";
  btk::synth_options so;
  so.seed = 2024;
  so.start = 1704067200000; // 2024-01-01
  so.minutes = 525'600;
  so.price = 42000;
  auto year = btk::series::make("SYNTHUSDT", btk::generate_candles(so));
  const auto t0 = std::chrono::steady_clock::now();
  auto fil =
      btk::read_candles(shared + "/data/binance-usdm/"
                                 "FILUSDT-1m-2023-08-01-2023-11-30.csv.gz");
  const double load_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - t0)
                             .count();
  std::printf("| data | strategy | frame candles | trades | first run ms "
              "(cold caches) | best ms | candles/s |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (const char* spec : {"every-n", "sma-cross"})
    bench("synthetic 1 year (525,600 x 1m)", **year, spec);
  if (fil) {
    auto s = btk::series::make("FILUSDT", fil->candles);
    for (const char* spec : {"every-n", "sma-cross"})
      bench("FILUSDT 4 months (175,680 x 1m)", **s, spec);
    std::printf("\nFILUSDT .csv.gz read and validated in %.1f ms (%zu rows)\n",
                load_ms, fil->rows);
  } else {
    std::printf("\n(FILUSDT skipped: %s)\n", fil.err().message.c_str());
  }
  return 0;
}
