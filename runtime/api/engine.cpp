#include "runtime/api/engine.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/event_bus.hpp"
#include "actors/scheduler.hpp"
#include "actors/strategy_actor.hpp"
#include "core/stats/report.hpp"
#include "messages/actor_messages.hpp"
#include "runtime/api/engine_impl.hpp"
#include "strategies/spec.hpp"

namespace btk {

// -- helpers
// ----------------------------------------------------------------------

std::string describe(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

namespace {

std::string join_names(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none" : out;
}

template <class Map>
std::string names_of(const Map& m) {
  std::vector<std::string> xs;
  for (const auto& kv : m)
    xs.push_back(kv.first);
  return join_names(xs);
}

} // namespace

// -- impl
// ---------------------------------------------------------------------------

engine::impl::impl(const engine_options& opts)
    : options(opts) {
  add_message_types(sys_cfg);
  configure_scheduler(sys_cfg, opts.threads);
  sys = std::make_unique<caf::actor_system>(sys_cfg);
  bus = spawn_event_bus(*sys);
  frames = spawn_frame_actor(*sys);
}

engine::impl::~impl() {
  // Listeners and the bus refer to each other; end every actor explicitly
  // so the system can shut down.
  for (auto& [key, inst] : instances) {
    caf::anon_send(inst.actor, stop_atom::value);
    caf::anon_send_exit(inst.actor, caf::exit_reason::user_shutdown);
  }
  for (auto& [id, l] : listeners)
    caf::anon_send_exit(l, caf::exit_reason::user_shutdown);
  for (auto& [name, x] : exchanges)
    caf::anon_send_exit(x.actor, caf::exit_reason::user_shutdown);
  for (auto& [name, x] : risks)
    caf::anon_send_exit(x.actor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(bus, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(frames, caf::exit_reason::user_shutdown);
  instances.clear();
  listeners.clear();
  exchanges.clear();
  risks.clear();
  bus = nullptr;
  frames = nullptr;
  sys.reset();
}

caf::actor engine::impl::instance_actor(const std::string& symbol,
                                        const std::string& strategy) {
  std::lock_guard<std::mutex> guard{mtx};
  auto i = instances.find(symbol + ":" + strategy);
  return i == instances.end() ? caf::actor{} : i->second.actor;
}

snapshot_ptr engine::impl::snapshot(const std::string& where,
                                    const std::string& symbol,
                                    const std::string& strategy) {
  auto a = instance_actor(symbol, strategy);
  if (!a)
    throw api_error(where + ": no run of " + symbol + ":" + strategy +
                    " (run it first; instances: " + instance_names() + ")");
  return ask<snapshot_ptr>(where, a, snapshot_atom::value);
}

std::string engine::impl::instance_names() {
  std::lock_guard<std::mutex> guard{mtx};
  return names_of(instances);
}

std::vector<snapshot_ptr> engine::impl::snapshots() {
  std::vector<std::pair<std::uint32_t, caf::actor>> all;
  {
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& [key, inst] : instances)
      all.emplace_back(inst.rank, inst.actor);
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<snapshot_ptr> out;
  for (auto& [rank, a] : all)
    out.push_back(ask<snapshot_ptr>("heat", a, snapshot_atom::value));
  return out;
}

// Resolves the names of one run and prepares its job; throws api_error.
engine::impl::prepared engine::impl::prepare(const std::string& where,
                                             const std::string& symbol,
                                             const backtest_context& ctx) {
  prepared p;
  std::lock_guard<std::mutex> guard{mtx};
  auto s = strategies.find(ctx.strategy);
  if (s == strategies.end())
    throw api_error(where + ": strategy '" + ctx.strategy +
                    "' is not registered (registered: " + names_of(strategies) +
                    ")");
  auto x = exchanges.find(ctx.exchange);
  if (x == exchanges.end())
    throw api_error(where + ": exchange '" + ctx.exchange +
                    "' is not registered (registered: " + names_of(exchanges) +
                    ")");
  auto f = frame_schemas.find(ctx.frame);
  if (f == frame_schemas.end())
    throw api_error(
        where + ": frame '" + ctx.frame +
        "' is not registered (registered: " + names_of(frame_schemas) + ")");
  std::vector<std::string> risk_names;
  if (!s->second.risk_name.empty())
    risk_names.push_back(s->second.risk_name);
  for (const auto& r : s->second.risk_list)
    risk_names.push_back(r);
  for (const auto& r : risk_names) {
    auto i = risks.find(r);
    if (i == risks.end())
      throw api_error(
          where + ": strategy '" + ctx.strategy + "' refers to risk '" + r +
          "', which is not registered (registered: " + names_of(risks) + ")");
    p.job.risks.push_back(i->second.actor);
    p.job.gated = p.job.gated || i->second.validations > 0;
  }
  const std::string key = symbol + ":" + ctx.strategy;
  auto inst = instances.find(key);
  if (inst == instances.end()) {
    auto made = s->second.make ? s->second.make() : nullptr;
    if (!made)
      throw api_error(where + ": strategy '" + ctx.strategy +
                      "' made no strategy object");
    event_source src{symbol, ctx.strategy, ctx.exchange, ctx.frame, true};
    instance in;
    in.symbol = symbol;
    in.strategy = ctx.strategy;
    in.actor = spawn_strategy_actor(*sys, std::move(made), src, bus);
    inst = instances.emplace(key, std::move(in)).first;
  }
  inst->second.rank = next_rank++;
  inst->second.exchange = ctx.exchange;
  inst->second.frame = ctx.frame;
  p.actor = inst->second.actor;
  p.exchange = x->second.actor;
  p.job.source = {symbol, ctx.strategy, ctx.exchange, ctx.frame, true};
  p.job.cfg = cfg;
  p.job.rank = inst->second.rank;
  p.job.partials = options.track_partials || partial_listeners > 0;
  p.job.topics = topic_mask;
  return p;
}

void engine::impl::load(const std::string& where, std::vector<prepared>& ps) {
  std::string err;
  // What is not cached yet: each frame and each (exchange, symbol) once.
  std::map<std::string, backtest_frame> frames_wanted;
  std::map<std::pair<std::string, std::string>, caf::actor> series_wanted;
  {
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& p : ps) {
      if (frame_cache.count(p.job.source.frame) == 0)
        frames_wanted[p.job.source.frame];
      const auto key =
          std::make_pair(p.job.source.exchange, p.job.source.symbol);
      if (series_cache.count(key) == 0)
        series_wanted[key] = p.exchange;
    }
  }
  if (!frames_wanted.empty() || !series_wanted.empty()) {
    caf::scoped_actor self{*sys};
    // The frame actor turns each frame schema into the timeframe of a run.
    for (auto& [name, f] : frames_wanted) {
      auto& slot = f;
      self->request(frames, caf::infinite, frame_atom::value, name)
          .receive([&](backtest_frame& x) { slot = x; },
                   [&](caf::error& e) { err = describe(e); });
    }
    if (!err.empty())
      throw api_error(where + ": " + err);
    // Every series request in flight at once: the exchanges load in
    // parallel, each symbol once.
    std::map<std::pair<std::string, std::string>, series_ref> got;
    std::vector<
        std::pair<series_ref*, decltype(self->request(
                                   std::declval<caf::actor>(), caf::infinite,
                                   series_atom::value, std::string{}))>>
        pending;
    for (auto& [key, actor] : series_wanted)
      pending.emplace_back(
          &got[key],
          self->request(actor, caf::infinite, series_atom::value, key.second));
    for (auto& [slot, handle] : pending) {
      auto* out = slot;
      handle.receive([&](series_ref& r) { *out = std::move(r); },
                     [&](caf::error& e) {
                       if (err.empty())
                         err = describe(e);
                     });
    }
    if (!err.empty())
      throw api_error(where + ": " + err);
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& [name, f] : frames_wanted)
      frame_cache[name] = f;
    for (auto& [key, ref] : got)
      series_cache[key] = std::move(ref);
  }
  std::lock_guard<std::mutex> guard{mtx};
  for (auto& p : ps) {
    p.job.frame = frame_cache[p.job.source.frame];
    p.job.data = series_cache[{p.job.source.exchange, p.job.source.symbol}];
    for (auto& r : p.job.risks)
      caf::anon_send(r, join_atom::value, p.job.rank);
  }
}

void engine::impl::count_listener(topic t, int delta) {
  auto& n = listeners_per_topic[static_cast<std::size_t>(t)];
  n += delta;
  const auto bit = 1u << static_cast<unsigned>(t);
  if (n > 0)
    topic_mask->fetch_or(bit);
  else
    topic_mask->fetch_and(~bit);
}

// -- schemas
// ------------------------------------------------------------------------

strategy_schema strategy_schema::from_spec(std::string name,
                                           const std::string& spec) {
  auto probe = builtin_strategies().make(spec);
  if (!probe)
    throw api_error("strategy_schema::from_spec(" + name + "): '" + spec +
                    "': " + probe.err().message);
  strategy_schema s;
  s.name = std::move(name);
  s.note = spec;
  s.make = [spec]() -> std::unique_ptr<strategy> {
    auto made = builtin_strategies().make(spec);
    return made ? std::move(*made) : nullptr;
  };
  return s;
}

// -- engine
// -------------------------------------------------------------------------

engine::engine(engine_options opts)
    : impl_(std::make_shared<impl>(opts)) {}

engine::~engine() = default;

namespace {

template <class Map>
void check_new(const Map& m, const std::string& kind, const std::string& name) {
  if (name.empty())
    throw api_error("add_" + kind + ": the name is empty");
  if (m.count(name) != 0)
    throw api_error("add_" + kind + ": " + kind + " '" + name +
                    "' is already registered");
}

} // namespace

void engine::add_exchange(exchange_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->exchanges, "exchange", schema.name);
  if (!schema.get_candles && !schema.get_series)
    throw api_error("add_exchange(" + schema.name +
                    "): get_candles (or get_series) is required");
  auto name = schema.name;
  impl_->exchanges[name].actor =
      spawn_exchange_actor(*impl_->sys, std::move(schema));
}

void engine::add_strategy(strategy_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->strategies, "strategy", schema.name);
  if (!schema.make)
    throw api_error("add_strategy(" + schema.name + "): make is required");
  std::set<std::string> seen;
  for (const auto& r : schema.risk_list)
    if (!seen.insert(r).second)
      throw api_error("add_strategy(" + schema.name + "): risk '" + r +
                      "' appears twice in risk_list");
  auto name = schema.name;
  impl_->strategies.emplace(std::move(name), std::move(schema));
}

