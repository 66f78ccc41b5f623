#include "core/stats/performance_report.hpp"

#include <algorithm>
#include <cmath>

#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"

namespace btk {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty())
    return 0;
  if (sorted.size() == 1)
    return sorted[0];
  const double rank = (p / 100) * static_cast<double>(sorted.size() - 1);
  const double lower = std::floor(rank);
  const double upper = std::ceil(rank);
  const auto lo = static_cast<std::size_t>(lower);
  const auto hi = static_cast<std::size_t>(upper);
  if (lo == hi)
    return sorted[lo];
  const double fraction = rank - lower;
  return sorted[lo] * (1 - fraction) + sorted[hi] * fraction;
}

namespace {

/// Ascending numeric sort of a copy (`sort((a, b) => a - b)`).
std::vector<double> ascending(std::vector<double> xs) {
  std::stable_sort(xs.begin(), xs.end(),
                   [](double a, double b) { return a < b; });
  return xs;
}

double sum_of(const std::vector<double>& xs) {
  double s = 0;
  for (double v : xs)
    s += v;
  return s;
}

metric_stats aggregate(const std::string& type,
                       const std::vector<const performance_record*>& events) {
  metric_stats m;
  m.type = type;
  m.count = static_cast<std::int64_t>(events.size());
  std::vector<double> raw;
  std::vector<double> waits;
  for (const auto* e : events) {
    raw.push_back(e->duration_ms);
    if (e->previous)
      waits.push_back(static_cast<double>(e->when - *e->previous));
  }
  const auto d = ascending(std::move(raw));
  const auto n = static_cast<double>(d.size());
  m.total = sum_of(d);
  m.avg = m.total / n;
  m.min = d.front();
  m.max = d.back();
  if (d.size() > 1) {
    double sq = 0;
    for (double v : d)
      sq += (v - m.avg) * (v - m.avg);
    m.std_dev = std::sqrt(sq / (n - 1));
  }
  m.median = percentile(d, 50);
  m.p95 = percentile(d, 95);
  m.p99 = percentile(d, 99);
  const auto w = ascending(std::move(waits));
  if (!w.empty()) {
    m.avg_wait = sum_of(w) / static_cast<double>(w.size());
    m.min_wait = w.front();
    m.max_wait = w.back();
  }
  return m;
}

} // namespace

performance_statistics compute_performance(const performance_book& book) {
  performance_statistics out;
  out.total_events = static_cast<std::int64_t>(book.size());
  std::vector<std::string> types;
  std::vector<std::vector<const performance_record*>> groups;
  for (const auto& e : book) {
    out.total_duration += e.duration_ms;
    auto it = std::find(types.begin(), types.end(), e.type);
    if (it == types.end()) {
      types.push_back(e.type);
      groups.emplace_back();
      it = types.end() - 1;
    }
    groups[static_cast<std::size_t>(it - types.begin())].push_back(&e);
  }
  for (std::size_t i = 0; i < types.size(); ++i)
    out.metrics.push_back(aggregate(types[i], groups[i]));
  return out;
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const performance_statistics& s) {
  return {
      {"totalEvents", s.total_events},
      {"totalDuration", s.total_duration},
  };
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const metric_stats& m) {
  return {
      {"metricType", m.type},
      {"count", m.count},
      {"totalDuration", m.total},
      {"avgDuration", m.avg},
      {"minDuration", m.min},
      {"maxDuration", m.max},
      {"stdDev", m.std_dev},
      {"median", m.median},
      {"p95", m.p95},
      {"p99", m.p99},
      {"avgWaitTime", m.avg_wait},
      {"minWaitTime", m.min_wait},
      {"maxWaitTime", m.max_wait},
  };
}

std::string render_performance_report(std::string_view strategy_name,
                                      const performance_statistics& stats) {
  std::vector<std::string> lines;
  lines.push_back("# Performance Report: " + std::string(strategy_name));
  lines.emplace_back();
  if (stats.total_events == 0) {
    lines.emplace_back("No performance metrics recorded yet.");
    return md::join_lines(lines);
  }
  // Slowest types first; ties keep the type order.
  std::vector<const metric_stats*> sorted;
  for (const auto& m : stats.metrics)
    sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const metric_stats* a, const metric_stats* b) {
                     return a->total > b->total;
                   });
  auto ms = [](double x) { return to_fixed(x, 2); };
  std::vector<std::vector<std::string>> rows;
  for (const auto* m : sorted)
    rows.push_back({m->type, std::to_string(m->count), ms(m->total), ms(m->avg),
                    ms(m->min), ms(m->max), ms(m->std_dev), ms(m->median),
                    ms(m->p95), ms(m->p99), ms(m->avg_wait), ms(m->min_wait),
                    ms(m->max_wait)});
  lines.push_back(
      md::table({"Metric Type", "Count", "Total (ms)", "Avg (ms)", "Min (ms)",
                 "Max (ms)", "Std Dev (ms)", "Median (ms)", "P95 (ms)",
                 "P99 (ms)", "Avg Wait (ms)", "Min Wait (ms)", "Max Wait (ms)"},
                rows));
  lines.emplace_back();
  lines.push_back("**Total events:** " + std::to_string(stats.total_events));
  lines.push_back("**Total execution time:** " +
                  to_fixed(stats.total_duration, 2) + "ms");
  lines.push_back("**Number of metric types:** " +
                  std::to_string(stats.metrics.size()));
  lines.emplace_back();
  lines.emplace_back("## Time Distribution");
  lines.emplace_back();
  for (const auto* m : sorted) {
    double pct =
        stats.total_duration > 0 ? (m->total / stats.total_duration) * 100 : 0;
    if (!std::isfinite(pct))
      pct = 0;
    lines.push_back("- **" + m->type + "**: " + to_fixed(pct, 1) + "% (" +
                    to_fixed(m->total, 2) + "ms total)");
  }
  lines.emplace_back();
  lines.emplace_back("*Durations are wall-clock milliseconds measured by the "
                     "runtime, so they differ from run to run.*");
  lines.emplace_back("*Median, P95 and P99 interpolate linearly between the "
                     "two nearest sorted samples; Std Dev is the sample "
                     "deviation.*");
  lines.emplace_back("*Wait columns measure the time between the ends of two "
                     "consecutive samples of the same type; 0 when there is "
                     "only one.*");
  return md::join_lines(lines);
}

} // namespace btk
