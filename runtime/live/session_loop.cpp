#include <algorithm>
#include <chrono>

#include "runtime/live/session.hpp"
#include "runtime/live/session_instance.hpp"

// The minute loop of a live session: tick every instance, write one synced
// batch, then publish and tell the hooks.

namespace btk {

namespace {

bool published(const live_result& r, bool all_ticks) {
  return all_ticks || r.kind == action::scheduled || r.kind == action::opened ||
         r.kind == action::closed || r.kind == action::cancelled;
}

} // namespace

// An instance's risk profiles during its tick: checks run every profile
// (all must allow, as the reference's MergeRisk), and opens and closes go to
// every profile's list of open positions.
class live_session::risk_gate final : public live_risk {
public:
  risk_gate(instance& i, heard& h, const std::string& exchange, bool heard)
      : i_(i)
      , h_(h)
      , exchange_(exchange)
      , keep_(heard) {}

  bool allow(const signal_request& req, timestamp t, double price) override {
    bool ok = true;
    for (auto* p : i_.profiles) {
      risk_args& a = p->seen;
      a.symbol = i_.symbol;
      a.strategy = i_.name;
      a.exchange = exchange_;
      a.current_price = price;
      a.when = t;
      a.pending = req;
      auto d = check_risk(p->schema.validations, a);
      try {
        if (d.allowed && p->schema.on_allowed)
          p->schema.on_allowed(a);
        else if (!d.allowed && p->schema.on_rejected)
          p->schema.on_rejected(a, d);
      } catch (const std::exception& e) {
        h_.warnings.emplace_back(t, "risk " + p->schema.name +
                                        ": callback threw: " + e.what());
      }
      if (!d.allowed) {
        ok = false;
        if (keep_) {
          risk_args told;
          told.symbol = a.symbol;
          told.strategy = a.strategy;
          told.exchange = a.exchange;
          told.current_price = a.current_price;
          told.when = a.when;
          told.pending = a.pending;
          told.active_position_count = a.active_position_count;
          h_.rejections.push_back({p->schema.name, std::move(told), d});
        }
      }
    }
    if (!ok)
      ++rejected_;
    return ok;
  }

  void opened(timestamp t) override {
    for (auto* p : i_.profiles)
      p->open(i_.name, i_.symbol, exchange_, t, i_.rank);
  }

  void closed(timestamp) override {
    for (auto* p : i_.profiles)
      p->close(i_.name, i_.symbol);
  }

