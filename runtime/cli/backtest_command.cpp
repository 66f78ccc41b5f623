#include "runtime/cli/backtest_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/stats/heat.hpp"
#include "core/stats/report.hpp"
#include "core/stats/statistics.hpp"
#include "core/walker/walker.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/cli/candle_source.hpp"
#include "runtime/cli/json_output.hpp"
#include "runtime/cli/progress.hpp"
#include "runtime/sweep/sweep.hpp"
#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
      .count();
}

bool write_text(const std::string& path, const std::string& text,
                std::string& err) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    err = "cannot write " + path;
    return false;
  }
  out << text;
  out.close();
  if (!out) {
    err = "cannot write " + path;
    return false;
  }
  return true;
}

// The verb errors are reported under ("backtest" or "walker").
const char* command_name = "backtest";

int fail(const std::string& msg) {
  std::fprintf(stderr, "btk %s: %s\n", command_name, msg.c_str());
  return 1;
}

std::string opt_text(const std::optional<double>& v, int digits,
                     const char* suffix = "") {
  return v ? fmt::format("{:.{}f}{}", *v, digits, suffix) : "n/a";
}

} // namespace

template <class Inputs>
std::map<std::string, std::shared_ptr<const series>>
inputs_map(const Inputs& inputs) {
  std::map<std::string, std::shared_ptr<const series>> out;
  for (const auto& in : inputs)
    out[in.s->symbol()] = in.s;
  return out;
}

