#pragma once

// The result models of btk's runs: what a backtest batch, a walker and a
// parameter sweep produced, as plain values. The public API returns them;
// `runtime/results/json.hpp` encodes them for every front end (the command
// line, sweeps, later the server and the nodes), so each field has one name
// everywhere.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/engine/run_result.hpp"
#include "core/stats/heat.hpp"
#include "core/stats/live_report.hpp"
#include "core/stats/statistics.hpp"
#include "core/walker/walker.hpp"
#include "messages/sweep_convert.hpp"

namespace btk {

// -- candles ------------------------------------------------------------------

/// Where one symbol's candles came from and what they hold (a summary's
/// `data` section).
struct data_info {
  /// The symbol the candles were loaded for.
  std::string symbol;
  /// The candle file, or empty when they came from the store.
  std::string file;
  /// The candle store directory, or empty when they came from a file.
  std::string store;
  /// `csv` or `binance` for a file, `store` for the candle store.
  std::string format;
  /// Candles read (file rows or stored candles), before filling.
  std::size_t rows = 0;
  /// Flat candles inserted for missing minutes (`fill_gaps`).
  std::size_t filled = 0;
  /// Runs of missing minutes found (filled or not).
  std::size_t gaps = 0;
  /// Candles of the series, filled ones included.
  std::size_t candles = 0;
  /// Open times of the first and the last candle.
  timestamp first = 0;
  timestamp last = 0;
};

// -- backtests and walkers ----------------------------------------------------

/// One `symbol × strategy` run of a batch.
struct strategy_run {
  std::string symbol;
  /// The run's strategy name: `name#k` for the k-th spec of the batch.
  std::string strategy;
  /// The spec it was made from (`sma-cross:fast=5`).
  std::string spec;
  /// How the run ended: counts, dropped signals, errors.
  run_result outcome;
  /// `Backtest.getData` of the run (over the capped list of closed trades).
  backtest_statistics stats;
  /// Closed and cancelled results in engine order; filled only when the
  /// batch collects results (a trades file was asked for).
  std::vector<tick_result> results;
  /// The Markdown report written for the run, or empty.
  std::string report_path;

  /// True when `stats` covers only the newest
  /// `CC_MAX_BACKTEST_MARKDOWN_ROWS` closed trades of the run (backtest-kit
  /// keeps 250 by default): the figures then say nothing about the older
  /// trades.
  bool capped() const noexcept {
    return outcome.counters.closed > stats.signal_list_length;
  }
};

/// A walker's ranking of one symbol's strategies.
struct walker_summary {
  /// `Walker.getData` (statistics.md §3.4).
  walker_statistics model;
  /// The comparison report written for it, or empty.
  std::string report_path;
};

/// The Heat report over every run of a batch of several symbols.
struct heat_summary {
  /// The Heat report's `getData` (statistics.md §4.2).
  heat_statistics model;
  /// The report written for it, or empty.
  std::string report_path;
  /// Closed trades of every run pooled.
  std::uint64_t closed = 0;
  /// True when some symbol closed more trades than
  /// `CC_MAX_HEATMAP_MARKDOWN_ROWS` keeps: the figures then cover only its
  /// newest trades (as in backtest-kit).
  bool capped = false;
};

/// How long a batch took.
struct batch_timing {
  /// Reading the candles, milliseconds.
  double load_ms = 0;
  /// Running the strategies, milliseconds.
  double engine_ms = 0;
  /// Frame minutes times runs, per second of `engine_ms`.
  double candles_per_second = 0;
  /// Scheduler threads asked for (0: one per core).
  std::size_t workers = 0;
};

/// What a backtest batch or a walker did (`run_backtests`, `run_walker`).
struct batch_report {
  /// `backtest` or `walker`.
  std::string mode = "backtest";
  /// The candles of each symbol, in the order asked for.
  std::vector<data_info> data;
  /// The frame every run walked.
  backtest_frame frame;
  /// The configuration of the runs.
  config cfg;
  /// True when the overrides skipped the safety rules.
  bool unsafe_config = false;
  /// Every run, symbol by symbol, strategies in the order given.
  std::vector<strategy_run> runs;
  /// Backtests over several symbols: the Heat report pooling every run.
  std::optional<heat_summary> heat;
  /// Walkers: one ranking per symbol, in symbol order.
  std::vector<walker_summary> walkers;
  /// How long loading and running took.
  batch_timing timing;

