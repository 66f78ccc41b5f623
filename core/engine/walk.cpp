#include "core/engine/walk.hpp"

#include <algorithm>

namespace btk {

namespace {

// The loop is written once per side so that the comparisons compile to
// straight-line code.
template <bool Long>
position_exit walk(const bar_series& m, const double* avg,
                   const position_walk& w, const pnl_params& p) noexcept {
  const side s = Long ? side::long_ : side::short_;
  const double* low = m.low.data();
  const double* high = m.high.data();
  const double tp = w.take_profit;
  const double sl = w.stop_loss;
  const double eff = w.entry;
  double peak_price = w.raw_entry;
  double peak_pnl = 0;
  double fall_price = w.raw_entry;
  double fall_pnl = pnl_percent(s, eff, w.raw_entry, p);
  const std::size_t end = std::min(w.limit, m.size());
  position_exit out;
  std::size_t i = w.start;
  for (; i < end; ++i) {
    const double a = avg[i];
    if (Long) {
      if (low[i] <= sl) {
        out.reason = close_reason::stop_loss;
        out.price = sl;
        break;
      }
      if (a >= tp) {
        out.reason = close_reason::take_profit;
        out.price = tp;
        break;
      }
      if (a - eff > 0) {
        if (a > peak_price) {
          const double q = pnl_percent(s, eff, a, p);
          if (q > 0) {
            peak_price = a;
            peak_pnl = q;
          }
        }
      } else if (a - eff < 0 && a < fall_price) {
        fall_price = a;
        fall_pnl = pnl_percent(s, eff, a, p);
      }
    } else {
      if (high[i] >= sl) {
        out.reason = close_reason::stop_loss;
        out.price = sl;
        break;
      }
      if (a <= tp) {
        out.reason = close_reason::take_profit;
        out.price = tp;
        break;
      }
      if (eff - a > 0) {
        if (a < peak_price) {
          const double q = pnl_percent(s, eff, a, p);
          if (q > 0) {
            peak_price = a;
            peak_pnl = q;
          }
        }
      } else if (eff - a < 0 && a > fall_price) {
        fall_price = a;
        fall_pnl = pnl_percent(s, eff, a, p);
      }
    }
  }
  if (i == end) {
    if (w.limit >= m.size()) {
      out.complete = false;
      out.index = m.size();
      return out;
    }
    out.reason = close_reason::time_expired;
    out.price = avg[i];
  }
  out.complete = true;
  out.index = i;
  const double q = pnl_percent(s, eff, out.price, p);
  if (q < fall_pnl)
    fall_pnl = q;
  if (q > 0 && q > peak_pnl)
    peak_pnl = q;
  out.peak_pnl = peak_pnl;
  out.fall_pnl = fall_pnl;
  return out;
}

} // namespace

position_exit walk_position(const bar_series& m, const double* avg,
                            const position_walk& w,
                            const pnl_params& p) noexcept {
  return w.position == side::long_ ? walk<true>(m, avg, w, p)
                                   : walk<false>(m, avg, w, p);
}

schedule_exit walk_schedule(const bar_series& m,
                            const schedule_walk& w) noexcept {
  const std::size_t end = std::min(w.limit, m.size());
  schedule_exit out;
  std::size_t i = w.start;
  if (w.position == side::long_) {
    for (; i < end; ++i) {
      if (m.low[i] <= w.stop_loss) {
        out.reason = cancel_reason::price_reject;
        break;
      }
      if (m.low[i] <= w.price_open) {
        out.activated = true;
        break;
      }
    }
  } else {
    for (; i < end; ++i) {
      if (m.high[i] >= w.stop_loss) {
        out.reason = cancel_reason::price_reject;
        break;
      }
      if (m.high[i] >= w.price_open) {
        out.activated = true;
        break;
      }
    }
  }
  if (i == end) {
    if (w.limit >= m.size()) {
      out.complete = false;
      out.index = m.size();
      return out;
    }
    out.reason = cancel_reason::timeout;
  }
  out.complete = true;
  out.index = i;
  return out;
}

} // namespace btk
