// The walker facade: a walker's strategies run at once as strategy actors;
// they are ranked in schema order as their runs end (statistics.md §3.2),
// so the ranking is the reference's whatever order the runs finish in.

#include <thread>

#include "messages/actor_messages.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/api/engine_impl.hpp"

namespace btk {

struct walker_run::state {
  engine::impl* im = nullptr;
  std::string symbol;
  walker_schema schema;
  std::vector<run_handle> handles;
  std::size_t next = 0;
  walker_ranking ranking{"", 0};
  std::vector<closed_trade_list> lists;
  std::shared_ptr<std::atomic<bool>> stop;
  bool finished = false;
  walker_statistics result;

  std::string key() const { return symbol + ":" + schema.name; }

  event_source source(const std::string& strategy) const {
    return {symbol, strategy, schema.exchange, schema.frame, true};
  }

  void complete() {
    finished = true;
    std::vector<const closed_trade_list*> ptrs;
    for (const auto& l : lists)
      ptrs.push_back(&l);
    result = make_walker_statistics(
        {schema.name, symbol, schema.exchange, schema.frame}, ranking, ptrs);
    walker_complete_event done;
    done.source = source(schema.name);
    done.walker = schema.name;
    done.metric = ranking.metric();
    done.total_strategies = ranking.total_strategies();
    done.best_strategy = ranking.best_strategy().value_or("");
    done.best_metric = ranking.best_metric();
    if (const auto* b = ranking.best_stats())
      done.best_stats = *b;
    if (schema.on_complete)
      schema.on_complete(result);
    caf::anon_send(im->bus, done);
    caf::anon_send(im->bus, topic::done_walker,
                   done_event{source(schema.name), stop->load(), ""});
    std::lock_guard<std::mutex> guard{im->mtx};
    auto& entry = im->walkers_run[key()];
    entry.status = "done";
    entry.data = std::make_shared<walker_statistics>(result);
    entry.lists = lists;
  }
};

walker_run::walker_run(std::shared_ptr<state> st)
    : state_(std::move(st)) {}
walker_run::walker_run(walker_run&&) noexcept = default;
walker_run& walker_run::operator=(walker_run&&) noexcept = default;
walker_run::~walker_run() = default;

std::optional<walker_event> walker_run::next() {
  auto& st = *state_;
  while (!st.finished) {
    // A stop ends the walker before the next strategy (§3.2 step 1).
    if (st.next >= st.handles.size() || (st.next > 0 && st.stop->load())) {
      for (auto& h : st.handles)
        h.cancel();
      run_handle::wait_all(st.handles);
      st.complete();
      break;
    }
    const std::string strategy = st.schema.strategies[st.next];
    auto& handle = st.handles[st.next++];
    if (st.schema.on_strategy_start)
      st.schema.on_strategy_start(strategy, st.symbol);
    const auto outcome = handle.wait();
    if (!outcome.error.empty()) {
      // Not ranked, not counted; the walker goes on (§3.2 step 2).
      caf::anon_send(st.im->bus, topic::error,
                     error_event{st.source(strategy), outcome.error, 0});
      if (st.schema.on_strategy_error)
        st.schema.on_strategy_error(strategy, st.symbol, outcome.error);
      continue;
    }
    // Statistics of the instance (the capped list, as the reference).
    auto snap =
        st.im->snapshot("walker.run", st.symbol, strategy, st.schema.name);
    const auto& step =
        st.ranking.add(strategy, compute_backtest_statistics(snap->trades));
    st.lists.push_back(snap->trades);
    walker_event ev;
    ev.source = st.source(strategy);
    ev.walker = st.schema.name;
    ev.metric = st.ranking.metric();
    ev.stats = step.stats;
    ev.metric_value = step.metric_value;
    ev.best_metric = step.best_metric;
    ev.best_strategy = step.best_strategy.value_or("");
    ev.strategies_tested = step.strategies_tested;
    ev.total_strategies = step.total_strategies;
    if (st.schema.on_strategy_complete)
      st.schema.on_strategy_complete(strategy, st.symbol, step.stats,
                                     step.metric_value);
    caf::anon_send(st.im->bus, std::vector<walker_event>{ev});
    return ev;
  }
  return std::nullopt;
}

walker_statistics walker_run::finish() {
  while (next()) {
  }
  return state_->result;
}

std::vector<run_result> walker_run::outcomes() {
  std::vector<run_result> out;
  for (auto& h : state_->handles)
    out.push_back(h.wait());
  return out;
}

walker_run walker_facade::run(const std::string& symbol,
                              const std::string& walker) {
  auto& im = *engine_.impl_;
  const std::string where = "walker.run(" + symbol + ", " + walker + ")";
  const auto& schema = engine_.walker_schema_of(walker);
  auto st = std::make_shared<walker_run::state>();
  st->im = &im;
  st->symbol = symbol;
  st->schema = schema;
  st->ranking = walker_ranking{
      schema.metric, static_cast<std::int64_t>(schema.strategies.size())};
  st->stop = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    auto& entry = im.walkers_run[st->key()];
    if (entry.status == "running")
      throw api_error(where + ": already running");
    entry.status = "running";
    entry.stop = st->stop;
  }
  std::vector<std::pair<std::string, backtest_context>> runs;
  for (const auto& s : schema.strategies)
    runs.push_back({symbol, {s, schema.exchange, schema.frame}});
  try {
    // The walker's own instances: another walker (or a backtest) running
    // the same strategy on this symbol never collides with these.
    st->handles = engine_.backtest().start(runs, schema.name);
  } catch (...) {
    std::lock_guard<std::mutex> guard{im.mtx};
    im.walkers_run[st->key()].status = "done";
    throw;
  }
  return walker_run{std::move(st)};
}