void engine::add_frame(frame_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->frame_schemas, "frame", schema.name);
  if (schema.end < schema.start)
    throw api_error("add_frame(" + schema.name + "): end " +
                    to_iso(schema.end) + " is before start " +
                    to_iso(schema.start));
  caf::anon_send(impl_->frames, frame_atom::value, schema.name,
                 backtest_frame{schema.start, schema.end, schema.iv});
  auto name = schema.name;
  impl_->frame_schemas.emplace(std::move(name), std::move(schema));
}

void engine::add_risk(risk_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->risks, "risk", schema.name);
  auto name = schema.name;
  auto& r = impl_->risks[name];
  r.validations = schema.validations.size();
  r.actor = spawn_risk_actor(*impl_->sys, std::move(schema), impl_->bus);
}

void engine::add_sizing(sizing_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->sizings, "sizing", schema.name);
  auto made = sizing_params::make(schema.options);
  if (!made)
    throw api_error("add_sizing(" + schema.name + "): " + made.err().message);
  impl_->sizings.emplace(schema.name, std::move(*made));
}

void engine::add_walker(walker_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->walkers, "walker", schema.name);
  if (schema.strategies.empty())
    throw api_error("add_walker(" + schema.name + "): no strategies");
  auto name = schema.name;
  impl_->walkers.emplace(std::move(name), std::move(schema));
}

