#include "runtime/api/engine.hpp"
#include "runtime/api/live_facade.hpp"
#include "runtime/results/results.hpp"

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
#include "runtime/api/parallel_parts.hpp"
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
  install_parallel_runner(opts.threads);
  add_host_strategies();
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

std::string engine::impl::instance_key(const std::string& scope,
                                       const std::string& symbol,
                                       const std::string& strategy) {
  return scope.empty() ? symbol + ":" + strategy
                       : scope + "/" + symbol + ":" + strategy;
}

caf::actor engine::impl::instance_actor(const std::string& symbol,
                                        const std::string& strategy,
                                        const std::string& scope) {
  std::lock_guard<std::mutex> guard{mtx};
  auto i = instances.find(instance_key(scope, symbol, strategy));
  return i == instances.end() ? caf::actor{} : i->second.actor;
}

snapshot_ptr engine::impl::snapshot(const std::string& where,
                                    const std::string& symbol,
                                    const std::string& strategy,
                                    const std::string& scope) {
  auto a = instance_actor(symbol, strategy, scope);
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
                                             const backtest_context& ctx,
                                             const std::string& scope) {
  if (auto bad = file_name_problem("symbol", symbol); !bad.empty())
    throw api_error(where + ": " + bad);
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
  const std::string key = instance_key(scope, symbol, ctx.strategy);
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
    in.scope = scope;
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
  if (!s->second.callbacks.empty())
    p.job.callbacks =
        std::make_shared<const strategy_callbacks>(s->second.callbacks);
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

live_facade& engine::live() {
  std::lock_guard<std::mutex> g{impl_->mtx};
  if (!live_)
    live_ = std::make_unique<live_facade>(*this);
  return *live_;
}

namespace {

template <class Map>
void check_new(const Map& m, const std::string& kind, const std::string& name) {
  if (auto bad = file_name_problem("the " + kind + " name", name); !bad.empty())
    throw api_error("add_" + kind + ": " + bad);
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
                 static_cast<const backtest_frame&>(schema));
  auto name = schema.name;
  impl_->frame_schemas.emplace(std::move(name), std::move(schema));
}

void engine::add_risk(risk_schema schema) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  check_new(impl_->risks, "risk", schema.name);
  auto name = schema.name;
  auto& r = impl_->risks[name];
  r.validations = schema.validations.size();
  r.schema = schema;
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
  auto metric = check_walker_metric(schema.metric);
  if (!metric)
    throw api_error("add_walker(" + schema.name + "): " + metric.err().message);
  schema.metric = std::move(*metric);
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
BTK_LISTEN(signal_live, signal_event, topic::signal_live)
BTK_LISTEN(done_live, done_event, topic::done_live)
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

} // namespace btk
