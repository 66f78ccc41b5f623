#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/statistics.hpp"

namespace btk {

/// The statistic named `metric` (a JSON key of `stat_fields`, e.g.
/// `sharpeRatio`) as a walker ranks by it: the value when it is a finite
/// number, else nothing (statistics.md §3.2 step 4). Any numeric key works,
/// as in the reference; a text key such as `trend` gives nothing.
std::optional<double> metric_value(const backtest_statistics& stats,
                                   std::string_view metric);

/// The default walker metric. Default: sharpeRatio
inline constexpr std::string_view default_walker_metric = "sharpeRatio";

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

} // namespace btk