const walker_schema& engine::walker_schema_of(const std::string& name) const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto w = impl_->walkers.find(name);
  if (w == impl_->walkers.end())
    throw api_error("walker '" + name + "' is not registered (registered: " +
                    names_of(impl_->walkers) + ")");
  const auto& s = w->second;
  if (impl_->exchanges.count(s.exchange) == 0)
    throw api_error("walker '" + name + "' refers to exchange '" + s.exchange +
                    "', which is not registered");
  if (impl_->frame_schemas.count(s.frame) == 0)
    throw api_error("walker '" + name + "' refers to frame '" + s.frame +
                    "', which is not registered");
  for (const auto& st : s.strategies)
    if (impl_->strategies.count(st) == 0)
      throw api_error("walker '" + name + "' refers to strategy '" + st +
                      "', which is not registered");
  return s;
}

std::vector<timestamp> engine::get_timeframe(const std::string& name) {
  return impl_->ask<std::vector<timestamp>>("get_timeframe(" + name + ")",
                                            impl_->frames, frame_atom::value,
                                            name, true);
}

namespace {

std::string format_with(engine::impl& im, const std::string& where,
                        const std::string& exchange, const std::string& symbol,
                        double x, bool quantity) {
  caf::actor a;
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    auto i = im.exchanges.find(exchange);
    if (i == im.exchanges.end())
      throw api_error(
          where + ": exchange '" + exchange +
          "' is not registered (registered: " + names_of(im.exchanges) + ")");
    a = i->second.actor;
  }
  return im.ask<std::string>(where, a, format_atom::value, symbol, x, quantity);
}

} // namespace

