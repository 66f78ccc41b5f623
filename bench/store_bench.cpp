// Candle store against CSV: parse a file (on one thread, and on one per
// core), import it into a fresh store, reload it from the store.
//
//   store_bench [SHARED_DIR]
//
// Data: one year of synthetic 1-minute candles (525,600, written as plain
// CSV and as gzip CSV) and the real FILUSDT 4-month Binance file from
// SHARED_DIR (default ../shared). Best of 5 runs for parsing, of 10 for
// reloading, of 3 fresh stores for importing; the files stay in the page
// cache, so these are warm-cache figures. "open + reload" opens the store
// read-only each time, as `btk backtest --store` does. Work files go to a
// fresh folder under the system temp dir, removed at the end.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/store/candle_store.hpp"

namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
      .count();
}

// Best wall time of `runs` calls of `f`, in ms; stops at the first failure.
double best_of(int runs, const std::function<bool()>& f) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = clock_type::now();
    if (!f())
      return -1;
    best = std::min(best, ms_since(t0));
  }
  return best;
}

std::uintmax_t dir_bytes(const fs::path& dir) {
  std::uintmax_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (e.is_regular_file() && name.rfind("LOG", 0) != 0)
      n += e.file_size();
  }
  return n;
}

bool same_bits(const std::vector<btk::candle>& a,
               const std::vector<btk::candle>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(btk::candle)) == 0;
}

void bench(const char* label, const std::string& file, const fs::path& work) {
  std::vector<btk::candle> parsed;
  btk::read_options one_thread;
  one_thread.threads = 1;
  const double parse_one_ms = best_of(5, [&] {
    auto d = btk::read_candles(file, one_thread);
    return bool(d);
  });
  const double parse_ms = best_of(5, [&] {
    auto d = btk::read_candles(file);
    if (!d) {
      std::fprintf(stderr, "%s\n", d.err().message.c_str());
      return false;
    }
    parsed = std::move(d->candles);
    return true;
  });
  if (parse_ms < 0)
    return;

  const fs::path store_dir = work / "store";
  double import_ms = 1e300;
  for (int i = 0; i < 3; ++i) {
    fs::remove_all(store_dir);
    const auto t0 = clock_type::now();
    auto store = btk::candle_store::open(store_dir.string(), true);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.err().message.c_str());
      return;
    }
    auto rep = store->put("BENCH", parsed);
    if (!rep) {
      std::fprintf(stderr, "%s\n", rep.err().message.c_str());
      return;
    }
    import_ms = std::min(import_ms, ms_since(t0));
  }

  std::vector<btk::candle> loaded;
  const double open_load_ms = best_of(10, [&] {
    auto store = btk::candle_store::open_read_only(store_dir.string());
    if (!store)
      return false;
    auto c = store->load("BENCH");
    if (!c)
      return false;
    loaded = std::move(*c);
    return true;
  });
  auto store = btk::candle_store::open_read_only(store_dir.string());
  const double load_ms = best_of(10, [&] {
    auto c = store->load("BENCH");
    if (!c)
      return false;
    loaded = std::move(*c);
    return true;
  });
  if (open_load_ms < 0 || load_ms < 0 || !same_bits(parsed, loaded)) {
    std::fprintf(stderr, "%s: reload failed or differs\n", label);
    return;
  }
  std::printf("| %-40s | %7zu | %6.1f MB | %8.1f (%.1f M rows/s) | %8.1f | "
              "%8.1f | %6.1f MB | %8.1f | %6.1f | %5.1f %% (%.0fx) |\n",
              label, parsed.size(),
              static_cast<double>(fs::file_size(file)) / 1e6, parse_one_ms,
              static_cast<double>(parsed.size()) / parse_one_ms / 1e3, parse_ms,
              import_ms, static_cast<double>(dir_bytes(store_dir)) / 1e6,
              open_load_ms, load_ms, 100 * open_load_ms / parse_ms,
              parse_ms / open_load_ms);
  fs::remove_all(store_dir);
}

} // namespace

int main(int argc, char** argv) {
  const std::string shared = argc > 1 ? argv[1] : "../shared";
  const fs::path work = fs::temp_directory_path() /
                        ("btk_store_bench_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);

  btk::synth_options so;
  so.seed = 2024;
  so.start = 1704067200000; // 2024-01-01
  so.minutes = 525'600;
  so.price = 42000;
  const auto year = btk::generate_candles(so);
  const std::string csv = (work / "SYNTH-1m-2024.csv").string();
  const std::string gz = csv + ".gz";
  if (!btk::write_candles_csv(csv, year, 2) ||
      !btk::write_candles_csv(gz, year, 2)) {
    std::fprintf(stderr, "cannot write %s\n", csv.c_str());
    return 1;
  }

  std::printf("| data | candles | file | parse, 1 thread ms | parse ms "
              "| import ms | store | open + reload ms | reload ms "
              "| open + reload / parse |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  bench("synthetic 1 year, plain CSV", csv, work);
  bench("synthetic 1 year, gzip CSV", gz, work);
  const std::string fil = shared + "/data/binance-usdm/"
                                   "FILUSDT-1m-2023-08-01-2023-11-30.csv.gz";
  if (fs::exists(fil))
    bench("FILUSDT 4 months (real), gzip CSV", fil, work);
  else
    std::printf("(skipped FILUSDT: %s not found)\n", fil.c_str());
  fs::remove_all(work);
  return 0;
}
