#pragma once

#include "core/market/time.hpp"

namespace btk {

/// One OHLCV candle. `ts` is the open time. Prices are finite and > 0,
/// volume is finite and >= 0 (checked by the readers and by `series::make`).
struct candle {
  timestamp ts = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
};

} // namespace btk
