#pragma once

// The public C++ API of btk, for programs that embed it. One `engine` owns
// the actor system; schemas are registered by name (as backtest-kit's
// add* functions), runs are started through facades, and listeners receive
// events one at a time, in order. No CAF, RocksDB or Cap'n Proto header is
// included here.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/exchange_actor.hpp"
#include "actors/frame_actor.hpp"
#include "actors/risk_actor.hpp"
#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/engine/run_result.hpp"
#include "core/risk/sizing.hpp"
#include "core/stats/heat.hpp"
#include "core/stats/partial_report.hpp"
#include "core/stats/performance_report.hpp"
#include "core/stats/risk_report.hpp"
#include "core/stats/schedule_report.hpp"
#include "core/stats/statistics.hpp"
#include "core/walker/walker.hpp"
#include "messages/events.hpp"
#include "strategies/callbacks.hpp"
#include "strategies/strategy.hpp"

namespace btk {

/// Thrown by the public API for a mistake of the caller: a duplicate or
/// unknown name, a bad schema, a failed run. The message names the call,
/// the names involved and the reason.
class api_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// -- schemas ------------------------------------------------------------------

/// A strategy (backtest-kit's `IStrategySchema`, seed-era.md §3.2).
struct strategy_schema {
  /// Unique name; events and reports use it.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// Makes the strategy object of one symbol:strategy instance (each
  /// instance owns its own object). Required.
  std::function<std::unique_ptr<strategy>()> make;
  /// One risk profile. Default: none
  std::string risk_name;
  /// More risk profiles; with `risk_name` they merge (all must allow).
  /// Default: none
  std::vector<std::string> risk_list;
  /// Called at each transition of its instances, backtest and live
  /// (`strategy_callbacks`). Default: none
  strategy_callbacks callbacks;

  /// A schema for a built-in strategy spec such as `sma-cross:fast=5`
  /// (see `btk strategies`). Throws `api_error` on a bad spec.
  static strategy_schema from_spec(std::string name, const std::string& spec);
};

/// A sizing profile (seed-era.md §13.2): a utility for the host; the
/// engine itself does not size positions.
struct sizing_schema {
  /// Unique name.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// Method and limits, validated on `add_sizing`.
  sizing_options options;
};

/// A walker (seed-era.md §14): strategies to compare on one exchange and
/// frame by a metric.
struct walker_schema {
  /// Unique name.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// The exchange every strategy runs on. Required.
  std::string exchange;
  /// The frame every strategy runs over. Required.
  std::string frame;
  /// Strategy names, in ranking order for ties.
  std::vector<std::string> strategies;
  /// Statistic to rank by. Default: sharpeRatio
  std::string metric = "sharpeRatio";
  /// Called in schema order before each strategy is ranked. Default: none
  std::function<void(const std::string& strategy, const std::string& symbol)>
      on_strategy_start;
  /// Called after a strategy is ranked, with its statistics and metric.
  /// Default: none
  std::function<void(const std::string& strategy, const std::string& symbol,
                     const backtest_statistics& stats,
                     std::optional<double> metric)>
      on_strategy_complete;
  /// Called when a strategy's run failed (it is then not ranked).
  /// Default: none
  std::function<void(const std::string& strategy, const std::string& symbol,
                     const std::string& error)>
      on_strategy_error;
  /// Called once with the final model. Default: none
  std::function<void(const walker_statistics&)> on_complete;
};

/// Which exchange and frame a strategy runs on.
struct backtest_context {
  /// The strategy's registered name.
  std::string strategy;
  /// The exchange's registered name.
  std::string exchange;
  /// The frame's registered name.
  std::string frame;
};

/// One memoized symbol:strategy instance (`backtest.list()`).
struct instance_info {
  /// `symbol:strategy`.
  std::string id;
  /// The instance's symbol and strategy.
  std::string symbol;
  std::string strategy;
  /// "idle", "running" or "done".
  std::string status;
};

/// Options of an engine.
struct engine_options {
  /// Scheduler threads. Default: 0 (one per core)
  std::size_t threads = 0;
  /// Compute partial profit/loss milestones of every closed position (the
  /// partial_profit / partial_loss events and the Partial report). Costs a
  /// second pass over each position's candles. Default: true
  bool track_partials = true;
};

class engine;
class live_facade;

/// A listener registration; `unsubscribe` removes it (idempotent). Dropping
/// the handle keeps the listener.
class subscription {
public:
  subscription() = default;
  /// Stops the listener; events already queued for it are dropped.
  void unsubscribe();
  /// The registration id.
  std::uint64_t id() const noexcept { return id_; }

private:
  friend class engine;
  std::weak_ptr<void> owner_;
  std::function<void(std::uint64_t)> cancel_;
  std::uint64_t id_ = 0;
};

/// A running background backtest: wait for it or cancel it.
class run_handle {
public:
  run_handle() = default;
  /// Stops the run (as `backtest.stop`): it opens nothing new and ends.
  void cancel();
  /// Blocks until the run ended; returns how.
  run_result wait();
  /// True when the run has ended.
  bool done() const;

