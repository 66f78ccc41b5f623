#include "strategies/builtins.hpp"

#include <limits>

namespace btk {

double rsi_reversion::rsi(const double* closes, std::size_t n,
                          std::int64_t period) {
  const auto p = static_cast<std::size_t>(period);
  double gain = 0;
  double loss = 0;
  for (std::size_t k = 1; k <= p; ++k) {
    const double d = closes[k] - closes[k - 1];
    if (d > 0)
      gain += d;
    else
      loss -= d;
  }
  gain /= static_cast<double>(p);
  loss /= static_cast<double>(p);
  for (std::size_t k = p + 1; k < n; ++k) {
    const double d = closes[k] - closes[k - 1];
    gain = (gain * static_cast<double>(p - 1) + (d > 0 ? d : 0)) /
           static_cast<double>(p);
    loss = (loss * static_cast<double>(p - 1) + (d < 0 ? -d : 0)) /
           static_cast<double>(p);
  }
  if (loss == 0)
    return gain == 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

indicator_fill rsi_reversion::rsi_fill(std::int64_t period) {
  const auto n = static_cast<std::size_t>(period) * 4 + 1;
  return [period, n](const bar_series& bars, std::size_t from, std::size_t to,
                     double* out) {
    for (std::size_t k = from; k < to; ++k)
      out[k - from] = k + 1 < n
                          ? std::numeric_limits<double>::quiet_NaN()
                          : rsi(bars.close.data() + (k + 1 - n), n, period);
  };
}

rsi_reversion::rsi_reversion(params p)
    : p_(p)
    , key_("rsi:" + std::to_string(p.period))
    , fill_(rsi_fill(p.period)) {}

std::optional<signal_request>
rsi_reversion::get_signal(const signal_context& ctx) {
  // One bar more than the RSI needs, to compare with the previous value.
  // The window is not read: asking for it checks that the data reaches
  // back far enough, and names the gap when it does not.
  const bar_window w = ctx.candles(p_.iv, window() + 1);
  if (w.size == 0)
    return std::nullopt;
  // The RSI at every bar is shared by the runs on the series (`rsi_fill`).
  const indicator_view v = ctx.indicator(p_.iv, key_, fill_);
  const double prev = v.back(1);
  const double now = v.back(0);
  signal_request r;
  if (prev < p_.oversold && now >= p_.oversold)
    r.position = side::long_;
  else if (prev > p_.overbought && now <= p_.overbought)
    r.position = side::short_;
  else
    return std::nullopt;
  set_levels(r, ctx.current_price(), p_.tp, p_.sl);
  r.minute_estimated_time = p_.minutes;
  r.note = "RSI " + std::to_string(now);
  return r;
}

std::int64_t rsi_reversion::lookback_minutes() const {
  return static_cast<std::int64_t>(window() + 2) * interval_minutes(p_.iv);
}

std::int64_t rsi_reversion::max_lifetime_minutes() const {
  return detail::lifetime(p_.minutes);
}

} // namespace btk
