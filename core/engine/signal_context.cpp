#include "core/engine/signal_context.hpp"

namespace btk {

const bar_series* signal_context::bars_of(interval iv) const {
  if (!is_candle_interval(iv)) {
    missing_ = "interval " + std::string{to_string(iv)} +
               " is not a candle interval (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h)";
    return nullptr;
  }
  auto& slot = bars_[static_cast<std::size_t>(iv)];
  if (slot == nullptr)
    slot = iv == interval::m1 ? &series_->minutes() : series_->bars(iv).get();
  return slot;
}

bar_window signal_context::candles(interval iv, std::size_t n) const {
  const bar_series* bars = bars_of(iv);
  if (bars == nullptr)
    return {};
  const bar_series& b = *bars;
  const timestamp step = b.step;
  const std::int64_t end = closed(iv, b);
  const auto need = static_cast<std::int64_t>(n);
  if (end < need || end > static_cast<std::int64_t>(b.size())) {
    const timestamp bucket = floor_div(when_, step) * step;
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

indicator_view signal_context::outside(interval iv, const bar_series& b) const {
  const timestamp bucket = floor_div(when_, b.step) * b.step;
  missing_ = "no " + series_->symbol() + " " + std::string{to_string(iv)} +
             " bar closes before " + to_iso(bucket) + ": the data covers " +
             to_iso(series_->first()) + " .. " + to_iso(series_->last());
  return {};
}

indicator_view signal_context::indicator(interval iv, const std::string& key,
                                         const indicator_fill& fill) const {
  for (const auto& h : held_)
    if (h.period == 0 && h.iv == iv && h.key == key)
      return view(iv, *h.values);
  if (bars_of(iv) == nullptr)
    return {};
  held_.push_back({0, iv, key, series_->indicator(iv, key, fill)});
  return view(iv, *held_.back().values);
}

indicator_view signal_context::first_sma(interval iv,
                                         std::size_t period) const {
  if (bars_of(iv) == nullptr)
    return {};
  held_.push_back({period, iv, {}, series_->sma(iv, period)});
  return view(iv, *held_.back().values);
}

} // namespace btk
