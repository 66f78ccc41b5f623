// The candle readers (generic CSV, Binance dumps, gzip) on any bytes: an
// error naming the file, or candles that are contiguous, valid and counted.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/market/candle.hpp"
#include "runtime/data/candle_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  btk::read_options opt;
  // The first byte picks the options, so both ways are explored.
  if (!bytes.empty()) {
    opt.fill_gaps = (bytes.front() & 1) != 0;
    opt.max_listed = static_cast<std::size_t>(bytes.front() >> 4);
  }
  // A fuzzer's timestamps are far apart: smaller bounds keep runs fast and
  // reach the bounds' own code.
  opt.max_candles = 100'000;
  opt.max_fill_minutes = 1'440;
  auto r = btk::read_candles_from_memory(bytes, "fuzz.csv", opt);
  if (!r) {
    fuzz_check(r.err().message.rfind("fuzz.csv", 0) == 0);
    return 0;
  }
  const auto& cs = r->candles;
  fuzz_check(!cs.empty());
  fuzz_check(r->rows + r->filled == cs.size());
  fuzz_check(r->format == "csv" || r->format == "binance");
  for (std::size_t i = 0; i < cs.size(); ++i) {
    fuzz_check(btk::candle_flaws(cs[i]) == 0);
    if (i > 0)
      fuzz_check(cs[i].ts == cs[i - 1].ts + btk::minute_ms);
  }
  return 0;
}
