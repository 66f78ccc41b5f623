#include "core/engine/signal_context.hpp"

namespace btk {

bar_window signal_context::candles(interval iv, std::size_t n) const {
  if (!is_candle_interval(iv)) {
    missing_ = "interval " + std::string{to_string(iv)} +
               " is not a candle interval (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h)";
    return {};
  }
  auto& slot = bars_[static_cast<std::size_t>(iv)];
  if (slot == nullptr)
    slot = iv == interval::m1 ? &series_->minutes() : series_->bars(iv).get();
  const bar_series& b = *slot;
  const timestamp step = b.step;
  const timestamp bucket = floor_div(when_, step) * step;
  const std::int64_t end = b.size() == 0 ? -1 : (bucket - b.first) / step;
  const auto need = static_cast<std::int64_t>(n);
  if (end < need || end > static_cast<std::int64_t>(b.size())) {
    missing_ = "not enough " + series_->symbol() + " " +
               std::string{to_string(iv)} + " candles: the strategy needs " +
               std::to_string(n) + " closed candles from " +
               to_iso(bucket - need * step) + " to " + to_iso(bucket - step) +
               ", the data covers " + to_iso(series_->first()) + " .. " +
               to_iso(series_->last());
    return {};
  }
  const auto k = static_cast<std::size_t>(end - need);
  bar_window w;
  w.open = b.open.data() + k;
  w.high = b.high.data() + k;
  w.low = b.low.data() + k;
  w.close = b.close.data() + k;
  w.volume = b.volume.data() + k;
  w.first = b.open_time(k);
  w.step = step;
  w.size = n;
  return w;
}

} // namespace btk
