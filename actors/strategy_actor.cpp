#include "actors/strategy_actor.hpp"

#include <array>
#include <chrono>
#include <deque>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "core/engine/validation.hpp"
#include "core/risk/partial.hpp"

namespace btk {

std::string_view to_string(instance_status s) noexcept {
  switch (s) {
  case instance_status::idle:
    return "idle";
  case instance_status::running:
    return "running";
  case instance_status::done:
    return "done";
  }
  return "?";
}

namespace {

template <class T>
void push_capped(std::deque<T>& xs, T x, std::size_t cap) {
  if (cap == 0)
    return;
  if (xs.size() == cap)
    xs.pop_front();
  xs.push_back(std::move(x));
}

// True when someone listens to `t` (or nobody told us: then assume so).
bool wanted(const run_job& job, topic t) {
  return !job.topics || (job.topics->load(std::memory_order_relaxed) &
                         (1u << static_cast<unsigned>(t))) != 0;
}

timestamp wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct strategy_state;

using strategy_actor = caf::stateful_actor<strategy_state>;

// Collects one chunk's results and forwards positions to the risk actors.
class chunk_sink final : public result_sink {
public:
  chunk_sink(strategy_actor* self, bool publish_signals)
      : publish_signals_(publish_signals)
      , self_(self) {}

  void on_result(const tick_result& r) override;
  void on_rejected(timestamp t, signal_rule rule, const signal_request& req,
                   double entry) override;
  void on_error(timestamp t, const std::string& what) override;
  void on_progress(timestamp t) override { progress_ = t; }

