#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/engine/backtest.hpp"
#include "core/engine/frame.hpp"
#include "core/engine/signal.hpp"
#include "core/engine/signal_context.hpp"
#include "core/market/interval.hpp"
#include "core/market/series.hpp"

namespace btk {

/// The interface a C++ user implements to write a strategy. The engine asks
/// `get_signal` at most once per bucket of `signal_interval()`, and only
/// while the strategy has no scheduled or open signal.
class strategy {
public:
  virtual ~strategy() = default;

  /// The throttle interval (1m 3m 5m 15m 30m 1h).
  virtual interval signal_interval() const = 0;

  /// A signal request, or nothing. `ctx` gives the tick time, the current
  /// price and the closed candles before the tick.
  virtual std::optional<signal_request>
  get_signal(const signal_context& ctx) = 0;

  /// Minutes of history `get_signal` reads before a tick; sets the default
  /// frame's warm-up. Default: 0
  virtual std::int64_t lookback_minutes() const { return 0; }

  /// Longest `minuteEstimatedTime` it asks for (0: the configured maximum);
  /// sets the default frame's look-ahead. Default: 0
  virtual std::int64_t max_lifetime_minutes() const { return 0; }

  /// Whether it returns limit entries that can be scheduled; adds
  /// `CC_SCHEDULE_AWAIT_MINUTES` to the default look-ahead. Default: false
  virtual bool may_schedule() const { return false; }

  /// Runs a backtest of this strategy. The built-ins override it so that the
  /// engine calls their `get_signal` without a virtual call.
  virtual expected<run_counters> backtest(const series& s, const config& cfg,
                                          const backtest_frame& f,
                                          result_sink& sink) {
    return run_backtest(s, *this, cfg, f, sink);
  }

  /// A resumable run of this strategy (the actor path); see
  /// `backtest_machine`. The strategy, `s` and `cfg` must outlive it.
  virtual std::unique_ptr<backtest_run> make_run(const series& s,
                                                 const config& cfg,
                                                 const backtest_frame& f,
                                                 bool gated) {
    return std::make_unique<backtest_run_of<strategy>>(s, *this, cfg, f, gated);
  }
};

/// Base for strategies whose `get_signal` the engine should call directly:
/// derive as `class mine final : public inline_strategy<mine>`. The engine
/// loop is instantiated with the concrete type, so `get_signal` is a direct
/// (inlinable) call instead of a virtual one. The built-ins define
/// `get_signal` out of line in their own .cpp; being the class's key
/// function, it puts the vtable, and so this instantiation, in that file.
template <class Derived>
class inline_strategy : public strategy {
public:
  expected<run_counters> backtest(const series& s, const config& cfg,
                                  const backtest_frame& f,
                                  result_sink& sink) override {
    return run_backtest(s, static_cast<Derived&>(*this), cfg, f, sink);
  }
  std::unique_ptr<backtest_run> make_run(const series& s, const config& cfg,
                                         const backtest_frame& f,
                                         bool gated) override {
    return std::make_unique<backtest_run_of<Derived>>(
        s, static_cast<Derived&>(*this), cfg, f, gated);
  }
};

/// What `s` needs around its frame (for `frame_margins_for`).
inline frame_needs needs_of(const strategy& s) {
  return {s.lookback_minutes(), s.max_lifetime_minutes(), s.may_schedule()};
}

/// TP and SL levels `tp`/`sl` percent away from entry `p`, evaluated in the
/// reference's order: long `p * (1 + tp / 100)`, `p * (1 - sl / 100)`; short
/// mirrored.
inline void set_levels(signal_request& r, double p, double tp, double sl) {
  if (r.position == side::long_) {
    r.price_take_profit = p * (1 + tp / 100);
    r.price_stop_loss = p * (1 - sl / 100);
  } else {
    r.price_take_profit = p * (1 - tp / 100);
    r.price_stop_loss = p * (1 + sl / 100);
  }
}

} // namespace btk
