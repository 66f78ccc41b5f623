#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "core/engine/pnl.hpp"
#include "core/engine/signal.hpp"
#include "core/engine/signal_context.hpp"
#include "core/engine/validation.hpp"
#include "core/engine/walk.hpp"
#include "core/error.hpp"
#include "core/market/interval.hpp"
#include "core/market/series.hpp"

namespace btk {

/// A backtest frame (engine.md §2): ticks `start, start + interval, ...`
/// while `<= end`.
struct backtest_frame {
  timestamp start = 0;
  timestamp end = 0;
  /// Spacing of the ticks. Default: 1m
  interval iv = interval::m1;
};

/// What one backtest run did, for benchmarks and summaries.
struct run_counters {
  /// Ticks evaluated while flat.
  std::uint64_t ticks = 0;
  /// Calls of the strategy's `get_signal`.
  std::uint64_t signal_calls = 0;
  /// 1-minute candles walked while a signal was scheduled or open.
  std::uint64_t walked = 0;
  std::uint64_t scheduled = 0;
  std::uint64_t opened = 0;
  std::uint64_t closed = 0;
  std::uint64_t cancelled = 0;
  /// Signals dropped by validation.
  std::uint64_t rejected = 0;
};

/// Receives what a run emits. A sink is any type with these members (it is a
/// template parameter, so the calls inline):
///   void on_result(const tick_result&);      // scheduled, opened, closed,
///                                            // cancelled, in engine order
///   void on_rejected(timestamp, signal_rule, const signal_request&,
///                    double entry);          // a dropped signal
///   void on_error(timestamp, const std::string& what);
///                                            // get_signal threw
///   void on_progress(timestamp t);           // the run reached t
/// `null_sink` is the do-nothing base to derive from.
struct null_sink {
  void on_result(const tick_result&) {}
  void on_rejected(timestamp, signal_rule, const signal_request&, double) {}
  void on_error(timestamp, const std::string&) {}
  void on_progress(timestamp) {}
};

/// Receives a run's events through virtual calls; the engine calls it once
/// per result, never per candle. Override what you need. Used where the
/// strategy type is not known at compile time (actors, user strategies).
class result_sink {
public:
  virtual ~result_sink() = default;
  /// A scheduled, opened, closed or cancelled result, in engine order.
  virtual void on_result(const tick_result&) {}
  /// A signal the engine dropped; `rule` says which check failed.
  virtual void on_rejected(timestamp, signal_rule, const signal_request&,
                           double /* entry */) {}
  /// `get_signal` threw; the tick counts as consumed and the run goes on.
  virtual void on_error(timestamp, const std::string&) {}
  /// The run reached `t` (about once per simulated day).
  virtual void on_progress(timestamp) {}
};

/// Where a `backtest_machine` stands between two `advance` calls.
enum class machine_state : std::uint8_t {
  /// More ticks to run: call `advance` again.
  ready,
  /// A signal waits for the risk decision (`pending()`): call `decide`.
  awaiting,
  /// The frame is done.
  finished,
  /// The run stopped on an error (`failure()`).
  failed,
};

/// Runs one strategy over one frame of one symbol (engine.md §2–§6) as a
/// resumable machine: `advance` runs ticks up to a simulated time and
/// returns, so an actor can stream results in chunks, answer messages
/// between chunks and, when the strategy shares a risk profile, pause at a
/// signal until the risk decision arrives (`gated`).
///
/// `Strategy` needs `interval signal_interval() const` and
/// `std::optional<signal_request> get_signal(const signal_context&)`. The
/// machine keeps references to `s`, `strat` and `cfg`; they must outlive it.
template <class Strategy>
class backtest_machine {
public:
  /// Checks the frame against the data; on a problem the machine starts in
  /// `failed`. With `gated`, every signal a strategy returns pauses the run
  /// in `awaiting` (the risk check comes before validation, as in the
  /// reference). Default: not gated.
  backtest_machine(const series& s, Strategy& strat, const config& cfg,
                   const backtest_frame& f, bool gated = false)
      : s_(s)
      , strat_(strat)
      , cfg_(cfg)
      , f_(f)
      , gated_(gated)
      , pp_(pnl_params::from(cfg))
      , ctx_(s)
      , t_(f.start)
      , next_progress_(f.start) {
    const auto window = cfg.avg_price_candles_count;
    if (window < 1) {
      fail(error{"CC_AVG_PRICE_CANDLES_COUNT must be at least 1"});
      return;
    }
    avg_ptr_ = s.vwap(static_cast<int>(window));
    avg_ = avg_ptr_->data();
    step_ = interval_ms(f.iv);
    throttle_ = interval_ms(strat.signal_interval());
    if (f.start > f.end) {
      fail(error{"frame start " + to_iso(f.start) + " is after frame end " +
                 to_iso(f.end)});
      return;
    }
    if (floor_div(f.start, minute_ms) * minute_ms != f.start) {
      fail(error{"frame start " + to_iso(f.start) +
                 " is not on a whole minute"});
      return;
    }
    if (f.start - window * minute_ms < s.first()) {
      fail(error{"missing " + s.symbol() +
                 " 1m candles for the VWAP window "
                 "before the first tick: need " +
                 to_iso(f.start - window * minute_ms) + " .. " +
                 to_iso(f.start - minute_ms) + ", the data starts at " +
                 to_iso(s.first())});
      return;
    }
    after_end_ =
        static_cast<std::size_t>(floor_div(f.end - s.first(), minute_ms) + 1);
  }

