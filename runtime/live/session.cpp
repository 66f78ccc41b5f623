#include "runtime/live/session.hpp"

#include <algorithm>
#include <chrono>

namespace btk {

namespace {

bool same_row(const signal_row& a, const signal_row& b) {
  return a.id == b.id && a.note == b.note && a.position == b.position &&
         a.price_open == b.price_open &&
         a.original_price_open == b.original_price_open &&
         a.price_take_profit == b.price_take_profit &&
         a.price_stop_loss == b.price_stop_loss &&
         a.minute_estimated_time == b.minute_estimated_time &&
         a.scheduled_at == b.scheduled_at && a.pending_at == b.pending_at;
}

bool same_excursion(const excursion& a, const excursion& b) {
  return a.price == b.price && a.pnl == b.pnl && a.at == b.at;
}

bool published(const live_result& r, bool all_ticks) {
  return all_ticks || r.kind == action::scheduled || r.kind == action::opened ||
         r.kind == action::closed || r.kind == action::cancelled;
}

} // namespace

bool live_state_changed(const live_state& a, const live_state& b,
                        timestamp throttle) {
  // A flat, running instance's bucket is always its last tick's, and an
  // open position's peak and fall follow from the candles since its last
  // write: a restart derives both (see `open`), so neither alone is a
  // reason to write.
  const bool derived_bucket = b.phase == live_phase::flat && !b.stopped &&
                              !b.cancel_due && !b.ended &&
                              b.last_bucket == floor_div(b.last_tick, throttle);
  const bool same_position = a.phase == live_phase::pending &&
                             b.phase == live_phase::pending &&
                             a.signal.id == b.signal.id;
  return a.phase != b.phase || !same_row(a.signal, b.signal) ||
         (!same_position && (!same_excursion(a.peak, b.peak) ||
                             !same_excursion(a.fall, b.fall))) ||
         (a.last_bucket != b.last_bucket && !derived_bucket) ||
         a.signals != b.signals || a.last_pending_id != b.last_pending_id ||
         a.stopped != b.stopped || a.cancel_due != b.cancel_due ||
         a.ended != b.ended;
}

struct live_session::instance {
  std::string symbol;
  std::string name;
  std::string spec;
  std::unique_ptr<strategy> strat;
  live_machine machine;
  // The state and event count as last persisted.
  live_state saved;
  std::uint64_t events = 0;
  std::uint64_t saved_events = 0;
  live_event_book book;
  std::array<std::uint64_t, 7> counts{};
  timestamp throttle;

