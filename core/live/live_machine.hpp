#pragma once

// The live tick (live.md §4): one strategy instance on one symbol, advanced
// one minute at a time. Time and the closed candles come in as arguments;
// the whole state is a plain value (`live_state`) that a host persists
// after every tick and hands back after a restart. No I/O, no clock.

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "core/engine/pnl.hpp"
#include "core/engine/signal.hpp"
#include "core/engine/signal_context.hpp"
#include "core/engine/validation.hpp"
#include "core/error.hpp"
#include "core/market/interval.hpp"
#include "core/market/series.hpp"
#include "core/risk/partial.hpp"

namespace btk {

/// What an instance holds between ticks.
enum class live_phase : std::uint8_t {
  /// No signal: the next tick may ask the strategy for one.
  flat,
  /// A limit entry waits for the price (`_scheduledSignal`).
  scheduled,
  /// A position is open (`_pendingSignal`).
  pending,
};

std::string_view to_string(live_phase x) noexcept;

/// A best or worst point of an open position (`_peak`, `_fall`).
struct excursion {
  double price = 0;
  /// PnL % at `price`.
  double pnl = 0;
  /// The tick that set it.
  timestamp at = 0;
};

/// The throttle value before the first `get_signal`.
inline constexpr std::int64_t no_bucket =
    std::numeric_limits<std::int64_t>::min();

/// Everything an instance needs to continue exactly after a restart: the
/// reference's persisted rows (live.md §7) plus what it keeps only in
/// memory and btk persists on purpose (the `get_signal` throttle, the stop).
struct live_state {
  live_phase phase = live_phase::flat;
  /// The scheduled or open signal; with `cancel_due`, the scheduled signal
  /// whose cancellation the next tick reports.
  signal_row signal;
  excursion peak;
  excursion fall;
  /// The strategy-interval bucket (`floor(t / interval)`) of the last
  /// `get_signal` call. Default: no_bucket
  std::int64_t last_bucket = no_bucket;
  /// The last tick that ran, 0 before the first.
  timestamp last_tick = 0;
  /// Signals created so far; the next unnamed one gets id `signals + 1`.
  std::uint64_t signals = 0;
  /// Id of the last position opened (the whipsaw guard, live.md §4.4).
  std::string last_pending_id;
  /// `stop` was called: no new signal; the loop ends once flat.
  bool stopped = false;
  /// A stop turned the scheduled signal into a deferred cancellation.
  bool cancel_due = false;
  /// The loop has ended (stopped, and the last result delivered).
  bool ended = false;
  /// The open position's highest partial profit and loss levels reached
  /// (10 .. 100, 0: none; live.md §4.5, the reference's partial files).
  int profit_level = 0;
  int loss_level = 0;
};

/// One result of a live tick (live.md §4.6): a backtest result plus the
/// tick's price and, for `active`, how far the price went toward the
/// target or the stop. `when` is the tick.
struct live_result : tick_result {
  /// opened: the entry; closed: the exit; others: the tick's VWAP.
  double current_price = 0;
  /// active: percent of the way to the take-profit (0 .. 100).
  double percent_tp = 0;
  /// active: percent of the way to the stop-loss (0 .. 100).
  double percent_sl = 0;
};

/// A problem a tick caught and reported without failing (live.md §11: a
/// `get_signal` that threw, a signal that failed validation).
struct live_warning {
  timestamp when = 0;
  std::string message;
};

/// What a tick produced.
struct live_output {
  /// One result per tick run, in order (more than one when missed minutes
  /// are caught up).
  std::vector<live_result> results;
  std::vector<live_warning> warnings;
  /// Partial profit and loss levels newly reached by the open position
  /// (`when` is the tick).
  std::vector<partial_hit> partials;

