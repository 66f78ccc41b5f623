#include "strategies/builtins.hpp"

namespace btk {

std::optional<signal_request> sma_cross::get_signal(const signal_context& ctx) {
  const auto slow = static_cast<std::size_t>(p_.slow);
  const auto fast = static_cast<std::size_t>(p_.fast);
  // The means come from the series' shared moving averages: each sums its
  // window oldest to newest, then divides once (parity/README.md), as a
  // mean over the last `slow + 1` bars would; a sweep computes each period
  // once for all jobs.
  const indicator_view sl = ctx.sma(p_.iv, slow);
  if (sl.size() < slow + 1) {
    // Asking for the bars names the gap (the engine stops the run).
    (void)ctx.candles(p_.iv, slow + 1);
    return std::nullopt;
  }
  const indicator_view f = ctx.sma(p_.iv, fast);
  const double fast_now = f.back(0);
  const double slow_now = sl.back(0);
  const double fast_prev = f.back(1);
  const double slow_prev = sl.back(1);
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