  instance(live_instance_def def, const config& cfg, live_state st,
           std::uint64_t n)
      : symbol(std::move(def.symbol))
      , name(std::move(def.name))
      , spec(std::move(def.spec))
      , strat(std::move(def.strat))
      , machine(cfg, strat->signal_interval(), st)
      , saved(std::move(st))
      , events(n)
      , saved_events(n)
      , book(cfg.max_live_markdown_rows)
      , throttle(interval_ms(strat->signal_interval())) {}
};

live_session::~live_session() = default;

expected<std::unique_ptr<live_session>>
live_session::open(live_session_options opts, std::unique_ptr<market_feed> feed,
                   std::unique_ptr<live_clock> clock) {
  if (opts.instances.empty())
    return error{"live: no strategy instance to run"};
  if (opts.state_dir.empty())
    return error{"live: a state folder (--state DIR) is required"};
  std::unique_ptr<live_session> s{new live_session};
  s->feed_ = std::move(feed);
  s->clock_ = std::move(clock);
  auto store = live_store::open(opts.state_dir);
  if (!store)
    return store.err();
  s->store_ = std::make_unique<live_store>(std::move(*store));
  auto stored = s->store_->instances();
  if (!stored)
    return stored.err();
  timestamp from = opts.from;
  if (from == 0)
    from = floor_div(s->clock_->now(), minute_ms) * minute_ms;
  if (floor_div(from, minute_ms) * minute_ms != from)
    return error{"live: --from " + to_iso(from) + " is not on a whole minute"};
  const timestamp committed = s->store_->minute();
  s->resume_ = committed > 0 ? std::max(from, committed + minute_ms) : from;
  const bool stop_applies = opts.stop_at && s->resume_ >= *opts.stop_at;
  s->opts_ = std::move(opts);
  for (auto& def : s->opts_.instances) {
    const auto key = live_instance_key(def.symbol, def.name);
    live_state st;
    std::uint64_t events = 0;
    const auto it = stored->find(key);
    if (it != stored->end()) {
      const auto& rec = it->second;
      if (rec.spec != def.spec)
        return error{"live state " + s->opts_.state_dir + ", key 'i/" + key +
                     "': it runs " + rec.spec + ", not " + def.spec +
                     "; give the same spec, or use another --state folder"};
      st = rec.state;
      events = rec.events;
      const auto& ran = s->store_->running();
      const bool ran_last = std::find(ran.begin(), ran.end(), key) != ran.end();
      if (ran_last && committed > rec.written_at && !st.ended &&
          st.phase == live_phase::flat) {
        // Every minute after the record ran and changed nothing; a running
        // flat instance asked (or was throttled) in each minute's bucket.
        st.last_tick = committed;
        if (!st.stopped && !st.cancel_due)
          st.last_bucket =
              floor_div(committed, interval_ms(def.strat->signal_interval()));
      }
      // A scheduled signal or an open position keeps the last tick it was
      // written at: its first tick checks the minutes since again, which
      // changes nothing but the peak and fall it had reached.
      if (!stop_applies) {
        // A restart is a new run (live.md §8): a stop does not carry over.
        st.stopped = false;
        st.ended = false;
      }
    }
    s->instances_.push_back(std::make_unique<instance>(
        std::move(def), s->opts_.cfg, std::move(st), events));
  }
  s->opts_.instances.clear();
  return s;
}

void live_session::add_sink(std::unique_ptr<live_sink> s) {
  sinks_.push_back(std::move(s));
}

std::vector<live_session::instance_view> live_session::view() const {
  std::vector<instance_view> out;
  for (const auto& i : instances_)
    out.push_back({i->symbol, i->name, i->spec, &i->machine.state(), i->events,
                   &i->book, i->counts});
  return out;
}

void live_session::stop_all() {
  stopped_ = true;
  for (auto& i : instances_)
    i->machine.stop();
}

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
  for (auto& ip : instances_) {
    instance& i = *ip;
    if (i.machine.ended())
      continue;
    auto warn = [&](timestamp when, std::string message) {
      live_event e;
      e.symbol = i.symbol;
      e.name = i.name;
      e.number = ++i.events;
      e.warning = true;
      e.result.when = when;
      e.message = std::move(message);
      c.events.push_back(std::move(e));
    };
    out.clear();
    auto data = feed_->candles_before(i.symbol, t, *clock_, *hard_);
    expected<bool> ran = data ? i.machine.tick(**data, *i.strat, t, out)
                              : expected<bool>{data.err()};
    if (!ran) {
      ++stats_.failed_ticks;
      warn(t, "tick failed when=" + to_iso(t) + ": " + ran.err().message);
    } else {
      ++stats_.ticks;
      for (auto& w : out.warnings)
        warn(w.when, std::move(w.message));
      for (auto& r : out.results) {
        if (opts_.keep_reports)
          i.book.add(r);
        ++i.counts[static_cast<std::size_t>(r.kind)];
        if (!published(r, opts_.all_ticks))
          continue;
        live_event e;
        e.symbol = i.symbol;
        e.name = i.name;
        e.number = ++i.events;
        e.result = std::move(r);
        c.events.push_back(std::move(e));
      }
    }
    const live_state& now = i.machine.state();
    if (live_state_changed(i.saved, now, i.throttle) ||
        i.events != i.saved_events) {
      c.instances.push_back({i.symbol, i.name, i.spec, now, i.events, t});
      i.saved = now;
      i.saved_events = i.events;
    }
  }
  return true;
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
  bool announced = false;
  for (;;) {
    if (hard_stop.load())
      break;
    if (opts_.until && t >= *opts_.until)
      break;
    if (std::all_of(instances_.begin(), instances_.end(),
                    [](const auto& i) { return i->machine.ended(); }))
      break;
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
    if (!announced) {
      c.running.emplace();
      for (const auto& i : instances_)
        c.running->push_back(live_instance_key(i->symbol, i->name));
      announced = true;
    }
    auto ran = run_minute(t, c);
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
          {i.symbol, i.name, i.spec, i.saved, i.events, last.minute});
    }
  auto wrote = store_->commit(last);
  if (!wrote)
    return wrote.err();
  stats_.syncs = store_->syncs();
  return stats_;
}

} // namespace btk
