#include <utility>

#include "runtime/api/engine.hpp"
#include "runtime/live/session.hpp"
#include "runtime/results/json.hpp"
#include "runtime/server/server_impl.hpp"

namespace btk::serve {

namespace {

using ojson = nlohmann::ordered_json;

void set_status(server_run& r, std::string status, std::string why = {}) {
  std::lock_guard<std::mutex> g{r.mtx};
  r.status = std::move(status);
  r.error = std::move(why);
  r.session = nullptr;
}

std::string ended_status(const server_run& r) {
  return r.graceful.load() ? "stopped" : "done";
}

void publish_done(core& c, server_run& r) {
  c.events.publish("done", r.id, "", run_json(r, false));
}

template <class F>
void on_thread(core& c, std::shared_ptr<server_run> r, F body) {
  c.spawn(
      [&c, r, body = std::move(body)] {
        try {
          body(*r);
        } catch (const std::exception& e) {
          end_failed(c, *r, e.what());
        }
      },
      [&c, r](const std::string& why) { end_failed(c, *r, why); });
}

} // namespace

void hook_live(core& c, const std::shared_ptr<server_run>& r, live_options& o) {
  auto* run = r.get();
  auto* hub = &c.events;
  o.on_event = [run, hub, prev = std::move(o.on_event)](const live_event& e) {
    if (prev)
      prev(e);
    if (hub->listened())
      hub->publish_event(e.warning ? "errors" : "signals", run->id, e);
  };
  o.on_minute_stats = [run, hub, prev = std::move(o.on_minute_stats)](
                          const live_session_stats& st) {
    if (prev)
      prev(st);
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> g{run->mtx};
      run->counters = st;
      run->done = static_cast<double>(st.minutes);
      if (now - run->progress_at < std::chrono::milliseconds(100))
        return;
      run->progress_at = now;
    }
    hub->publish("progress", run->id, "",
                 ojson{{"minute", st.last_minute},
                       {"minutes", st.minutes},
                       {"ticks", st.ticks},
                       {"events", st.events},
                       {"riskRejected", st.risk_rejected},
                       {"lastMinuteMs", st.last_minute_ms}});
  };
  o.keep_reports = true;
  o.on_session = [run, prev = std::move(o.on_session)](live_session* s) {
    if (prev)
      prev(s);
    std::lock_guard<std::mutex> g{run->mtx};
    if (s == nullptr && run->session != nullptr) {
      // Closing: keep the books, so get_data and get_report still answer.
      run->live_cfg = std::make_shared<const config>(run->session->cfg());
      run->session->for_each([&](const live_session::instance_view& v) {
        run->books[v.symbol + ":" + v.name] =
            std::make_shared<const live_event_book>(*v.book);
      });
    }
    run->session = s;
  };
  o.on_warning = [run, hub,
                  prev = std::move(o.on_warning)](const std::string& w) {
    if (prev)
      prev(w);
    hub->publish("errors", run->id, "", ojson{{"warning", w}});
  };
}

void hook_batch(core& c, const std::shared_ptr<server_run>& r,
                batch_options& o) {
  auto* run = r.get();
  auto* hub = &c.events;
  o.on_progress = [run, hub, prev = std::move(o.on_progress)](double done,
                                                              double total) {
    if (prev)
      prev(done, total);
    hub->progress(*run, done, total);
  };
}

void end_live(core& c, server_run& r, live_report rep) {
  {
    std::lock_guard<std::mutex> g{r.mtx};
    r.counters = rep;
    r.live = std::make_shared<const live_report>(std::move(rep));
  }
  set_status(r, ended_status(r));
  publish_done(c, r);
}

void end_batch(core& c, server_run& r, batch_report rep) {
  auto shared = std::make_shared<const batch_report>(std::move(rep));
  {
    std::lock_guard<std::mutex> g{r.mtx};
    r.batch = shared;
  }
  set_status(r, ended_status(r));
  for (const auto& run : shared->runs)
    if (!run.outcome.rejected.empty()) {
      ojson rejected = ojson::object();
      for (const auto& [rule, v] : run.outcome.rejected)
        rejected[rule] = v.first;
      c.events.publish("risk", r.id, run.symbol + ":" + run.strategy,
                       ojson{{"rejected", rejected}});
    }
  for (const auto& w : shared->walkers)
    c.events.publish("walker", r.id, w.model.symbol,
                     run_json(r, true)["walkers"]);
  publish_done(c, r);
}

void end_sweep(core& c, server_run& r, sweep_report rep) {
  {
    std::lock_guard<std::mutex> g{r.mtx};
    r.sweep = std::make_shared<const sweep_report>(std::move(rep));
  }
  set_status(r, ended_status(r));
  c.events.publish("walker", r.id, "", sweep_summary_json(*r.sweep)["top"]);
  publish_done(c, r);
}

void end_failed(core& c, server_run& r, const std::string& why) {
  set_status(r, "failed", why);
  c.events.publish("errors", r.id, "", ojson{{"error", why}});
  publish_done(c, r);
}

void launch_live(core& c, std::shared_ptr<server_run> r, live_options o) {
  hook_live(c, r, o);
  on_thread(c, std::move(r), [&c, o = std::move(o)](server_run& run) {
    end_live(c, run, run_live(o, run.graceful, run.hard));
  });
}

void launch_backtest(core& c, std::shared_ptr<server_run> r,
                     backtest_options o) {
  hook_batch(c, r, o);
  o.stop = &r->graceful;
  on_thread(c, std::move(r), [&c, o = std::move(o)](server_run& run) {
    end_batch(c, run, run_backtests(o));
  });
}

void launch_walker(core& c, std::shared_ptr<server_run> r, walker_options o) {
  hook_batch(c, r, o);
  on_thread(c, std::move(r), [&c, o = std::move(o)](server_run& run) {
    end_batch(c, run, run_walker(o));
  });
}

void launch_sweep(core& c, std::shared_ptr<server_run> r, sweep_options o) {
  hook_batch(c, r, o);
  on_thread(c, std::move(r), [&c, o = std::move(o)](server_run& run) {
    end_sweep(c, run, run_sweep(o));
  });
}

} // namespace btk::serve
