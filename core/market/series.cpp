#include "core/market/series.hpp"

#include "core/market/indicator.hpp"
#include "core/market/parallel.hpp"
#include "core/market/vector_clones.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <string>

namespace btk {

namespace {

// Values per part when a cache is built on several threads: a part costs
// a thread's start (tens of microseconds), a value a few nanoseconds.
constexpr std::size_t min_part = std::size_t{1} << 16;

// `candle_flaws == 0` for a candle on the grid, without branches so that
// loops over many candles vectorise.
inline bool fine_candle(double o, double h, double l, double c,
                        double v) noexcept {
  constexpr double max = std::numeric_limits<double>::max();
  return (o > 0) & (h <= max) & (l > 0) & (c > 0) & (h >= l) & (o >= l) &
         (o <= h) & (c >= l) & (c <= h) & (v >= 0) & (v <= max);
}

// The error of candle `i` of a series, which breaks the rules `flaws`.
error flawed_candle(const std::string& symbol, std::size_t i, const candle& c,
                    std::uint16_t flaws) {
  return error{"series " + symbol + ": candle " + std::to_string(i) + " at " +
               to_iso(c.ts) + ": " + describe_candle_flaws(flaws, c)};
}

// The first candle of `cs` that is not where it belongs or has a flaw, as
// the error `series::make` gives.
error first_bad_candle(const std::string& symbol,
                       const std::vector<candle>& cs) {
  const timestamp first = cs.front().ts;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const auto& c = cs[i];
    const timestamp want = first + static_cast<timestamp>(i) * minute_ms;
    if (c.ts != want)
      return error{"series " + symbol + ": candle " + std::to_string(i) +
                   " opens at " + to_iso(c.ts) + ", expected " + to_iso(want) +
                   " (1-minute candles must be contiguous)"};
    if (const auto flaws = candle_flaws(c))
      return flawed_candle(symbol, i, c, flaws);
  }
  return error{"series " + symbol + ": a candle is invalid"};
}

} // namespace

expected<std::shared_ptr<const series>>
series::make(std::string symbol, const std::vector<candle>& cs) {
  if (cs.empty())
    return error{"series " + symbol + ": no candles"};
  // One pass copies and checks, in ranges on several threads (the first
  // write to the columns' pages is most of its cost); the rare bad input is
  // looked at again for its message.
  const std::size_t n = cs.size();
  const timestamp first = cs.front().ts;
  std::atomic<bool> fine{candle_flaws(cs.front()) == 0};
  std::shared_ptr<series> s{new series};
  auto& m = s->m1_;
  m.iv = interval::m1;
  m.step = minute_ms;
  m.first = first;
  for (auto* v : {&m.open, &m.high, &m.low, &m.close, &m.volume})
    v->resize(n);
  double* o = m.open.data();
  double* h = m.high.data();
  double* l = m.low.data();
  double* c = m.close.data();
  double* vol = m.volume.data();
  for_each_part(n, min_part, [&](std::size_t from, std::size_t to) {
    bool ok = true;
    for (std::size_t i = from; i < to; ++i) {
      const auto& k = cs[i];
      ok &= (k.ts == first + static_cast<timestamp>(i) * minute_ms) &
            fine_candle(k.open, k.high, k.low, k.close, k.volume);
      o[i] = k.open;
      h[i] = k.high;
      l[i] = k.low;
      c[i] = k.close;
      vol[i] = k.volume;
    }
    if (!ok)
      fine.store(false, std::memory_order_relaxed);
  });
  if (!fine.load())
    return first_bad_candle(symbol, cs);
  s->symbol_ = std::move(symbol);
  return std::shared_ptr<const series>{std::move(s)};
}