  /// Blocks until every run of `handles` ended, waking once (not once per
  /// run) when they were started together by `background(vector)`.
  static void wait_all(std::vector<run_handle>& handles);

  /// Like `wait_all`, but gives up after `timeout`; true when every run
  /// ended. Wakes as the last run ends, so a caller that also watches a
  /// stop flag loses no time to polling.
  static bool wait_all_for(std::vector<run_handle>& handles,
                           std::chrono::milliseconds timeout);

  /// Implementation detail (defined in engine.cpp).
  struct state;

private:
  friend class backtest_facade;
  static std::vector<state*> states_of(std::vector<run_handle>& handles);
  std::shared_ptr<state> state_;
};

/// The results of `backtest.run`, pulled as they happen: a range over
/// `signal_event`s (scheduled, opened, closed, cancelled) that blocks until
/// the next one arrives and ends with the run.
class result_stream {
public:
  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = signal_event;
    using difference_type = std::ptrdiff_t;
    using pointer = const signal_event*;
    using reference = const signal_event&;
    reference operator*() const { return *stream_->current_; }
    pointer operator->() const { return &*stream_->current_; }
    iterator& operator++() {
      stream_->advance();
      if (!stream_->current_)
        stream_ = nullptr;
      return *this;
    }
    bool operator==(const iterator& o) const { return stream_ == o.stream_; }
    bool operator!=(const iterator& o) const { return stream_ != o.stream_; }

  private:
    friend class result_stream;
    result_stream* stream_ = nullptr;
  };

  result_stream(result_stream&&) noexcept;
  /// Stops the run this stream was pulling (as the destructor) first.
  result_stream& operator=(result_stream&&) noexcept;
  /// Leaving the stream before the run ended (a `break` out of the loop)
  /// stops the run, as an early exit from backtest-kit's generator does,
  /// and waits until it has ended.
  ~result_stream();

  /// Starts pulling (the first call only).
  iterator begin();
  iterator end() { return {}; }
  /// The next result, or nothing once the run ended.
  std::optional<signal_event> next();
  /// How the run ended. Called before the stream ended (after a `break`),
  /// it stops the run first, as leaving the stream does, and waits for it.
  const run_result& result();

private:
  friend class backtest_facade;
  struct state;
  explicit result_stream(std::unique_ptr<state> st);
  void advance();
  void close() noexcept;
  std::unique_ptr<state> state_;
  std::optional<signal_event> current_;
};

/// `Backtest` of backtest-kit: runs memoized by `symbol:strategy`.
class backtest_facade {
public:
  /// Runs `symbol` with `ctx` and returns its results as they happen.
  /// Throws `api_error` for unknown names or an instance already running.
  result_stream run(const std::string& symbol, const backtest_context& ctx);

  /// Starts the run and returns at once.
  run_handle background(const std::string& symbol, const backtest_context& ctx);