  std::uint64_t rejected() const noexcept { return rejected_; }

private:
  instance& i_;
  heard& h_;
  const std::string& exchange_;
  // Keep each rejection for the on_risk hook.
  bool keep_;
  std::uint64_t rejected_ = 0;
};

expected<bool> live_session::recover() {
  for (auto& sink : sinks_) {
    const auto name = sink->name();
    auto events = store_->events_after(store_->acked(name));
    if (!events)
      return events.err();
    auto done = sink->recover(*events);
    if (!done)
      return done.err();
    acks_[name] = store_->last_seq();
  }
  return true;
}

expected<bool> live_session::run_minute(timestamp t, live_commit& c) {
  live_output out;
  heard_.clear();
  for (auto& ip : instances_) {
    instance& i = *ip;
    if (i.machine.ended())
      continue;
    heard h;
    h.who = &i;
    auto warn = [&](timestamp when, std::string message) {
      live_event e;
      e.symbol = i.symbol;
      e.name = i.name;
      e.number = ++i.events;
      e.warning = true;
      e.result.when = when;
      e.message = message;
      c.events.push_back(std::move(e));
      h.warnings.emplace_back(when, std::move(message));
    };
    out.clear();
    // Timed only for a listener of live_tick: two clock reads per instance
    // are 4 % of a 10,000-instance minute.
    const bool timed = static_cast<bool>(hooks_.on_tick);
    const auto started = timed ? std::chrono::steady_clock::now()
                               : std::chrono::steady_clock::time_point{};
    auto data = feed_->candles_before(i.symbol, t, *clock_, *hard_);
    risk_gate gate{i, h, i.exchange.empty() ? opts_.exchange : i.exchange,
                   static_cast<bool>(hooks_.on_risk)};
    live_risk* risk = i.profiles.empty() ? nullptr : &gate;
    expected<bool> ran = data ? i.machine.tick(**data, *i.strat, t, out, risk)
                              : expected<bool>{data.err()};
    i.risk_rejected += gate.rejected();
    stats_.risk_rejected += gate.rejected();
    if (!ran) {
      ++stats_.failed_ticks;
      warn(t, "tick failed when=" + to_iso(t) + ": " + ran.err().message);
    } else {
      ++stats_.ticks;
      if (timed)
        h.tick_ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - started)
                        .count();
      if (i.restored && i.callbacks) {
        // As the reference's first tick after a restart (live.md §8).
        h.restored = i.saved;
        h.restored_price =
            live_price(**data, t, opts_.cfg.avg_price_candles_count)
                .value_or(0);
      }
      i.restored = false;
      for (auto& w : out.warnings)
        warn(w.when, std::move(w.message));
      if (!out.partials.empty() && hooks_.on_partial) {
        for (const auto& ph : out.partials)
          if (ph.when > i.quiet_until)
            h.partials.push_back(ph);
        h.signal = i.machine.state().signal;
      }
      for (auto& r : out.results) {
        if (opts_.keep_reports)
          i.book.add(r);
        ++i.counts[static_cast<std::size_t>(r.kind)];
        if (hooks_.on_result || i.callbacks)
          h.results.push_back(r);
        if (!published(r, opts_.all_ticks))
          continue;
        live_event e;
        e.symbol = i.symbol;
        e.name = i.name;
        e.number = ++i.events;
        if (r.kind == action::opened || r.kind == action::closed) {
          // The order's client id is the signal's: a minute run again after
          // a crash submits the same order, which the broker answers once.
          const bool close = r.kind == action::closed;
          broker_order o{live_instance_key(i.symbol, i.name) + ":" +
                             r.signal.id + (close ? ":close" : ":open"),
                         i.symbol,
                         r.signal.position,
                         close,
                         r.current_price,
                         opts_.cfg.position_entry_cost,
                         r.when};
          if (auto f = opts_.orders->submit(o)) {
            e.order_id = f->order_id;
            e.fill_price = f->price;
            e.fill_quantity = f->quantity;
          } else {
            warn(r.when,
                 "broker: order " + o.client_id + ": " + f.err().message);
          }
        }
        e.result = std::move(r);
        c.events.push_back(std::move(e));
      }
    }
    const live_state& now = i.machine.state();
    if (live_state_changed(i.saved, now, i.throttle) ||
        i.events != i.saved_events) {
      c.instances.push_back(
          {i.symbol, i.name, i.spec, now, i.events, t, i.risks});
      i.saved = now;
      i.saved_events = i.events;
    }
    h.ended = i.machine.ended() && !i.ended_told;
    i.ended_told = i.ended_told || h.ended;
    // Kept only for someone to tell: 10,000 instances a minute add up.
    const bool listened = hooks_.on_result || hooks_.on_tick ||
                          hooks_.on_warning || hooks_.on_ended ||
                          hooks_.on_partial || hooks_.on_risk || i.callbacks;
    if (listened)
      heard_.push_back(std::move(h));
  }
  return true;
}

void live_session::notify(const live_commit&) {
  // Outside the session's lock: callbacks and hooks may call back into the
  // session (a host's get_data).
  for (auto& h : heard_) {
    const auto v = view_of(*h.who);
    const auto* cb = h.who->callbacks.get();
    if (cb != nullptr && h.restored) {
      const auto& s = h.restored->signal;
      auto fire = [&](const strategy_callbacks::signal_fn& f) {
        try {
          if (f)
            f(v.symbol, s, h.restored_price, false);
        } catch (const std::exception& e) {
          h.warnings.emplace_back(h.restored->last_tick,
                                  std::string{"strategy callback threw: "} +
                                      e.what());
        }
      };
      fire(h.restored->phase == live_phase::pending ? cb->on_active
                                                    : cb->on_schedule);
    }
    for (const auto& r : h.results) {
      if (cb != nullptr) {
        auto e = cb->fire(v.symbol, r, r.current_price, false);
        if (!e.empty())
          h.warnings.emplace_back(r.when, std::move(e));
      }
      if (hooks_.on_result)
        hooks_.on_result(v, r);
    }
    if (hooks_.on_warning)
      for (const auto& [when, text] : h.warnings)
        hooks_.on_warning(v, when, text);
    if (hooks_.on_partial)
      for (const auto& p : h.partials)
        hooks_.on_partial(v, p, h.signal);
    if (hooks_.on_risk)
      for (const auto& r : h.rejections)
        hooks_.on_risk(v, r.risk, r.args, r.decision);
    if (hooks_.on_tick && h.tick_ms >= 0)
      hooks_.on_tick(v, h.tick_ms);
    if (hooks_.on_ended && h.ended)
      hooks_.on_ended(v);
  }
  heard_.clear();
}

