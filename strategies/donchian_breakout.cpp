#include "strategies/builtins.hpp"

namespace btk {

std::optional<signal_request>
donchian_breakout::get_signal(const signal_context& ctx) {
  const auto n = static_cast<std::size_t>(p_.period);
  const bar_window w = ctx.candles(p_.iv, n + 1);
  if (w.size == 0)
    return std::nullopt;
  double upper = w.high[0];
  double lower = w.low[0];
  for (std::size_t k = 1; k < n; ++k) {
    if (w.high[k] > upper)
      upper = w.high[k];
    if (w.low[k] < lower)
      lower = w.low[k];
  }
  const double last = w.close[n];
  signal_request r;
  if (last > upper)
    r.position = side::long_;
  else if (last < lower)
    r.position = side::short_;
  else
    return std::nullopt;
  set_levels(r, ctx.current_price(), p_.tp, p_.sl);
  r.minute_estimated_time = p_.minutes;
  return r;
}

std::int64_t donchian_breakout::lookback_minutes() const {
  return (p_.period + 2) * interval_minutes(p_.iv);
}

std::int64_t donchian_breakout::max_lifetime_minutes() const {
  return detail::lifetime(p_.minutes);
}

} // namespace btk