  /// Starts several runs together. Strategies sharing a risk profile decide
  /// in simulated-time order whatever the scheduling, so the results are
  /// the same as running them one tick at a time in this order.
  std::vector<run_handle>
  background(const std::vector<std::pair<std::string, backtest_context>>& runs);

  /// Stops `symbol:strategy`: it opens nothing new, an open position
  /// closes, the run ends. Idempotent; a no-op for an unknown instance.
  void stop(const std::string& symbol, const std::string& strategy);

  /// Statistics of the last run of `symbol:strategy` (statistics.md §1).
  backtest_statistics get_data(const std::string& symbol,
                               const std::string& strategy);

  /// Its closed trades, newest first (capped at
  /// CC_MAX_BACKTEST_MARKDOWN_ROWS).
  closed_trade_list get_trades(const std::string& symbol,
                               const std::string& strategy);

  /// The Markdown report (statistics.md §2).
  std::string get_report(const std::string& symbol,
                         const std::string& strategy);

  /// Writes the report to `{dir}/{strategy}.md` and returns the path.
  /// Default dir: ./dump/backtest
  std::string dump(const std::string& symbol, const std::string& strategy,
                   const std::string& dir = "./dump/backtest");

  /// Every memoized instance with its status (walkers' runs are listed by
  /// `walker().list()`).
  std::vector<instance_info> list();

private:
  friend class engine;
  friend class walker_facade;
  explicit backtest_facade(engine& e)
      : engine_(e) {}
  /// `background(runs)` on the instances of `scope` (empty: the backtest
  /// instances; a walker's name: that walker's own).
  std::vector<run_handle>
  start(const std::vector<std::pair<std::string, backtest_context>>& runs,
        const std::string& scope);
  engine& engine_;
};

/// get_data / get_report / dump of the reports of statistics.md §4 that
/// are kept per symbol:strategy (Schedule, Performance, Partial, Risk).
/// `Model` is the report's statistics type.
template <class Model>
class report_facade {
public:
  /// The statistics of `symbol:strategy`.
  Model get_data(const std::string& symbol, const std::string& strategy);
  /// The Markdown report.
  std::string get_report(const std::string& symbol,
                         const std::string& strategy);
  /// Writes the report to `{dir}/{symbol}_{strategy}.md` and returns the
  /// path. Default dir: the report's own (`./dump/schedule`, ...).
  std::string dump(const std::string& symbol, const std::string& strategy,
                   const std::string& dir = "");

private:
  friend class engine;
  report_facade(engine& e, int kind)
      : engine_(e)
      , kind_(kind) {}
  engine& engine_;
  int kind_;
};

/// The Heat report (statistics.md §4.2): every strategy's closed trades on
/// one exchange and frame, pooled per symbol, plus portfolio figures.
class heat_facade {
public:
  /// Statistics of the runs on `ctx.exchange` and `ctx.frame`.
  heat_statistics get_data(const backtest_context& ctx);
  /// The report, titled with `ctx.strategy`.
  std::string get_report(const backtest_context& ctx);
  /// Writes it to `{dir}/{strategy}.md`. Default dir: ./dump/heatmap
  std::string dump(const backtest_context& ctx,
                   const std::string& dir = "./dump/heatmap");

private:
  friend class engine;
  explicit heat_facade(engine& e)
      : engine_(e) {}
  engine& engine_;
};

/// A walker run pulled strategy by strategy (`walker.run`): each `next`
/// waits for the next strategy in schema order (all of them run at once),
/// ranks it and returns its event; nothing once the walker is done.
class walker_run {
public:
  walker_run(walker_run&&) noexcept;
  walker_run& operator=(walker_run&&) noexcept;
  ~walker_run();
  /// The next strategy's event, or nothing when the walker is complete.
  std::optional<walker_event> next();
  /// Runs to the end and returns the final model.
  walker_statistics finish();
  /// How each strategy's run ended, in schema order (waits for the runs;
  /// a strategy skipped after a stop shows as stopped).
  std::vector<run_result> outcomes();