  bool publish_signals_;
  std::vector<signal_event> signals_;
  std::vector<partial_event> partials_;
  timestamp progress_ = -1;

private:
  strategy_actor* self_;
};

struct strategy_state {
  std::shared_ptr<strategy> impl;
  event_source source;
  caf::actor bus;
  instance_status status = instance_status::idle;
  bool stop = false;
  // -- the current run --
  run_job job;
  std::unique_ptr<backtest_run> run;
  caf::typed_response_promise<run_result> promise;
  run_result outcome;
  std::shared_ptr<const column> avg;
  timestamp started_wall = 0;
  std::chrono::steady_clock::time_point started;
  // Signals dropped per validation rule, and the first example of each.
  std::array<std::uint64_t, 16> dropped{};
  std::array<std::string, 16> first_drop;
  // Batches sent to the job's stream and not yet read; true while the run
  // waits for the reader; set by a result while a stream reads the run, so
  // the machine hands each signal's results over before the next tick.
  std::size_t stream_unread = 0;
  bool stream_waiting = false;
  bool stream_yield = false;
  // Risk answers still expected for the pending signal, and their AND.
  std::size_t verdicts_due = 0;
  bool verdicts_allow = true;
  // -- stored results (get_data / reports) --
  std::shared_ptr<instance_snapshot> books;
  static inline const char* name = "btk.strategy";
};

void chunk_sink::on_result(const tick_result& r) {
  auto& st = self_->state;
  auto& books = *st.books;
  switch (r.kind) {
  case action::opened:
    for (auto& risk : st.job.risks)
      self_->send(risk, open_atom::value,
                  position_opened{st.job.rank, st.source.strategy,
                                  st.source.symbol, st.source.exchange,
                                  r.signal.pending_at});
    if (r.signal.scheduled_at != r.signal.pending_at)
      push_capped(
          books.schedule, r,
          static_cast<std::size_t>(st.job.cfg.max_schedule_markdown_rows));
    break;
  case action::closed: {
    for (auto& risk : st.job.risks)
      self_->send(risk, close_atom::value,
                  position_closed{st.source.strategy, st.source.symbol,
                                  r.close_timestamp});
    books.trades.push(r);
    if (books.heat_trades.cap() > 0)
      books.heat_trades.push(r);
    if (st.job.partials) {
      for (const auto& hit :
           partial_milestones(*st.job.data.ptr, st.avg->data(), r)) {
        partial_event e;
        e.source = st.source;
        e.profit = hit.profit;
        e.level = hit.level;
        e.signal = r.signal;
        e.current_price = hit.price;
        e.when = hit.when;
        push_capped(
            books.partials, e,
            static_cast<std::size_t>(st.job.cfg.max_partial_markdown_rows));
        partials_.push_back(std::move(e));
      }
    }
    break;
  }
  case action::scheduled:
  case action::cancelled:
    push_capped(
        books.schedule, r,
        static_cast<std::size_t>(st.job.cfg.max_schedule_markdown_rows));
    break;
  default:
    break;
  }
  if (st.job.callbacks) {
    // The price: the entry of an opened or scheduled signal, the exit of a
    // closed or cancelled one.
    const bool exit = r.kind == action::closed || r.kind == action::cancelled;
    auto e = st.job.callbacks->fire(
        st.source.symbol, r, exit ? r.price_close : r.signal.price_open, true);
    if (!e.empty())
      self_->send(st.bus, topic::error, error_event{st.source, e, r.when});
  }
  if (publish_signals_)
    signals_.push_back(signal_event{st.source, r});
  if (st.job.stream)
    st.stream_yield = true;
}

void chunk_sink::on_rejected(timestamp t, signal_rule rule,
                             const signal_request& req, double entry) {
  // Counted in a small array (no allocation per dropped signal); the
  // outcome's map is filled when the run ends.
  auto& st = self_->state;
  const auto k = static_cast<std::size_t>(rule);
  if (st.dropped[k]++ == 0)
    st.first_drop[k] =
        to_iso(t) + ": " + describe_rejection(rule, req, entry, st.job.cfg);
}

void chunk_sink::on_error(timestamp t, const std::string& what) {
  auto& st = self_->state;
  if (st.outcome.errors++ == 0)
    st.outcome.first_error = to_iso(t) + ": " + what;
  self_->send(st.bus, topic::error, error_event{st.source, what, t});
}

void step(strategy_actor* self);

// Publishes a chunk's events.
void publish(strategy_actor* self, chunk_sink& sink) {
  auto& st = self->state;
  if (sink.progress_ >= 0 && wanted(st.job, topic::progress_backtest)) {
    const auto& f = st.job.frame;
    const auto step_ms = interval_ms(f.iv);
    progress_event p;
    p.source = st.source;
    p.total_frames = (f.end - f.start) / step_ms + 1;
    p.processed_frames =
        std::min(p.total_frames, (sink.progress_ - f.start) / step_ms + 1);
    p.progress = static_cast<double>(p.processed_frames) /
                 static_cast<double>(p.total_frames);
    self->send(st.bus, std::vector<progress_event>{std::move(p)});
  }
  if (!sink.partials_.empty())
    self->send(st.bus, std::move(sink.partials_));
  if (!sink.signals_.empty()) {
    if (st.job.stream) {
      self->send(st.job.stream, sink.signals_);
      ++st.stream_unread;
    }
    if (wanted(st.job, topic::signal) || wanted(st.job, topic::signal_backtest))
      self->send(st.bus, std::move(sink.signals_));
  }
}

void finish(strategy_actor* self) {
  auto& st = self->state;
  const auto state = st.run->state();
  st.outcome.counters = st.run->counters();
  for (std::size_t k = 0; k < st.dropped.size(); ++k)
    if (st.dropped[k] > 0)
      st.outcome.rejected[std::string{to_string(static_cast<signal_rule>(k))}] =
          {st.dropped[k], st.first_drop[k]};
  st.outcome.stopped = st.stop;
  if (state == machine_state::failed)
    st.outcome.error = st.run->failure().message;
  for (auto& risk : st.job.risks)
    self->send(risk, leave_atom::value, st.job.rank);
  performance_event perf;
  perf.source = st.source;
  perf.type = "backtest_total";
  perf.duration_ms = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - st.started)
                         .count();
  perf.when = wall_ms();
  perf.previous = st.started_wall;
  push_capped(
      st.books->performance, perf,
      static_cast<std::size_t>(st.job.cfg.max_performance_markdown_rows));
  if (wanted(st.job, topic::performance))
    self->send(st.bus, std::vector<performance_event>{perf});
  if (!st.outcome.error.empty())
    self->send(st.bus, topic::exit,
               error_event{st.source, st.outcome.error, st.run->clock()});
  done_event done{st.source, st.stop, st.outcome.error};
  if (st.job.stream)
    self->send(st.job.stream, done);
  if (wanted(st.job, topic::done_backtest))
    self->send(st.bus, done);
  st.books->status = instance_status::done;
  st.books->last = st.outcome;
  st.status = instance_status::done;
  st.run.reset();
  st.job.data.ptr.reset();
  st.avg.reset();
  if (st.job.done)
    st.job.done(st.outcome);
  st.promise.deliver(st.outcome);
}

// Asks every risk of the job about the pending signal; resumes when all
// answered.
void ask_risks(strategy_actor* self) {
  auto& st = self->state;
  risk_check c;
  c.rank = st.job.rank;
  c.args.symbol = st.source.symbol;
  c.args.strategy = st.source.strategy;
  c.args.exchange = st.source.exchange;
  c.args.frame = st.source.frame;
  c.args.current_price = st.run->pending_price();
  c.args.when = st.run->clock();
  c.args.pending = st.run->pending();
  st.verdicts_due = st.job.risks.size();
  st.verdicts_allow = true;
  for (auto& risk : st.job.risks) {
    auto on_verdict = [=](bool allowed, const risk_event* rejection) {
      auto& s = self->state;
      if (!allowed) {
        if (s.verdicts_allow)
          ++s.outcome.risk_rejected;
        s.verdicts_allow = false;
        if (rejection != nullptr)
          push_capped(
              s.books->rejections, *rejection,
              static_cast<std::size_t>(s.job.cfg.max_risk_markdown_rows));
      }
      if (--s.verdicts_due == 0) {
        s.run->decide(s.verdicts_allow);
        step(self);
      }
    };
    self->request(risk, caf::infinite, check_atom::value, c)
        .then(
            [=](const risk_verdict& v) {
              if (v.allowed)
                return on_verdict(true, nullptr);
              const auto e = rejection_event(self->state.source, c, v);
              on_verdict(false, &e);
            },
            [=](caf::error&) { on_verdict(false, nullptr); });
  }
}

void step(strategy_actor* self) {
  auto& st = self->state;
  chunk_sink sink{self, st.job.stream || wanted(st.job, topic::signal) ||
                            wanted(st.job, topic::signal_backtest)};
  // Small chunks only when someone watches the run as it goes.
  const bool watched =
      st.job.stream || wanted(st.job, topic::progress_backtest);
  const auto until =
      st.run->clock() + (watched ? st.job.chunk : 30 * st.job.chunk);
  st.stream_yield = false;
  const auto state = st.run->advance(sink, until);
  publish(self, sink);
  switch (state) {
  case machine_state::ready:
    // A pull stream that has not read enough holds the run (not a stopped
    // one: its reader is gone).
    if (st.job.stream && !st.stop && st.stream_unread >= st.job.stream_window)
      st.stream_waiting = true;
    else
      self->send(self, advance_atom::value);
    break;
  case machine_state::awaiting:
    ask_risks(self);
    break;
  case machine_state::finished:
  case machine_state::failed:
    finish(self);
    break;
  }
}

// Runs on when the run waits for its stream and may go on.
void resume_stream(strategy_actor* self) {
  auto& st = self->state;
  if (!st.stream_waiting || !st.run)
    return;
  if (st.stop || st.stream_unread < st.job.stream_window) {
    st.stream_waiting = false;
    step(self);
  }
}

caf::behavior strategy_impl(strategy_actor* self,
                            std::shared_ptr<strategy> impl, event_source source,
                            caf::actor bus) {
  auto& st = self->state;
  st.impl = std::move(impl);
  st.source = std::move(source);
  st.bus = std::move(bus);
  st.books = std::make_shared<instance_snapshot>();
  st.books->source = st.source;
  return {
      [=](run_atom, run_job& job) -> caf::result<run_result> {
        auto& st = self->state;
        if (st.status == instance_status::running) {
          const auto why = st.source.symbol + ":" + st.source.strategy +
                           " is already running";
          if (job.done) {
            run_result refused;
            refused.error = why;
            job.done(refused);
          }
          // A pull stream waiting for this run ends at once.
          if (job.stream)
            self->send(job.stream, done_event{job.source, false, why});
          return caf::make_error(caf::sec::runtime_error, why);
        }
        // A new run starts from empty stores (backtest-kit clears them).
        st.source = job.source;
        st.books = std::make_shared<instance_snapshot>();
        st.books->source = st.source;
        st.books->trades =
            closed_trade_list{job.cfg.max_backtest_markdown_rows};
        if (job.cfg.max_heatmap_markdown_rows >
            job.cfg.max_backtest_markdown_rows)
          st.books->heat_trades =
              closed_trade_list{job.cfg.max_heatmap_markdown_rows};
        st.books->status = instance_status::running;
        st.job = std::move(job);
        st.outcome = run_result{};
        st.dropped = {};
        st.first_drop = {};
        st.stop = false;
        st.stream_unread = 0;
        st.stream_waiting = false;
        st.status = instance_status::running;
        st.avg = st.job.data.ptr->vwap(static_cast<int>(
            std::max<std::int64_t>(1, st.job.cfg.avg_price_candles_count)));
        st.run = st.impl->make_run(*st.job.data.ptr, st.job.cfg, st.job.frame,
                                   st.job.gated);
        st.run->set_stop_flag(&st.stop);
        st.run->set_yield_flag(&st.stream_yield);
        st.started = std::chrono::steady_clock::now();
        st.started_wall = wall_ms();
        st.promise = self->make_response_promise<run_result>();
        // The first chunk runs now; later ones after a look at the mailbox.
        auto promise = st.promise;
        step(self);
        return promise;
      },
      [=](advance_atom) {
        if (self->state.run)
          step(self);
      },
      [=](stop_atom) {
        auto& st = self->state;
        st.stop = true;
        resume_stream(self);
      },
      [=](ack_atom) {
        auto& st = self->state;
        if (st.stream_unread > 0)
          --st.stream_unread;
        resume_stream(self);
      },
      [=](status_atom) { return std::string{to_string(self->state.status)}; },
      [=](snapshot_atom) -> snapshot_ptr {
        // Copy on read: the actor keeps writing to its own books.
        auto copy = std::make_shared<instance_snapshot>(*self->state.books);
        copy->status = self->state.status;
        return copy;
      },
  };
}

} // namespace

caf::actor spawn_strategy_actor(caf::actor_system& sys,
                                std::unique_ptr<strategy> impl,
                                event_source source, caf::actor bus) {
  // CAF copies spawn arguments, so the strategy travels as a shared_ptr;
  // the actor is its only owner afterwards.
  return sys.spawn(strategy_impl, std::shared_ptr<strategy>{std::move(impl)},
                   std::move(source), std::move(bus));
}

} // namespace btk
