#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"

namespace btk {

/// A run of missing 1-minute candles: `from` .. `to` (open times, both
/// included), `missing` minutes in all.
struct candle_gap {
  timestamp from = 0;
  timestamp to = 0;
  std::int64_t missing = 0;
};

/// The gaps between consecutive candles of `candles` (ascending open times).
std::vector<candle_gap> find_gaps(const std::vector<candle>& candles);

/// Candles missing in all of `gaps`.
std::int64_t missing_candles(const std::vector<candle_gap>& gaps) noexcept;

/// "N missing 1-minute candles in G gaps: A .. B (n), ..." listing the first
/// `max_listed` gaps and counting the rest ("and K more"). The one wording
/// of a gap for every source (files, the store).
std::string describe_gaps(const std::vector<candle_gap>& gaps,
                          std::size_t max_listed);

/// The candle a missing minute is filled with: flat at the previous close,
/// volume 0 (backtest-kit's data has no such minutes; this is btk's
/// `--fill-gaps` rule for every source).
inline candle flat_candle(timestamp ts, double previous_close) noexcept {
  return {ts, previous_close, previous_close, previous_close, previous_close,
          0.0};
}

/// Fills every gap of `candles` with `flat_candle`s; returns the number
/// added. Fails, leaving `candles` untouched, when one gap is longer than
/// `max_gap` minutes or the result would hold more than `max_candles`
/// candles (a typo'd timestamp must not ask for billions).
expected<std::size_t> fill_gaps(std::vector<candle>& candles,
                                std::size_t max_candles, std::size_t max_gap);

} // namespace btk
