// `run_backtests` and `run_walker`: a batch of symbols × strategies on one
// engine, its outputs in a fixed order whatever the scheduling.

#include "runtime/api/runs.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/stats/heat.hpp"
#include "core/walker/walker.hpp"
#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/results/html_report.hpp"
#include "runtime/results/json.hpp"

namespace btk {

namespace {

bool wants_html(const batch_options& o) {
  return o.report_format == "html" || o.report_format == "both";
}

using namespace detail;

// The exchange and walker names of a batch's engine (they appear in report
// file names, as backtest-kit names its dumps).
constexpr const char* exchange_name = "local";
constexpr const char* walker_name = "walker";

// One batch on its own engine: the candles, the strategies, and the
// listeners collecting results and progress.
class batch_engine {
public:
  batch_engine(const batch_options& opts, const config& cfg,
               const loaded_batch& data, const std::vector<named_spec>& specs,
               const std::vector<risk_limits>& risks)
      : eng_(engine_options{opts.workers, false}) {
    exchange_schema x;
    x.name = exchange_name;
    x.note = "candles loaded by run_backtests";
    x.get_series = [m = data.by_symbol()](const std::string& symbol)
        -> expected<std::shared_ptr<const series>> {
      auto i = m.find(symbol);
      if (i == m.end())
        return error{"not loaded"};
      return i->second;
    };
    eng_.add_exchange(std::move(x));
    static_cast<backtest_frame&>(frame_) = data.frame;
    frame_.name = std::string{to_string(data.frame.iv)};
    eng_.add_frame(frame_);
    for (const auto& r : risks)
      eng_.add_risk(make_risk_schema(r));
    for (const auto& s : specs) {
      auto schema = strategy_schema::from_spec(s.name, s.spec);
      schema.risk_list = risks_of(risks, s.name);
      eng_.add_strategy(std::move(schema));
    }
    eng_.set_config(cfg);
    // Results as they happen, per symbol:strategy (only when asked for:
    // events nobody listens to are never built).
    if (opts.keep_results || !opts.trades_out.empty() || wants_html(opts))
      eng_.listen_signal_backtest([this](const signal_event& ev) {
        const auto& r = ev.result;
        if (r.kind != action::closed && r.kind != action::cancelled)
          return;
        std::lock_guard<std::mutex> guard{mtx_};
        results_[ev.source.symbol + ":" + ev.source.strategy].push_back(r);
      });
    const double runs = static_cast<double>(data.data.size() * specs.size());
    if (opts.on_progress)
      eng_.listen_progress(
          [this, runs, fn = opts.on_progress](const progress_event& p) {
            std::lock_guard<std::mutex> guard{mtx_};
            progress_[p.source.symbol + ":" + p.source.strategy] = p.progress;
            double sum = 0;
            for (const auto& kv : progress_)
              sum += kv.second;
            fn(sum, runs);
          });
  }

