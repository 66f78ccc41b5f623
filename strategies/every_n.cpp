#include "strategies/builtins.hpp"

#include <cmath>

namespace btk {

using detail::lifetime;
using detail::side_of;

std::optional<signal_request> every_n::get_signal(const signal_context& ctx) {
  const std::int64_t m = floor_div(ctx.when(), minute_ms);
  if (m % p_.n != 0)
    return std::nullopt;
  signal_request r;
  r.position = side_of(p_.mode, m / p_.n);
  set_levels(r, ctx.current_price(), p_.tp, p_.sl);
  r.minute_estimated_time = p_.minutes;
  return r;
}

std::int64_t every_n::max_lifetime_minutes() const {
  return lifetime(p_.minutes);
}

std::optional<signal_request>
scheduled_entry::get_signal(const signal_context& ctx) {
  const std::int64_t m = floor_div(ctx.when(), minute_ms);
  if (m % p_.n != 0)
    return std::nullopt;
  signal_request r;
  r.position = side_of(p_.mode, m / p_.n);
  const double p = ctx.current_price();
  r.price_open = r.position == side::long_ ? p * (1 - p_.offset / 100)
                                           : p * (1 + p_.offset / 100);
  set_levels(r, r.price_open, p_.tp, p_.sl);
  r.minute_estimated_time = p_.minutes;
  return r;
}

std::int64_t scheduled_entry::max_lifetime_minutes() const {
  return lifetime(p_.minutes);
}

} // namespace btk
