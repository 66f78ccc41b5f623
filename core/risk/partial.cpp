#include "core/risk/partial.hpp"

#include <cmath>

namespace btk {

namespace {

/// JavaScript's `Math.min(100, x)`: NaN stays NaN.
double cap100(double x) noexcept {
  if (std::isnan(x))
    return x;
  return x < 100 ? x : 100;
}

/// Appends the levels above `fired` (10, 20, ...) that `percent` reaches and
/// raises `fired` to the last of them.
void fire(bool profit, double percent, int& fired, std::size_t index,
          timestamp when, double price, std::vector<partial_hit>& out) {
  for (int level = fired + 10; level <= 100 && percent >= level; level += 10) {
    out.push_back({profit, level, index, when, price});
    fired = level;
  }
}

} // namespace

std::optional<partial_progress>
partial_progress_of(side position, double price_open, double take_profit,
                    double stop_loss, double price) noexcept {
  if (position == side::long_) {
    const double d = price - price_open;
    if (d > 0)
      return partial_progress{true,
                              cap100(d / (take_profit - price_open) * 100)};
    if (d < 0)
      return partial_progress{
          false, cap100(std::fabs(d) / (price_open - stop_loss) * 100)};
  } else {
    const double d = price_open - price;
    if (d > 0)
      return partial_progress{true,
                              cap100(d / (price_open - take_profit) * 100)};
    if (d < 0)
      return partial_progress{
          false, cap100(std::fabs(d) / (stop_loss - price_open) * 100)};
  }
  return std::nullopt;
}

partial_tracker::partial_tracker(side position, double price_open,
                                 double take_profit, double stop_loss) noexcept
    : position_(position)
    , price_open_(price_open)
    , take_profit_(take_profit)
    , stop_loss_(stop_loss) {
  // nop
}

void partial_tracker::update(double price, timestamp when,
                             std::vector<partial_hit>& out) {
  const std::size_t step = steps_++;
  const auto p = partial_progress_of(position_, price_open_, take_profit_,
                                     stop_loss_, price);
  if (!p)
    return;
  fire(p->profit, p->percent, p->profit ? profit_level_ : loss_level_, step,
       when, price, out);
}

void partial_tracker::reset() noexcept {
  profit_level_ = 0;
  loss_level_ = 0;
  steps_ = 0;
}

std::vector<partial_hit> partial_milestones(const series& s, const double* avg,
                                            const tick_result& closed) {
  std::vector<partial_hit> out;
  if (closed.kind != action::closed || avg == nullptr)
    return out;
  const signal_row& sig = closed.signal;
  const auto created = s.index_of(sig.scheduled_at);
  const auto pending = s.index_of(sig.pending_at);
  const auto end = s.index_of(closed.close_timestamp);
  if (created < 1 || pending < created || end < pending)
    return out;
  bool immediate = false;
  if (sig.pending_at == sig.scheduled_at) {
    // The engine's test at the creation tick: the current price there is
    // the VWAP of the window ending at the candle before it.
    const double price = avg[created - 1];
    immediate = sig.position == side::long_ ? price <= sig.original_price_open
                                            : price >= sig.original_price_open;
  }
  const auto first =
      static_cast<std::size_t>(immediate ? pending : pending + 1);
  const auto stop = static_cast<std::size_t>(end);
  const bar_series& m = s.minutes();
  partial_tracker tracker{sig.position, sig.price_open, sig.price_take_profit,
                          sig.price_stop_loss};
  for (std::size_t i = first; i < stop; ++i) {
    const std::size_t before = out.size();
    tracker.update(avg[i], m.open_time(i), out);
    for (std::size_t k = before; k < out.size(); ++k)
      out[k].index = i;
  }
  return out;
}

} // namespace btk
