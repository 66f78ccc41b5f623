#include "strategies/builtins.hpp"

namespace btk {

std::optional<signal_request> sma_cross::get_signal(const signal_context& ctx) {
  const auto slow = static_cast<std::size_t>(p_.slow);
  const auto fast = static_cast<std::size_t>(p_.fast);
  const bar_window w = ctx.candles(p_.iv, slow + 1);
  if (w.size == 0)
    return std::nullopt;
  const double* c = w.close;
  // Each mean sums oldest to newest, then divides once (parity/README.md).
  auto mean = [c](std::size_t from, std::size_t count) {
    double sum = 0;
    for (std::size_t k = from; k < from + count; ++k)
      sum += c[k];
    return sum / static_cast<double>(count);
  };
  const double fast_now = mean(slow + 1 - fast, fast);
  const double slow_now = mean(1, slow);
  const double fast_prev = mean(slow - fast, fast);
  const double slow_prev = mean(0, slow);
  signal_request r;
  if (fast_prev <= slow_prev && fast_now > slow_now)
    r.position = side::long_;
  else if (fast_prev >= slow_prev && fast_now < slow_now)
    r.position = side::short_;
  else
    return std::nullopt;
  set_levels(r, ctx.current_price(), p_.tp, p_.sl);
  r.minute_estimated_time = p_.minutes;
  return r;
}

std::int64_t sma_cross::lookback_minutes() const {
  return (p_.slow + 2) * interval_minutes(p_.iv);
}

std::int64_t sma_cross::max_lifetime_minutes() const {
  return detail::lifetime(p_.minutes);
}

} // namespace btk
