#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/error.hpp"

namespace btk {

/// What one strategy needs around the frame it runs over (its
/// `lookback_minutes`, `max_lifetime_minutes` and `may_schedule`).
struct frame_needs {
  /// 1-minute candles it reads before a tick. Default: 0
  std::int64_t lookback_minutes = 0;
  /// Longest lifetime of its signals; 0 or less means
  /// `CC_MAX_SIGNAL_LIFETIME_MINUTES`. Default: 0
  std::int64_t max_lifetime_minutes = 0;
  /// True when its signals may wait for a limit entry. Default: false
  bool may_schedule = false;
};

/// The candles a frame keeps clear of at both ends of the data.
struct frame_margins {
  /// Minutes after the first candle before the first tick: the VWAP window
  /// or the longest look-back.
  std::int64_t warmup_minutes = 0;
  /// Minutes before the last candle after the last tick: the longest
  /// lifetime (plus `CC_SCHEDULE_AWAIT_MINUTES` for limit entries) plus 1.
  std::int64_t lookahead_minutes = 0;
};

/// The margins that let every strategy of `needs` run as backtest-kit runs
/// it: a tick reads `CC_AVG_PRICE_CANDLES_COUNT` candles (or the look-back)
/// before it, and a signal opened at the last tick can live to its end.
frame_margins frame_margins_for(const std::vector<frame_needs>& needs,
                                const config& cfg);

/// The frame over data covering `first` .. `last` (1-minute open times):
/// `start` and `end` when given, else `first + warm-up` and
/// `last - look-ahead`. Fails when the frame is empty, naming both ends, the
/// data's range and the margins.
expected<backtest_frame> resolve_frame(timestamp first, timestamp last,
                                       const frame_margins& margins,
                                       std::optional<timestamp> start,
                                       std::optional<timestamp> end,
                                       interval iv);

} // namespace btk
