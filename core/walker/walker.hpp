#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/config.hpp"
#include "core/error.hpp"
#include "core/market/time.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// The statistic named `metric` (a JSON key of `stat_fields`, e.g.
/// `sharpeRatio`) as a walker ranks by it: the value when it is a finite
/// number, else nothing (statistics.md §3.2 step 4). Any numeric key works,
/// as in the reference; a text key such as `trend` gives nothing.
std::optional<double> metric_value(const backtest_statistics& stats,
                                   std::string_view metric);

/// The default walker metric. Default: sharpeRatio
inline constexpr std::string_view default_walker_metric = "sharpeRatio";

/// The statistics a walker can rank by: every numeric field of
/// `stat_fields(backtest_statistics)` (all but `trend`), in that order.
std::vector<std::string_view> walker_metric_names();

/// `metric` when a walker can rank by it (empty means
/// `default_walker_metric`); else an error naming it and listing
/// `walker_metric_names()`, so a typo never ranks every strategy on null.
expected<std::string> check_walker_metric(std::string_view metric);

/// One strategy as the walker tested it (the reference's WalkerContract
/// without the names of the run).
struct walker_step {
  std::string strategy;
  backtest_statistics stats;
  /// `metric_value(stats, metric)`.
  std::optional<double> metric_value;
  /// The best so far, after this strategy.
  std::optional<double> best_metric;
  std::optional<std::string> best_strategy;
  /// 1 for the first strategy tested.
  std::int64_t strategies_tested = 0;
  std::int64_t total_strategies = 0;
};

/// Ranks strategies exactly as backtest-kit's walker (statistics.md §3.2):
/// strategies are added in schema order; one becomes best when its metric
/// is not null and the best is null or strictly smaller, so ties keep the
/// earlier strategy and a null metric never wins. Deterministic whatever
/// order the strategies finished in, as long as they are added in schema
/// order.
class walker_ranking {
public:
  /// `metric` empty means `default_walker_metric`. `total` is the number of
  /// strategies of the schema (reported even when fewer are tested).
  walker_ranking(std::string metric, std::int64_t total);

  /// Adds the next strategy in schema order; returns its step.
  const walker_step& add(std::string strategy, backtest_statistics stats);

  const std::string& metric() const noexcept { return metric_; }
  std::int64_t total_strategies() const noexcept { return total_; }
  /// Steps in the order tested.
  const std::vector<walker_step>& steps() const noexcept { return steps_; }
  /// The best metric, or nothing when no strategy had one.
  const std::optional<double>& best_metric() const noexcept {
    return best_metric_;
  }
  /// The best strategy, or nothing.
  const std::optional<std::string>& best_strategy() const noexcept {
    return best_strategy_;
  }
  /// The best strategy's statistics, or nothing.
  const backtest_statistics* best_stats() const noexcept;

private:
  std::string metric_;
  std::int64_t total_;
  std::vector<walker_step> steps_;
  std::optional<double> best_metric_;
  std::optional<std::string> best_strategy_;
  std::size_t best_index_ = 0;
};

/// The names a walker run is reported under (the reference's
/// `walkerName`, `symbol`, `exchangeName` and `frameName`).
struct walker_names {
  /// The walker's name.
  std::string walker_name;
  /// The symbol every strategy ran on.
  std::string symbol;
  /// The walker's exchange.
  std::string exchange;
  /// The walker's frame.
  std::string frame;
};

/// One entry of `Walker.getData`'s `strategyResults` (statistics.md §3.4).
struct walker_strategy_result {
  /// The strategy's name.
  std::string strategy;
  /// Its `Backtest.getData` (over the capped list).
  backtest_statistics stats;
  /// The ranking metric of `stats`, finite or nothing.
  std::optional<double> metric_value;
  /// Smallest `signal.pending_at` over the strategy's stored (capped) trades,
  /// invalid rows included; nothing without stored trades.
  std::optional<timestamp> first_event_time;
  /// Largest `close_timestamp` over the same trades; nothing without them.
  std::optional<timestamp> last_event_time;
};

/// `Walker.getData` (backtest-kit 19.5.0 `WalkerStatisticsModel`,
/// statistics.md §3.4): the complete contract plus every tested strategy.
struct walker_statistics {
  /// The walker's name.
  std::string walker_name;
  /// The symbol every strategy ran on.
  std::string symbol;
  /// The walker's exchange.
  std::string exchange;
  /// The walker's frame.
  std::string frame;
  /// The ranking metric (`metric || "sharpeRatio"`).
  std::string metric;
  /// The number of strategies of the schema, tested or not.
  std::int64_t total_strategies = 0;
  /// The best strategy, or nothing when no metric was a number.
  std::optional<std::string> best_strategy;
  /// The best metric, or nothing.
  std::optional<double> best_metric;
  /// The best strategy's statistics, or nothing.
  std::optional<backtest_statistics> best_stats;
  /// The tested strategies, newest first (the last tested comes first).
  std::vector<walker_strategy_result> strategy_results;
};

/// Builds `Walker.getData` from a finished (or stopped) ranking. `lists`
/// holds each tested strategy's stored trades, in `ranking.steps()` order
/// (tested order); they give the first and last event times. A missing or
/// null entry counts as a strategy without stored trades.
walker_statistics
make_walker_statistics(const walker_names& names, const walker_ranking& ranking,
                       const std::vector<const closed_trade_list*>& lists);

/// Renders `Walker.getReport` (statistics.md §3.5): the header block, the
/// best strategy (`null` when none) with its metric, signal count, Sortino,
/// Calmar and recovery factor, the comparison table of the best
/// `cfg.walker_markdown_top_n` strategies (stable sort by metric, highest
/// first, nulls last), the table of every stored trade (strategies newest
/// first, trades newest first), the notes explaining the metrics and a
/// closing note. `lists` are the stored trades in tested order, the same
/// vector given to `make_walker_statistics`, so the last list belongs to
/// `s.strategy_results.front()`. Lines are joined with `\n`, without a
/// trailing newline.
std::string
render_walker_report(const walker_statistics& s,
                     const std::vector<const closed_trade_list*>& lists,
                     const config& cfg);

/// The contract fields of `s` under the reference's JSON key names
/// (`"walkerName"`, `"symbol"`, `"exchangeName"`, `"frameName"`,
/// `"metric"`, `"totalStrategies"`, `"bestStrategy"`, `"bestMetric"`);
/// `"bestStats"` and `"strategyResults"` are left to the caller.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const walker_statistics& s);

/// The fields of one strategy result (`"strategyName"`, `"metricValue"`,
/// `"firstEventTime"`, `"lastEventTime"`); `"stats"` is left to the caller.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const walker_strategy_result& r);

} // namespace btk