std::string engine::format_price(const std::string& exchange,
                                 const std::string& symbol, double price) {
  return format_with(*impl_, "format_price", exchange, symbol, price, false);
}

std::string engine::format_quantity(const std::string& exchange,
                                    const std::string& symbol,
                                    double quantity) {
  return format_with(*impl_, "format_quantity", exchange, symbol, quantity,
                     true);
}

void engine::set_config(const config& cfg) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->cfg = cfg;
}

void engine::set_config(
    const std::vector<std::pair<std::string, std::string>>& kv, bool unsafe) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto made = apply_config(impl_->cfg, kv, unsafe);
  if (!made)
    throw api_error("set_config: " + made.err().message);
  impl_->cfg = *made;
}

const config& engine::get_config() const {
  return impl_->cfg;
}

double engine::position_size(const std::string& name, const sizing_input& in) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto s = impl_->sizings.find(name);
  if (s == impl_->sizings.end())
    throw api_error(
        "position_size: sizing '" + name +
        "' is not registered (registered: " + names_of(impl_->sizings) + ")");
  auto q = btk::position_size(s->second, in);
  if (!q)
    throw api_error("position_size(" + name + "): " + q.err().message);
  return *q;
}

void engine::flush_events() {
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->bus, caf::infinite, flush_atom::value)
      .receive([](flush_atom) {}, [](caf::error&) {});
}

template <class E>
subscription engine::listen(topic t, filter_fn<E> filter, listener_fn<E> fn,
                            bool once) {
  if (!fn)
    throw api_error(std::string{"listen_"} + std::string{to_string(t)} +
                    ": the callback is empty");
  const auto id = ++impl_->next_listener;
  auto l = spawn_listener<E>(*impl_->sys, std::move(filter), std::move(fn),
                             once, impl_->bus, id);
  {
    std::lock_guard<std::mutex> guard{impl_->mtx};
    impl_->listeners.emplace(id, l);
    impl_->count_listener(t, +1);
    if (t == topic::partial_profit || t == topic::partial_loss)
      ++impl_->partial_listeners;
  }
  // Subscribe synchronously so no event published afterwards is missed.
  caf::scoped_actor self{*impl_->sys};
  self->send(impl_->bus, subscribe_atom::value, t, id, l);
  self->request(impl_->bus, caf::infinite, flush_atom::value)
      .receive([](flush_atom) {}, [](caf::error&) {});
  subscription s;
  std::weak_ptr<impl> weak = impl_;
  s.owner_ = impl_;
  s.id_ = id;
  s.cancel_ = [weak, t](std::uint64_t id) {
    auto im = weak.lock();
    if (!im)
      return;
    std::lock_guard<std::mutex> guard{im->mtx};
    if (im->listeners.erase(id) == 0)
      return;
    im->count_listener(t, -1);
    if (t == topic::partial_profit || t == topic::partial_loss)
      --im->partial_listeners;
    caf::anon_send(im->bus, unsub_atom::value, id);
  };
  return s;
}

void subscription::unsubscribe() {
  if (cancel_) {
    cancel_(id_);
    cancel_ = nullptr;
  }
}

#define BTK_LISTEN(name, E, t)                                                 \
  subscription engine::listen_##name(listener_fn<E> fn) {                      \
    return listen<E>(t, nullptr, std::move(fn), false);                        \
  }                                                                            \
  subscription engine::listen_##name##_once(filter_fn<E> filter,               \
                                            listener_fn<E> fn) {               \
    return listen<E>(t, std::move(filter), std::move(fn), true);               \
  }