  /// The symbols, in order.
  std::vector<std::string> symbols() const;
};

// -- parameter sweeps ---------------------------------------------------------

/// Walk-forward windows: train on `train`, test on the `test` that follows,
/// then move both by `step`.
struct walk_forward_spec {
  /// Length of each train span, ms. Required (> 0).
  timestamp train = 0;
  /// Length of each test span, ms. Required (> 0).
  timestamp test = 0;
  /// How far each window moves, ms; at least `test`, so test spans never
  /// overlap. Default: 0, meaning `test`
  timestamp step = 0;
};

/// Why `name` cannot be part of a file name btk writes (reports, dumps:
/// `{symbol}_{strategy}_{exchange}_{frame}_...md`), or "" when it can. The
/// one check every mode uses for symbols and registered names: not empty,
/// at most 128 bytes, not `.` or `..`, no `/`, `\` or control character
/// (a newline, a NUL). `what` is how the message names it ("--symbol").
std::string file_name_problem(std::string_view what, std::string_view name);

/// The largest `--sample` (points per grid) and `--top` (rows kept).
inline constexpr std::uint64_t max_sweep_sample = 100'000'000;
inline constexpr std::size_t max_sweep_top = 100'000;

/// The longest train, test or step span: 100 years (36,500 days), far past
/// any data, short enough that window arithmetic cannot overflow.
inline constexpr timestamp max_walk_forward_span = 36'500 * day_ms;

/// Parses `train=30d,test=7d[,step=7d]` (units m, h, d, w); each span at
/// most `max_walk_forward_span`.
expected<walk_forward_spec> parse_walk_forward(std::string_view text);

/// A sweep result with its metric, as ranked.
struct ranked_result {
  /// The job's result.
  sweep_result result;
  /// Its metric (never null in a top table).
  std::optional<double> metric;
};

/// One walk-forward window of one symbol.
struct walk_window {
  /// 1 for the first window.
  std::uint32_t index = 0;
  /// The symbol the window's choice was made on.
  std::string symbol;
  /// The span the points ran on, and the span the best one was tested on.
  backtest_frame train;
  backtest_frame test;
  /// The best spec on the train span, or empty when none had a metric.
  std::string best_spec;
  std::optional<double> train_metric;
  /// The best spec's statistics on the test span.
  stat_list test_stats;
  std::optional<double> test_metric;
};

/// The grids of a sweep and how they are ranked: what a host asks for
/// (`sweep_options`) and what the sweep records (`sweep_spec`), one
/// definition for both.
struct sweep_grid {
  /// Grid specs (`sma-cross:fast=5..50:5,interval=5m|15m`); a plain spec is
  /// a one-point grid. At least one.
  std::vector<std::string> grids;
  /// Constraint on the parameters (`fast<slow`). Default: none
  std::string where;
  /// Run a uniform sample of this many points per grid, at most
  /// `max_sweep_sample` (the sample's indices are held in memory).
  /// Default: 0 (all)
  std::uint64_t sample = 0;
  /// Seed of the sample. Default: 1
  std::uint64_t seed = 1;
  /// Statistic to rank by (`walker_metric_names()`). Default: sharpeRatio
  std::string metric{default_walker_metric};
  /// Walk-forward windows. Default: none
  std::optional<walk_forward_spec> walk_forward;
  /// Rows of the top table, 1 .. `max_sweep_top`. Default: 10
  std::size_t top = 10;
};

/// What a sweep runs: its grids, the symbols, frame and configuration they
/// were resolved to, and its threads (the sweep's own description, the same
/// in its plan, its report and its resumable state).
struct sweep_spec : sweep_grid {
  /// Symbols; every point runs on each. At least one.
  std::vector<std::string> symbols;
  /// The frame every job runs over (walk-forward splits it).
  backtest_frame frame;
  /// The configuration every job runs with.
  config cfg;
  /// Worker threads. Default: 0 (one per core)
  std::size_t workers = 0;
};

/// What a sweep did (`run_sweep`).
struct sweep_report {
  /// What ran.
  sweep_spec spec;

