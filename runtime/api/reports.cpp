// The reports of statistics.md §4 behind the engine's facades: each is
// rebuilt from an instance's stored events with the core book of the same
// name, so the numbers are the core's.

#include <algorithm>

#include "runtime/api/engine.hpp"
#include "runtime/api/engine_impl.hpp"

namespace btk {

namespace {

schedule_statistics schedule_of(const instance_snapshot& s, const config& cfg) {
  schedule_book book{cfg.max_schedule_markdown_rows};
  for (const auto& r : s.schedule)
    book.push(s.source.symbol, r);
  return compute_schedule(book);
}

performance_statistics performance_of(const instance_snapshot& s,
                                      const config& cfg) {
  performance_book book{cfg.max_performance_markdown_rows};
  for (const auto& e : s.performance) {
    performance_record r;
    r.type = e.type;
    r.duration_ms = e.duration_ms;
    r.when = e.when;
    if (e.previous > 0)
      r.previous = e.previous;
    book.push(std::move(r));
  }
  return compute_performance(book);
}

partial_statistics partial_of(const instance_snapshot& s, const config& cfg) {
  partial_book book{cfg.max_partial_markdown_rows};
  for (const auto& e : s.partials) {
    partial_record r;
    r.profit = e.profit;
    r.level = e.level;
    r.symbol = e.source.symbol;
    r.strategy = e.source.strategy;
    r.signal_id = e.signal.id;
    r.position = e.signal.position;
    r.current_price = e.current_price;
    r.when = e.when;
    r.backtest = e.source.backtest;
    book.push(std::move(r));
  }
  return compute_partial(book);
}

risk_statistics risk_of(const instance_snapshot& s, const config& cfg) {
  risk_report_book book{cfg.max_risk_markdown_rows};
  for (const auto& e : s.rejections) {
    risk_rejection r;
    r.symbol = e.source.symbol;
    r.strategy = e.source.strategy;
    r.exchange = e.source.exchange;
    r.signal_id = e.pending.id;
    r.comment = e.comment;
    r.position = e.pending.position;
    r.current_price = e.current_price;
    r.active_position_count = static_cast<std::size_t>(e.active_position_count);
    r.when = e.when;
    book.push(std::move(r));
  }
  return compute_risk(book);
}

template <class Model>
struct report_traits;

template <>
struct report_traits<schedule_statistics> {
  static constexpr const char* name = "schedule";
  static constexpr const char* dir = "./dump/schedule";
  static schedule_statistics data(const instance_snapshot& s,
                                  const config& cfg) {
    return schedule_of(s, cfg);
  }
  static std::string report(const instance_snapshot& s, const config& cfg) {
    return render_schedule_report(s.source.strategy, schedule_of(s, cfg),
                                  cfg.report_show_signal_note);
  }
};

template <>
struct report_traits<performance_statistics> {
  static constexpr const char* name = "performance";
  static constexpr const char* dir = "./dump/performance";
  static performance_statistics data(const instance_snapshot& s,
                                     const config& cfg) {
    return performance_of(s, cfg);
  }
  static std::string report(const instance_snapshot& s, const config& cfg) {
    return render_performance_report(s.source.strategy, performance_of(s, cfg));
  }
};

template <>
struct report_traits<partial_statistics> {
  static constexpr const char* name = "partial";
  static constexpr const char* dir = "./dump/partial";
  static partial_statistics data(const instance_snapshot& s,
                                 const config& cfg) {
    return partial_of(s, cfg);
  }
  static std::string report(const instance_snapshot& s, const config& cfg) {
    return render_partial_report(s.source.symbol, s.source.strategy,
                                 partial_of(s, cfg));
  }
};

template <>
struct report_traits<risk_statistics> {
  static constexpr const char* name = "risk";
  static constexpr const char* dir = "./dump/risk";
  static risk_statistics data(const instance_snapshot& s, const config& cfg) {
    return risk_of(s, cfg);
  }
  static std::string report(const instance_snapshot& s, const config& cfg) {
    return render_risk_report(s.source.symbol, s.source.strategy,
                              risk_of(s, cfg));
  }
};

} // namespace

template <class Model>
Model report_facade<Model>::get_data(const std::string& symbol,
                                     const std::string& strategy) {
  using traits = report_traits<Model>;
  auto snap = engine_.impl_->snapshot(std::string{traits::name} + ".get_data",
                                      symbol, strategy);
  return traits::data(*snap, engine_.get_config());
}

template <class Model>
std::string report_facade<Model>::get_report(const std::string& symbol,
                                             const std::string& strategy) {
  using traits = report_traits<Model>;
  auto snap = engine_.impl_->snapshot(std::string{traits::name} + ".get_report",
                                      symbol, strategy);
  return traits::report(*snap, engine_.get_config());
}

template <class Model>
std::string report_facade<Model>::dump(const std::string& symbol,
                                       const std::string& strategy,
                                       const std::string& dir) {
  using traits = report_traits<Model>;
  return write_report(std::string{traits::name} + ".dump",
                      dir.empty() ? std::string{traits::dir} : dir,
                      symbol + "_" + strategy + ".md",
                      get_report(symbol, strategy));
}

template class report_facade<schedule_statistics>;
template class report_facade<performance_statistics>;
template class report_facade<partial_statistics>;
template class report_facade<risk_statistics>;

// -- heat ---------------------------------------------------------------------

heat_statistics heat_facade::get_data(const backtest_context& ctx) {
  auto& im = *engine_.impl_;
  heat_book book{im.cfg.max_heatmap_markdown_rows};
  // Instances in run order, each oldest trade first: the pool a reference
  // run of the same strategies one after another would build.
  for (const auto& snap : im.snapshots()) {
    if (snap->source.exchange != ctx.exchange ||
        snap->source.frame != ctx.frame)
      continue;
    // The heatmap may keep more rows than the backtest report.
    const auto& kept =
        snap->heat_trades.cap() > 0 ? snap->heat_trades : snap->trades;
    std::vector<const tick_result*> trades;
    for (const auto& t : kept)
      trades.push_back(&t);
    for (auto i = trades.rbegin(); i != trades.rend(); ++i)
      book.push(snap->source.symbol, **i);
  }
  return compute_heat(book);
}

std::string heat_facade::get_report(const backtest_context& ctx) {
  return render_heat_report(ctx.strategy, get_data(ctx));
}

std::string heat_facade::dump(const backtest_context& ctx,
                              const std::string& dir) {
  return write_report("heat.dump", dir, ctx.strategy + ".md", get_report(ctx));
}

} // namespace btk
