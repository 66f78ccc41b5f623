#pragma once

// Where a batch's candles come from: a candle file or the candle store,
// with one gap rule for both. Used by `run_backtests`, `run_walker` and
// `run_sweep`; a host may call it to load series for its own engine.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/market/series.hpp"
#include "runtime/results/results.hpp"

namespace btk {

/// Where candles come from. Exactly one of `file` and `store`.
struct candle_source {
  /// A candle file: generic CSV or Binance dump, plain or gzip.
  /// Default: none
  std::string file;
  /// A candle store directory (filled by `btk data import`). Default: none
  std::string store;
  /// The symbols to load. From a store: one or more. From a file: at most
  /// one, the symbol its candles belong to. Default: from the file name (the
  /// part before the first `-`, `_` or `.`, upper-cased)
  std::vector<std::string> symbols;
  /// Fill missing minutes with flat zero-volume candles at the previous
  /// close instead of failing. Default: false
  bool fill_gaps = false;
  /// From a store: the first minute to load; only minutes from here on are
  /// read and checked for gaps (a store may hold imports years apart). A
  /// file is always read whole. Default: the first stored
  std::optional<timestamp> from;
  /// From a store: the last minute to load, included. Default: the last
  /// stored
  std::optional<timestamp> to;
};

/// One symbol's candles, checked and ready to share.
struct loaded_series {
  /// Where they came from (the summary's `data` section).
  data_info info;
  /// The series every run of the symbol reads.
  std::shared_ptr<const series> data;
};

/// Loads every symbol of `src`, in order. Missing minutes are an error
/// naming them unless `src.fill_gaps`. Throws `api_error` naming the file
/// or the store and symbol, and the reason.
std::vector<loaded_series> load_candles(const candle_source& src);

} // namespace btk