// `btk walker --grid ...`: a parameter sweep on every core.
int run_sweep_mode(
    const backtest_options& opts, const config& cfg,
    const std::vector<std::string>& grids,
    const std::map<std::string, std::shared_ptr<const series>>& data,
    const std::vector<std::string>& symbols, const backtest_frame& frame,
    double load_ms) {
  sweep_options so;
  so.grids = grids;
  so.where = opts.where;
  so.sample = opts.sample;
  so.seed = opts.seed;
  so.symbols = symbols;
  so.frame = frame;
  so.cfg = cfg;
  so.metric = opts.metric;
  so.workers = opts.workers;
  so.top = opts.top;
  so.results_out = opts.results_out;
  so.state_dir = opts.state;
  if (!opts.walk_forward.empty()) {
    auto wf = parse_walk_forward(opts.walk_forward);
    if (!wf)
      return fail(wf.err().message);
    so.walk_forward = *wf;
  }
  progress_bar bar{"sweep", 1};
  const auto t0 = clock_type::now();
  so.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!bar.enabled())
      return;
    const double secs = ms_since(t0) / 1000;
    bar.set_label(fmt::format("sweep {}/{} jobs, {:.0f} jobs/s", done, total,
                              secs > 0 ? done / secs : 0.0));
    bar.update(static_cast<double>(done) / static_cast<double>(total));
  };
  auto rep = run_sweep(so, data);
  bar.finish();
  if (!rep)
    return fail(rep.err().message);
  auto metric_json = [](const std::optional<double>& m) {
    return m ? nlohmann::ordered_json(*m) : nlohmann::ordered_json();
  };
  auto stats_of = [](const stat_list& xs) {
    std::vector<std::pair<std::string_view, stat_value>> fields;
    for (const auto& [k, v] : xs)
      fields.emplace_back(k, v);
    return fields_json(fields);
  };
  nlohmann::ordered_json summary;
  summary["mode"] = "sweep";
  summary["metric"] = opts.metric;
  summary["grids"] = grids;
  summary["where"] = opts.where;
  summary["symbols"] = so.symbols;
  summary["frame"] = {{"interval", std::string{to_string(frame.iv)}},
                      {"start", frame.start},
                      {"end", frame.end},
                      {"startIso", to_iso(frame.start)},
                      {"endIso", to_iso(frame.end)}};
  summary["config"] = config_json(cfg);
  summary["jobs"] = {{"total", rep->jobs},
                     {"run", rep->run},
                     {"resumed", rep->resumed},
                     {"failed", rep->failed}};
  nlohmann::ordered_json top = nlohmann::ordered_json::array();
  for (const auto& r : rep->top)
    top.push_back({{"id", r.result.id},
                   {"spec", r.result.spec},
                   {"symbol", r.result.symbol},
                   {"metric", metric_json(r.metric)},
                   {"stats", stats_of(r.result.stats)}});
  summary["top"] = top;
  if (so.walk_forward) {
    nlohmann::ordered_json windows = nlohmann::ordered_json::array();
    for (const auto& w : rep->windows)
      windows.push_back({{"window", w.index},
                         {"symbol", w.symbol},
                         {"trainStart", w.train.start},
                         {"trainEnd", w.train.end},
                         {"testStart", w.test.start},
                         {"testEnd", w.test.end},
                         {"bestSpec", w.best_spec},
                         {"trainMetric", metric_json(w.train_metric)},
                         {"testMetric", metric_json(w.test_metric)},
                         {"testStats", stats_of(w.test_stats)}});
    summary["walkForward"] = {{"windows", windows}};
    nlohmann::ordered_json oos = nlohmann::ordered_json::object();
    for (const auto& [symbol, st] : rep->out_of_sample)
      oos[symbol] = stats_of(st);
    summary["walkForward"]["outOfSample"] = oos;
  }
  const double eps =
      rep->seconds > 0
          ? static_cast<double>(rep->candle_evaluations) / rep->seconds
          : 0;
  summary["timing"] = {{"load_ms", load_ms},
                       {"seconds", rep->seconds},
                       {"candle_evaluations_per_second", eps},
                       {"workers", opts.workers}};
  std::string err;
  if (!opts.summary_out.empty() &&
      !write_text(opts.summary_out, summary.dump(2) + "\n", err))
    return fail(err);
  if (!opts.quiet) {
    std::printf("sweep: %llu jobs (%llu run, %llu resumed, %llu failed) in "
                "%.2f s, %.1f M candle-evaluations/s\n",
                static_cast<unsigned long long>(rep->jobs),
                static_cast<unsigned long long>(rep->run),
                static_cast<unsigned long long>(rep->resumed),
                static_cast<unsigned long long>(rep->failed), rep->seconds,
                eps / 1e6);
    if (!so.walk_forward) {
      std::printf("top %zu by %s:\n", rep->top.size(), opts.metric.c_str());
      for (std::size_t i = 0; i < rep->top.size(); ++i)
        std::printf("  %2zu  %12.6f  %-10s %s\n", i + 1, *rep->top[i].metric,
                    rep->top[i].result.symbol.c_str(),
                    rep->top[i].result.spec.c_str());
    } else {
      for (const auto& w : rep->windows)
        std::printf("  window %u %s: train %s .. %s best %s (%s), test %s\n",
                    w.index, w.symbol.c_str(), to_iso(w.train.start).c_str(),
                    to_iso(w.train.end).c_str(),
                    w.best_spec.empty() ? "none" : w.best_spec.c_str(),
                    opt_text(w.train_metric, 4).c_str(),
                    opt_text(w.test_metric, 4).c_str());
      for (const auto& [symbol, st] : rep->out_of_sample)
        std::printf("  out of sample %s: total PnL %s, %s %s\n", symbol.c_str(),
                    opt_text(stat_number(st, "totalPnl"), 2, "%").c_str(),
                    opts.metric.c_str(),
                    opt_text(stat_number(st, opts.metric), 4).c_str());
    }
  }
  return 0;
}