  engine& get() { return eng_; }
  backtest_context context(const std::string& strategy) const {
    return {strategy, exchange_name, frame_.name};
  }
  const std::string& frame_name() const { return frame_.name; }
  std::vector<tick_result> take_results(const std::string& symbol,
                                        const std::string& strategy) {
    std::lock_guard<std::mutex> guard{mtx_};
    return std::move(results_[symbol + ":" + strategy]);
  }

private:
  engine eng_;
  frame_schema frame_;
  std::mutex mtx_;
  std::map<std::string, std::vector<tick_result>> results_;
  std::map<std::string, double> progress_;
};

// Waits for `handles`; when `stop` is set first, cancels every run (as
// `backtest.stop`) and waits for them to end.
void wait_or_stop(std::vector<run_handle>& handles,
                  const std::atomic<bool>* stop) {
  if (stop == nullptr) {
    run_handle::wait_all(handles);
    return;
  }
  for (;;) {
    if (stop->load()) {
      for (auto& h : handles)
        h.cancel();
      break;
    }
    // Wakes as the runs end: a sleep here would round every short run up
    // to the next 10 ms.
    if (run_handle::wait_all_for(handles, std::chrono::milliseconds(10)))
      break;
  }
  run_handle::wait_all(handles);
}

batch_report start_report(const batch_options& opts, const config& cfg,
                          const loaded_batch& data, const char* mode) {
  batch_report rep;
  rep.mode = mode;
  for (const auto& d : data.data)
    rep.data.push_back(d.info);
  rep.frame = data.frame;
  rep.cfg = cfg;
  rep.unsafe_config = opts.unsafe_config;
  rep.timing.load_ms = data.load_ms;
  rep.timing.workers = opts.workers;
  return rep;
}

void set_engine_time(batch_report& rep, double engine_ms) {
  rep.timing.engine_ms = engine_ms;
  const double frame_minutes =
      (static_cast<double>(rep.frame.end - rep.frame.start) + 1) /
      static_cast<double>(minute_ms);
  rep.timing.candles_per_second =
      engine_ms > 0 ? frame_minutes * static_cast<double>(rep.runs.size()) /
                          (engine_ms / 1000)
                    : 0;
}

// A run that failed fails the batch, before anything is written.
void check_run(const batch_report& rep, const strategy_run& r) {
  if (!r.outcome.error.empty())
    throw api_error((rep.data.size() > 1 ? r.symbol + ":" : std::string{}) +
                    r.strategy + ": " + r.outcome.error);
}

// What a backtest batch and a walker start from: the configuration, the
// named strategies, and the candles with the frame that fits them.
struct batch_start {
  config cfg;
  std::vector<named_spec> specs;
  std::vector<risk_limits> risks;
  loaded_batch data;
};

batch_start start_batch(const batch_options& opts) {
  if (opts.report_format != "md" && opts.report_format != "html" &&
      opts.report_format != "both")
    throw api_error("--report-format: md, html or both, not '" +
                    opts.report_format + "'");
  batch_start out;
  out.cfg = effective_config(opts);
  out.specs = name_specs(opts.strategies);
  if (out.specs.empty())
    throw api_error("give at least one strategy spec (see `btk strategies`)");
  out.risks = risk_profiles(opts.risks, out.specs);
  std::vector<frame_needs> needs;
  for (const auto& s : out.specs)
    needs.push_back(s.needs);
  out.data = load_batch(opts, out.cfg, needs);
  return out;
}

// Writes a report as `stem.md` and/or `stem.html` (with the charts of
// `runs`); returns the path of the first written.
std::string write_report(const batch_options& opts, const std::string& stem,
                         const std::string& markdown,
                         const std::vector<report_series>& runs) {
  std::string first;
  if (opts.report_format != "html") {
    first = stem + ".md";
    write_text(first, markdown);
  }
  if (wants_html(opts)) {
    const auto title = std::filesystem::path(stem).filename().string();
    write_text(stem + ".html", html_report(title, markdown, runs));
    if (first.empty())
      first = stem + ".html";
  }
  return first;
}

void write_common_outputs(const batch_options& opts, const batch_report& rep) {
  if (!opts.trades_out.empty())
    write_text(opts.trades_out, batch_trades_jsonl(rep));
  if (!opts.summary_out.empty())
    write_text(opts.summary_out, batch_summary_json(rep).dump(2) + "\n");
}

} // namespace

batch_report run_backtests(const backtest_options& opts) {
  auto [cfg, specs, risks, data] = start_batch(opts);
  batch_engine be{opts, cfg, data, specs, risks};
  auto& eng = be.get();
  std::vector<std::pair<std::string, backtest_context>> batch;
  for (const auto& d : data.data)
    for (const auto& s : specs)
      batch.push_back({d.info.symbol, be.context(s.name)});
  const auto t0 = std::chrono::steady_clock::now();
  auto handles = eng.backtest().background(batch);
  wait_or_stop(handles, opts.stop);
  const double engine_ms = ms_since(t0);
  eng.flush_events();

  auto rep = start_report(opts, cfg, data, "backtest");
  for (std::size_t k = 0; k < batch.size(); ++k) {
    strategy_run r;
    r.symbol = batch[k].first;
    r.strategy = batch[k].second.strategy;
    r.spec = specs[k % specs.size()].spec;
    r.outcome = handles[k].wait();
    check_run(rep, r);
    r.stats = eng.backtest().get_data(r.symbol, r.strategy);
    r.results = be.take_results(r.symbol, r.strategy);
    rep.runs.push_back(std::move(r));
  }
  set_engine_time(rep, engine_ms);
  // Several symbols: the Heat report pools every run (statistics.md §4.2).
  if (data.data.size() > 1) {
    rep.heat.emplace();
    rep.heat->model =
        eng.heat().get_data({"portfolio", exchange_name, be.frame_name()});
    std::map<std::string, std::uint64_t> per_symbol;
    for (const auto& r : rep.runs) {
      rep.heat->closed += r.outcome.counters.closed;
      per_symbol[r.symbol] += r.outcome.counters.closed;
    }
    for (const auto& [symbol, closed] : per_symbol)
      rep.heat->capped =
          rep.heat->capped ||
          closed > static_cast<std::uint64_t>(cfg.max_heatmap_markdown_rows);
  }

  if (!opts.report_dir.empty()) {
    const auto stamp = dump_stamp();
    for (auto& r : rep.runs) {
      r.report_path = write_report(
          opts,
          (std::filesystem::path(opts.report_dir) /
           fmt::format("{}_{}_{}_{}_backtest-{}", r.symbol, r.strategy,
                       exchange_name, be.frame_name(), stamp))
              .string(),
          eng.backtest().get_report(r.symbol, r.strategy),
          {{r.strategy, r.results}});
    }
    if (rep.heat) {
      rep.heat->report_path = write_report(
          opts,
          (std::filesystem::path(opts.report_dir).parent_path() / "heatmap" /
           fmt::format("portfolio_{}_{}_backtest-{}", exchange_name,
                       be.frame_name(), stamp))
              .string(),
          render_heat_report("portfolio", rep.heat->model), {});
    }
  }
  write_common_outputs(opts, rep);
  return rep;
}

batch_report run_walker(const walker_options& opts) {
  if (auto m = check_walker_metric(opts.metric); !m)
    throw api_error(m.err().message);
  auto [cfg, specs, risks, data] = start_batch(opts);
  batch_engine be{opts, cfg, data, specs, risks};
  auto& eng = be.get();
  walker_schema w;
  w.name = walker_name;
  w.exchange = exchange_name;
  w.frame = be.frame_name();
  w.metric = opts.metric;
  for (const auto& s : specs)
    w.strategies.push_back(s.name);
  eng.add_walker(w);

  // Every symbol's walker starts at once; each is then ranked in schema
  // order (statistics.md §3.2), whatever order its runs finish in.
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<walker_run> walkers;
  for (const auto& d : data.data)
    walkers.push_back(eng.walker().run(d.info.symbol, walker_name));
  auto rep = start_report(opts, cfg, data, "walker");
  for (std::size_t i = 0; i < walkers.size(); ++i) {
    walker_summary ws{walkers[i].finish(), ""};
    const auto outcomes = walkers[i].outcomes();
    for (std::size_t k = 0; k < specs.size(); ++k) {
      strategy_run r;
      r.symbol = data.data[i].info.symbol;
      r.strategy = specs[k].name;
      r.spec = specs[k].spec;
      r.outcome = outcomes[k];
      check_run(rep, r);
      for (const auto& sr : ws.model.strategy_results)
        if (sr.strategy == r.strategy)
          r.stats = sr.stats;
      rep.runs.push_back(std::move(r));
    }
    rep.walkers.push_back(std::move(ws));
  }
  set_engine_time(rep, ms_since(t0));
  eng.flush_events();
  for (auto& r : rep.runs)
    r.results = be.take_results(r.symbol, r.strategy);

  if (!opts.report_dir.empty()) {
    const auto stamp = dump_stamp();
    for (auto& ws : rep.walkers) {
      // Every strategy's curve on the symbol, in schema order.
      std::vector<report_series> curves;
      for (const auto& r : rep.runs)
        if (r.symbol == ws.model.symbol)
          curves.push_back({r.strategy, r.results});
      ws.report_path = write_report(
          opts,
          (std::filesystem::path(opts.report_dir) /
           fmt::format("{}_walker_{}_{}-{}", ws.model.symbol, exchange_name,
                       be.frame_name(), stamp))
              .string(),
          eng.walker().get_report(ws.model.symbol, walker_name), curves);
    }
  }
  write_common_outputs(opts, rep);
  return rep;
}

} // namespace btk
