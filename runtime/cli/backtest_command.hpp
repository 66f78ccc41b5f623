#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace btk {

/// Options of `btk backtest` (see `btk backtest --help`).
struct backtest_options {
  /// Candle file: generic CSV or Binance dump, plain or gzip. Exactly one
  /// of `data` and `store` is required. Default: none
  std::string data;
  /// Candle store directory (`btk data import`) to read `symbol` from,
  /// instead of a file. Default: none
  std::string store;
  /// Symbol the candles belong to. Required with `store`. Default: from the
  /// file name (the part before the first `-`), upper-cased.
  std::string symbol;
  /// Several symbols from `store`, each run with every strategy as
  /// concurrent actors (instead of `symbol`). Default: none
  std::vector<std::string> symbols;
  /// Scheduler threads of the actor runtime. Default: 0 (one per core)
  std::size_t workers = 0;
  /// Strategy specs `name:key=value,...`; each symbol runs all of them, the
  /// k-th named `name#k`. At least one.
  std::vector<std::string> strategies;
  /// First tick (ISO-8601 UTC or epoch ms). Default: first candle + warm-up.
  std::string frame_start;
  /// Last tick. Default: last candle - look-ahead.
  std::string frame_end;
  /// Tick spacing. Default: 1m
  std::string frame_interval = "1m";
  /// Configuration overrides `CC_KEY=VALUE`. Default: none
  std::vector<std::string> sets;
  /// Apply the overrides without the safety rules. Default: false
  bool unsafe_config = false;
  /// Fill missing minutes with flat candles instead of failing. Default: false
  bool fill_gaps = false;
  /// JSON lines of closed and cancelled results. Default: none
  std::string trades_out;
  /// JSON summary (config, frame, statistics, timing). Default: none
  std::string summary_out;
  /// Folder for the Markdown reports; empty disables them.
  /// Default: ./dump/backtest
  std::string report_dir = "./dump/backtest";
  /// Print only errors. Default: false
  bool quiet = false;
  /// Walker mode (`btk walker`): rank the strategies of each symbol by
  /// `metric` and add the ranking to the outputs. Default: false
  bool walker = false;
  /// The statistic the walker ranks by. Default: sharpeRatio
  std::string metric = "sharpeRatio";
  /// Walker sweep: parameter grids (`sma-cross:fast=5..50:5,...`); plain
  /// `strategies` then count as one-point grids. Default: none
  std::vector<std::string> grids;
  /// Sweep constraint on the parameters (`fast<slow`). Default: none
  std::string where;
  /// Sweep a uniform sample of this many points per grid. Default: 0 (all)
  std::uint64_t sample = 0;
  /// Seed of the sample. Default: 1
  std::uint64_t seed = 1;
  /// Rows of the sweep's top table. Default: 10
  std::size_t top = 10;
  /// Sweep results, one JSON object per job in job-id order. Default: none
  std::string results_out;
  /// Sweep state directory (RocksDB): a rerun skips finished jobs.
  /// Default: none
  std::string state;
  /// Walk-forward windows `train=30d,test=7d[,step=7d]`. Default: none
  std::string walk_forward;
};

/// Runs `btk backtest`; returns the process exit code (0 ok, 1 failure).
int run_backtest_command(const backtest_options& opts);

} // namespace btk