int run_backtest_command(const backtest_options& opts) {
  command_name = opts.walker ? "walker" : "backtest";
  // -- configuration ---------------------------------------------------------
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& s : opts.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos)
      return fail("--set '" + s + "': expected KEY=VALUE");
    kv.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  auto cfg = apply_config(config{}, kv, opts.unsafe_config);
  if (!cfg)
    return fail(cfg.err().message);

  // -- strategies ------------------------------------------------------------
  const bool sweep = opts.walker && !opts.grids.empty();
  if (!opts.walker && !opts.grids.empty())
    return fail("--grid belongs to `btk walker`");
  if (opts.strategies.empty() && !sweep)
    return fail("give at least one --strategy SPEC (see `btk strategies`)");
  struct entry {
    std::string name;
    std::string spec;
    std::unique_ptr<strategy> probe;
  };
  std::vector<entry> entries;
  for (const auto& spec : opts.strategies) {
    auto made = builtin_strategies().make(spec);
    if (!made)
      return fail("--strategy '" + spec + "': " + made.err().message);
    const auto parsed = parse_spec(spec);
    const int k = static_cast<int>(entries.size()) + 1;
    entries.push_back(
        {parsed->name + "#" + std::to_string(k), spec, std::move(*made)});
  }
  // A sweep's frame margins come from the extreme points of each grid
  // (first and last, which hold the smallest and largest values).
  std::vector<std::string> sweep_grids;
  if (sweep) {
    sweep_grids = opts.grids;
    sweep_grids.insert(sweep_grids.end(), opts.strategies.begin(),
                       opts.strategies.end());
    entries.clear();
    for (const auto& text : sweep_grids) {
      auto g = parse_grid(text, builtin_strategies());
      if (!g)
        return fail("--grid: " + g.err().message);
      for (const auto i : {std::uint64_t{0}, g->size() - 1}) {
        const auto spec = g->spec_at(i);
        auto made = builtin_strategies().make(spec);
        if (!made)
          return fail("--grid '" + text + "': " + made.err().message);
        entries.push_back({spec, spec, std::move(*made)});
      }
    }
  }
  auto frame_iv = parse_interval(opts.frame_interval);
  if (!frame_iv)
    return fail("--frame-interval '" + opts.frame_interval +
                "': expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d");

  // -- data ------------------------------------------------------------------
  std::vector<std::string> wanted;
  backtest_options split = opts;
  if (split.symbols.empty() && split.symbol.find(',') != std::string::npos) {
    // `--symbol A,B` reads as `--symbols A,B`.
    std::string rest = split.symbol;
    split.symbol.clear();
    for (std::size_t pos = 0; pos <= rest.size();) {
      auto comma = rest.find(',', pos);
      if (comma == std::string::npos)
        comma = rest.size();
      split.symbols.push_back(rest.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  if (!split.symbols.empty()) {
    if (opts.store.empty())
      return fail("--symbols needs --store DIR (files hold one symbol each; "
                  "import them with `btk data import`)");
    if (!split.symbol.empty())
      return fail("give --symbol or --symbols, not both");
    for (const auto& sym : split.symbols) {
      if (std::find(wanted.begin(), wanted.end(), sym) != wanted.end())
        return fail("--symbols lists " + sym + " twice");
      wanted.push_back(sym);
    }
  } else {
    wanted.push_back(opts.symbol);
  }
  const auto load_start = clock_type::now();
  struct loaded {
    backtest_candles data;
    std::shared_ptr<const series> s;
  };
  std::vector<loaded> inputs;
  for (const auto& sym : wanted) {
    backtest_options one = opts;
    one.symbol = sym;
    auto data = load_candles_for_backtest(one);
    if (!data)
      return fail(data.err().message);
    auto made_series = series::make(data->symbol, data->candles);
    if (!made_series)
      return fail(data->origin + ": " + made_series.err().message);
    data->candles = {};
    if (data->filled > 0 && !opts.quiet)
      std::fprintf(stderr,
                   "btk backtest: %s: filled %zu missing minute%s in %zu "
                   "gap%s with flat candles (--fill-gaps)\n",
                   data->symbol.c_str(), data->filled,
                   data->filled == 1 ? "" : "s", data->gaps,
                   data->gaps == 1 ? "" : "s");
    inputs.push_back({std::move(*data), std::move(*made_series)});
  }
  const double load_ms = ms_since(load_start);
  // The default frame fits every symbol's data.
  timestamp first = inputs.front().s->first();
  timestamp last = inputs.front().s->last();
  for (const auto& in : inputs) {
    first = std::max(first, in.s->first());
    last = std::min(last, in.s->last());
  }

  // -- frame -----------------------------------------------------------------
  std::int64_t warmup = cfg->avg_price_candles_count;
  std::int64_t lookahead = 0;
  for (const auto& e : entries) {
    warmup = std::max(warmup, e.probe->lookback_minutes());
    std::int64_t life = e.probe->max_lifetime_minutes();
    if (life <= 0)
      life = cfg->max_signal_lifetime_minutes;
    if (e.probe->may_schedule())
      life += cfg->schedule_await_minutes;
    lookahead = std::max(lookahead, life + 1);
  }
  frame_schema frame;
  frame.name = std::string{to_string(*frame_iv)};
  frame.iv = *frame_iv;
  if (opts.frame_start.empty()) {
    frame.start = first + warmup * minute_ms;
  } else if (auto t = parse_time(opts.frame_start)) {
    frame.start = *t;
  } else {
    return fail("--frame-start '" + opts.frame_start +
                "': expected an ISO-8601 UTC time or epoch milliseconds");
  }
  if (opts.frame_end.empty()) {
    frame.end = last - lookahead * minute_ms;
  } else if (auto t = parse_time(opts.frame_end)) {
    frame.end = *t;
  } else {
    return fail("--frame-end '" + opts.frame_end +
                "': expected an ISO-8601 UTC time or epoch milliseconds");
  }
  if (frame.end < frame.start)
    return fail("the frame is empty: start " + to_iso(frame.start) +
                " is after end " + to_iso(frame.end) + " (the data covers " +
                to_iso(first) + " .. " + to_iso(last) + "; warm-up " +
                std::to_string(warmup) + " min, look-ahead " +
                std::to_string(lookahead) + " min)");

  if (sweep)
    return run_sweep_mode(opts, *cfg, sweep_grids, inputs_map(inputs), wanted,
                          backtest_frame{frame.start, frame.end, frame.iv},
                          load_ms);

  // -- the actor runtime -----------------------------------------------------
  engine_options eo;
  eo.threads = opts.workers;
  eo.track_partials = false;
  engine eng{eo};
  std::map<std::string, std::shared_ptr<const series>> by_symbol;
  for (const auto& in : inputs)
    by_symbol[in.s->symbol()] = in.s;
  exchange_schema exchange;
  exchange.name = "local";
  exchange.note = "candles loaded by the command line";
  exchange.get_series = [by_symbol](const std::string& symbol)
      -> expected<std::shared_ptr<const series>> {
    auto i = by_symbol.find(symbol);
    if (i == by_symbol.end())
      return error{"not loaded"};
    return i->second;
  };
  eng.add_exchange(std::move(exchange));
  eng.add_frame(frame);
  for (const auto& e : entries)
    eng.add_strategy(strategy_schema::from_spec(e.name, e.spec));
  eng.set_config(*cfg);

  // Trades as they happen, per symbol:strategy; the listener runs on its own
  // thread, one event at a time.
  // Trade lines as they happen, per symbol:strategy (only when asked for:
  // events nobody listens to are never built).
  std::mutex mtx;
  std::map<std::string, std::string> trade_lines;
  if (!opts.trades_out.empty())
    eng.listen_signal_backtest([&](const signal_event& ev) {
      const auto& r = ev.result;
      if (r.kind != action::closed && r.kind != action::cancelled)
        return;
      std::lock_guard<std::mutex> guard{mtx};
      auto& o = trade_lines[ev.source.symbol + ":" + ev.source.strategy];
      o += trade_json_line(r, ev.source.strategy, ev.source.symbol);
      o += '\n';
    });
  const std::size_t pairs = inputs.size() * entries.size();
  const double span = static_cast<double>(frame.end - frame.start) + 1;
  progress_bar bar{"backtest", static_cast<double>(pairs)};
  std::map<std::string, double> done_by_pair;
  if (bar.enabled())
    eng.listen_progress([&](const progress_event& p) {
      std::lock_guard<std::mutex> guard{mtx};
      done_by_pair[p.source.symbol + ":" + p.source.strategy] = p.progress;
      double sum = 0;
      for (const auto& kv : done_by_pair)
        sum += kv.second;
      bar.update(sum);
    });
  std::vector<std::pair<std::string, backtest_context>> batch;
  for (const auto& in : inputs)
    for (const auto& e : entries)
      batch.push_back({in.s->symbol(), {e.name, "local", frame.name}});
  const auto t0 = clock_type::now();
  std::vector<run_result> results;
  try {
    auto handles = eng.backtest().background(batch);
    run_handle::wait_all(handles);
    for (auto& h : handles)
      results.push_back(h.wait());
  } catch (const api_error& e) {
    bar.finish();
    return fail(e.what());
  }
  const double engine_ms = ms_since(t0);
  eng.flush_events();
  bar.finish();

  // -- outputs ---------------------------------------------------------------
  const timestamp dump_ts =
      floor_div(std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count(),
                minute_ms) *
      minute_ms;
  std::string err;
  std::string trades;
  nlohmann::ordered_json strategies_json = nlohmann::ordered_json::array();
  std::vector<std::string> lines;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const auto& symbol = batch[k].first;
    const auto& name = batch[k].second.strategy;
    const auto& run = results[k];
    const auto& spec = entries[k % entries.size()].spec;
    if (!run.error.empty())
      return fail((inputs.size() > 1 ? symbol + ":" : std::string{}) + name +
                  ": " + run.error);
    trades += trade_lines[symbol + ":" + name];
    const auto closed = run.counters.closed;
    const auto cancelled = run.counters.cancelled;
    const auto stats = eng.backtest().get_data(symbol, name);
    std::string report_path;
    if (!opts.report_dir.empty() && !opts.walker) {
      report_path = (std::filesystem::path(opts.report_dir) /
                     fmt::format("{}_{}_local_{}_backtest-{}.md", symbol, name,
                                 frame.name, dump_ts))
                        .string();
      if (!write_text(report_path, eng.backtest().get_report(symbol, name),
                      err))
        return fail(err);
    }
    nlohmann::ordered_json rejected = nlohmann::ordered_json::object();
    for (const auto& [rule, v] : run.rejected)
      rejected[rule] = {{"count", v.first}, {"first", v.second}};
    strategies_json.push_back(
        {{"strategyName", name},
         {"symbol", symbol},
         {"spec", spec},
         {"counts", {{"closed", closed}, {"cancelled", cancelled}}},
         {"rejected", rejected},
         {"stats", stats_json(stats)},
         {"report", report_path}});
    const std::string label = inputs.size() > 1 ? symbol + " " + name : name;
    if (!opts.quiet) {
      for (const auto& [rule, v] : run.rejected)
        std::fprintf(stderr,
                     "btk backtest: %s: %llu signals dropped (%s); "
                     "first at %s\n",
                     label.c_str(), static_cast<unsigned long long>(v.first),
                     rule.c_str(), v.second.c_str());
      if (run.errors > 0)
        std::fprintf(stderr,
                     "btk backtest: %s: get_signal failed %llu "
                     "times; first at %s\n",
                     label.c_str(), static_cast<unsigned long long>(run.errors),
                     run.first_error.c_str());
    }
    lines.push_back(fmt::format(
        "  {:<22} {:>5} closed {:>4} cancelled  win rate {:>7}  total PnL {:>9}"
        "  Sharpe {:>7}{}",
        label, closed, cancelled, opt_text(stats.win_rate, 2, "%"),
        opt_text(stats.total_pnl, 2, "%"), opt_text(stats.sharpe_ratio, 3),
        report_path.empty()
            ? ""
            : "\n  " + std::string(22, ' ') + " report: " + report_path));
  }
  // Walker mode: each symbol's strategies ranked in declaration order
  // (statistics.md §3.2), whatever order the runs finished in.
  nlohmann::ordered_json walkers = nlohmann::ordered_json::array();
  if (opts.walker) {
    for (const auto& in : inputs) {
      const auto& symbol = in.s->symbol();
      walker_ranking ranking{opts.metric,
                             static_cast<std::int64_t>(entries.size())};
      nlohmann::ordered_json progress = nlohmann::ordered_json::array();
      for (const auto& e : entries) {
        const auto& step =
            ranking.add(e.name, eng.backtest().get_data(symbol, e.name));
        progress.push_back(
            {{"strategyName", step.strategy},
             {"metricValue", step.metric_value
                                 ? nlohmann::ordered_json(*step.metric_value)
                                 : nlohmann::ordered_json()},
             {"strategiesTested", step.strategies_tested},
             {"totalStrategies", step.total_strategies}});
      }
      nlohmann::ordered_json w;
      w["symbol"] = symbol;
      w["metric"] = ranking.metric();
      w["bestStrategy"] = ranking.best_strategy()
                              ? nlohmann::ordered_json(*ranking.best_strategy())
                              : nlohmann::ordered_json();
      w["bestMetric"] = ranking.best_metric()
                            ? nlohmann::ordered_json(*ranking.best_metric())
                            : nlohmann::ordered_json();
      w["totalStrategies"] = ranking.total_strategies();
      w["progress"] = progress;
      // The walker's comparison report (statistics.md §3.5).
      if (!opts.report_dir.empty()) {
        std::vector<closed_trade_list> lists;
        for (const auto& e : entries)
          lists.push_back(eng.backtest().get_trades(symbol, e.name));
        std::vector<const closed_trade_list*> ptrs;
        for (const auto& l : lists)
          ptrs.push_back(&l);
        const auto model = make_walker_statistics(
            {"walker", symbol, "local", frame.name}, ranking, ptrs);
        const auto path = (std::filesystem::path(opts.report_dir) /
                           fmt::format("{}_walker_local_{}-{}.md", symbol,
                                       frame.name, dump_ts))
                              .string();
        if (!write_text(path, render_walker_report(model, ptrs, *cfg), err))
          return fail(err);
        w["report"] = path;
        lines.push_back("  walker report: " + path);
      }
      walkers.push_back(w);
      lines.push_back(fmt::format(
          "  {}best by {}: {} ({})", inputs.size() > 1 ? symbol + " " : "",
          ranking.metric(),
          ranking.best_strategy() ? *ranking.best_strategy() : "none",
          opt_text(ranking.best_metric(), 6)));
    }
  }

  // Several symbols: the Heat report pools every run (statistics.md §4.2).
  nlohmann::ordered_json heat_json;
  std::string heat_path;
  if (inputs.size() > 1 && !opts.walker) {
    const backtest_context heat_ctx{"portfolio", "local", frame.name};
    const auto heat = eng.heat().get_data(heat_ctx);
    heat_json = fields_json(stat_fields(heat));
    if (!opts.report_dir.empty()) {
      heat_path =
          (std::filesystem::path(opts.report_dir).parent_path() / "heatmap" /
           fmt::format("portfolio_local_{}_backtest-{}.md", frame.name,
                       dump_ts))
              .string();
      if (!write_text(heat_path, render_heat_report("portfolio", heat), err))
        return fail(err);
    }
    heat_json["report"] = heat_path;
    lines.push_back(
        fmt::format("  portfolio: {} symbols, {} trades, PnL {}, Sharpe {}{}",
                    heat.total_symbols, heat.portfolio_total_trades,
                    opt_text(heat.portfolio_total_pnl, 2, "%"),
                    opt_text(heat.portfolio_sharpe_ratio, 3),
                    heat_path.empty() ? "" : "\n  heat report: " + heat_path));
  }

  const double frame_minutes = span / static_cast<double>(minute_ms);
  const double cps =
      engine_ms > 0
          ? frame_minutes * static_cast<double>(pairs) / (engine_ms / 1000)
          : 0;
  if (!opts.trades_out.empty() && !write_text(opts.trades_out, trades, err))
    return fail(err);
  if (!opts.summary_out.empty()) {
    nlohmann::ordered_json summary;
    summary["mode"] = opts.walker ? "walker" : "backtest";
    summary["symbol"] = inputs.front().s->symbol();
    if (inputs.size() > 1) {
      summary["symbols"] = wanted;
      nlohmann::ordered_json data = nlohmann::ordered_json::array();
      for (const auto& in : inputs)
        data.push_back(backtest_data_json(opts, in.data, *in.s));
      summary["data"] = data;
    } else {
      summary["data"] =
          backtest_data_json(opts, inputs.front().data, *inputs.front().s);
    }
    summary["frame"] = {{"interval", std::string{to_string(frame.iv)}},
                        {"start", frame.start},
                        {"end", frame.end},
                        {"startIso", to_iso(frame.start)},
                        {"endIso", to_iso(frame.end)}};
    summary["config"] = config_json(*cfg);
    summary["configUnsafe"] = opts.unsafe_config;
    summary["strategies"] = strategies_json;
    if (inputs.size() > 1 && !opts.walker)
      summary["heat"] = heat_json;
    if (opts.walker) {
      if (walkers.size() == 1)
        summary["walker"] = walkers.front();
      else
        summary["walkers"] = walkers;
    }
    summary["timing"] = {{"load_ms", load_ms},
                         {"engine_ms", engine_ms},
                         {"candles_per_second", cps},
                         {"workers", opts.workers}};
    if (!write_text(opts.summary_out, summary.dump(2) + "\n", err))
      return fail(err);
  }
  if (!opts.quiet) {
    for (const auto& in : inputs)
      std::printf("%s: %zu candles %s .. %s (%s)\n", in.s->symbol().c_str(),
                  in.s->size(), to_iso(in.s->first()).c_str(),
                  to_iso(in.s->last()).c_str(), in.data.format.c_str());
    std::printf("frame %s .. %s (%s), %zu run%s\n", to_iso(frame.start).c_str(),
                to_iso(frame.end).c_str(), frame.name.c_str(), pairs,
                pairs == 1 ? "" : "s");
    for (const auto& l : lines)
      std::printf("%s\n", l.c_str());
    std::printf("load %.1f ms, engine %.1f ms (%.1f M candles/s)\n", load_ms,
                engine_ms, cps / 1e6);
  }
  return 0;
}

} // namespace btk
