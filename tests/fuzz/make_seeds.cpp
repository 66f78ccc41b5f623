// Writes the binary seed inputs of the record targets (store_records,
// sweep_records) into corpus/: well-formed records built with btk's own
// encoders, each behind the byte that picks its decoder. Run it after a
// schema change: `cmake --build build --target fuzz_seeds &&
// build/tests/fuzz/fuzz_seeds tests/fuzz/corpus`.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "messages/candles_convert.hpp"
#include "messages/cluster_convert.hpp"
#include "messages/live_convert.hpp"
#include "messages/sweep_convert.hpp"

namespace {

namespace fs = std::filesystem;

void put(const fs::path& dir, const std::string& name, char selector,
         const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out << selector << bytes;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds CORPUS_DIR\n");
    return 2;
  }
  const fs::path root = argv[1];
  using namespace btk;
  const timestamp t0 = 1'709'510'400'000;

  const auto store = root / "store_records";
  std::vector<candle> cs{{t0, 10, 11, 9, 10.5, 1},
                         {t0 + minute_ms, 10.5, 12, 10, 11, 0.25},
                         {t0 + 2 * minute_ms, 11, 11, 11, 11, 0}};
  put(store, "candle-batch", 0,
      encode_candle_batch("BTCUSDT", interval::m1, cs));
  put(store, "candle-batch-empty", 0,
      encode_candle_batch("X", interval::h1, std::vector<candle>{}));
  candle_series_info info;
  info.symbol = "ETHUSDT";
  info.first = t0;
  info.last = t0 + 100 * minute_ms;
  info.count = 90;
  info.days = 1;
  info.gaps.push_back({t0 + 10 * minute_ms, t0 + 19 * minute_ms, 10});
  put(store, "series-info", 1, encode_candle_series_info(info));

  live_instance_record rec;
  rec.symbol = "BTCUSDT";
  rec.name = "sma-cross#1";
  rec.spec = "sma-cross:fast=10,slow=30";
  rec.events = 7;
  rec.written_at = t0;
  rec.risks = {"cap", "wide"};
  put(store, "live-instance", 2, encode_live_instance(rec));
  live_event ev;
  ev.seq = 3;
  ev.symbol = "BTCUSDT";
  ev.name = "every-n#0";
  ev.number = 2;
  ev.order_id = "btk-1";
  ev.fill_price = 42000.5;
  ev.fill_quantity = 0.01;
  put(store, "live-event", 3, encode_live_event(ev));
  ev.warning = true;
  ev.message = "a tick failed: no candle";
  put(store, "live-warning", 3, encode_live_event(ev));

  const auto sweep = root / "sweep_records";
  sweep_result r;
  r.id = 42;
  r.spec = "every-n:n=30";
  r.symbol = "BTCUSDT";
  r.window = 2;
  r.closed = 12;
  r.stats = {{"sharpeRatio", 0.5},
             {"totalSignals", std::int64_t{12}},
             {"trend", std::string("bullish")},
             {"calmarRatio", {}}};
  put(sweep, "result", 0, encode_sweep_result(r));
  r.stats.clear();
  r.error = "not enough candles";
  put(sweep, "result-error", 0, encode_sweep_result(r));
  sweep_job j;
  j.id = 7;
  j.spec = "sma-cross:fast=5,slow=20,interval=15m";
  j.symbol = "ETHUSDT";
  j.window = 1;
  j.frame = {t0, t0 + 1440 * minute_ms, interval::m1};
  put(sweep, "job", 1, encode_sweep_job(j));
  sweep_setup setup;
  setup.series.push_back({"BTCUSDT", std::string(32, '\x5a'), 1440, 1});
  put(sweep, "setup", 2, encode_sweep_setup(setup));
  std::printf("seeds written under %s\n", root.c_str());
  return 0;
}