  void clear() {
    results.clear();
    warnings.clear();
    partials.clear();
  }
};

/// The risk profiles an instance answers to, as its live tick meets them
/// (live.md §4.3-§4.5, seed-era.md §13.1). The host implements it over the
/// books it shares between instances; the machine calls it at the
/// reference's points.
class live_risk {
public:
  virtual ~live_risk() = default;
  /// May `req` go on at `t` with current price `price`? Asked after the
  /// strategy returns a signal (before validation) and when a scheduled
  /// signal is about to activate (at its entry). False rejects it.
  virtual bool allow(const signal_request& req, timestamp t, double price) = 0;
  /// A position opened at `t` (`risk.addSignal`).
  virtual void opened(timestamp t) = 0;
  /// The open position closed at `t` (`risk.removeSignal`).
  virtual void closed(timestamp t) = 0;
};

/// One strategy instance's live loop body (live.md §4), exact to
/// backtest-kit 19.5.0, with btk's two deliberate differences: minutes
/// missed by an open position or a scheduled signal are caught up candle
/// by candle, and the whole state is persistable.
class live_machine {
public:
  /// `throttle` is the strategy's signal interval.
  live_machine(const config& cfg, interval throttle, live_state st = {});

  /// Runs the tick at `t` (minute-aligned) with `s`, which must hold the
  /// candles up to `t - 1m` (nothing later is read). `strat` needs
  /// `std::optional<signal_request> get_signal(const signal_context&)`.
  /// Appends to `out`. Fails, changing nothing, when a candle the tick
  /// needs is missing or `t` does not follow the last tick. With `risk`,
  /// a signal the risk profiles reject is dropped: a new one is asked for
  /// at the next tick (the throttle is reset), a scheduled signal whose
  /// activation is rejected is dropped (the tick is `idle`). Default: no
  /// risk profile
  template <class Strategy>
  expected<bool> tick(const series& s, Strategy& strat, timestamp t,
                      live_output& out, live_risk* risk = nullptr);

  /// `Live.stop` (live.md §10): no new signal; a scheduled signal is
  /// cancelled (`user`) on the next tick; an open position runs to its
  /// close. Idempotent.
  void stop() noexcept;

  const live_state& state() const noexcept { return st_; }
  bool ended() const noexcept { return st_.ended; }

private:
  // The checks and the bookkeeping of a tick before the strategy is asked;
  // returns true when the tick is done.
  expected<bool> begin(const series& s, timestamp t, live_output& out);
  // Opens or schedules `req`, asked for at `t` with price `p`.
  void open(signal_request req, timestamp t, double p, live_output& out);
  void idle(timestamp t, double p, live_output& out);
  void monitor_scheduled(timestamp t, double p, live_output& out);
  void monitor_pending(timestamp t, double p, double low, double high,
                       live_output& out);
  void close(timestamp t, double price, close_reason why, live_output& out);
  void cancel(timestamp t, double p, cancel_reason why, live_output& out);
  live_result result(action kind, timestamp t, double current) const;

  const config& cfg_;
  pnl_params pp_;
  timestamp throttle_;
  live_state st_;
  // The tick's price, between `begin` and the strategy call.
  double price_ = 0;
  // The risk profiles of the running tick, or none.
  live_risk* risk_ = nullptr;
};

/// The tick's price `P(t)`: the VWAP of the `n` candles before `t`, or
/// nothing when `s` does not hold them.
std::optional<double> live_price(const series& s, timestamp t, std::int64_t n);

template <class Strategy>
expected<bool> live_machine::tick(const series& s, Strategy& strat, timestamp t,
                                  live_output& out, live_risk* risk) {
  // The risk profiles are the tick's: none is kept past it.
  struct forget {
    live_risk*& r;
    ~forget() { r = nullptr; }
  } forget_risk{risk_};
  risk_ = risk;
  auto done = begin(s, t, out);
  if (!done || *done)
    return done;
  st_.last_bucket = floor_div(t, throttle_);
  signal_context ctx{s};
  ctx.set_tick(t, price_);
  std::optional<signal_request> req;
  try {
    req = strat.get_signal(ctx);
  } catch (const std::exception& e) {
    out.warnings.push_back({t, std::string{"get_signal failed: "} + e.what()});
    req.reset();
  } catch (...) {
    out.warnings.push_back({t, "get_signal failed: unknown exception"});
    req.reset();
  }
  if (!ctx.missing().empty()) {
    out.warnings.push_back({t, ctx.missing()});
    req.reset();
  }
  if (!req || (!req->id.empty() && req->id == st_.last_pending_id)) {
    idle(t, price_, out);
    return true;
  }
  if (risk_ != nullptr && !risk_->allow(*req, t, price_)) {
    // Rejected: asked again at the next tick (live.md §4.4).
    st_.last_bucket = no_bucket;
    idle(t, price_, out);
    return true;
  }
  open(std::move(*req), t, price_, out);
  return true;
}

} // namespace btk
