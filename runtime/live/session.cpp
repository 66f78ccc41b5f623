#include "runtime/live/session.hpp"

#include "runtime/live/session_instance.hpp"

#include <algorithm>
#include <chrono>
#include <set>

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

} // namespace

bool live_state_changed(const live_state& a, const live_state& b,
                        timestamp throttle) {
  // A flat, running instance's bucket is always its last tick's, and an
  // open position's peak, fall and partial levels follow from the candles
  // since its last write: a restart derives them (see `restore`), so none
  // alone is a reason to write. Leaving `no_bucket` (a signal the risk
  // profiles rejected is asked for again) is: a stored `no_bucket` says the
  // instance's last ticks were rejected, and is kept at a restart.
  const bool derived_bucket = b.phase == live_phase::flat && !b.stopped &&
                              !b.cancel_due && !b.ended &&
                              b.last_bucket == floor_div(b.last_tick, throttle);
  const bool same_position = a.phase == live_phase::pending &&
                             b.phase == live_phase::pending &&
                             a.signal.id == b.signal.id;
  return a.phase != b.phase || !same_row(a.signal, b.signal) ||
         (!same_position &&
          (!same_excursion(a.peak, b.peak) || !same_excursion(a.fall, b.fall) ||
           a.profit_level != b.profit_level || a.loss_level != b.loss_level)) ||
         (a.last_bucket != b.last_bucket &&
          (!derived_bucket || a.last_bucket == no_bucket)) ||
         a.signals != b.signals || a.last_pending_id != b.last_pending_id ||
         a.stopped != b.stopped || a.cancel_due != b.cancel_due ||
         a.ended != b.ended;
}

live_session::~live_session() = default;

expected<std::unique_ptr<live_session::instance>>
live_session::restore(live_instance_def def,
                      const live_instance_record* rec) const {
  const auto key = live_instance_key(def.symbol, def.name);
  if (!def.strat)
    return error{"live: instance " + key + " has no strategy"};
  live_state st;
  std::uint64_t events = 0;
  bool restored = false;
  if (rec != nullptr) {
    if (rec->spec != def.spec)
      return error{"live state " + opts_.state_dir + ", key 'i/" + key +
                   "': it runs " + rec->spec + ", not " + def.spec +
                   "; give the same spec, or use another --state folder"};
    st = rec->state;
    events = rec->events;
    const timestamp committed = store_->minute();
    const auto& ran = store_->running();
    const bool ran_last = std::find(ran.begin(), ran.end(), key) != ran.end();
    if (ran_last && committed > rec->written_at && !st.ended &&
        st.phase == live_phase::flat) {
      // Every minute after the record ran and changed nothing; a running
      // flat instance asked (or was throttled) in each minute's bucket.
      st.last_tick = committed;
      if (!st.stopped && !st.cancel_due && st.last_bucket != no_bucket)
        st.last_bucket =
            floor_div(committed, interval_ms(def.strat->signal_interval()));
    }
    // A scheduled signal or an open position keeps the last tick it was
    // written at: its first tick checks the minutes since again, which
    // changes nothing but the peak and fall it had reached.
    const bool stop_applies = opts_.stop_at && resume_ >= *opts_.stop_at;
    if (!stop_applies) {
      // A restart is a new run (live.md §8): a stop does not carry over.
      st.stopped = false;
      st.ended = false;
    }
    restored = st.phase != live_phase::flat;
  }
  auto out = std::make_unique<instance>(std::move(def), opts_.cfg,
                                        std::move(st), events);
  out->restored = restored;
  // Levels its first tick derives again for minutes already committed were
  // reported by the process that ran them.
  out->quiet_until = rec != nullptr ? store_->minute() : 0;
  return out;
}