expected<std::shared_ptr<const series>> series::from_minutes(std::string symbol,
                                                             bar_series m) {
  const std::size_t n = m.close.size();
  if (n == 0)
    return error{"series " + symbol + ": no candles"};
  if (m.iv != interval::m1 || m.step != minute_ms ||
      m.first - floor_div(m.first, minute_ms) * minute_ms != 0 ||
      m.open.size() != n || m.high.size() != n || m.low.size() != n ||
      m.volume.size() != n)
    return error{"series " + symbol +
                 ": the columns are not 1-minute bars of one length"};
  const double* o = m.open.data();
  const double* h = m.high.data();
  const double* l = m.low.data();
  const double* c = m.close.data();
  const double* v = m.volume.data();
  // One pass over the columns, in ranges on several threads (it reads 40
  // bytes a candle from memory); the rare bad input is looked at again for
  // its message.
  std::atomic<bool> fine{true};
  for_each_part(n, min_part, [&](std::size_t from, std::size_t to) {
    bool ok = true;
    for (std::size_t i = from; i < to; ++i)
      ok &= fine_candle(o[i], h[i], l[i], c[i], v[i]);
    if (!ok)
      fine.store(false, std::memory_order_relaxed);
  });
  if (!fine.load())
    for (std::size_t i = 0; i < n; ++i) {
      const candle c{m.open_time(i), m.open[i],  m.high[i],
                     m.low[i],       m.close[i], m.volume[i]};
      if (const auto flaws = candle_flaws(c))
        return flawed_candle(symbol, i, c, flaws);
    }
  std::shared_ptr<series> s{new series};
  s->symbol_ = std::move(symbol);
  s->m1_ = std::move(m);
  return std::shared_ptr<const series>{std::move(s)};
}

std::ptrdiff_t series::index_of(timestamp t) const noexcept {
  const timestamp d = t - m1_.first;
  if (d < 0 || d % minute_ms != 0)
    return -1;
  const auto i = static_cast<std::ptrdiff_t>(d / minute_ms);
  return i < static_cast<std::ptrdiff_t>(m1_.size()) ? i : -1;
}

namespace {

// Bars `[from, to)` of `out` (buckets of `per` minutes, bar 0 starting at
// minute `i0`) from the 1-minute candles `m`.
void fill_bars(const bar_series& m, std::int64_t i0, std::int64_t per,
               std::size_t from, std::size_t to, bar_series& out) noexcept {
  const double* hs = m.high.data();
  const double* ls = m.low.data();
  const double* vs = m.volume.data();
  for (std::size_t j = from; j < to; ++j) {
    const std::int64_t i = i0 + static_cast<std::int64_t>(j) * per;
    double hi = hs[i], lo = ls[i], vol = 0;
    for (std::int64_t k = i; k < i + per; ++k) {
      hi = hs[k] > hi ? hs[k] : hi;
      lo = ls[k] < lo ? ls[k] : lo;
      vol += vs[k];
    }
    out.open[j] = m.open[static_cast<std::size_t>(i)];
    out.high[j] = hi;
    out.low[j] = lo;
    out.close[j] = m.close[static_cast<std::size_t>(i + per - 1)];
    out.volume[j] = vol;
  }
}

// Values `[from, to)` of the VWAP of `w` candles of `m` into `out`
// (`series::vwap`). The typical-price products of a chunk's candles are
// computed once; the window sums are recomputed per value so that every
// value has the reference's bits. The sums of many windows are built
// together, adding candle j of every window in turn: each window still
// adds oldest to newest, and the loop over windows vectorises.
BTK_VECTOR_CLONES
void fill_vwap(const bar_series& m, std::size_t w, std::size_t from,
               std::size_t to, double* out) {
  for (; from < to && from + 1 < w; ++from)
    out[from] = std::numeric_limits<double>::quiet_NaN();
  const double* hs = m.high.data();
  const double* ls = m.low.data();
  const double* cs = m.close.data();
  const double* vs = m.volume.data();
  constexpr std::size_t chunk = 512;
  double num[chunk];
  double vol[chunk];
  // The products of one chunk's candles (a chunk of values reads
  // `chunk + w - 1` candles).
  std::vector<double> pv(chunk + w - 1);
  for (std::size_t e0 = from; e0 < to; e0 += chunk) {
    const std::size_t n = std::min(chunk, to - e0);
    const std::size_t s0 = e0 + 1 - w; // the first window's first candle
    for (std::size_t k = 0; k < n + w - 1; ++k) {
      const std::size_t c = s0 + k;
      pv[k] = ((hs[c] + ls[c] + cs[c]) / 3) * vs[c];
    }
    for (std::size_t i = 0; i < n; ++i) {
      num[i] = 0.0 + pv[i];
      vol[i] = 0.0 + vs[s0 + i];
    }
    for (std::size_t j = 1; j < w; ++j) {
      const double* pj = pv.data() + j;
      const double* vj = vs + s0 + j;
      for (std::size_t i = 0; i < n; ++i) {
        num[i] += pj[i];
        vol[i] += vj[i];
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (vol[i] == 0) {
        double sum = 0;
        for (std::size_t k = s0 + i; k < s0 + i + w; ++k)
          sum += cs[k];
        out[e0 + i] = sum / static_cast<double>(w);
      } else {
        out[e0 + i] = num[i] / vol[i];
      }
    }
  }
}

} // namespace

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
  const std::int64_t i0 = (b - m1_.first) / minute_ms;
  const std::int64_t count = i0 + per <= n ? (n - i0) / per : 0;
  for (auto* v : {&out->open, &out->high, &out->low, &out->close, &out->volume})
    v->resize(static_cast<std::size_t>(count));
  bar_series& bars = *out;
  for_each_part(static_cast<std::size_t>(count),
                min_part / static_cast<std::size_t>(per),
                [&](std::size_t from, std::size_t to) {
                  fill_bars(m1_, i0, per, from, to, bars);
                });
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

std::shared_ptr<const column> series::vwap(int n) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = vwap_[n];
  if (slot)
    return slot;
  const std::size_t size = m1_.size();
  auto out = std::make_shared<column>(size);
  double* values = out->data();
  if (n >= 1 && size >= static_cast<std::size_t>(n)) {
    const auto w = static_cast<std::size_t>(n);
    for_each_part(size, min_part, [&](std::size_t from, std::size_t to) {
      fill_vwap(m1_, w, from, to, values);
    });
  } else {
    std::fill(values, values + size, std::numeric_limits<double>::quiet_NaN());
  }
  slot = std::move(out);
  return slot;
}

