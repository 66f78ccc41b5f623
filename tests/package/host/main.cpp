// A host program built against btk outside its tree: writes synthetic
// candles, backtests two strategies on them through btk::api and prints
// what it got.
#include <cstdio>
#include <filesystem>

#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "host-run";
  std::filesystem::create_directories(dir);
  btk::synth_options so;
  so.minutes = 10 * 1440;
  const auto file = (dir / "HOST-1m.csv").string();
  if (!btk::write_candles_csv(file, btk::generate_candles(so))) {
    std::fprintf(stderr, "host: cannot write %s\n", file.c_str());
    return 1;
  }
  btk::backtest_options o;
  o.source.file = file;
  o.strategies = {"every-n:n=120", "sma-cross:fast=5,slow=20"};
  o.summary_out = (dir / "summary.json").string();
  try {
    const auto rep = btk::run_backtests(o);
    std::uint64_t closed = 0;
    for (const auto& r : rep.runs)
      closed += r.outcome.counters.closed;
    std::printf("host: btk %s: %zu runs, %llu closed trades\n",
                btk::version().c_str(), rep.runs.size(),
                static_cast<unsigned long long>(closed));
  } catch (const btk::api_error& e) {
    std::fprintf(stderr, "host: %s\n", e.what());
    return 1;
  }
  return 0;
}
