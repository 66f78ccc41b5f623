#include "core/market/series.hpp"

#include <limits>
#include <string>

namespace btk {

expected<std::shared_ptr<const series>>
series::make(std::string symbol, const std::vector<candle>& cs) {
  if (cs.empty())
    return error{"series " + symbol + ": no candles"};
  std::shared_ptr<series> s{new series};
  s->symbol_ = std::move(symbol);
  auto& m = s->m1_;
  m.iv = interval::m1;
  m.step = minute_ms;
  m.first = cs.front().ts;
  for (auto* v : {&m.open, &m.high, &m.low, &m.close, &m.volume})
    v->reserve(cs.size());
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const auto& c = cs[i];
    const timestamp want = m.first + static_cast<timestamp>(i) * minute_ms;
    if (c.ts != want)
      return error{"series " + s->symbol_ + ": candle " + std::to_string(i) +
                   " opens at " + to_iso(c.ts) + ", expected " + to_iso(want) +
                   " (1-minute candles must be contiguous)"};
    if (const auto flaws = candle_flaws(c))
      return error{"series " + s->symbol_ + ": candle " + std::to_string(i) +
                   " at " + to_iso(c.ts) + ": " +
                   describe_candle_flaws(flaws, c)};
    m.open.push_back(c.open);
    m.high.push_back(c.high);
    m.low.push_back(c.low);
    m.close.push_back(c.close);
    m.volume.push_back(c.volume);
  }
  return std::shared_ptr<const series>{std::move(s)};
}

std::ptrdiff_t series::index_of(timestamp t) const noexcept {
  const timestamp d = t - m1_.first;
  if (d < 0 || d % minute_ms != 0)
    return -1;
  const auto i = static_cast<std::ptrdiff_t>(d / minute_ms);
  return i < static_cast<std::ptrdiff_t>(m1_.size()) ? i : -1;
}

std::shared_ptr<const bar_series> series::bars(interval iv) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = bars_[static_cast<std::size_t>(iv)];
  if (slot)
    return slot;
  auto out = std::make_shared<bar_series>();
  out->iv = iv;
  out->step = interval_ms(iv);
  const timestamp step = out->step;
  const std::int64_t per = step / minute_ms;
  // First bucket fully inside the data.
  timestamp b = floor_div(m1_.first, step) * step;
  if (b < m1_.first)
    b += step;
  out->first = b;
  const auto n = static_cast<std::int64_t>(m1_.size());
  for (std::int64_t i = (b - m1_.first) / minute_ms; i + per <= n; i += per) {
    double hi = m1_.high[i], lo = m1_.low[i], vol = 0;
    for (std::int64_t k = i; k < i + per; ++k) {
      if (m1_.high[k] > hi)
        hi = m1_.high[k];
      if (m1_.low[k] < lo)
        lo = m1_.low[k];
      vol += m1_.volume[k];
    }
    out->open.push_back(m1_.open[i]);
    out->high.push_back(hi);
    out->low.push_back(lo);
    out->close.push_back(m1_.close[i + per - 1]);
    out->volume.push_back(vol);
  }
  slot = std::move(out);
  return slot;
}

double vwap_of(const bar_series& m, std::size_t from, std::size_t to) noexcept {
  double pv = 0;
  double vol = 0;
  for (std::size_t k = from; k <= to; ++k) {
    const double typical = (m.high[k] + m.low[k] + m.close[k]) / 3;
    pv += typical * m.volume[k];
    vol += m.volume[k];
  }
  if (vol == 0) {
    double sum = 0;
    for (std::size_t k = from; k <= to; ++k)
      sum += m.close[k];
    return sum / static_cast<double>(to - from + 1);
  }
  return pv / vol;
}

std::shared_ptr<const std::vector<double>> series::vwap(int n) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = vwap_[n];
  if (slot)
    return slot;
  auto out = std::make_shared<std::vector<double>>(
      m1_.size(), std::numeric_limits<double>::quiet_NaN());
  if (n >= 1) {
    // Typical-price products are computed once; the window sums are
    // recomputed per candle so that every value has the reference's bits.
    const std::size_t len = m1_.size();
    std::vector<double> pv(len);
    for (std::size_t k = 0; k < len; ++k)
      pv[k] = ((m1_.high[k] + m1_.low[k] + m1_.close[k]) / 3) * m1_.volume[k];
    const auto w = static_cast<std::size_t>(n);
    for (std::size_t i = w - 1; i < len; ++i) {
      double num = 0, vol = 0;
      for (std::size_t k = i + 1 - w; k <= i; ++k) {
        num += pv[k];
        vol += m1_.volume[k];
      }
      if (vol == 0) {
        double sum = 0;
        for (std::size_t k = i + 1 - w; k <= i; ++k)
          sum += m1_.close[k];
        (*out)[i] = sum / static_cast<double>(w);
      } else {
        (*out)[i] = num / vol;
      }
    }
  }
  slot = std::move(out);
  return slot;
}

} // namespace btk