expected<std::unique_ptr<live_session>>
live_session::open(live_session_options opts, std::unique_ptr<market_feed> feed,
                   std::unique_ptr<live_clock> clock) {
  if (opts.instances.empty() && !opts.wait_for_instances)
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
  if (opts.replicator)
    s->store_->set_replicator(opts.replicator);
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
  if (!opts.orders)
    opts.orders = std::make_shared<paper_broker>();
  for (auto& r : opts.risks) {
    auto name = r.name;
    if (!s->risks_.emplace(name, risk_profile{std::move(r), {}, {}}).second)
      return error{"live: two risk profiles are named '" + name + "'"};
  }
  opts.risks.clear();
  auto defs = std::move(opts.instances);
  s->opts_ = std::move(opts);
  for (auto& def : defs) {
    const auto it = stored->find(live_instance_key(def.symbol, def.name));
    auto i =
        s->restore(std::move(def), it == stored->end() ? nullptr : &it->second);
    if (!i)
      return i.err();
    (*i)->rank = static_cast<std::uint32_t>(s->instances_.size());
    s->instances_.push_back(std::move(*i));
    auto seated = s->seat(*s->instances_.back());
    if (!seated)
      return seated.err();
  }
  s->seat_stored(*stored);
  return s;
}

expected<bool> live_session::seat(instance& i) {
  std::vector<risk_profile*> profiles;
  for (const auto& name : i.risks) {
    const auto p = risks_.find(name);
    if (p == risks_.end()) {
      std::string known;
      for (const auto& [n, r] : risks_)
        known += (known.empty() ? "" : ", ") + n;
      return error{"live: " + live_instance_key(i.symbol, i.name) +
                   " names the risk profile '" + name +
                   "', which is not registered (known: " +
                   (known.empty() ? "none" : known) + ")"};
    }
    profiles.push_back(&p->second);
  }
  // A run again of a stored instance may answer to other profiles now.
  for (auto& [n, p] : risks_)
    if (std::find(profiles.begin(), profiles.end(), &p) == profiles.end())
      p.close(i.name, i.symbol);
  i.profiles = std::move(profiles);
  const live_state& st = i.machine.state();
  if (st.phase == live_phase::pending)
    for (auto* p : i.profiles)
      p->open(i.name, i.symbol,
              i.exchange.empty() ? opts_.exchange : i.exchange,
              st.signal.pending_at, i.rank);
  return true;
}

void live_session::seat_stored(
    const std::map<std::string, live_instance_record>& recs) {
  std::set<std::string> running;
  for (const auto& i : instances_)
    running.insert(live_instance_key(i->symbol, i->name));
  // Ranked after every running instance, in key order.
  std::uint32_t rank = 1u << 30;
  for (const auto& [key, r] : recs) {
    ++rank;
    if (r.state.phase != live_phase::pending || r.risks.empty() ||
        running.count(key) != 0)
      continue;
    for (const auto& name : r.risks)
      if (auto p = risks_.find(name); p != risks_.end())
        p->second.open(r.name, r.symbol, opts_.exchange,
                       r.state.signal.pending_at, rank);
  }
}

namespace {

std::size_t key_hash(const std::string& strategy, const std::string& symbol) {
  const std::hash<std::string> h;
  return h(strategy) * 31 + h(symbol);
}

} // namespace

void live_session::risk_profile::close(const std::string& strategy,
                                       const std::string& symbol) {
  auto& v = seen.active_positions;
  const auto h = key_hash(strategy, symbol);
  for (std::size_t k = 0; k < v.size(); ++k)
    if (order[k].hash == h && v[k].strategy == strategy &&
        v[k].symbol == symbol) {
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(k));
      order.erase(order.begin() + static_cast<std::ptrdiff_t>(k));
      break;
    }
  seen.active_position_count = v.size();
}

void live_session::risk_profile::open(const std::string& strategy,
                                      const std::string& symbol,
                                      const std::string& exchange, timestamp at,
                                      std::uint32_t rank) {
  close(strategy, symbol); // one position per strategy and symbol
  // After every entry not later than it: equal keys keep arrival order.
  const auto k = static_cast<std::ptrdiff_t>(
      std::upper_bound(order.begin(), order.end(), std::make_pair(at, rank),
                       [](const auto& x, const slot& s) {
                         return x < std::make_pair(s.at, s.rank);
                       }) -
      order.begin());
  order.insert(order.begin() + k, slot{at, rank, key_hash(strategy, symbol)});
  seen.active_positions.insert(seen.active_positions.begin() + k,
                               risk_position{strategy, symbol, exchange, at});
  seen.active_position_count = seen.active_positions.size();
}

