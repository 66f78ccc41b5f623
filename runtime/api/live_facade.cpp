#include "runtime/api/live_facade.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <caf/send.hpp>

#include "runtime/api/engine_impl.hpp"
#include "runtime/live/session.hpp"
#include "runtime/results/results.hpp"

namespace btk {

// -- handles and streams -----------------------------------------------------

struct live_handle::state {
  std::mutex m;
  std::condition_variable cv;
  bool ended = false;
  bool streaming = false;
  std::deque<signal_event> queue;
  std::string exchange;

  void end() {
    std::lock_guard<std::mutex> g{m};
    ended = true;
    cv.notify_all();
  }
};

void live_handle::cancel() {
  if (cancel_)
    cancel_();
}

void live_handle::wait() {
  if (!st_)
    return;
  std::unique_lock<std::mutex> g{st_->m};
  st_->cv.wait(g, [this] { return st_->ended; });
}

bool live_handle::done() const {
  if (!st_)
    return true;
  std::lock_guard<std::mutex> g{st_->m};
  return st_->ended;
}

live_stream::live_stream(std::shared_ptr<live_handle::state> st,
                         std::function<void()> stop)
    : st_(std::move(st))
    , stop_(std::move(stop)) {}
live_stream::live_stream(live_stream&&) noexcept = default;
live_stream& live_stream::operator=(live_stream&&) noexcept = default;

live_stream::~live_stream() {
  if (st_ && stop_) {
    std::lock_guard<std::mutex> g{st_->m};
    if (st_->ended)
      return;
  }
  if (stop_)
    stop_();
}

std::optional<signal_event> live_stream::next() {
  std::unique_lock<std::mutex> g{st_->m};
  st_->cv.wait(g, [this] { return st_->ended || !st_->queue.empty(); });
  if (st_->queue.empty())
    return std::nullopt;
  auto e = std::move(st_->queue.front());
  st_->queue.pop_front();
  return e;
}

// -- the default feed: the exchanges' candles, replayed ---------------------

namespace {

// Candles of the engine's exchanges by symbol, added as instances start.
class engine_feed final : public market_feed {
public:
  void add(const std::string& symbol, std::shared_ptr<const series> s) {
    std::lock_guard<std::mutex> g{m_};
    data_[symbol] = std::move(s);
  }
  expected<std::shared_ptr<const series>>
  candles_before(const std::string& symbol, timestamp t, live_clock&,
                 const std::atomic<bool>&) override {
    std::shared_ptr<const series> s;
    {
      std::lock_guard<std::mutex> g{m_};
      const auto it = data_.find(symbol);
      if (it != data_.end())
        s = it->second;
    }
    return replay_candles(symbol, std::move(s), t);
  }

private:
  std::mutex m_;
  std::map<std::string, std::shared_ptr<const series>> data_;
};

} // namespace

// -- the facade ---------------------------------------------------------------

struct live_facade::impl {
  engine& eng;
  engine::impl& im;
  std::mutex m;
  live_setup setup;
  engine_feed* feed = nullptr;
  std::unique_ptr<live_session> session;
  std::thread thread;
  std::atomic<bool> graceful{false};
  std::atomic<bool> hard{false};
  std::map<std::string, std::shared_ptr<live_handle::state>> entries;
  // Events of the current minute, sent to the bus as one batch each.
  std::vector<signal_event> signals;
  std::vector<performance_event> timings;
  std::vector<partial_event> partials;
  std::vector<risk_event> rejections;
  std::map<std::string, timestamp> last_timing;
  // The risk profiles the session has been given.
  std::set<std::string> risks_given;

  impl(engine& e, engine::impl& i)
      : eng(e)
      , im(i) {}

