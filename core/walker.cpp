#include "core/walker.hpp"

#include <cmath>
#include <utility>
#include <variant>

namespace btk {

std::optional<double> metric_value(const backtest_statistics& stats,
                                   std::string_view metric) {
  for (const auto& [key, value] : stat_fields(stats)) {
    if (key != metric)
      continue;
    if (const auto* d = std::get_if<double>(&value))
      return std::isfinite(*d) ? std::optional<double>{*d} : std::nullopt;
    if (const auto* i = std::get_if<std::int64_t>(&value))
      return static_cast<double>(*i);
    return std::nullopt;
  }
  return std::nullopt;
}

walker_ranking::walker_ranking(std::string metric, std::int64_t total)
    : metric_(metric.empty() ? std::string{default_walker_metric}
                             : std::move(metric))
    , total_(total) {}

const walker_step& walker_ranking::add(std::string strategy,
                                       backtest_statistics stats) {
  walker_step step;
  step.metric_value = btk::metric_value(stats, metric_);
  // Strictly greater: ties keep the earlier strategy; null never wins.
  if (step.metric_value &&
      (!best_metric_ || *step.metric_value > *best_metric_)) {
    best_metric_ = step.metric_value;
    best_strategy_ = strategy;
    best_index_ = steps_.size();
  }
  step.strategy = std::move(strategy);
  step.stats = std::move(stats);
  step.best_metric = best_metric_;
  step.best_strategy = best_strategy_;
  step.strategies_tested = static_cast<std::int64_t>(steps_.size()) + 1;
  step.total_strategies = total_;
  steps_.push_back(std::move(step));
  return steps_.back();
}

const backtest_statistics* walker_ranking::best_stats() const noexcept {
  return best_strategy_ ? &steps_[best_index_].stats : nullptr;
}

} // namespace btk
