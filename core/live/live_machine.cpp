#include "core/live/live_machine.hpp"

#include <algorithm>
#include <cmath>

namespace btk {

std::string_view to_string(live_phase x) noexcept {
  switch (x) {
  case live_phase::flat:
    return "flat";
  case live_phase::scheduled:
    return "scheduled";
  default:
    return "pending";
  }
}

std::optional<double> live_price(const series& s, timestamp t, std::int64_t n) {
  if (n < 1)
    return std::nullopt;
  const auto last = s.index_of(t - minute_ms);
  const auto first = s.index_of(t - n * minute_ms);
  if (last < 0 || first < 0)
    return std::nullopt;
  return vwap_of(s.minutes(), static_cast<std::size_t>(first),
                 static_cast<std::size_t>(last));
}

live_machine::live_machine(const config& cfg, interval throttle, live_state st)
    : cfg_(cfg)
    , pp_(pnl_params::from(cfg))
    , throttle_(interval_ms(throttle))
    , st_(std::move(st)) {}

void live_machine::stop() noexcept {
  st_.stopped = true;
  if (st_.phase == live_phase::scheduled) {
    st_.phase = live_phase::flat;
    st_.cancel_due = true;
  }
}

namespace {

std::string missing_candles(const series& s, timestamp t, std::int64_t n) {
  return "missing " + s.symbol() + " 1m candles " + to_iso(t - n * minute_ms) +
         " .. " + to_iso(t - minute_ms) + " for the tick at " + to_iso(t);
}

// The request a scheduled signal was made from, as the risk check at its
// activation sees it.
signal_request request_of(const signal_row& row) {
  signal_request r;
  r.position = row.position;
  r.price_open = row.price_open;
  r.price_take_profit = row.price_take_profit;
  r.price_stop_loss = row.price_stop_loss;
  r.minute_estimated_time = static_cast<double>(row.minute_estimated_time);
  r.id = row.id;
  r.note = row.note;
  return r;
}

} // namespace

expected<bool> live_machine::begin(const series& s, timestamp t,
                                   live_output& out) {
  if (floor_div(t, minute_ms) * minute_ms != t)
    return error{"live tick " + std::to_string(t) +
                 " is not on a whole minute"};
  if (st_.last_tick != 0 && t <= st_.last_tick)
    return error{"live tick " + to_iso(t) + " does not follow the last tick " +
                 to_iso(st_.last_tick)};
  if (st_.ended)
    return true;
  const auto n = cfg_.avg_price_candles_count;
  const auto p = live_price(s, t, n);
  if (!p)
    return error{missing_candles(s, t, n)};
  // btk's catch-up (B1): the minutes missed since the last tick are checked
  // in order for a scheduled signal or an open position, with the prices
  // those ticks would have seen; no new signal is opened for them.
  if (st_.last_tick != 0 && !st_.cancel_due) {
    for (timestamp u = st_.last_tick + minute_ms;
         u < t && st_.phase != live_phase::flat; u += minute_ms) {
      const auto pu = live_price(s, u, n);
      if (!pu)
        return error{missing_candles(s, u, n)};
      if (st_.phase == live_phase::scheduled) {
        monitor_scheduled(u, *pu, out);
      } else {
        const auto k = static_cast<std::size_t>(s.index_of(u - minute_ms));
        monitor_pending(u, *pu, s.minutes().low[k], s.minutes().high[k], out);
      }
    }
  }
  st_.last_tick = t;
  price_ = *p;
  if (st_.ended)
    return true;
  if (st_.cancel_due) {
    st_.cancel_due = false;
    cancel(t, *p, cancel_reason::user, out);
    return true;
  }
  if (st_.phase == live_phase::scheduled) {
    monitor_scheduled(t, *p, out);
    return true;
  }
  if (st_.phase == live_phase::pending) {
    const auto k = static_cast<std::size_t>(s.index_of(t - minute_ms));
    monitor_pending(t, *p, s.minutes().low[k], s.minutes().high[k], out);
    return true;
  }
  if (st_.stopped || floor_div(t, throttle_) == st_.last_bucket) {
    idle(t, *p, out);
    return true;
  }
  return false;
}

live_result live_machine::result(action kind, timestamp t,
                                 double current) const {
  live_result r;
  r.kind = kind;
  r.when = t;
  r.signal = st_.signal;
  r.current_price = current;
  return r;
}

void live_machine::idle(timestamp t, double p, live_output& out) {
  live_result r;
  r.kind = action::idle;
  r.when = t;
  r.current_price = p;
  out.results.push_back(std::move(r));
  if (st_.stopped)
    st_.ended = true;
}

void live_machine::open(signal_request req, timestamp t, double p,
                        live_output& out) {
  const bool limit = req.has_price_open();
  const double entry = limit ? req.price_open : p;
  std::int64_t minutes = 0;
  const auto rule = validate_signal(req, entry, cfg_, minutes);
  if (rule != signal_rule::ok) {
    out.warnings.push_back({t, describe_rejection(rule, req, entry, cfg_)});
    idle(t, p, out);
    return;
  }
  const bool is_long = req.position == side::long_;
  const bool immediate =
      !limit || (is_long ? p <= req.price_open : p >= req.price_open);
  signal_row& row = st_.signal;
  row = signal_row{};
  ++st_.signals;
  row.id = req.id.empty() ? std::to_string(st_.signals) : std::move(req.id);
  row.note = std::move(req.note);
  row.position = req.position;
  row.original_price_open = entry;
  row.price_take_profit = req.price_take_profit;
  row.price_stop_loss = req.price_stop_loss;
  row.minute_estimated_time = minutes;
  row.scheduled_at = t;
  if (!immediate) {
    row.price_open = entry;
    st_.phase = live_phase::scheduled;
    out.results.push_back(result(action::scheduled, t, p));
    return;
  }
  row.pending_at = t;
  row.price_open = effective_entry(entry, pp_.cost);
  st_.phase = live_phase::pending;
  st_.peak = {entry, 0, t};
  st_.fall = {entry, pnl_percent(row.position, row.price_open, entry, pp_), t};
  st_.last_pending_id = row.id;
  if (risk_ != nullptr)
    risk_->opened(t);
  out.results.push_back(result(action::opened, t, entry));
}

void live_machine::monitor_scheduled(timestamp t, double p, live_output& out) {
  const signal_row& row = st_.signal;
  if (t - row.scheduled_at >= cfg_.schedule_await_minutes * minute_ms) {
    cancel(t, p, cancel_reason::timeout, out);
    return;
  }
  const bool is_long = row.position == side::long_;
  if (is_long ? p <= row.price_stop_loss : p >= row.price_stop_loss) {
    cancel(t, p, cancel_reason::price_reject, out);
    return;
  }
  if (!(is_long ? p <= row.price_open : p >= row.price_open)) {
    out.results.push_back(result(action::waiting, t, p));
    return;
  }
  if (st_.stopped ||
      (risk_ != nullptr && !risk_->allow(request_of(row), t, row.price_open))) {
    // Activation after a stop, or against the risk profiles, drops the
    // signal (live.md §4.3).
    st_.phase = live_phase::flat;
    st_.signal = signal_row{};
    idle(t, p, out);
    return;
  }
  const double entry = row.price_open;
  st_.signal.pending_at = t;
  st_.signal.price_open = effective_entry(entry, pp_.cost);
  st_.phase = live_phase::pending;
  st_.peak = {entry, 0, t};
  st_.fall = {entry,
              pnl_percent(row.position, st_.signal.price_open, entry, pp_), t};
  st_.last_pending_id = row.id;
  if (risk_ != nullptr)
    risk_->opened(t);
  out.results.push_back(result(action::opened, t, entry));
}

void live_machine::monitor_pending(timestamp t, double a, double low,
                                   double high, live_output& out) {
  const signal_row& row = st_.signal;
  if (t - row.pending_at >= row.minute_estimated_time * minute_ms) {
    close(t, a, close_reason::time_expired, out);
    return;
  }
  const bool is_long = row.position == side::long_;
  if (is_long ? low <= row.price_stop_loss : high >= row.price_stop_loss) {
    close(t, row.price_stop_loss, close_reason::stop_loss, out);
    return;
  }
  if (is_long ? a >= row.price_take_profit : a <= row.price_take_profit) {
    close(t, row.price_take_profit, close_reason::take_profit, out);
    return;
  }
  const double e = row.price_open;
  const double d = is_long ? a - e : e - a;
  const double q = pnl_percent(row.position, e, a, pp_);
  live_result r = result(action::active, t, a);
  // Each new 10 % level of the way to the target (or the stop) is a
  // partial milestone, once per position.
  auto levels = [&](bool profit, double percent, int& level) {
    for (int l = level + 10; l <= 100 && percent >= l; l += 10) {
      partial_hit h;
      h.profit = profit;
      h.level = l;
      h.when = t;
      h.price = a;
      out.partials.push_back(h);
      level = l;
    }
  };
  if (d > 0) {
    r.percent_tp =
        std::clamp(d / std::abs(row.price_take_profit - e) * 100, 0.0, 100.0);
    if ((is_long ? a > st_.peak.price : a < st_.peak.price) && q > 0)
      st_.peak = {a, q, t};
    levels(true, r.percent_tp, st_.profit_level);
  } else if (d < 0) {
    r.percent_sl =
        std::clamp(-d / std::abs(e - row.price_stop_loss) * 100, 0.0, 100.0);
    if (is_long ? a < st_.fall.price : a > st_.fall.price)
      st_.fall = {a, q, t};
    levels(false, r.percent_sl, st_.loss_level);
  }
  r.pnl = make_pnl(row.position, e, a, pp_);
  r.peak_pnl = st_.peak.pnl;
  r.max_drawdown_pnl = st_.fall.pnl;
  out.results.push_back(std::move(r));
}

void live_machine::close(timestamp t, double price, close_reason why,
                         live_output& out) {
  const signal_row& row = st_.signal;
  const double q = pnl_percent(row.position, row.price_open, price, pp_);
  if (q < st_.fall.pnl)
    st_.fall = {price, q, t};
  if (q > 0 && q > st_.peak.pnl)
    st_.peak = {price, q, t};
  live_result r = result(action::closed, t, price);
  r.close = why;
  r.close_timestamp = t;
  r.price_close = price;
  r.pnl = make_pnl(row.position, row.price_open, price, pp_);
  r.peak_pnl = st_.peak.pnl;
  r.max_drawdown_pnl = st_.fall.pnl;
  out.results.push_back(std::move(r));
  if (risk_ != nullptr)
    risk_->closed(t);
  st_.phase = live_phase::flat;
  st_.signal = signal_row{};
  st_.peak = {};
  st_.fall = {};
  st_.profit_level = 0;
  st_.loss_level = 0;
  if (st_.stopped)
    st_.ended = true;
}

void live_machine::cancel(timestamp t, double p, cancel_reason why,
                          live_output& out) {
  live_result r = result(action::cancelled, t, p);
  r.cancel = why;
  r.close_timestamp = t;
  r.price_close = p;
  out.results.push_back(std::move(r));
  st_.phase = live_phase::flat;
  st_.signal = signal_row{};
}

} // namespace btk
