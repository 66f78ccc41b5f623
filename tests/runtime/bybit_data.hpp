#pragma once

// The real Bybit candles of ../shared/data that CLI tests run on, and a
// candle store of two of them.

#include <filesystem>
#include <string>

#include "tests/runtime/btk_process.hpp"

namespace btk::test {

/// The 29-day Bybit file of `symbol`.
inline std::string bybit_file(const std::string& symbol) {
  return std::string{BTK_SHARED_DIR} + "/data/bybit-linear/" + symbol +
         "-1m-2025-05-31-2025-06-28.csv.gz";
}

/// True when the Bybit files are there; otherwise warns that the test is
/// skipped.
inline bool have_data() {
  if (std::filesystem::exists(bybit_file("BTCUSDT")))
    return true;
  WARN("skipped: " << bybit_file("BTCUSDT") << " is missing");
  return false;
}

/// A candle store in `dir` with BTCUSDT and ETHUSDT imported.
inline std::string make_store(const scratch_dir& dir) {
  const std::string store = dir / "store";
  for (const std::string s : {"BTCUSDT", "ETHUSDT"})
    REQUIRE(run_btk(dir, {"data", "import", bybit_file(s), "--symbol", s,
                          "--store", store})
                .code == 0);
  return store;
}

} // namespace btk::test