expected<bool> live_session::add_risk(risk_schema r) {
  std::lock_guard<std::mutex> g{mtx_};
  auto name = r.name;
  if (!risks_.emplace(name, risk_profile{std::move(r), {}, {}}).second)
    return error{"live: the risk profile '" + name + "' is already known"};
  return true;
}

expected<bool> live_session::add_instance(live_instance_def def) {
  const auto key = live_instance_key(def.symbol, def.name);
  auto stored = store_->instances();
  if (!stored)
    return stored.err();
  const auto it = stored->find(key);
  auto i = restore(std::move(def), it == stored->end() ? nullptr : &it->second);
  if (!i)
    return i.err();
  std::lock_guard<std::mutex> g{mtx_};
  for (const auto& name : (*i)->risks)
    if (risks_.count(name) == 0)
      return error{"live: " + key + " names the risk profile '" + name +
                   "', which is not registered"};
  for (const auto& x : instances_)
    if (x->symbol == (*i)->symbol && x->name == (*i)->name &&
        !x->machine.ended())
      return error{"live: " + key + " is already running"};
  for (const auto& x : added_)
    if (x->symbol == (*i)->symbol && x->name == (*i)->name)
      return error{"live: " + key + " is already starting"};
  added_.push_back(std::move(*i));
  cv_.notify_all();
  return true;
}

void live_session::stop_instance(const std::string& symbol,
                                 const std::string& name) {
  std::lock_guard<std::mutex> g{mtx_};
  stops_.emplace_back(symbol, name);
  cv_.notify_all();
}

bool live_session::take_requests(const std::atomic<bool>& hard_stop,
                                 bool all_ended) {
  std::unique_lock<std::mutex> g{mtx_};
  while (all_ended && opts_.wait_for_instances && added_.empty() &&
         !hard_stop.load())
    cv_.wait_for(g, std::chrono::milliseconds(50));
  for (auto& a : added_) {
    // An ended instance of the same name makes room for the new run.
    instances_.erase(std::remove_if(instances_.begin(), instances_.end(),
                                    [&](const auto& x) {
                                      return x->symbol == a->symbol &&
                                             x->name == a->name;
                                    }),
                     instances_.end());
    a->rank = static_cast<std::uint32_t>(instances_.size());
    instances_.push_back(std::move(a));
    seat(*instances_.back()); // its profiles were checked when it was added
    announced_ = false;
  }
  added_.clear();
  for (const auto& [symbol, name] : stops_)
    for (auto& i : instances_)
      if (i->symbol == symbol && i->name == name)
        i->machine.stop();
  stops_.clear();
  return !hard_stop.load();
}

void live_session::add_sink(std::unique_ptr<live_sink> s) {
  sinks_.push_back(std::move(s));
}

live_session::instance_view live_session::view_of(const instance& i) const {
  return {i.symbol, i.name,  i.spec,   &i.machine.state(),
          i.events, &i.book, i.counts, i.risk_rejected};
}

std::vector<live_session::instance_view> live_session::view() const {
  std::vector<instance_view> out;
  for (const auto& i : instances_)
    out.push_back(view_of(*i));
  return out;
}

bool live_session::with_view(
    const std::string& symbol, const std::string& name,
    const std::function<void(const instance_view&)>& f) const {
  std::lock_guard<std::mutex> g{mtx_};
  for (const auto& i : instances_)
    if (i->symbol == symbol && i->name == name) {
      f(view_of(*i));
      return true;
    }
  return false;
}

void live_session::for_each(
    const std::function<void(const instance_view&)>& f) const {
  std::lock_guard<std::mutex> g{mtx_};
  for (const auto& i : instances_)
    f(view_of(*i));
}

void live_session::stop_all() {
  stopped_ = true;
  for (auto& i : instances_)
    i->machine.stop();
}

} // namespace btk