BTK_LISTEN(signal, signal_event, topic::signal)
BTK_LISTEN(signal_backtest, signal_event, topic::signal_backtest)
BTK_LISTEN(done_backtest, done_event, topic::done_backtest)
BTK_LISTEN(progress, progress_event, topic::progress_backtest)
BTK_LISTEN(risk, risk_event, topic::risk)
BTK_LISTEN(partial_profit, partial_event, topic::partial_profit)
BTK_LISTEN(partial_loss, partial_event, topic::partial_loss)
BTK_LISTEN(performance, performance_event, topic::performance)
BTK_LISTEN(error, error_event, topic::error)
BTK_LISTEN(exit, error_event, topic::exit)
BTK_LISTEN(walker, walker_event, topic::walker)
BTK_LISTEN(walker_complete, walker_complete_event, topic::walker_complete)
BTK_LISTEN(done_walker, done_event, topic::done_walker)
#undef BTK_LISTEN

// -- backtest facade
// ------------------------------------------------------------------

// Counts the unfinished runs of one batch, so a waiter for all of them is
// woken once.
struct run_batch {
  std::mutex mtx;
  std::condition_variable cv;
  std::size_t left = 0;
};

struct run_handle::state {
  std::mutex mtx;
  std::condition_variable cv;
  bool done = false;
  bool waiting = false;
  run_result result;
  std::weak_ptr<engine::impl> owner;
  caf::actor actor;
  std::shared_ptr<run_batch> batch;

  void finish(run_result r) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> guard{mtx};
      result = std::move(r);
      done = true;
      wake = waiting;
    }
    if (wake)
      cv.notify_all();
    if (batch) {
      std::lock_guard<std::mutex> guard{batch->mtx};
      if (--batch->left == 0)
        batch->cv.notify_all();
    }
  }
};

void run_handle::wait_all(std::vector<run_handle>& handles) {
  std::shared_ptr<run_batch> batch;
  for (auto& h : handles) {
    if (!h.state_ || !h.state_->batch || (batch && h.state_->batch != batch)) {
      batch = nullptr;
      break;
    }
    batch = h.state_->batch;
  }
  if (batch) {
    std::unique_lock<std::mutex> lock{batch->mtx};
    batch->cv.wait(lock, [&] { return batch->left == 0; });
  }
  for (auto& h : handles)
    h.wait();
}

void run_handle::cancel() {
  if (state_ && state_->actor)
    caf::anon_send(state_->actor, stop_atom::value);
}

run_result run_handle::wait() {
  std::unique_lock<std::mutex> lock{state_->mtx};
  state_->waiting = true;
  state_->cv.wait(lock, [&] { return state_->done; });
  return state_->result;
}

bool run_handle::done() const {
  if (!state_)
    return true;
  std::lock_guard<std::mutex> guard{state_->mtx};
  return state_->done;
}

namespace {

// One run of a batch: where to send the job, and whom to tell the outcome.
struct batch_entry {
  caf::actor target;
  run_job job;
  std::shared_ptr<run_handle::state> st;
};

using batch_entries = std::vector<batch_entry>;

// Sends every job of a batch; each strategy actor reports its outcome
// through the job's `done` callback, so no thread or actor waits per run.
// Sent from this (non-actor) thread, the jobs are spread over the
// scheduler's workers.
void start_runs(batch_entries entries) {
  for (auto& e : entries) {
    auto st = e.st;
    e.job.done = [st](const run_result& o) { st->finish(o); };
    caf::anon_send(e.target, run_atom::value, std::move(e.job));
  }
}

} // namespace

std::vector<run_handle> backtest_facade::background(
    const std::vector<std::pair<std::string, backtest_context>>& runs) {
  auto& im = *engine_.impl_;
  std::vector<engine::impl::prepared> jobs;
  for (const auto& [symbol, ctx] : runs)
    jobs.push_back(
        im.prepare("backtest.background(" + symbol + ")", symbol, ctx));
  // Join every risk before any run starts, so shared risks see all members.
  im.load("backtest.background", jobs);
  std::vector<run_handle> out;
  auto batch = std::make_shared<run_batch>();
  batch->left = jobs.size();
  batch_entries entries;
  for (auto& p : jobs) {
    run_handle h;
    h.state_ = std::make_shared<run_handle::state>();
    h.state_->batch = batch;
    h.state_->owner = engine_.impl_;
    h.state_->actor = p.actor;
    entries.push_back({p.actor, std::move(p.job), h.state_});
    out.push_back(std::move(h));
  }
  start_runs(std::move(entries));
  return out;
}

run_handle backtest_facade::background(const std::string& symbol,
                                       const backtest_context& ctx) {
  return background({{symbol, ctx}}).front();
}