  bool wanted(topic t) const {
    return (im.topic_mask->load() & (1u << static_cast<unsigned>(t))) != 0;
  }
  event_source source(const live_session::instance_view& v) {
    std::lock_guard<std::mutex> g{m};
    const auto it = entries.find(v.symbol + ":" + v.name);
    return {v.symbol, v.name,
            it == entries.end() ? std::string{} : it->second->exchange, "",
            false};
  }
  std::shared_ptr<live_handle::state> entry(const std::string& key) {
    std::lock_guard<std::mutex> g{m};
    const auto it = entries.find(key);
    return it == entries.end() ? nullptr : it->second;
  }
  void start(std::unique_ptr<engine_feed> own,
             std::vector<live_instance_def> defs,
             std::vector<risk_schema> risks);
  void hooks();
};

void live_facade::impl::hooks() {
  live_session::hooks h;
  h.on_result = [this](const auto& v, const live_result& r) {
    auto src = source(v);
    const bool trade = r.kind == action::opened || r.kind == action::closed ||
                       r.kind == action::cancelled;
    if (auto st = entry(v.symbol + ":" + v.name); st && trade) {
      std::lock_guard<std::mutex> g{st->m};
      if (st->streaming) {
        st->queue.push_back(signal_event{src, r});
        st->cv.notify_all();
      }
    }
    if (wanted(topic::signal) || wanted(topic::signal_live))
      signals.push_back(signal_event{std::move(src), r});
  };
  h.on_tick = [this](const auto& v, double ms) {
    if (!wanted(topic::performance))
      return;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto& prev = last_timing[v.symbol + ":" + v.name];
    timings.push_back({source(v), "live_tick", ms, now, prev});
    prev = now;
  };
  h.on_warning = [this](const auto& v, timestamp when,
                        const std::string& text) {
    caf::anon_send(im.bus, topic::error, error_event{source(v), text, when});
  };
  h.on_partial = [this](const auto& v, const partial_hit& p,
                        const signal_row& s) {
    if (wanted(p.profit ? topic::partial_profit : topic::partial_loss))
      partials.push_back({source(v), p.profit, p.level, s, p.price, p.when});
  };
  h.on_risk = [this](const auto& v, const std::string& risk, const risk_args& a,
                     const risk_decision& d) {
    if (wanted(topic::risk))
      rejections.push_back(
          risk_event{source(v), risk, a.pending, a.current_price,
                     static_cast<std::int64_t>(a.active_position_count),
                     d.comment, a.when});
  };
  h.on_ended = [this](const auto& v) {
    done_event d;
    d.source = source(v);
    d.stopped = v.state->stopped;
    caf::anon_send(im.bus, d);
    if (auto st = entry(v.symbol + ":" + v.name))
      st->end();
  };
  session->set_hooks(std::move(h));
  session->on_minute([this](const live_session_stats&) {
    if (!signals.empty())
      caf::anon_send(im.bus, std::exchange(signals, {}));
    if (!timings.empty())
      caf::anon_send(im.bus, std::exchange(timings, {}));
    if (!partials.empty())
      caf::anon_send(im.bus, std::exchange(partials, {}));
    if (!rejections.empty())
      caf::anon_send(im.bus, std::exchange(rejections, {}));
  });
}

void live_facade::impl::start(std::unique_ptr<engine_feed> own,
                              std::vector<live_instance_def> defs,
                              std::vector<risk_schema> risks) {
  live_session_options so;
  so.instances = std::move(defs);
  so.risks = std::move(risks);
  so.cfg = eng.get_config();
  so.state_dir = setup.state_dir;
  so.until = setup.until;
  so.keep_reports = true;
  so.wait_for_instances = true;
  if (setup.clock == "virtual" && !setup.from)
    throw api_error("live: the virtual clock needs live_setup::from");
  auto clock = make_clock(setup.clock, setup.from);
  if (!clock)
    throw api_error("live: " + clock.err().message);
  so.from = setup.from.value_or(0);
  std::unique_ptr<market_feed> f;
  if (setup.feed) {
    f = setup.feed();
  } else {
    feed = own.get();
    f = std::move(own);
  }
  auto s = live_session::open(std::move(so), std::move(f), std::move(*clock));
  if (!s)
    throw api_error("live: " + s.err().message);
  session = std::move(*s);
  hooks();
  thread = std::thread([this] {
    auto r = session->run(graceful, hard);
    if (!r)
      caf::anon_send(im.bus, topic::exit,
                     error_event{{}, "live: " + r.err().message, 0});
    // The session is over (until, end of the replayed data, or an error):
    // every instance's loop has ended with it.
    std::lock_guard<std::mutex> g{m};
    for (auto& [key, st] : entries)
      st->end();
  });
}

live_facade::live_facade(engine& e)
    : impl_(std::make_unique<impl>(e, *e.impl_)) {}

live_facade::~live_facade() {
  impl_->hard = true;
  if (impl_->thread.joinable())
    impl_->thread.join();
}

void live_facade::configure(live_setup s) {
  std::lock_guard<std::mutex> g{impl_->m};
  if (impl_->session)
    throw api_error("live.configure: live runs have started");
  impl_->setup = std::move(s);
}

std::vector<live_handle> live_facade::start(
    const std::vector<std::pair<std::string, live_context>>& runs,
    bool stream) {
  auto& im = impl_->im;
  struct prepared {
    live_instance_def def;
    caf::actor exchange;
    std::string where;
    std::string exchange_name;
    std::vector<risk_schema> risks;
  };
  std::vector<prepared> ps;
  for (const auto& [symbol, ctx] : runs) {
    prepared p;
    p.where = "live.background(" + symbol + ", " + ctx.strategy + ")";
    if (auto bad = file_name_problem("symbol", symbol); !bad.empty())
      throw api_error(p.where + ": " + bad);
    std::lock_guard<std::mutex> g{im.mtx};
    const auto s = im.strategies.find(ctx.strategy);
    if (s == im.strategies.end())
      throw api_error(p.where + ": strategy '" + ctx.strategy +
                      "' is not registered");
    const auto x = im.exchanges.find(ctx.exchange);
    if (x == im.exchanges.end())
      throw api_error(p.where + ": exchange '" + ctx.exchange +
                      "' is not registered");
    // Its risk profiles, the reference's MergeRisk order: risk_name first.
    if (!s->second.risk_name.empty())
      p.def.risks.push_back(s->second.risk_name);
    for (const auto& r : s->second.risk_list)
      if (std::find(p.def.risks.begin(), p.def.risks.end(), r) ==
          p.def.risks.end())
        p.def.risks.push_back(r);
    for (const auto& r : p.def.risks) {
      const auto it = im.risks.find(r);
      if (it == im.risks.end())
        throw api_error(p.where + ": risk profile '" + r +
                        "' is not registered");
      p.risks.push_back(it->second.schema);
    }
    p.def.strat = s->second.make();
    if (!s->second.callbacks.empty())
      p.def.callbacks =
          std::make_shared<const strategy_callbacks>(s->second.callbacks);
    p.def.symbol = symbol;
    p.def.name = ctx.strategy;
    p.def.exchange = ctx.exchange;
    // Stored with the state: a restart must run the same strategy there.
    p.def.spec = "engine strategy " + ctx.strategy;
    p.exchange = x->second.actor;
    p.exchange_name = ctx.exchange;
    ps.push_back(std::move(p));
  }
  std::lock_guard<std::mutex> g{impl_->m};
  for (const auto& p : ps) {
    const auto key = p.def.symbol + ":" + p.def.name;
    if (auto it = impl_->entries.find(key);
        it != impl_->entries.end() && !it->second->ended)
      throw api_error(p.where + ": already running");
  }
  // Candles first, then the session, so no instance waits for another.
  auto feed = impl_->setup.feed ? nullptr : std::make_unique<engine_feed>();
  if (impl_->feed != nullptr || feed)
    for (const auto& p : ps)
      (impl_->feed != nullptr ? impl_->feed : feed.get())
          ->add(p.def.symbol,
                im.ask<series_ref>(p.where, p.exchange, series_atom::value,
                                   p.def.symbol)
                    .ptr);
  std::vector<live_instance_def> defs;
  std::vector<risk_schema> risks;
  for (auto& p : ps)
    for (auto& r : p.risks)
      if (impl_->risks_given.insert(r.name).second)
        risks.push_back(std::move(r));
  std::vector<live_handle> out;
  for (auto& p : ps) {
    auto st = std::make_shared<live_handle::state>();
    st->exchange = p.exchange_name;
    st->streaming = stream;
    impl_->entries[p.def.symbol + ":" + p.def.name] = st;
    live_handle h;
    h.st_ = st;
    h.cancel_ = [this, symbol = p.def.symbol, name = p.def.name] {
      stop(symbol, name);
    };
    out.push_back(std::move(h));
    defs.push_back(std::move(p.def));
  }
  if (!impl_->session) {
    impl_->start(std::move(feed), std::move(defs), std::move(risks));
    return out;
  }
  for (auto& r : risks) {
    const auto name = r.name;
    if (auto added = impl_->session->add_risk(std::move(r)); !added)
      throw api_error("live: risk profile '" + name +
                      "': " + added.err().message);
  }
  for (std::size_t k = 0; k < defs.size(); ++k) {
    const auto where = ps[k].where;
    auto added = impl_->session->add_instance(std::move(defs[k]));
    if (!added)
      throw api_error(where + ": " + added.err().message);
  }
  return out;
}

live_handle live_facade::background(const std::string& symbol,
                                    const live_context& ctx) {
  return std::move(start({{symbol, ctx}}, false).front());
}

std::vector<live_handle> live_facade::background(
    const std::vector<std::pair<std::string, live_context>>& runs) {
  return start(runs, false);
}

live_stream live_facade::run(const std::string& symbol,
                             const live_context& ctx) {
  auto h = std::move(start({{symbol, ctx}}, true).front());
  return live_stream{
      h.st_, [this, symbol, name = ctx.strategy] { stop(symbol, name); }};
}

void live_facade::stop(const std::string& symbol, const std::string& strategy) {
  std::lock_guard<std::mutex> g{impl_->m};
  if (impl_->session)
    impl_->session->stop_instance(symbol, strategy);
}

live_statistics live_facade::get_data(const std::string& symbol,
                                      const std::string& strategy) {
  live_statistics out;
  std::lock_guard<std::mutex> g{impl_->m};
  if (!impl_->session ||
      !impl_->session->with_view(symbol, strategy, [&](const auto& v) {
        out = compute_live_statistics(*v.book);
      }))
    throw api_error("live.get_data(" + symbol + ", " + strategy +
                    "): no such live instance");
  return out;
}

std::string live_facade::get_report(const std::string& symbol,
                                    const std::string& strategy) {
  std::string out;
  const auto cfg = impl_->eng.get_config();
  std::lock_guard<std::mutex> g{impl_->m};
  if (!impl_->session ||
      !impl_->session->with_view(symbol, strategy, [&](const auto& v) {
        out = render_live_report(strategy, symbol, *v.book,
                                 compute_live_statistics(*v.book), cfg);
      }))
    throw api_error("live.get_report(" + symbol + ", " + strategy +
                    "): no such live instance");
  return out;
}

std::string live_facade::dump(const std::string& symbol,
                              const std::string& strategy,
                              const std::string& dir) {
  return write_report("live.dump", dir, symbol + "_" + strategy + ".md",
                      get_report(symbol, strategy));
}

std::vector<instance_info> live_facade::list() {
  std::vector<instance_info> out;
  std::lock_guard<std::mutex> g{impl_->m};
  for (const auto& [key, st] : impl_->entries) {
    const auto colon = key.find(':');
    std::lock_guard<std::mutex> g2{st->m};
    out.push_back({key, key.substr(0, colon), key.substr(colon + 1),
                   st->ended ? "done" : "running"});
  }
  return out;
}

} // namespace btk
