#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace btk {

/// The engine configuration, backtest-kit's `GLOBAL_CONFIG` (engine.md §8).
/// Every field keeps the reference's `CC_*` name in `config_keys()`, which
/// is what `--set KEY=VALUE`, config files and JSON summaries use.
struct config {
  /// Fee in percent, paid on the entry and on the exit value.
  /// Default: 0.1
  double percent_fee = 0.1;
  /// Slippage in percent, against the trader on entry and exit.
  /// Default: 0.1
  double percent_slippage = 0.1;
  /// Number of 1-minute candles in the VWAP window that prices entries,
  /// exits and the trade walk. Default: 5
  std::int64_t avg_price_candles_count = 5;
  /// Minimum distance of the take-profit from the entry, percent. Must be at
  /// least 2 * (slippage + fee) unless unsafe. 0 (unsafe only) disables the
  /// check. Default: 0.5
  double min_takeprofit_distance_percent = 0.5;
  /// Minimum distance of the stop-loss from the entry, percent. 0 (unsafe
  /// only) disables the check. Default: 0.5
  double min_stoploss_distance_percent = 0.5;
  /// Maximum distance of the stop-loss from the entry, percent. 0 (unsafe
  /// only) disables the check. Default: 20
  double max_stoploss_distance_percent = 20;
  /// Longest allowed `minuteEstimatedTime`, and its default. 0 (unsafe only)
  /// disables the check. Default: 1440
  std::int64_t max_signal_lifetime_minutes = 1440;
  /// How long a scheduled (limit) signal waits for its entry before it is
  /// cancelled with reason `timeout`. Default: 120
  std::int64_t schedule_await_minutes = 120;
  /// Money put into each position; PnL in cost units is `pnl% / 100 * cost`.
  /// Default: 100
  double position_entry_cost = 100;
  /// Leverage applied to the PnL percentage. Default: 1
  double signal_leverage_multiplier = 1;
  /// Live mode: the longest a `get_signal` call may take. Not used by
  /// backtests. Default: 180
  std::int64_t max_signal_generation_seconds = 180;
  /// Whether long signals may open. Default: true
  bool enable_long_signal = true;
  /// Whether short signals may open. Default: true
  bool enable_short_signal = true;
  /// Statistics and reports cover the newest N closed trades. The golden
  /// scenarios use 1,000,000. Default: 250
  std::int64_t max_backtest_markdown_rows = 250;
  /// Live statistics keep the newest N events of every kind (live.md §12).
  /// The golden live scenarios use 1,000,000. Default: 250
  std::int64_t max_live_markdown_rows = 250;
  /// Heat keeps the newest N closed trades per symbol. Default: 250
  std::int64_t max_heatmap_markdown_rows = 250;
  /// The schedule report keeps the newest N scheduled/opened/cancelled
  /// events. Default: 250
  std::int64_t max_schedule_markdown_rows = 250;
  /// The performance report keeps the newest N timing samples.
  /// Default: 10000
  std::int64_t max_performance_markdown_rows = 10000;
  /// The partial report keeps the newest N profit/loss level events.
  /// Default: 250
  std::int64_t max_partial_markdown_rows = 250;
  /// The risk report keeps the newest N rejections. Default: 250
  std::int64_t max_risk_markdown_rows = 250;
  /// The walker report's comparison table shows the best N strategies.
  /// Default: 10
  std::int64_t walker_markdown_top_n = 10;
  /// Whether reports show the signal note column. Default: false
  bool report_show_signal_note = false;

  /// Every rule of engine.md §8 that this configuration breaks, one readable
  /// sentence each; empty when valid. `unsafe` keeps only the structural
  /// rules (types, integers, a VWAP window of at least one candle).
  std::vector<std::string> problems(bool unsafe = false) const;
};

/// Kind of a configuration value.
enum class config_type : std::uint8_t { number, integer, boolean };

/// Name and kind of one configuration key.
struct config_key {
  std::string_view name;
  config_type type;
};

/// All keys, in the order summaries print them.
const std::vector<config_key>& config_keys();

/// Reads a key's value as a double (booleans as 0/1). Returns false for an
/// unknown key.
bool get_config_value(const config& cfg, std::string_view key, double& out);

/// Sets a key from the value `get_config_value` gives (booleans as 0/1),
/// without validating (call `config::problems`). Returns false, changing
/// nothing, for an unknown key, an integer key given a fraction or more than
/// 2^53, or a boolean given other than 0 or 1. Nodes rebuild a sweep's
/// configuration this way, bit for bit.
bool set_config_value(config& cfg, std::string_view key, double value);

/// Applies `KEY=VALUE` overrides on top of `base` (values as text: numbers
/// read like JavaScript `Number()`, booleans `true`/`false`), then validates
/// the result (engine.md §8, skipped when `unsafe`). All problems are
/// reported together in one error; on error nothing is applied.
expected<config>
apply_config(const config& base,
             const std::vector<std::pair<std::string, std::string>>& overrides,
             bool unsafe);

} // namespace btk