  backtest_machine(const backtest_machine&) = delete;
  backtest_machine& operator=(const backtest_machine&) = delete;

  /// Runs the ticks before `until` (all remaining ones by default) and
  /// returns the new state. Results go to `sink` in engine order.
  template <class Sink>
  machine_state
  advance(Sink& sink, timestamp until = std::numeric_limits<timestamp>::max());

  /// Answers the risk check of the pending signal: `allowed` lets it go on
  /// to validation; otherwise the tick is consumed as if no signal came.
  void decide(bool allowed) noexcept {
    if (state_ != machine_state::awaiting)
      return;
    state_ = machine_state::ready;
    if (allowed) {
      resume_ = true;
    } else {
      req_.reset();
      t_ += step_;
    }
  }

  /// Lets a stop flag end the run: once `*flag` is true, the machine asks
  /// for no new signal, drops one that comes back, and finishes at the next
  /// tick. A position already open still closes (it is walked at once).
  void set_stop_flag(const bool* flag) noexcept { stop_ = flag; }

  /// Lets a reader pace the run: when `*flag` is true after a signal has
  /// produced its results, `advance` returns (`ready`) before the next
  /// tick, so a pull stream can hand them over and resume when they are
  /// read, as backtest-kit's generator computes only as far as it is read.
  void set_yield_flag(const bool* flag) noexcept { yield_ = flag; }

  machine_state state() const noexcept { return state_; }

  /// The signal waiting in `awaiting`.
  const signal_request& pending() const { return *req_; }
  /// The current price at the pending signal's tick.
  double pending_price() const noexcept { return price_; }
  /// The next tick to run (or the pending signal's tick in `awaiting`).
  timestamp clock() const noexcept { return t_; }

  const run_counters& counters() const noexcept { return n_; }
  const error& failure() const noexcept { return failure_; }
  const backtest_frame& frame() const noexcept { return f_; }

private:
  void fail(error e) {
    failure_ = std::move(e);
    state_ = machine_state::failed;
  }

  std::size_t index(timestamp t) const noexcept {
    return static_cast<std::size_t>((t - s_.first()) / minute_ms);
  }

  // The first tick at or after `t`.
  timestamp tick_at_or_after(timestamp t) const noexcept {
    if (t <= f_.start)
      return f_.start;
    return f_.start + (t - f_.start + step_ - 1) / step_ * step_;
  }

  error missing_after(timestamp opened_at) const {
    return error{"missing " + s_.symbol() + " 1m candles from " +
                 to_iso(s_.last() + minute_ms) + ": a signal created at " +
                 to_iso(opened_at) +
                 " is still open when the data ends (end the frame earlier "
                 "with --frame-end, or supply more data)"};
  }

  bool stopped() const noexcept { return stop_ != nullptr && *stop_; }

  // Validates and plays out `req_` created at tick `t_` (candle `i_`).
  template <class Sink>
  bool play(Sink& sink);

