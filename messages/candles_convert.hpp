#pragma once

// Conversions between core candles and the Cap'n Proto records of
// `messages/candles.capnp`. Callers see bytes and core types only, so they
// need neither the generated header nor any capnp include.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"
#include "core/market/gaps.hpp"
#include "core/market/interval.hpp"

namespace btk {

/// What a candle store holds for one symbol and interval (the
/// `CandleSeriesInfo` record): enough for `btk data ls` without reading the
/// candles themselves.
struct candle_series_info {
  /// The symbol, e.g. `BTCUSDT`.
  std::string symbol;
  /// The candles' interval.
  interval iv = interval::m1;
  /// Open time of the first stored candle.
  timestamp first = 0;
  /// Open time of the last stored candle.
  timestamp last = 0;
  /// Number of stored candles (`first .. last` minus the gaps).
  std::uint64_t count = 0;
  /// Number of UTC days holding at least one candle (one store value each).
  std::uint32_t days = 0;
  /// Missing stretches between `first` and `last`, ascending (`missing`
  /// counts candles of `iv`).
  std::vector<candle_gap> gaps;
};

/// What a `CandleBatch` says about itself, besides its candles.
struct candle_batch_header {
  /// The batch's symbol.
  std::string symbol;
  /// The batch's interval.
  interval iv = interval::m1;
  /// Number of candles in the batch.
  std::size_t count = 0;
};

/// A decoded `CandleBatch`.
struct candle_batch {
  /// The batch's symbol.
  std::string symbol;
  /// The batch's interval.
  interval iv = interval::m1;
  /// The candles, in the order they were encoded.
  std::vector<candle> candles;
};

/// Encodes `n` candles starting at `candles` as one `CandleBatch` in the
/// flat (unpacked) Cap'n Proto wire format: one segment, column-wise lists.
/// Doubles keep their exact bits. Used for one UTC day per store value and
/// for batches between nodes (never one message per candle).
std::string encode_candle_batch(std::string_view symbol, interval iv,
                                const candle* candles, std::size_t n);

/// Encodes all of `candles`; see the pointer overload.
std::string encode_candle_batch(std::string_view symbol, interval iv,
                                const std::vector<candle>& candles);

/// Decodes a `CandleBatch` and appends its candles to `out` (so a caller
/// reading many days fills one vector without intermediate copies). `bytes`
/// need not be aligned. Fails, leaving `out` as it was, when the bytes are
/// not exactly one well-formed message, the columns differ in length, or the
/// interval text is unknown; the error says which.
expected<candle_batch_header> append_candle_batch(std::string_view bytes,
                                                  std::vector<candle>& out);

/// Decodes a `CandleBatch` into a new value; see `append_candle_batch`.
expected<candle_batch> decode_candle_batch(std::string_view bytes);

/// Encodes `info` as a `CandleSeriesInfo` message (flat format).
std::string encode_candle_series_info(const candle_series_info& info);

/// Decodes a `CandleSeriesInfo` message; fails with the reason when the
/// bytes are not one well-formed message or the interval text is unknown.
expected<candle_series_info> decode_candle_series_info(std::string_view bytes);

} // namespace btk
