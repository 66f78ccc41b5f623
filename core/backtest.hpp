#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/interval.hpp"
#include "core/pnl.hpp"
#include "core/series.hpp"
#include "core/signal.hpp"
#include "core/signal_context.hpp"
#include "core/validation.hpp"
#include "core/walk.hpp"

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

/// Runs one strategy over one frame of one symbol (engine.md §2–§6).
///
/// `Strategy` needs `interval signal_interval() const` and
/// `std::optional<signal_request> get_signal(const signal_context&)`. Built-in
/// strategies are called directly (no virtual call); user strategies go
/// through the `btk::strategy` base class.
///
/// Returns an error, and stops, when the data does not cover what the run
/// needs (the VWAP window before the first tick, a strategy's look-back, or
/// the candles of a position still open when the data ends).
template <class Strategy, class Sink>
expected<run_counters> run_backtest(const series& s, Strategy& strat,
                                    const config& cfg, const backtest_frame& f,
                                    Sink& sink) {
  run_counters n;
  const bar_series& m = s.minutes();
  const auto window = cfg.avg_price_candles_count;
  if (window < 1)
    return error{"CC_AVG_PRICE_CANDLES_COUNT must be at least 1"};
  const auto avg_ptr = s.vwap(static_cast<int>(window));
  const double* avg = avg_ptr->data();
  const timestamp step = interval_ms(f.iv);
  const timestamp throttle = interval_ms(strat.signal_interval());
  if (f.start > f.end)
    return error{"frame start " + to_iso(f.start) + " is after frame end " +
                 to_iso(f.end)};
  if (floor_div(f.start, minute_ms) * minute_ms != f.start)
    return error{"frame start " + to_iso(f.start) +
                 " is not on a whole minute"};
  if (f.start - window * minute_ms < s.first())
    return error{"missing " + s.symbol() +
                 " 1m candles for the VWAP window "
                 "before the first tick: need " +
                 to_iso(f.start - window * minute_ms) + " .. " +
                 to_iso(f.start - minute_ms) + ", the data starts at " +
                 to_iso(s.first())};
  const std::size_t size = m.size();
  // First candle after the frame end: a position still open there closes.
  const std::int64_t after_end_raw =
      floor_div(f.end - s.first(), minute_ms) + 1;
  const auto after_end = static_cast<std::size_t>(after_end_raw);
  const pnl_params pp = pnl_params::from(cfg);
  const auto await = static_cast<std::size_t>(cfg.schedule_await_minutes);
  auto index = [&](timestamp t) {
    return static_cast<std::size_t>((t - s.first()) / minute_ms);
  };
  // The first tick at or after `t`.
  auto tick_at_or_after = [&](timestamp t) {
    if (t <= f.start)
      return f.start;
    return f.start + (t - f.start + step - 1) / step * step;
  };
  auto missing_after = [&](timestamp opened_at) {
    return error{"missing " + s.symbol() + " 1m candles from " +
                 to_iso(s.last() + minute_ms) + ": a signal created at " +
                 to_iso(opened_at) +
                 " is still open when the data ends (end the frame earlier "
                 "with --frame-end, or supply more data)"};
  };
  signal_context ctx{s};
  std::uint64_t seq = 0;
  std::int64_t last_bucket = std::numeric_limits<std::int64_t>::min();
  timestamp next_progress = f.start;
  timestamp t = f.start;
  while (t <= f.end) {
    if (t >= next_progress) {
      sink.on_progress(t);
      next_progress = t + day_ms;
    }
    const std::size_t i = index(t);
    if (i >= size)
      return error{"missing " + s.symbol() + " 1m candles from " + to_iso(t) +
                   " (frame end " + to_iso(f.end) + ", the data ends at " +
                   to_iso(s.last()) + ")"};
    ++n.ticks;
    const std::int64_t bucket = floor_div(t, throttle);
    if (bucket == last_bucket) {
      // Throttled: jump to the first tick of the next bucket.
      t = tick_at_or_after(std::max(t + step, (bucket + 1) * throttle));
      continue;
    }
    last_bucket = bucket;
    const double price = avg[i - 1];
    ctx.set_tick(t, price);
    ++n.signal_calls;
    std::optional<signal_request> req;
    try {
      req = strat.get_signal(ctx);
    } catch (const std::exception& e) {
      sink.on_error(t, e.what());
    } catch (...) {
      sink.on_error(t, "unknown exception");
    }
    if (!ctx.missing().empty())
      return error{ctx.missing() + " (tick " + to_iso(t) + ")"};
    if (!req) {
      t += step;
      continue;
    }
    const bool limit = req->has_price_open();
    const double entry = limit ? req->price_open : price;
    std::int64_t minutes = 0;
    const auto rule = validate_signal(*req, entry, cfg, minutes);
    if (rule != signal_rule::ok) {
      ++n.rejected;
      sink.on_rejected(t, rule, *req, entry);
      t += step;
      continue;
    }
    const bool is_long = req->position == side::long_;
    const bool immediate = !limit || (is_long ? price <= req->price_open
                                              : price >= req->price_open);
    tick_result r;
    r.signal.id = req->id.empty() ? std::to_string(++seq) : std::move(req->id);
    r.signal.note = std::move(req->note);
    r.signal.position = req->position;
    r.signal.original_price_open = entry;
    r.signal.price_take_profit = req->price_take_profit;
    r.signal.price_stop_loss = req->price_stop_loss;
    r.signal.minute_estimated_time = minutes;
    r.signal.scheduled_at = t;
    std::size_t walk_from = i;
    if (!immediate) {
      r.kind = action::scheduled;
      r.when = t;
      r.signal.price_open = entry;
      ++n.scheduled;
      sink.on_result(r);
      schedule_walk sw{req->position, req->price_open, req->price_stop_loss, i,
                       std::min(after_end, i + await)};
      const auto se = walk_schedule(m, sw);
      n.walked += se.index - i + 1;
      if (!se.complete)
        return missing_after(t);
      const timestamp at = m.open_time(se.index);
      if (!se.activated) {
        r.kind = action::cancelled;
        r.when = at;
        r.cancel = se.reason;
        r.close_timestamp = at;
        r.price_close = avg[se.index];
        ++n.cancelled;
        sink.on_result(r);
        t = tick_at_or_after(at + minute_ms);
        continue;
      }
      r.signal.pending_at = at;
      walk_from = se.index + 1;
    } else {
      r.signal.pending_at = t;
    }
    r.signal.price_open = effective_entry(entry, pp.cost);
    r.kind = action::opened;
    r.when = r.signal.pending_at;
    ++n.opened;
    sink.on_result(r);
    const std::size_t pending = index(r.signal.pending_at);
    position_walk pw{
        req->position,
        req->price_take_profit,
        req->price_stop_loss,
        r.signal.price_open,
        entry,
        walk_from,
        std::min(after_end, pending + static_cast<std::size_t>(minutes))};
    const auto pe = walk_position(m, avg, pw, pp);
    n.walked += pe.index - walk_from + 1;
    if (!pe.complete)
      return missing_after(t);
    const timestamp at = m.open_time(pe.index);
    r.kind = action::closed;
    r.when = at;
    r.close = pe.reason;
    r.close_timestamp = at;
    r.price_close = pe.price;
    r.pnl = make_pnl(req->position, r.signal.price_open, pe.price, pp);
    r.peak_pnl = pe.peak_pnl;
    r.max_drawdown_pnl = pe.fall_pnl;
    ++n.closed;
    sink.on_result(r);
    t = tick_at_or_after(at + minute_ms);
  }
  sink.on_progress(f.end);
  return n;
}

} // namespace btk