  /// Implementation detail (defined in walker.cpp).
  struct state;

private:
  friend class walker_facade;
  explicit walker_run(std::shared_ptr<state> st);
  std::shared_ptr<state> state_;
};

/// `Walker` of backtest-kit: rank a walker's strategies on a symbol.
class walker_facade {
public:
  /// Starts walker `walker` on `symbol` (every name it refers to must
  /// exist) and returns the run to pull from.
  walker_run run(const std::string& symbol, const std::string& walker);
  /// Runs it to the end on its own thread; `wait()` on the future gives
  /// the final model (or rethrows the api_error).
  std::shared_future<walker_statistics> background(const std::string& symbol,
                                                   const std::string& walker);
  /// Stops the walker on `symbol`: the strategy being ranked is the last
  /// one (its run ends early); later strategies are skipped. Filtered by
  /// symbol and walker name; a no-op when nothing runs.
  void stop(const std::string& symbol, const std::string& walker);
  /// The model of the last completed run (statistics.md §3.4).
  walker_statistics get_data(const std::string& symbol,
                             const std::string& walker);
  /// Its Markdown report (statistics.md §3.5).
  std::string get_report(const std::string& symbol, const std::string& walker);
  /// Writes the report to `{dir}/{walker}.md` and returns the path.
  /// Default dir: ./dump/walker
  std::string dump(const std::string& symbol, const std::string& walker,
                   const std::string& dir = "./dump/walker");
  /// Every walker run (`symbol:walker`) with its status.
  std::vector<instance_info> list();

private:
  friend class engine;
  explicit walker_facade(engine& e)
      : engine_(e) {}
  engine& engine_;
};

/// Adds the strategies that need the runtime to the process's registry
/// (`builtin_strategies`): `llm` (runtime/llm). Once per process; the
/// engine, the batch runs and the command line call it, and a host that
/// reads specs itself before making an engine calls it first.
void add_host_strategies();

/// Owns the actor system and everything registered on it.
class engine {
public:
  explicit engine(engine_options opts = {});
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // -- registration (a duplicate name throws api_error)
  // ------------------------

  void add_exchange(exchange_schema schema);
  void add_strategy(strategy_schema schema);
  void add_frame(frame_schema schema);
  void add_risk(risk_schema schema);
  void add_sizing(sizing_schema schema);
  void add_walker(walker_schema schema);

  /// Replaces the configuration for runs started afterwards. Default: the
  /// `config{}` defaults.
  void set_config(const config& cfg);
  /// Applies `CC_KEY=value` overrides (all problems in one api_error);
  /// `unsafe` skips the safety rules.
  void set_config(const std::vector<std::pair<std::string, std::string>>& kv,
                  bool unsafe = false);
  const config& get_config() const;

  /// Position size with the sizing profile `name` (seed-era.md §13.2).
  double position_size(const std::string& name, const sizing_input& in);

  /// Every tick of frame `name` (backtest-kit's `getTimeframe`), from the
  /// frame actor.
  std::vector<timestamp> get_timeframe(const std::string& name);

  /// `price` of `symbol` as exchange `exchange` prints it (its
  /// `format_price`, or the report's price scale).
  std::string format_price(const std::string& exchange,
                           const std::string& symbol, double price);

  /// `quantity` of `symbol` as exchange `exchange` prints it (its
  /// `format_quantity`, or 8 decimals).
  std::string format_quantity(const std::string& exchange,
                              const std::string& symbol, double quantity);

  /// The walker schema `name`, checked: every name it refers to exists.
  const walker_schema& walker_schema_of(const std::string& name) const;

  // -- facades
  // -------------------------------------------------------------------

  backtest_facade& backtest() { return backtest_; }
  walker_facade& walker() { return walker_; }
  heat_facade& heat() { return heat_; }
  /// `Live`: strategies on the clock (runtime/api/live_facade.hpp).
  live_facade& live();
  report_facade<schedule_statistics>& schedule() { return schedule_; }
  report_facade<performance_statistics>& performance() { return performance_; }
  report_facade<partial_statistics>& partial() { return partial_; }
  report_facade<risk_statistics>& risk() { return risk_; }

