// The backtest facade: runs started in batches, their handles, the pull
// stream of `backtest.run`, and the per-instance getters.

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "core/stats/report.hpp"
#include "messages/actor_messages.hpp"
#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/api/engine_impl.hpp"

namespace btk {

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

namespace {

// The batch every one of `handles` belongs to, or null.
std::shared_ptr<run_batch>
common_batch(const std::vector<run_handle::state*>& states) {
  std::shared_ptr<run_batch> batch;
  for (const auto* st : states) {
    if (st == nullptr || !st->batch || (batch && st->batch != batch))
      return nullptr;
    batch = st->batch;
  }
  return batch;
}

} // namespace

std::vector<run_handle::state*>
run_handle::states_of(std::vector<run_handle>& handles) {
  std::vector<state*> out;
  for (auto& h : handles)
    out.push_back(h.state_.get());
  return out;
}

void run_handle::wait_all(std::vector<run_handle>& handles) {
  if (auto batch = common_batch(states_of(handles))) {
    std::unique_lock<std::mutex> lock{batch->mtx};
    batch->cv.wait(lock, [&] { return batch->left == 0; });
  }
  for (auto& h : handles)
    h.wait();
}

bool run_handle::wait_all_for(std::vector<run_handle>& handles,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (auto batch = common_batch(states_of(handles))) {
    std::unique_lock<std::mutex> lock{batch->mtx};
    return batch->cv.wait_until(lock, deadline,
                                [&] { return batch->left == 0; });
  }
  for (auto& h : handles) {
    if (!h.state_)
      continue;
    std::unique_lock<std::mutex> lock{h.state_->mtx};
    h.state_->waiting = true;
    if (!h.state_->cv.wait_until(lock, deadline,
                                 [&] { return h.state_->done; }))
      return false;
  }
  return true;
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
  return start(runs, "");
}

std::vector<run_handle> backtest_facade::start(
    const std::vector<std::pair<std::string, backtest_context>>& runs,
    const std::string& scope) {
  auto& im = *engine_.impl_;
  std::vector<engine::impl::prepared> jobs;
  for (const auto& [symbol, ctx] : runs)
    jobs.push_back(
        im.prepare("backtest.background(" + symbol + ")", symbol, ctx, scope));
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

result_stream& result_stream::operator=(result_stream&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
    current_ = std::move(other.current_);
  }
  return *this;
}

result_stream::~result_stream() {
  close();
}

void result_stream::close() noexcept {
  if (!state_ || !state_->run)
    return;
  auto& run = *state_->run;
  std::unique_lock<std::mutex> lock{run.mtx};
  if (run.done)
    return;
  // Left before the end (a `break` out of the loop): stop the run, as an
  // early exit from backtest-kit's generator ends it, and wait until it
  // has, so the instance can run again at once.
  caf::anon_send(run.actor, stop_atom::value);
  run.waiting = true;
  run.cv.wait(lock, [&] { return run.done; });
}

std::optional<signal_event> result_stream::next() {
  auto& st = *state_;
  while (st.queue.empty() && !st.ended) {
    (*st.self)->receive(
        [&](std::vector<signal_event>& batch) {
          for (auto& e : batch)
            st.queue.push_back(std::move(e));
          // Read: the run may compute the next batch while this one is
          // consumed.
          (*st.self)->send(st.run->actor, ack_atom::value);
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

const run_result& result_stream::result() {
  close();
  return state_->run->result;
}

result_stream backtest_facade::run(const std::string& symbol,
                                   const backtest_context& ctx) {
  auto& im = *engine_.impl_;
  const std::string where = "backtest.run(" + symbol + ")";
  std::vector<engine::impl::prepared> one;
  one.push_back(im.prepare(where, symbol, ctx));
  auto& p = one.front();
  if (im.ask<std::string>(where, p.actor, status_atom::value) == "running")
    throw api_error(where + ": " + symbol + ":" + ctx.strategy +
                    " is already running (stop it, or wait for it)");
  im.load(where, one);
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
  const auto path = (std::filesystem::path(dir) / file).string();
  try {
    detail::write_text(path, text);
  } catch (const api_error& e) {
    throw api_error(where + ": " + e.what());
  }
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
      if (kv.second.scope.empty())
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
