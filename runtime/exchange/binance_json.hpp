#pragma once

// Binance's market-data formats, read without trusting them: REST klines,
// WebSocket kline events and the server time. Every malformed input is an
// error naming the element and the field, never a crash. No I/O here.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"

namespace btk::binance {

/// Spot (`/api/v3`) or USD-M futures (`/fapi/v1`).
enum class market { spot, usdm };

/// Reads `spot` or `usdm`.
expected<market> parse_market(std::string_view text);

/// The REST paths and limits of a market.
struct endpoints {
  std::string klines;
  std::string time;
  /// The most klines one request may ask for: 1000 (spot), 1500 (usdm).
  std::size_t max_limit = 1000;
};

endpoints endpoints_of(market m);

/// A REST klines answer (`[[openTime, "open", "high", "low", "close",
/// "volume", closeTime, ...], ...]`) as candles, in the order given.
expected<std::vector<candle>> parse_klines(std::string_view body);

/// One WebSocket kline event, raw or wrapped in a combined stream
/// (`{"stream": ..., "data": {...}}`).
struct kline_event {
  std::string symbol;
  candle c;
  /// `k.x`: the candle has closed (only closed candles are used).
  bool closed = false;
};

expected<kline_event> parse_kline_message(std::string_view text);

/// `{"serverTime": ms}`.
expected<timestamp> parse_server_time(std::string_view body);

/// A kline as Binance's REST answers carry it (for the simulator).
std::string kline_array_json(const candle& c);

/// A closed-or-not kline event as the combined stream sends it.
std::string kline_event_json(const std::string& symbol, const candle& c,
                             bool closed, timestamp event_time);

} // namespace btk::binance
