// The llm strategy over a year of 1-minute candles: once against btk's fake
// model server (every answer asked and cached), then again from the warm
// cache alone, the figure issue 13 sets (>= 1 M candles/s). Prints one
// Markdown row per run.
//   llm_bench [DAYS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "core/engine/config.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/llm/fake_llm_server.hpp"
#include "runtime/llm/llm_cache.hpp"
#include "runtime/llm/llm_prompt.hpp"
#include "runtime/llm/llm_strategy.hpp"

using namespace btk;

namespace {

struct count_sink final : result_sink {
  std::size_t results = 0;
  std::size_t errors = 0;
  void on_result(const tick_result&) override { ++results; }
  void on_error(timestamp, const std::string&) override { ++errors; }
};

} // namespace

int main(int argc, char** argv) {
  const int days = argc > 1 ? std::atoi(argv[1]) : 365;
  synth_options so;
  so.seed = 5;
  so.minutes = static_cast<std::int64_t>(days) * 1440;
  so.price = 42000;
  auto s = series::make("BTCUSDT", generate_candles(so));
  if (!s) {
    std::fprintf(stderr, "%s\n", s.err().message.c_str());
    return 1;
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("btk_llm_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto srv = fake_llm_server::start();
  auto cache = llm_cache::open(dir.string());
  if (!srv || !cache) {
    std::fprintf(stderr, "%s\n",
                 (!srv ? srv.err() : cache.err()).message.c_str());
    return 1;
  }
  llm_options o;
  o.url = (*srv)->url();
  o.model = "fake";
  o.schema = signal_answer_schema();
  auto made = llm_client::make(o);
  if (!made) {
    std::fprintf(stderr, "%s\n", made.err().message.c_str());
    return 1;
  }
  std::shared_ptr<llm_client> client = std::move(*made);
  config cfg;
  backtest_frame f;
  f.start = (*s)->first() + prompt_lookback_minutes() * minute_ms;
  f.end = (*s)->last() - (llm_max_minutes + 1) * minute_ms;
  const double candles = static_cast<double>((f.end - f.start) / minute_ms + 1);
  std::printf(
      "| llm:interval=5m, %d days (%.0f candles) | asked | cached | "
      "signals | seconds | candles/s |\n|---|---:|---:|---:|---:|---:|\n",
      days, candles);
  for (const char* run :
       {"first run, fake server", "rerun, warm cache", "rerun, warm cache"}) {
    llm_strategy strat{client, *cache, "Follow the trend.", interval::m5};
    count_sink sink;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = strat.backtest(**s, cfg, f, sink);
    const double sec =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    if (!r || sink.errors != 0) {
      std::fprintf(stderr, "run failed: %s (%zu errors)\n",
                   r ? "" : r.err().message.c_str(), sink.errors);
      return 1;
    }
    const auto st = strat.stats();
    std::printf("| %s | %llu | %llu | %llu | %.3f | %.2f M |\n", run,
                static_cast<unsigned long long>(st.requested),
                static_cast<unsigned long long>(st.cached),
                static_cast<unsigned long long>(st.signals), sec,
                candles / sec / 1e6);
  }
  cache->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
