#include "core/engine/validation.hpp"

#include <charconv>
#include <cmath>

namespace btk {

namespace {

std::string num(double x) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, p);
}

bool is_long(const signal_request& r) {
  return r.position == side::long_;
}

double tp_distance(const signal_request& r, double e) {
  return is_long(r) ? (r.price_take_profit - e) / e * 100
                    : (e - r.price_take_profit) / e * 100;
}

double sl_distance(const signal_request& r, double e) {
  return is_long(r) ? (e - r.price_stop_loss) / e * 100
                    : (r.price_stop_loss - e) / e * 100;
}

bool positive_finite(double x) {
  return std::isfinite(x) && x > 0;
}

} // namespace

signal_rule validate_signal(const signal_request& r, double e,
                            const config& cfg, std::int64_t& minutes) noexcept {
  if (is_long(r) ? !cfg.enable_long_signal : !cfg.enable_short_signal)
    return signal_rule::side_disabled;
  if (!positive_finite(e) || !positive_finite(r.price_take_profit) ||
      !positive_finite(r.price_stop_loss))
    return signal_rule::price_not_positive;
  if (is_long(r) ? !(r.price_stop_loss < e && e < r.price_take_profit)
                 : !(r.price_take_profit < e && e < r.price_stop_loss))
    return signal_rule::price_order;
  if (cfg.min_takeprofit_distance_percent != 0 &&
      tp_distance(r, e) < cfg.min_takeprofit_distance_percent)
    return signal_rule::take_profit_too_close;
  if (cfg.min_stoploss_distance_percent != 0 &&
      sl_distance(r, e) < cfg.min_stoploss_distance_percent)
    return signal_rule::stop_loss_too_close;
  if (cfg.max_stoploss_distance_percent != 0 &&
      sl_distance(r, e) > cfg.max_stoploss_distance_percent)
    return signal_rule::stop_loss_too_far;
  const double m = r.minute_estimated_time;
  if (m != m) {
    if (cfg.max_signal_lifetime_minutes < 1)
      return signal_rule::lifetime_not_positive_integer;
    minutes = cfg.max_signal_lifetime_minutes;
    return signal_rule::ok;
  }
  if (!(std::isfinite(m) && m >= 1 && std::floor(m) == m && m < 9.0e15))
    return signal_rule::lifetime_not_positive_integer;
  if (cfg.max_signal_lifetime_minutes != 0 &&
      m > static_cast<double>(cfg.max_signal_lifetime_minutes))
    return signal_rule::lifetime_too_long;
  minutes = static_cast<std::int64_t>(m);
  return signal_rule::ok;
}

std::string_view to_string(signal_rule rule) noexcept {
  switch (rule) {
  case signal_rule::ok:
    return "ok";
  case signal_rule::side_disabled:
    return "side_disabled";
  case signal_rule::price_not_positive:
    return "price_not_positive";
  case signal_rule::price_order:
    return "price_order";
  case signal_rule::take_profit_too_close:
    return "take_profit_too_close";
  case signal_rule::stop_loss_too_close:
    return "stop_loss_too_close";
  case signal_rule::stop_loss_too_far:
    return "stop_loss_too_far";
  case signal_rule::lifetime_not_positive_integer:
    return "lifetime_not_positive_integer";
  default:
    return "lifetime_too_long";
  }
}

std::string describe_rejection(signal_rule rule, const signal_request& r,
                               double e, const config& cfg) {
  const std::string pos{to_string(r.position)};
  switch (rule) {
  case signal_rule::ok:
    return "signal accepted";
  case signal_rule::side_disabled:
    return pos + " signals are disabled (CC_ENABLE_" +
           (is_long(r) ? std::string{"LONG"} : std::string{"SHORT"}) +
           "_SIGNAL is false)";
  case signal_rule::price_not_positive:
    return "prices must be finite and > 0 (entry " + num(e) + ", take-profit " +
           num(r.price_take_profit) + ", stop-loss " + num(r.price_stop_loss) +
           ")";
  case signal_rule::price_order:
    return is_long(r)
               ? "a long needs stop-loss < entry < take-profit (stop-loss " +
                     num(r.price_stop_loss) + ", entry " + num(e) +
                     ", take-profit " + num(r.price_take_profit) + ")"
               : "a short needs take-profit < entry < stop-loss (take-profit " +
                     num(r.price_take_profit) + ", entry " + num(e) +
                     ", stop-loss " + num(r.price_stop_loss) + ")";
  case signal_rule::take_profit_too_close:
    return "take-profit is " + num(tp_distance(r, e)) +
           "% from the entry, below CC_MIN_TAKEPROFIT_DISTANCE_PERCENT = " +
           num(cfg.min_takeprofit_distance_percent) + "% (entry " + num(e) +
           ", take-profit " + num(r.price_take_profit) + ")";
  case signal_rule::stop_loss_too_close:
    return "stop-loss is " + num(sl_distance(r, e)) +
           "% from the entry, below CC_MIN_STOPLOSS_DISTANCE_PERCENT = " +
           num(cfg.min_stoploss_distance_percent) + "% (entry " + num(e) +
           ", stop-loss " + num(r.price_stop_loss) + ")";
  case signal_rule::stop_loss_too_far:
    return "stop-loss is " + num(sl_distance(r, e)) +
           "% from the entry, above CC_MAX_STOPLOSS_DISTANCE_PERCENT = " +
           num(cfg.max_stoploss_distance_percent) + "% (entry " + num(e) +
           ", stop-loss " + num(r.price_stop_loss) + ")";
  case signal_rule::lifetime_not_positive_integer:
    return "minuteEstimatedTime must be a positive integer (got " +
           num(r.minute_estimated_time) + ")";
  default:
    return "minuteEstimatedTime " + num(r.minute_estimated_time) +
           " exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES = " +
           std::to_string(cfg.max_signal_lifetime_minutes);
  }
}

} // namespace btk