expected<bool> live_session::publish(const std::vector<live_event>& events) {
  if (events.empty())
    return true;
  if (sinks_.empty()) // nobody to hand them to: drop them with the next batch
    acks_["-"] = events.back().seq;
  for (auto& sink : sinks_) {
    auto done = sink->deliver(events);
    if (!done)
      return error{"live: sink " + sink->name() + ": " + done.err().message};
    acks_[sink->name()] = events.back().seq;
  }
  return true;
}

expected<live_session_stats>
live_session::run(const std::atomic<bool>& graceful_stop,
                  const std::atomic<bool>& hard_stop) {
  hard_ = &hard_stop;
  auto rec = recover();
  if (!rec)
    return rec.err();
  std::map<std::string, std::uint64_t> committed_acks;
  for (const auto& sink : sinks_)
    committed_acks[sink->name()] = store_->acked(sink->name());
  auto pending_acks = [&] {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [name, n] : acks_)
      if (committed_acks[name] != n)
        out[name] = n;
    return out;
  };
  timestamp t = resume_;
  for (;;) {
    if (hard_stop.load())
      break;
    if (opts_.until && t >= *opts_.until)
      break;
    const bool all_ended =
        std::all_of(instances_.begin(), instances_.end(),
                    [](const auto& i) { return i->machine.ended(); });
    if (all_ended && !opts_.wait_for_instances)
      break;
    if (!take_requests(hard_stop, all_ended))
      break;
    if (all_ended && !clock_->is_virtual()) {
      // Idle for a while: start again at the current minute.
      t = std::max(t, floor_div(clock_->now(), minute_ms) * minute_ms);
    }
    if (feed_->exhausted(t)) {
      stats_.data_ended = true;
      break;
    }
    if (!stopped_ &&
        (graceful_stop.load() || (opts_.stop_at && t >= *opts_.stop_at)))
      stop_all();
    if (!clock_->wait_until(t, hard_stop))
      break;
    const auto started = std::chrono::steady_clock::now();
    live_commit c;
    c.minute = t;
    c.acks = pending_acks();
    std::unique_lock<std::mutex> lock{mtx_};
    if (!announced_) {
      c.running.emplace();
      for (const auto& i : instances_)
        c.running->push_back(live_instance_key(i->symbol, i->name));
      announced_ = true;
    }
    auto ran = run_minute(t, c);
    lock.unlock();
    if (!ran)
      return ran.err();
    auto wrote = store_->commit(c);
    if (!wrote)
      return wrote.err();
    for (const auto& [name, n] : c.acks)
      committed_acks[name] = n;
    auto sent = publish(c.events);
    if (!sent)
      return sent.err();
    notify(c);
    ++stats_.minutes;
    stats_.last_minute_ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    stats_.events += c.events.size();
    stats_.syncs = store_->syncs();
    stats_.last_minute = t;
    if (on_minute_)
      on_minute_(stats_);
    t += minute_ms;
    if (!clock_->is_virtual()) {
      // Fell behind (a slow minute, a suspended machine): go on from the
      // current minute; open positions catch up the minutes in between.
      const timestamp now = floor_div(clock_->now(), minute_ms) * minute_ms;
      t = std::max(t, now);
    }
  }
  std::lock_guard<std::mutex> lock{mtx_};
  live_commit last;
  last.minute = std::max(store_->minute(), stats_.last_minute);
  last.acks = pending_acks();
  // Every instance as it stands: a later session that does not run one of
  // them still knows exactly where it stopped.
  if (stats_.minutes > 0)
    for (auto& ip : instances_) {
      instance& i = *ip;
      i.saved = i.machine.state();
      i.saved_events = i.events;
      last.instances.push_back(
          {i.symbol, i.name, i.spec, i.saved, i.events, last.minute, i.risks});
    }
  auto wrote = store_->commit(last);
  if (!wrote)
    return wrote.err();
  stats_.syncs = store_->syncs();
  return stats_;
}

} // namespace btk