struct result_stream::state {
  std::unique_ptr<caf::scoped_actor> self;
  std::deque<signal_event> queue;
  bool ended = false;
  std::shared_ptr<run_handle::state> run;
};

result_stream::result_stream(std::unique_ptr<state> st)
    : state_(std::move(st)) {}
result_stream::result_stream(result_stream&&) noexcept = default;
result_stream& result_stream::operator=(result_stream&&) noexcept = default;
result_stream::~result_stream() = default;

std::optional<signal_event> result_stream::next() {
  auto& st = *state_;
  while (st.queue.empty() && !st.ended) {
    (*st.self)->receive(
        [&](std::vector<signal_event>& batch) {
          for (auto& e : batch)
            st.queue.push_back(std::move(e));
        },
        [&](done_event&) {
          // The outcome arrives through the run handle; wait for it so
          // `result()` is complete once the stream ended.
          st.ended = true;
        });
  }
  if (st.queue.empty()) {
    std::unique_lock<std::mutex> lock{st.run->mtx};
    st.run->waiting = true;
    st.run->cv.wait(lock, [&] { return st.run->done; });
    return std::nullopt;
  }
  auto e = std::move(st.queue.front());
  st.queue.pop_front();
  return e;
}

void result_stream::advance() {
  current_ = next();
}

result_stream::iterator result_stream::begin() {
  iterator it;
  advance();
  if (current_)
    it.stream_ = this;
  return it;
}

const run_result& result_stream::result() const {
  return state_->run->result;
}

result_stream backtest_facade::run(const std::string& symbol,
                                   const backtest_context& ctx) {
  auto& im = *engine_.impl_;
  const std::string where = "backtest.run(" + symbol + ")";
  std::vector<engine::impl::prepared> one;
  one.push_back(im.prepare(where, symbol, ctx));
  im.load(where, one);
  auto& p = one.front();
  auto st = std::make_unique<result_stream::state>();
  st->self = std::make_unique<caf::scoped_actor>(*im.sys);
  p.job.stream = caf::actor_cast<caf::actor>(*st->self);
  st->run = std::make_shared<run_handle::state>();
  st->run->owner = engine_.impl_;
  st->run->actor = p.actor;
  batch_entries entries;
  entries.push_back({p.actor, std::move(p.job), st->run});
  start_runs(std::move(entries));
  return result_stream{std::move(st)};
}

void backtest_facade::stop(const std::string& symbol,
                           const std::string& strategy) {
  if (auto a = engine_.impl_->instance_actor(symbol, strategy))
    caf::anon_send(a, stop_atom::value);
}

closed_trade_list backtest_facade::get_trades(const std::string& symbol,
                                              const std::string& strategy) {
  return engine_.impl_->snapshot("backtest.get_trades", symbol, strategy)
      ->trades;
}

backtest_statistics backtest_facade::get_data(const std::string& symbol,
                                              const std::string& strategy) {
  auto snap = engine_.impl_->snapshot("backtest.get_data", symbol, strategy);
  return compute_backtest_statistics(snap->trades);
}

std::string backtest_facade::get_report(const std::string& symbol,
                                        const std::string& strategy) {
  auto snap = engine_.impl_->snapshot("backtest.get_report", symbol, strategy);
  const auto stats = compute_backtest_statistics(snap->trades);
  return render_backtest_report(strategy, symbol, snap->trades, stats,
                                engine_.impl_->cfg);
}

std::string write_report(const std::string& where, const std::string& dir,
                         const std::string& file, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw api_error(where + ": cannot create " + dir + ": " + ec.message());
  const auto path = (std::filesystem::path(dir) / file).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    throw api_error(where + ": cannot write " + path);
  return path;
}

std::string backtest_facade::dump(const std::string& symbol,
                                  const std::string& strategy,
                                  const std::string& dir) {
  return write_report("backtest.dump", dir, strategy + ".md",
                      get_report(symbol, strategy));
}

std::vector<instance_info> backtest_facade::list() {
  auto& im = *engine_.impl_;
  std::vector<std::pair<std::string, engine::impl::instance>> all;
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    for (auto& kv : im.instances)
      all.emplace_back(kv.first, kv.second);
  }
  std::vector<instance_info> out;
  for (auto& [key, inst] : all)
    out.push_back(
        {key, inst.symbol, inst.strategy,
         im.ask<std::string>("backtest.list", inst.actor, status_atom::value)});
  return out;
}

} // namespace btk