  const series& s_;
  Strategy& strat_;
  const config& cfg_;
  backtest_frame f_;
  bool gated_;
  pnl_params pp_;
  signal_context ctx_;
  std::shared_ptr<const column> avg_ptr_;
  const double* avg_ = nullptr;
  timestamp step_ = minute_ms;
  timestamp throttle_ = minute_ms;
  std::size_t after_end_ = 0;
  timestamp t_;
  timestamp next_progress_;
  std::int64_t last_bucket_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t seq_ = 0;
  run_counters n_;
  machine_state state_ = machine_state::ready;
  error failure_;
  const bool* stop_ = nullptr;
  const bool* yield_ = nullptr;
  // The signal between get_signal and validation, with its tick's price
  // and candle index.
  std::optional<signal_request> req_;
  double price_ = 0;
  std::size_t i_ = 0;
  bool resume_ = false;
};

template <class Strategy>
template <class Sink>
machine_state backtest_machine<Strategy>::advance(Sink& sink, timestamp until) {
  if (state_ != machine_state::ready)
    return state_;
  const std::size_t size = s_.minutes().size();
  bool yielded = false;
  if (resume_) {
    resume_ = false;
    if (!play(sink))
      return state_;
    yielded = yield_ != nullptr && *yield_;
  }
  while (!yielded && t_ <= f_.end && t_ < until) {
    const timestamp t = t_;
    if (t >= next_progress_) {
      sink.on_progress(t);
      next_progress_ = t + day_ms;
    }
    const std::size_t i = index(t);
    if (i >= size) {
      fail(error{"missing " + s_.symbol() + " 1m candles from " + to_iso(t) +
                 " (frame end " + to_iso(f_.end) + ", the data ends at " +
                 to_iso(s_.last()) + ")"});
      return state_;
    }
    ++n_.ticks;
    const std::int64_t bucket = floor_div(t, throttle_);
    if (bucket == last_bucket_) {
      // Throttled: jump to the first tick of the next bucket.
      t_ = tick_at_or_after(std::max(t + step_, (bucket + 1) * throttle_));
      continue;
    }
    if (stopped()) {
      // A stopped strategy opens nothing new: the run ends here.
      t_ = f_.end + 1;
      break;
    }
    last_bucket_ = bucket;
    const double price = avg_[i - 1];
    ctx_.set_tick(t, price);
    ++n_.signal_calls;
    try {
      req_ = strat_.get_signal(ctx_);
    } catch (const std::exception& e) {
      req_.reset();
      sink.on_error(t, e.what());
    } catch (...) {
      req_.reset();
      sink.on_error(t, "unknown exception");
    }
    if (!ctx_.missing().empty()) {
      fail(error{ctx_.missing() + " (tick " + to_iso(t) + ")"});
      return state_;
    }
    if (!req_ || stopped()) {
      req_.reset();
      t_ += step_;
      continue;
    }
    price_ = price;
    i_ = i;
    if (gated_) {
      state_ = machine_state::awaiting;
      return state_;
    }
    if (!play(sink))
      return state_;
    yielded = yield_ != nullptr && *yield_;
  }
  if (t_ > f_.end) {
    sink.on_progress(f_.end);
    state_ = machine_state::finished;
  }
  return state_;
}

template <class Strategy>
template <class Sink>
bool backtest_machine<Strategy>::play(Sink& sink) {
  const timestamp t = t_;
  const std::size_t i = i_;
  const double price = price_;
  signal_request req = std::move(*req_);
  req_.reset();
  const bar_series& m = s_.minutes();
  const bool limit = req.has_price_open();
  const double entry = limit ? req.price_open : price;
  std::int64_t minutes = 0;
  const auto rule = validate_signal(req, entry, cfg_, minutes);
  if (rule != signal_rule::ok) {
    ++n_.rejected;
    sink.on_rejected(t, rule, req, entry);
    t_ += step_;
    return true;
  }
  const bool is_long = req.position == side::long_;
  const bool immediate =
      !limit || (is_long ? price <= req.price_open : price >= req.price_open);
  tick_result r;
  r.signal.id = req.id.empty() ? std::to_string(++seq_) : std::move(req.id);
  r.signal.note = std::move(req.note);
  r.signal.position = req.position;
  r.signal.original_price_open = entry;
  r.signal.price_take_profit = req.price_take_profit;
  r.signal.price_stop_loss = req.price_stop_loss;
  r.signal.minute_estimated_time = minutes;
  r.signal.scheduled_at = t;
  std::size_t walk_from = i;
  if (!immediate) {
    r.kind = action::scheduled;
    r.when = t;
    r.signal.price_open = entry;
    ++n_.scheduled;
    sink.on_result(r);
    const auto await = static_cast<std::size_t>(cfg_.schedule_await_minutes);
    schedule_walk sw{req.position, req.price_open, req.price_stop_loss, i,
                     std::min(after_end_, i + await)};
    const auto se = walk_schedule(m, sw);
    n_.walked += se.index - i + 1;
    if (!se.complete) {
      fail(missing_after(t));
      return false;
    }
    const timestamp at = m.open_time(se.index);
    if (!se.activated) {
      r.kind = action::cancelled;
      r.when = at;
      r.cancel = se.reason;
      r.close_timestamp = at;
      r.price_close = avg_[se.index];
      ++n_.cancelled;
      sink.on_result(r);
      t_ = tick_at_or_after(at + minute_ms);
      return true;
    }
    r.signal.pending_at = at;
    walk_from = se.index + 1;
  } else {
    r.signal.pending_at = t;
  }
  r.signal.price_open = effective_entry(entry, pp_.cost);
  r.kind = action::opened;
  r.when = r.signal.pending_at;
  ++n_.opened;
  sink.on_result(r);
  const std::size_t pending = index(r.signal.pending_at);
  position_walk pw{
      req.position,
      req.price_take_profit,
      req.price_stop_loss,
      r.signal.price_open,
      entry,
      walk_from,
      std::min(after_end_, pending + static_cast<std::size_t>(minutes))};
  const auto pe = walk_position(m, avg_, pw, pp_);
  n_.walked += pe.index - walk_from + 1;
  if (!pe.complete) {
    fail(missing_after(t));
    return false;
  }
  const timestamp at = m.open_time(pe.index);
  r.kind = action::closed;
  r.when = at;
  r.close = pe.reason;
  r.close_timestamp = at;
  r.price_close = pe.price;
  r.pnl = make_pnl(req.position, r.signal.price_open, pe.price, pp_);
  r.peak_pnl = pe.peak_pnl;
  r.max_drawdown_pnl = pe.fall_pnl;
  ++n_.closed;
  sink.on_result(r);
  t_ = tick_at_or_after(at + minute_ms);
  return true;
}

/// Runs one strategy over one frame of one symbol to the end, ungated: the
/// plain core loop that benchmarks and single-threaded callers use.
///
/// Returns an error, and stops, when the data does not cover what the run
/// needs (the VWAP window before the first tick, a strategy's look-back, or
/// the candles of a position still open when the data ends).
template <class Strategy, class Sink>
expected<run_counters> run_backtest(const series& s, Strategy& strat,
                                    const config& cfg, const backtest_frame& f,
                                    Sink& sink) {
  backtest_machine<Strategy> m{s, strat, cfg, f};
  if (m.advance(sink) == machine_state::failed)
    return m.failure();
  return m.counters();
}

/// A `backtest_machine` behind a virtual interface, for callers that do not
/// know the strategy type (actors). One virtual call per `advance`, none per
/// candle.
class backtest_run {
public:
  virtual ~backtest_run() = default;
  /// See `backtest_machine::advance`.
  virtual machine_state
  advance(result_sink& sink,
          timestamp until = std::numeric_limits<timestamp>::max()) = 0;
  /// See `backtest_machine::decide`.
  virtual void decide(bool allowed) = 0;
  /// See `backtest_machine::set_stop_flag`.
  virtual void set_stop_flag(const bool* flag) = 0;
  /// See `backtest_machine::set_yield_flag`.
  virtual void set_yield_flag(const bool* flag) = 0;
  virtual machine_state state() const = 0;
  virtual const signal_request& pending() const = 0;
  virtual double pending_price() const = 0;
  virtual timestamp clock() const = 0;
  virtual const run_counters& counters() const = 0;
  virtual const error& failure() const = 0;
};

/// The `backtest_run` of a concrete strategy type.
template <class Strategy>
class backtest_run_of final : public backtest_run {
public:
  backtest_run_of(const series& s, Strategy& strat, const config& cfg,
                  const backtest_frame& f, bool gated)
      : m_(s, strat, cfg, f, gated) {}
  machine_state advance(result_sink& sink, timestamp until) override {
    return m_.advance(sink, until);
  }
  void decide(bool allowed) override { m_.decide(allowed); }
  void set_stop_flag(const bool* flag) override { m_.set_stop_flag(flag); }
  void set_yield_flag(const bool* flag) override { m_.set_yield_flag(flag); }
  machine_state state() const override { return m_.state(); }
  const signal_request& pending() const override { return m_.pending(); }
  double pending_price() const override { return m_.pending_price(); }
  timestamp clock() const override { return m_.clock(); }
  const run_counters& counters() const override { return m_.counters(); }
  const error& failure() const override { return m_.failure(); }

private:
  backtest_machine<Strategy> m_;
};

} // namespace btk
