#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/engine/config.hpp"
#include "core/engine/signal.hpp"

namespace btk {

/// The validation rule a signal request broke (engine.md §3.4), or `ok`.
enum class signal_rule : std::uint8_t {
  ok,
  side_disabled,
  price_not_positive,
  price_order,
  take_profit_too_close,
  stop_loss_too_close,
  stop_loss_too_far,
  lifetime_not_positive_integer,
  lifetime_too_long,
};

/// Checks a request whose entry would be `entry` (its `priceOpen` when
/// given, else the current price). On success stores the lifetime in
/// minutes (the default when the request has none) in `minutes`. The
/// distance checks are evaluated exactly as the reference writes them, so a
/// 0.5 % stop can fail by rounding; a limit set to 0 switches its check off.
signal_rule validate_signal(const signal_request& req, double entry,
                            const config& cfg, std::int64_t& minutes) noexcept;

/// A sentence a user can act on: which rule failed, with the values.
std::string describe_rejection(signal_rule rule, const signal_request& req,
                               double entry, const config& cfg);

/// Short stable name of a rule (for counting), e.g. `take_profit_too_close`.
std::string_view to_string(signal_rule rule) noexcept;

} // namespace btk
