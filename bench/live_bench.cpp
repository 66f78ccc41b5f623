// Live mode at scale: one process, SYMBOLS symbols x 20 strategies (10,000
// instances by default) on a virtual clock over generated candles.
//
//   live_bench [SYMBOLS] [MINUTES] [STATE_DIR]
//
// Each symbol gets 3 days of warm-up candles plus MINUTES (default 1440) to
// run. The 20 strategies per symbol mix every-n (1m throttle), sma-cross on
// 1m/5m/15m/1h and scheduled entries. For every minute the session records
// the wall time from the minute's candles being there to its batch synced
// (one RocksDB WriteBatch, sync = true) and its events published; the
// program prints p50 / p99 / max of that latency, synced batches per
// minute, and the resident memory per instance beyond the shared candles
// (RSS after the run minus RSS with the candles loaded, over the instances).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/live_mix.hpp"
#include "core/risk/risk_limits.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/live/session.hpp"
#include "strategies/spec.hpp"

namespace {

// Resident set size of this process, KiB.
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  using namespace btk;
  using bench::percentile;
  using bench::strategy_specs;
  const int symbols = argc > 1 ? std::atoi(argv[1]) : 500;
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 1440;
  const std::string dir =
      argc > 3 ? argv[3]
               : (std::filesystem::temp_directory_path() / "btk_live_bench")
                     .string();
  std::filesystem::remove_all(dir);
  const timestamp start = 1'704'067'200'000;
  const int warm = 3 * 1440;
  std::map<std::string, std::shared_ptr<const series>> data;
  for (int k = 0; k < symbols; ++k) {
    synth_options o;
    o.seed = static_cast<std::uint64_t>(k + 1);
    o.start = start;
    o.minutes = warm + minutes;
    o.price = 10 + k;
    o.annual_vol = 0.8;
    o.decimals = 4;
    const std::string sym = "S" + std::to_string(k) + "USDT";
    auto s = series::make(sym, generate_candles(o));
    if (!s) {
      std::fprintf(stderr, "%s\n", s.err().message.c_str());
      return 1;
    }
    data[sym] = *s;
  }
  // Build the aggregated bars the strategies read before measuring memory:
  // they are shared per symbol, not per instance.
  for (auto& [sym, s] : data)
    for (auto iv : {interval::m5, interval::m15, interval::h1})
      s->bars(iv);
  const long rss_data = rss_kib();

  live_session_options so;
  // LB_REPORTS=1 also keeps every instance's Live.getData book (250 rows).
  so.keep_reports = std::getenv("LB_REPORTS") != nullptr;
  const auto specs = strategy_specs();
  // LB_RISK=NAME:key=value,... puts every instance under one risk profile.
  std::vector<std::string> risks;
  if (const char* r = std::getenv("LB_RISK")) {
    auto l = parse_risk_limits(r);
    if (!l) {
      std::fprintf(stderr, "LB_RISK: %s\n", l.err().message.c_str());
      return 1;
    }
    so.risks.push_back(make_risk_schema(*l));
    risks.push_back(l->name);
  }
  for (auto& [sym, s] : data)
    for (std::size_t i = 0; i < specs.size(); ++i) {
      auto made = builtin_strategies().make(specs[i]);
      so.instances.push_back(
          {sym,
           parse_spec(specs[i])->name + "#" + std::to_string(i + 1),
           specs[i],
           std::move(*made),
           {},
           risks,
           {}});
    }
  const std::size_t instances = so.instances.size();
  const bool so_reports = so.keep_reports;
  so.from = start + static_cast<timestamp>(warm) * minute_ms;
  so.until = so.from + static_cast<timestamp>(minutes) * minute_ms;
  so.state_dir = dir;
  auto session =
      live_session::open(std::move(so), std::make_unique<replay_feed>(data),
                         std::make_unique<virtual_clock>());
  if (!session) {
    std::fprintf(stderr, "%s\n", session.err().message.c_str());
    return 1;
  }
  std::vector<double> lat;
  std::uint64_t published = 0;
  (*session)->add_sink(std::make_unique<callback_sink>(
      "count", [&](const live_event&) { ++published; }));
  (*session)->on_minute(
      [&](const live_session_stats& s) { lat.push_back(s.last_minute_ms); });
  std::atomic<bool> no{false};
  const auto t0 = std::chrono::steady_clock::now();
  auto stats = (*session)->run(no, no);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  if (!stats) {
    std::fprintf(stderr, "%s\n", stats.err().message.c_str());
    return 1;
  }
  const long rss_end = rss_kib();
  std::printf("instances            %zu (%d symbols x %zu strategies)\n",
              instances, symbols, specs.size());
  std::printf("minutes              %llu in %.1f s\n",
              static_cast<unsigned long long>(stats->minutes), secs);
  std::printf("ticks                %llu (%llu failed)\n",
              static_cast<unsigned long long>(stats->ticks),
              static_cast<unsigned long long>(stats->failed_ticks));
  std::printf("events published     %llu\n",
              static_cast<unsigned long long>(published));
  std::printf("risk rejections      %llu\n",
              static_cast<unsigned long long>(stats->risk_rejected));
  std::printf("minute batch latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(lat, 0.5), percentile(lat, 0.99),
              percentile(lat, 1.0));
  std::printf(
      "synced batches       %llu (%.3f per minute)\n",
      static_cast<unsigned long long>(stats->syncs),
      static_cast<double>(stats->syncs) /
          static_cast<double>(std::max<std::uint64_t>(1, stats->minutes)));
  std::printf("memory               candles %.1f MiB; per instance %.2f KiB\n",
              static_cast<double>(rss_data) / 1024,
              static_cast<double>(rss_end - rss_data) /
                  static_cast<double>(instances));
  std::printf("reports kept         %s\n", so_reports ? "yes" : "no");
  std::filesystem::remove_all(dir);
  return 0;
}