struct series::cached_indicator {
  interval iv;
  std::size_t period; // a moving average's, or 0 for a keyed indicator
  std::string key;
  std::shared_ptr<const indicator_values> values;
  detail::indicator_charge charge;

  bool is(interval i, std::size_t p, const std::string& k) const {
    return iv == i && period == p && (p != 0 || key == k);
  }
};

std::shared_ptr<const indicator_values>
series::indicator(interval iv, const std::string& key,
                  const indicator_fill& fill) const {
  return cached_indicator_of(iv, 0, key, fill);
}

std::shared_ptr<const indicator_values> series::sma(interval iv,
                                                    std::size_t period) const {
  static const std::string none;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (const auto& c : indicators_)
      if (c->is(iv, period, none))
        return c->values;
  }
  return cached_indicator_of(iv, period, "sma:" + std::to_string(period),
                             sma_fill(period));
}

std::shared_ptr<const indicator_values>
series::cached_indicator_of(interval iv, std::size_t period,
                            const std::string& key,
                            const indicator_fill& fill) const {
  // The bars first: `bars` takes the same lock.
  const bar_series* bars = &m1_;
  if (iv != interval::m1)
    bars = this->bars(iv).get();
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& c : indicators_)
    if (c->is(iv, period, key))
      return c->values;
  auto made = std::make_shared<const indicator_values>(*bars, fill);
  drop_indicators(made->full_bytes());
  detail::indicator_charge charge{made->full_bytes()};
  if (charge.held())
    indicators_.push_back(std::make_shared<cached_indicator>(
        cached_indicator{iv, period, key, made, std::move(charge)}));
  return made;
}

std::size_t series::indicator_bytes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::size_t n = 0;
  for (const auto& c : indicators_)
    n += c->charge.bytes();
  return n;
}

void series::drop_indicators(std::size_t room) const {
  // Oldest first; runs holding them keep them.
  std::size_t drop = 0;
  while (drop < indicators_.size() &&
         indicator_cache_bytes() + room > indicator_cache_budget())
    indicators_[drop++].reset(); // gives its bytes back
  indicators_.erase(indicators_.begin(),
                    indicators_.begin() + static_cast<std::ptrdiff_t>(drop));
}

} // namespace btk
