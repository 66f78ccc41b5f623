#pragma once

// backtest-kit's strategy schema `callbacks` (seed-era.md §3.2, live.md §5):
// user code called at each transition of an instance, in engine order, on
// the btk thread that runs the instance.

#include <exception>
#include <functional>
#include <string>

#include "core/engine/signal.hpp"

namespace btk {

/// Called with the instance's symbol, the signal, a price and whether the
/// run is a backtest. Every member is optional.
struct strategy_callbacks {
  using signal_fn =
      std::function<void(const std::string& symbol, const signal_row& signal,
                         double price, bool backtest)>;
  /// A position opened; price: the entry.
  signal_fn on_open;
  /// A position closed; price: the exit.
  signal_fn on_close;
  /// A limit entry was scheduled (and, live, restored after a restart);
  /// price: the tick's price.
  signal_fn on_schedule;
  /// A scheduled signal was cancelled; price: the tick's price.
  signal_fn on_cancel;
  /// Live: an open position restored after a restart (as in backtest-kit
  /// 19.5.0, the only time it is called); price: the first tick's price.
  signal_fn on_active;
  /// Live: a tick with no signal; price: the tick's price.
  std::function<void(const std::string& symbol, double price, bool backtest)>
      on_idle;
  /// After the calls above, for every result: live, every tick's (idle,
  /// waiting and active included); backtests, every scheduled, opened,
  /// closed and cancelled result.
  std::function<void(const std::string& symbol, const tick_result& result,
                     bool backtest)>
      on_tick;

  bool empty() const noexcept {
    return !on_open && !on_close && !on_schedule && !on_cancel && !on_active &&
           !on_idle && !on_tick;
  }

  /// Calls the callbacks `r` triggers, `price` being the result's price.
  /// A callback that throws does not stop the run: the text of the
  /// exception is returned (empty when all went well).
  std::string fire(const std::string& symbol, const tick_result& r,
                   double price, bool backtest) const {
    try {
      const signal_fn* f = nullptr;
      switch (r.kind) {
      case action::opened:
        f = &on_open;
        break;
      case action::closed:
        f = &on_close;
        break;
      case action::scheduled:
        f = &on_schedule;
        break;
      case action::cancelled:
        f = &on_cancel;
        break;
      case action::idle:
        if (on_idle)
          on_idle(symbol, price, backtest);
        break;
      default:
        break;
      }
      if (f != nullptr && *f)
        (*f)(symbol, r.signal, price, backtest);
      if (on_tick)
        on_tick(symbol, r, backtest);
    } catch (const std::exception& e) {
      return std::string{"strategy callback threw: "} + e.what();
    } catch (...) {
      return "strategy callback threw an unknown exception";
    }
    return {};
  }
};

} // namespace btk