  // -- listeners (each receives its events one at a time, in order)
  // --------------

  template <class E>
  using filter_fn = std::function<bool(const E&)>;
  template <class E>
  using listener_fn = std::function<void(const E&)>;

  subscription listen_signal(listener_fn<signal_event> fn);
  subscription listen_signal_once(filter_fn<signal_event> filter,
                                  listener_fn<signal_event> fn);
  subscription listen_signal_backtest(listener_fn<signal_event> fn);
  subscription listen_signal_backtest_once(filter_fn<signal_event> filter,
                                           listener_fn<signal_event> fn);
  subscription listen_signal_live(listener_fn<signal_event> fn);
  subscription listen_signal_live_once(filter_fn<signal_event> filter,
                                       listener_fn<signal_event> fn);
  subscription listen_done_live(listener_fn<done_event> fn);
  subscription listen_done_live_once(filter_fn<done_event> filter,
                                     listener_fn<done_event> fn);
  subscription listen_done_backtest(listener_fn<done_event> fn);
  subscription listen_done_backtest_once(filter_fn<done_event> filter,
                                         listener_fn<done_event> fn);
  subscription listen_progress(listener_fn<progress_event> fn);
  subscription listen_progress_once(filter_fn<progress_event> filter,
                                    listener_fn<progress_event> fn);
  subscription listen_risk(listener_fn<risk_event> fn);
  subscription listen_risk_once(filter_fn<risk_event> filter,
                                listener_fn<risk_event> fn);
  subscription listen_partial_profit(listener_fn<partial_event> fn);
  subscription listen_partial_profit_once(filter_fn<partial_event> filter,
                                          listener_fn<partial_event> fn);
  subscription listen_partial_loss(listener_fn<partial_event> fn);
  subscription listen_partial_loss_once(filter_fn<partial_event> filter,
                                        listener_fn<partial_event> fn);
  subscription listen_performance(listener_fn<performance_event> fn);
  subscription listen_performance_once(filter_fn<performance_event> filter,
                                       listener_fn<performance_event> fn);
  subscription listen_error(listener_fn<error_event> fn);
  subscription listen_error_once(filter_fn<error_event> filter,
                                 listener_fn<error_event> fn);
  subscription listen_walker(listener_fn<walker_event> fn);
  subscription listen_walker_once(filter_fn<walker_event> filter,
                                  listener_fn<walker_event> fn);
  subscription listen_walker_complete(listener_fn<walker_complete_event> fn);
  subscription
  listen_walker_complete_once(filter_fn<walker_complete_event> filter,
                              listener_fn<walker_complete_event> fn);
  subscription listen_done_walker(listener_fn<done_event> fn);
  subscription listen_done_walker_once(filter_fn<done_event> filter,
                                       listener_fn<done_event> fn);
  subscription listen_exit(listener_fn<error_event> fn);
  subscription listen_exit_once(filter_fn<error_event> filter,
                                listener_fn<error_event> fn);

  /// Blocks until every listener has handled every event published so far
  /// (listeners run on their own threads).
  void flush_events();

  struct impl;

private:
  friend class backtest_facade;
  friend class walker_facade;
  friend class heat_facade;
  friend class live_facade;
  template <class Model>
  friend class report_facade;

  template <class E>
  subscription listen(topic t, filter_fn<E> filter, listener_fn<E> fn,
                      bool once);

  std::shared_ptr<impl> impl_;
  backtest_facade backtest_{*this};
  walker_facade walker_{*this};
  heat_facade heat_{*this};
  report_facade<schedule_statistics> schedule_{*this, 0};
  report_facade<performance_statistics> performance_{*this, 1};
  report_facade<partial_statistics> partial_{*this, 2};
  report_facade<risk_statistics> risk_{*this, 3};
  // Made on first use; destroyed before the actor system.
  std::unique_ptr<live_facade> live_;
};

} // namespace btk
