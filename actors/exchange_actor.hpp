#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "core/error.hpp"
#include "core/market/candle.hpp"
#include "core/market/series.hpp"

namespace btk {

/// An exchange (backtest-kit's `IExchangeSchema`, seed-era.md §3.1): where
/// a symbol's candles come from and how its prices print.
struct exchange_schema {
  /// Unique name; frames and runs refer to it.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// Loads every 1-minute candle of `symbol` that runs may need, oldest
  /// first. Called once per symbol; the series is then shared read-only by
  /// every run on this exchange. Required unless `get_series` is given.
  std::function<expected<std::vector<candle>>(const std::string& symbol)>
      get_candles;
  /// Alternative to `get_candles` for hosts that already hold the series
  /// (a CLI that loaded files, a benchmark): returns it as is. Default: none
  std::function<expected<std::shared_ptr<const series>>(
      const std::string& symbol)>
      get_series;
  /// Prints a price. Default: the report's price scale (2 to 8 decimals).
  std::function<std::string(const std::string& symbol, double price)>
      format_price;
  /// Prints a quantity. Default: 8 decimals.
  std::function<std::string(const std::string& symbol, double quantity)>
      format_quantity;
};

/// Spawns the actor of one exchange. It loads a symbol's candles on the
/// first request and keeps the immutable series, so every strategy actor of
/// that symbol reads the same memory (no per-candle messages).
///
/// Messages: `(series_atom, std::string symbol)` -> `series_ref` (an error
/// naming the exchange and symbol when loading fails);
/// `(format_atom, std::string symbol, double price, bool quantity)` ->
/// `std::string`.
caf::actor spawn_exchange_actor(caf::actor_system& sys, exchange_schema schema);

} // namespace btk
