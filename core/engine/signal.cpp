#include "core/engine/signal.hpp"

namespace btk {

std::string_view to_string(side x) noexcept {
  return x == side::long_ ? "long" : "short";
}

std::string_view to_string(close_reason x) noexcept {
  switch (x) {
  case close_reason::take_profit:
    return "take_profit";
  case close_reason::stop_loss:
    return "stop_loss";
  default:
    return "time_expired";
  }
}

std::string_view to_string(cancel_reason x) noexcept {
  switch (x) {
  case cancel_reason::timeout:
    return "timeout";
  case cancel_reason::price_reject:
    return "price_reject";
  default:
    return "user";
  }
}

std::string_view to_string(action x) noexcept {
  switch (x) {
  case action::idle:
    return "idle";
  case action::scheduled:
    return "scheduled";
  case action::opened:
    return "opened";
  case action::active:
    return "active";
  case action::closed:
    return "closed";
  case action::waiting:
    return "waiting";
  default:
    return "cancelled";
  }
}

} // namespace btk