  // -- what happened --
  /// Jobs in all: points × symbols × windows.
  std::uint64_t jobs = 0;
  /// Jobs run now, and jobs taken from the state of an earlier run.
  std::uint64_t run = 0;
  std::uint64_t resumed = 0;
  /// Jobs whose run failed (their error is in the results file).
  std::uint64_t failed = 0;
  /// Jobs whose statistics cover only the newest
  /// `CC_MAX_BACKTEST_MARKDOWN_ROWS` closed trades.
  std::uint64_t capped = 0;
  /// The best results by the metric (ties: lower job id first); nulls are
  /// never ranked. Without walk-forward only.
  std::vector<ranked_result> top;
  /// Walk-forward windows, in window then symbol order.
  std::vector<walk_window> windows;
  /// Per symbol, the statistics of every test span's trades stitched
  /// together (the out-of-sample result).
  std::map<std::string, stat_list> out_of_sample;
  /// 1-minute candles the jobs walked or ticked over, for throughput.
  std::uint64_t candle_evaluations = 0;
  /// Seconds the sweep ran, and milliseconds spent loading its candles.
  double seconds = 0;
  double load_ms = 0;
  /// Worker threads asked for (0: one per core).
  std::size_t workers = 0;
};

/// One live instance after a run (`run_live`).
struct live_instance_report {
  std::string symbol;
  /// Run name `name#k`.
  std::string strategy;
  std::string spec;
  /// This process's ticks by result kind (idle, scheduled, opened, active,
  /// closed, cancelled, waiting).
  std::map<std::string, std::uint64_t> counts;
  /// Ticks that ran (results of every kind).
  std::uint64_t ticks = 0;
  /// Signals its risk profiles rejected in this process.
  std::uint64_t risk_rejected = 0;
  /// `Live.getData` over this process's events (statistics.md §4.1).
  live_statistics stats;
  /// Phase at the end: flat, scheduled or pending.
  std::string phase;
  bool ended = false;
};

/// Counters of a live session (`live_session::run`, `run_live`).
struct live_counters {
  /// Minutes run by this process.
  std::uint64_t minutes = 0;
  std::uint64_t ticks = 0;
  std::uint64_t failed_ticks = 0;
  /// Signals a risk profile rejected (each asked again at the next tick).
  std::uint64_t risk_rejected = 0;
  std::uint64_t events = 0;
  /// Synced RocksDB batches written.
  std::uint64_t syncs = 0;
  /// The last minute run (0: none).
  timestamp last_minute = 0;
  /// The run ended because the replayed candles did.
  bool data_ended = false;
  /// Wall time of the last minute from its candles being there (the clock
  /// reached it) to its batch synced and its events published, ms.
  double last_minute_ms = 0;
};

/// What a live run did (`run_live`): its counters and every instance.
struct live_report : live_counters {
  /// Every instance, symbol by symbol, strategies in order.
  std::vector<live_instance_report> instances;
  config cfg;
  /// A fleet (`--nodes`): its nodes, instances moved to another node, the
  /// longest time from a node lost to its instances running again (ms),
  /// events a new owner sent again (dropped by id), and messages of fenced
  /// epochs refused. Zero for one process.
  std::size_t nodes = 0;
  std::uint64_t failovers = 0;
  double failover_ms = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t fenced = 0;
};

} // namespace btk
