#include "core/walker/walker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <variant>

#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"
#include "core/stats/stat_math.hpp"

namespace btk {

std::optional<double> metric_value(const backtest_statistics& stats,
                                   std::string_view metric) {
  for (const auto& [key, value] : stat_fields(stats))
    if (key == metric)
      return numeric_value(value);
  return std::nullopt;
}

std::vector<std::string_view> walker_metric_names() {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : stat_fields(backtest_statistics{}))
    if (key != "trend")
      out.push_back(key);
  return out;
}

expected<std::string> check_walker_metric(std::string_view metric) {
  if (metric.empty())
    return std::string{default_walker_metric};
  std::string names;
  for (const auto name : walker_metric_names()) {
    if (name == metric)
      return std::string{metric};
    names += (names.empty() ? "" : ", ") + std::string{name};
  }
  return error{"metric '" + std::string{metric} +
               "' is not a statistic a walker can rank by; accepted: " + names};
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

namespace {

/// `lists[i]`, or nothing when absent.
const closed_trade_list*
list_at(const std::vector<const closed_trade_list*>& lists, std::size_t i) {
  return i < lists.size() ? lists[i] : nullptr;
}

/// `"+"` for a strictly positive value (negatives carry their own `-`).
std::string plus(double x) {
  return x > 0 ? "+" : "";
}

std::string fixed2(double x) {
  return to_fixed(x, 2);
}

std::string fixed3(double x) {
  return to_fixed(x, 3);
}

std::string pct2(double x) {
  return to_fixed(x, 2) + "%";
}

std::string signed_pct2(double x) {
  return plus(x) + to_fixed(x, 2) + "%";
}

std::string pct3(double x) {
  return to_fixed(x, 3) + "%";
}

std::string iso_or_na(const std::optional<timestamp>& t) {
  return t ? to_iso(*t) : std::string("N/A");
}

/// A bold header line `**label:** x.xxx (higher is better)`, or `N/A`.
std::string ratio_line(std::string_view label, const backtest_statistics* stats,
                       std::optional<double> backtest_statistics::*field) {
  const std::optional<double> v =
      stats != nullptr ? stats->*field : std::nullopt;
  return md::field(label, md::or_na(v, [](double x) {
                     return to_fixed(x, 3) + " (higher is better)";
                   }));
}

/// JavaScript's `array.slice(0, n)` length for an array of `size`.
std::size_t js_slice_end(std::size_t size, std::int64_t n) {
  const auto len = static_cast<std::int64_t>(size);
  const std::int64_t end = n < 0 ? std::max<std::int64_t>(0, len + n)
                                 : std::min<std::int64_t>(len, n);
  return static_cast<std::size_t>(end);
}

std::string comparison_table(const walker_statistics& s, const config& cfg) {
  if (s.strategy_results.empty())
    return "No strategy results available.";
  std::vector<const walker_strategy_result*> order;
  for (const auto& r : s.strategy_results)
    order.push_back(&r);
  // `b - a` with null as -Infinity: descending, ties (and two nulls) keep
  // the newest-first order.
  auto key = [](const walker_strategy_result* r) {
    return r->metric_value ? *r->metric_value
                           : -std::numeric_limits<double>::infinity();
  };
  std::stable_sort(
      order.begin(), order.end(),
      [&](const auto* a, const auto* b) { return key(a) > key(b); });
  order.resize(js_slice_end(order.size(), cfg.walker_markdown_top_n));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& r = *order[i];
    const auto& st = r.stats;
    rows.push_back({
        std::to_string(i + 1),
        r.strategy,
        md::or_na(r.metric_value, fixed2),
        std::to_string(st.total_signals),
        md::or_na(st.win_rate, pct2),
        md::or_na(st.avg_pnl, signed_pct2),
        md::or_na(st.total_pnl, signed_pct2),
        md::or_na(st.sharpe_ratio, fixed3),
        md::or_na(st.std_dev, pct3),
        md::or_na(st.sortino_ratio, fixed3),
        md::or_na(st.calmar_ratio, fixed3),
        md::or_na(st.recovery_factor, fixed3),
        iso_or_na(r.first_event_time),
        iso_or_na(r.last_event_time),
    });
  }
  return md::table({"Rank", "Strategy", "Metric", "Total Signals", "Win Rate",
                    "Avg PNL", "Total PNL", "Sharpe Ratio", "Std Dev",
                    "Sortino", "Calmar", "Recovery", "First Event",
                    "Last Event"},
                   rows);
}

std::string pnl_table(const walker_statistics& s,
                      const std::vector<const closed_trade_list*>& lists) {
  if (s.strategy_results.empty())
    return "No strategy results available.";
  std::vector<std::vector<std::string>> rows;
  const std::size_t n = s.strategy_results.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Results are newest first, lists in tested order.
    const auto* list = list_at(lists, n - 1 - i);
    if (list == nullptr)
      continue;
    for (const auto& t : *list) {
      rows.push_back({
          s.strategy_results[i].strategy,
          t.signal.id,
          s.symbol,
          md::upper(to_string(t.signal.position)),
          signed_pct2(t.pnl.pnl_percentage),
          std::string{to_string(t.close)},
          to_iso(t.signal.pending_at),
          to_iso(t.close_timestamp),
      });
    }
  }
  if (rows.empty())
    return "No closed signals available.";
  return md::table({"Strategy", "Signal ID", "Symbol", "Position", "PNL (net)",
                    "Close Reason", "Open Time", "Close Time"},
                   rows);
}

