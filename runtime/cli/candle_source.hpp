#pragma once

// Where `btk backtest` gets its candles: a file (`--data`) or the candle
// store (`--store DIR --symbol S`). Kept apart from the rest of the command
// so the run itself does not care where the candles came from.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/market/candle.hpp"
#include "core/error.hpp"
#include "runtime/cli/backtest_command.hpp"

namespace btk {

class series;

/// The candles of one `btk backtest` run and where they came from.
struct backtest_candles {
  /// Contiguous 1-minute candles, ascending (gaps filled when asked).
  std::vector<candle> candles;
  /// The symbol: `--symbol`, else derived from the file name.
  std::string symbol;
  /// `csv` or `binance` for a file, `store` for the candle store.
  std::string format;
  /// The place to name in messages: the file path, or `store DIR`.
  std::string origin;
  /// Candles read (file rows or stored candles), before filling.
  std::size_t rows = 0;
  /// Flat candles inserted for missing minutes (`--fill-gaps`).
  std::size_t filled = 0;
  /// Runs of missing minutes found (filled or not).
  std::size_t gaps = 0;
};

/// Loads the candles for `opts`: from the file `opts.data`, or from the
/// store `opts.store` for `opts.symbol` (exactly one of the two; an error
/// says what to give otherwise). Both sources get the same gap rule:
/// missing minutes are an error naming them unless `opts.fill_gaps`.
expected<backtest_candles>
load_candles_for_backtest(const backtest_options& opts);

/// The summary's `data` section: `file` or `store` (with `symbol`), then the
/// format, counts and the range of `s`.
nlohmann::ordered_json backtest_data_json(const backtest_options& opts,
                                          const backtest_candles& data,
                                          const series& s);

} // namespace btk
