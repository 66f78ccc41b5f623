#include "runtime/cli/print.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "runtime/results/json.hpp"

namespace btk {

namespace {

std::string opt_text(const std::optional<double>& v, int digits,
                     const char* suffix = "") {
  return v ? fmt::format("{:.{}f}{}", *v, digits, suffix) : "n/a";
}

const std::string indent(25, ' ');

void print_notes(const batch_report& rep, const char* verb) {
  for (const auto& d : rep.data)
    if (d.filled > 0)
      std::fprintf(stderr,
                   "btk %s: %s: filled %zu missing minute%s in %zu gap%s "
                   "with flat candles (--fill-gaps)\n",
                   verb, d.symbol.c_str(), d.filled, d.filled == 1 ? "" : "s",
                   d.gaps, d.gaps == 1 ? "" : "s");
  const bool multi = rep.data.size() > 1;
  for (const auto& r : rep.runs) {
    const std::string label = multi ? r.symbol + " " + r.strategy : r.strategy;
    for (const auto& [rule, v] : r.outcome.rejected)
      std::fprintf(stderr,
                   "btk %s: %s: %llu signals dropped (%s); first at %s\n", verb,
                   label.c_str(), static_cast<unsigned long long>(v.first),
                   rule.c_str(), v.second.c_str());
    if (r.outcome.errors > 0)
      std::fprintf(stderr,
                   "btk %s: %s: get_signal failed %llu times; first at %s\n",
                   verb, label.c_str(),
                   static_cast<unsigned long long>(r.outcome.errors),
                   r.outcome.first_error.c_str());
  }
}

std::string run_line(const strategy_run& r, bool multi) {
  const std::string label = multi ? r.symbol + " " + r.strategy : r.strategy;
  std::string line = fmt::format(
      "  {:<22} {:>5} closed {:>4} cancelled  win rate {:>7}  total PnL {:>9}"
      "  Sharpe {:>7}",
      label, r.outcome.counters.closed, r.outcome.counters.cancelled,
      opt_text(r.stats.win_rate, 2, "%"), opt_text(r.stats.total_pnl, 2, "%"),
      opt_text(r.stats.sharpe_ratio, 3));
  if (!r.report_path.empty())
    line += "\n" + indent + "report: " + r.report_path;
  if (r.capped())
    line += "\n" + indent + "note: " +
            capped_note(r.stats.signal_list_length, r.outcome.counters.closed);
  return line;
}

} // namespace

void print_batch(const batch_report& rep, const char* verb, bool quiet) {
  if (quiet)
    return;
  print_notes(rep, verb);
  for (const auto& d : rep.data)
    std::printf("%s: %zu candles %s .. %s (%s)\n", d.symbol.c_str(), d.candles,
                to_iso(d.first).c_str(), to_iso(d.last).c_str(),
                d.format.c_str());
  const auto runs = rep.runs.size();
  std::printf("frame %s .. %s (%s), %zu run%s\n",
              to_iso(rep.frame.start).c_str(), to_iso(rep.frame.end).c_str(),
              std::string{to_string(rep.frame.iv)}.c_str(), runs,
              runs == 1 ? "" : "s");
  const bool multi = rep.data.size() > 1;
  for (const auto& r : rep.runs)
    std::printf("%s\n", run_line(r, multi).c_str());
  for (const auto& w : rep.walkers) {
    if (!w.report_path.empty())
      std::printf("  walker report: %s\n", w.report_path.c_str());
    std::printf("  %sbest by %s: %s (%s)\n",
                multi ? (w.model.symbol + " ").c_str() : "",
                w.model.metric.c_str(),
                w.model.best_strategy ? w.model.best_strategy->c_str() : "none",
                opt_text(w.model.best_metric, 6).c_str());
  }
  if (rep.heat) {
    const auto& h = rep.heat->model;
    std::printf("  portfolio: %lld symbols, %lld trades, PnL %s, Sharpe %s\n",
                static_cast<long long>(h.total_symbols),
                static_cast<long long>(h.portfolio_total_trades),
                opt_text(h.portfolio_total_pnl, 2, "%").c_str(),
                opt_text(h.portfolio_sharpe_ratio, 3).c_str());
    if (!rep.heat->report_path.empty())
      std::printf("  heat report: %s\n", rep.heat->report_path.c_str());
    if (rep.heat->capped)
      std::printf("  note: %s\n",
                  heat_capped_note(*rep.heat, rep.cfg.max_heatmap_markdown_rows)
                      .c_str());
  }
  std::printf("load %.1f ms, engine %.1f ms (%.1f M candles/s)\n",
              rep.timing.load_ms, rep.timing.engine_ms,
              rep.timing.candles_per_second / 1e6);
}

void print_sweep(const sweep_report& rep, bool quiet) {
  if (quiet)
    return;
  const double eps =
      rep.seconds > 0
          ? static_cast<double>(rep.candle_evaluations) / rep.seconds
          : 0;
  std::printf("sweep: %llu jobs (%llu run, %llu resumed, %llu failed) in "
              "%.2f s, %.1f M candle-evaluations/s\n",
              static_cast<unsigned long long>(rep.jobs),
              static_cast<unsigned long long>(rep.run),
              static_cast<unsigned long long>(rep.resumed),
              static_cast<unsigned long long>(rep.failed), rep.seconds,
              eps / 1e6);
  if (!rep.spec.walk_forward && rep.top.empty()) {
    std::printf("top: none - no job %s (%llu failed)\n",
                rep.jobs == 0 ? "passed the grid's constraints and sample"
                              : ("had a number for " + rep.spec.metric).c_str(),
                static_cast<unsigned long long>(rep.failed));
  } else if (!rep.spec.walk_forward) {
    std::printf("top %zu by %s:\n", rep.top.size(), rep.spec.metric.c_str());
    for (std::size_t i = 0; i < rep.top.size(); ++i)
      std::printf("  %2zu  %12.6f  %-10s %s%s\n", i + 1, *rep.top[i].metric,
                  rep.top[i].result.symbol.c_str(),
                  rep.top[i].result.spec.c_str(),
                  rep.top[i].result.capped() ? "  *" : "");
  } else {
    for (const auto& w : rep.windows)
      std::printf("  window %u %s: train %s .. %s best %s (%s), test %s\n",
                  w.index, w.symbol.c_str(), to_iso(w.train.start).c_str(),
                  to_iso(w.train.end).c_str(),
                  w.best_spec.empty() ? "none" : w.best_spec.c_str(),
                  opt_text(w.train_metric, 4).c_str(),
                  opt_text(w.test_metric, 4).c_str());
    for (const auto& [symbol, st] : rep.out_of_sample)
      std::printf("  out of sample %s: total PnL %s, %s %s\n", symbol.c_str(),
                  opt_text(stat_number(st, "totalPnl"), 2, "%").c_str(),
                  rep.spec.metric.c_str(),
                  opt_text(stat_number(st, rep.spec.metric), 4).c_str());
  }
  if (rep.capped > 0)
    std::printf("  note%s: %s\n", rep.spec.walk_forward ? "" : " (*)",
                sweep_capped_note(rep).c_str());
}

} // namespace btk
