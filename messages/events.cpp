#include "messages/events.hpp"

namespace btk {

std::string_view to_string(topic t) noexcept {
  switch (t) {
  case topic::signal:
    return "signal";
  case topic::signal_backtest:
    return "signal_backtest";
  case topic::signal_live:
    return "signal_live";
  case topic::progress_backtest:
    return "progress_backtest";
  case topic::done_backtest:
    return "done_backtest";
  case topic::done_live:
    return "done_live";
  case topic::done_walker:
    return "done_walker";
  case topic::walker:
    return "walker";
  case topic::walker_complete:
    return "walker_complete";
  case topic::risk:
    return "risk";
  case topic::partial_profit:
    return "partial_profit";
  case topic::partial_loss:
    return "partial_loss";
  case topic::performance:
    return "performance";
  case topic::error:
    return "error";
  case topic::exit:
    return "exit";
  }
  return "?";
}

} // namespace btk