std::vector<std::string> footnotes(const std::string& metric) {
  const auto limits = stat_math::limit_text();
  const std::string& n = limits.min_trades;
  return {
      "*Metric: the value of " + metric +
          " for each strategy; the table ranks strategies by " + metric +
          ", largest first, and a strategy without a value (N/A) is ranked "
          "last and is never chosen as best.*",
      "*Win Rate: winning trades as a share of the trades that won or lost; "
      "break-even trades are not counted.*",
      "*Avg PNL / Total PNL: mean and plain (not compounded) sum of the net "
      "per-trade PNL percentages, after fees and slippage.*",
      "*Sharpe Ratio: average PNL divided by its standard deviation, per "
      "trade, with no risk-free rate; needs at least " +
          n + " trades.*",
      "*Std Dev: sample spread of the per-trade PNL; a smaller spread means "
      "steadier results.*",
      "*Sortino: average PNL divided by the downside deviation, so only losing "
      "trades count as risk; needs at least " +
          n + " trades.*",
      "*Calmar / Recovery: projected yearly return and compounded total "
      "return, "
      "each divided by the deepest drawdown of the equity curve and limited "
      "to ±" +
          limits.ratio_clamp + ".*",
      "*First Event / Last Event: start of the earliest and close of the "
      "latest stored trade; every figure covers only the newest stored "
      "trades of a strategy.*",
  };
}

} // namespace

walker_statistics
make_walker_statistics(const walker_names& names, const walker_ranking& ranking,
                       const std::vector<const closed_trade_list*>& lists) {
  walker_statistics out;
  out.walker_name = names.walker_name;
  out.symbol = names.symbol;
  out.exchange = names.exchange;
  out.frame = names.frame;
  out.metric = ranking.metric();
  out.total_strategies = ranking.total_strategies();
  out.best_strategy = ranking.best_strategy();
  out.best_metric = ranking.best_metric();
  if (const auto* best = ranking.best_stats())
    out.best_stats = *best;
  const auto& steps = ranking.steps();
  out.strategy_results.reserve(steps.size());
  for (std::size_t i = steps.size(); i-- > 0;) {
    walker_strategy_result r;
    r.strategy = steps[i].strategy;
    r.stats = steps[i].stats;
    r.metric_value = steps[i].metric_value;
    if (const auto* list = list_at(lists, i)) {
      for (const auto& t : *list) {
        if (!r.first_event_time || t.signal.pending_at < *r.first_event_time)
          r.first_event_time = t.signal.pending_at;
        if (!r.last_event_time || t.close_timestamp > *r.last_event_time)
          r.last_event_time = t.close_timestamp;
      }
    }
    out.strategy_results.push_back(std::move(r));
  }
  return out;
}

std::string
render_walker_report(const walker_statistics& s,
                     const std::vector<const closed_trade_list*>& lists,
                     const config& cfg) {
  const backtest_statistics* best = s.best_stats ? &*s.best_stats : nullptr;
  std::vector<std::string> lines = {
      "# Walker Comparison Report: " + s.walker_name,
      "",
      md::field("Symbol", s.symbol),
      md::field("Exchange", s.exchange),
      md::field("Frame", s.frame),
      md::field("Optimization Metric", s.metric),
      md::field("Strategies Tested", std::to_string(s.total_strategies)),
      "",
      "## Best Strategy: " + (s.best_strategy ? *s.best_strategy : "null"),
      "",
      md::field("Best " + s.metric, md::or_na(s.best_metric, fixed2)),
      md::field("Total Signals",
                std::to_string(best != nullptr ? best->total_signals : 0)),
      ratio_line("Sortino Ratio", best, &backtest_statistics::sortino_ratio),
      ratio_line("Calmar Ratio", best, &backtest_statistics::calmar_ratio),
      ratio_line("Recovery Factor", best,
                 &backtest_statistics::recovery_factor),
      "",
      "## Top Strategies Comparison",
      "",
      comparison_table(s, cfg),
      "",
      "## All Signals (PNL Table)",
      "",
      pnl_table(s, lists),
      "",
      "",
  };
  for (auto& line : footnotes(s.metric))
    lines.push_back(std::move(line));
  lines.emplace_back("");
  lines.emplace_back("**Note:** For every metric here a larger value is "
                     "better, except Std Dev, where a smaller one is.");
  return md::join_lines(lines);
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const walker_statistics& s) {
  using stat_math::nullable;
  return {
      {"walkerName", s.walker_name},
      {"symbol", s.symbol},
      {"exchangeName", s.exchange},
      {"frameName", s.frame},
      {"metric", s.metric},
      {"totalStrategies", s.total_strategies},
      {"bestStrategy", nullable(s.best_strategy)},
      {"bestMetric", nullable(s.best_metric)},
  };
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const walker_strategy_result& r) {
  using stat_math::nullable;
  return {
      {"strategyName", r.strategy},
      {"metricValue", nullable(r.metric_value)},
      {"firstEventTime", nullable(r.first_event_time)},
      {"lastEventTime", nullable(r.last_event_time)},
  };
}

} // namespace btk
