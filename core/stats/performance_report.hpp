#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/market/time.hpp"
#include "core/stats/capped_list.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// One timing sample (backtest-kit's `PerformanceContract`): how long an
/// operation of some type took, measured by the caller's clock.
struct performance_record {
  /// Kind of operation, e.g. `backtest_total`, `backtest_timeframe`,
  /// `backtest_signal`, `live_tick`.
  std::string type;
  /// How long it took, milliseconds.
  double duration_ms = 0;
  /// When it ended, epoch milliseconds.
  timestamp when = 0;
  /// When the previous sample of the same type ended, if any.
  std::optional<timestamp> previous;
};

/// The samples of backtest-kit's `PerformanceStorage` (statistics.md §4.4),
/// newest first, capped at `CC_MAX_PERFORMANCE_MARKDOWN_ROWS`.
class performance_book : public capped_list<performance_record> {
public:
  /// Creates an empty book that keeps at most `cap` samples; pass
  /// `config::max_performance_markdown_rows`. Default: 10000.
  explicit performance_book(std::int64_t cap = 10000)
      : capped_list(cap) {}
};

/// Aggregates of one operation type (`MetricStats`), all in milliseconds.
struct metric_stats {
  /// The operation type.
  std::string type;
  /// Number of samples.
  std::int64_t count = 0;
  /// Sum of the durations, added in ascending order.
  double total = 0;
  /// total / count.
  double avg = 0;
  /// Shortest duration.
  double min = 0;
  /// Longest duration.
  double max = 0;
  /// Sample standard deviation (N - 1); 0 for a single sample.
  double std_dev = 0;
  /// 50th percentile by linear interpolation.
  double median = 0;
  /// 95th percentile by linear interpolation.
  double p95 = 0;
  /// 99th percentile by linear interpolation.
  double p99 = 0;
  /// Mean time between consecutive samples of the type; 0 without one.
  double avg_wait = 0;
  /// Shortest time between consecutive samples; 0 without one.
  double min_wait = 0;
  /// Longest time between consecutive samples; 0 without one.
  double max_wait = 0;
};

/// `Performance.getData` (`PerformanceStatisticsModel`, statistics.md §4.4)
/// without its raw event list.
struct performance_statistics {
  /// Number of stored samples.
  std::int64_t total_events = 0;
  /// Sum of every stored duration, newest first.
  double total_duration = 0;
  /// One entry per type, in the order the types first appear newest first
  /// (the reference's `metricStats` key order).
  std::vector<metric_stats> metrics;
};

/// Value at percentile `p` (0-100) of the ascending `sorted` values by
/// linear interpolation between the ranks `floor` and `ceil` of
/// `p / 100 * (n - 1)`; 0 for no value.
double percentile(const std::vector<double>& sorted, double p);

/// Computes `Performance.getData` over `book` (statistics.md §4.4).
performance_statistics compute_performance(const performance_book& book);

/// The summary fields under the reference's JSON key names
/// (`"totalEvents"`, `"totalDuration"`); `"metricStats"` is `s.metrics`,
/// keyed by type, each through `stat_fields(const metric_stats&)`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const performance_statistics& s);

/// One type's aggregates under the reference's JSON key names
/// (`"metricType"`, `"count"`, `"totalDuration"`, …, `"maxWaitTime"`).
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const metric_stats& m);

/// Renders `Performance.getReport` (statistics.md §4.4): `# Performance
/// Report: {strategy_name}`, the per-type table sorted by total time
/// descending, the totals, `## Time Distribution` and the footnotes.
/// Without samples it is the title and `No performance metrics recorded
/// yet.`. Lines are joined with `\n`, without a trailing newline.
std::string render_performance_report(std::string_view strategy_name,
                                      const performance_statistics& stats);

} // namespace btk