std::shared_future<walker_statistics>
walker_facade::background(const std::string& symbol,
                          const std::string& walker) {
  auto r = std::make_shared<walker_run>(run(symbol, walker));
  return std::async(std::launch::async, [r] { return r->finish(); }).share();
}

void walker_facade::stop(const std::string& symbol, const std::string& walker) {
  auto& im = *engine_.impl_;
  std::shared_ptr<std::atomic<bool>> flag;
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    auto i = im.walkers_run.find(symbol + ":" + walker);
    if (i == im.walkers_run.end() || !i->second.stop)
      return;
    flag = i->second.stop;
  }
  flag->store(true);
  // The strategy being ranked ends early; the walker skips the rest.
  std::vector<std::string> strategies;
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    auto w = im.walkers.find(walker);
    if (w != im.walkers.end())
      strategies = w->second.strategies;
  }
  for (const auto& s : strategies)
    if (auto a = im.instance_actor(symbol, s, walker))
      caf::anon_send(a, stop_atom::value);
}

walker_statistics walker_facade::get_data(const std::string& symbol,
                                          const std::string& walker) {
  auto& im = *engine_.impl_;
  std::lock_guard<std::mutex> guard{im.mtx};
  auto i = im.walkers_run.find(symbol + ":" + walker);
  if (i == im.walkers_run.end() || !i->second.data)
    throw api_error("walker.get_data(" + symbol + ", " + walker +
                    "): no walker data available - no completed run yet");
  return *i->second.data;
}

std::string walker_facade::get_report(const std::string& symbol,
                                      const std::string& walker) {
  auto data = get_data(symbol, walker);
  auto& im = *engine_.impl_;
  std::vector<closed_trade_list> lists;
  {
    std::lock_guard<std::mutex> guard{im.mtx};
    lists = im.walkers_run[symbol + ":" + walker].lists;
  }
  std::vector<const closed_trade_list*> ptrs;
  for (const auto& l : lists)
    ptrs.push_back(&l);
  return render_walker_report(data, ptrs, engine_.get_config());
}

std::string walker_facade::dump(const std::string& symbol,
                                const std::string& walker,
                                const std::string& dir) {
  return write_report("walker.dump", dir, walker + ".md",
                      get_report(symbol, walker));
}

std::vector<instance_info> walker_facade::list() {
  auto& im = *engine_.impl_;
  std::lock_guard<std::mutex> guard{im.mtx};
  std::vector<instance_info> out;
  for (const auto& [key, e] : im.walkers_run) {
    const auto colon = key.find(':');
    out.push_back({key, key.substr(0, colon), key.substr(colon + 1), e.status});
  }
  return out;
}

} // namespace btk
