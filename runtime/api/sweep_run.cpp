// `run_sweep`: loads the candles, picks the frame that fits every point of
// the grids, and hands the plan to the sweep engine (runtime/sweep).

#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/walker/walker.hpp"
#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/results/html_report.hpp"
#include "runtime/results/json.hpp"
#include "runtime/sweep/sweep.hpp"
#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

using namespace detail;

// What the points a sweep runs need around the frame: every point of every
// grid that the constraint keeps (or the sample picks) and whose strategy
// builds, so the default frame fits each of them and a point the
// constraint leaves out never stops the sweep. A point whose strategy
// refuses its values fails as a job, with its reason in the results.
std::vector<frame_needs> grid_needs(const sweep_options& opts,
                                    const std::vector<std::string>& grids) {
  std::set<std::tuple<std::int64_t, std::int64_t, bool>> seen;
  for (const auto& text : grids) {
    add_host_strategies();
    auto g = parse_grid(text, builtin_strategies());
    if (!g) // the grid's message names the grid and the item
      throw api_error(g.err().message);
    grid_filter filter;
    if (!opts.where.empty()) {
      auto f = parse_where(opts.where, *g);
      if (!f)
        throw api_error(f.err().message);
      filter = std::move(*f);
    }
    auto cursor = opts.sample > 0
                      ? grid_cursor{*g, filter, opts.sample, opts.seed}
                      : grid_cursor{*g, filter};
    while (const auto i = cursor.next()) {
      auto made = builtin_strategies().make(g->spec_at(*i));
      if (!made)
        continue;
      const auto n = needs_of(**made);
      seen.insert({n.lookback_minutes, n.max_lifetime_minutes, n.may_schedule});
    }
  }
  std::vector<frame_needs> out;
  for (const auto& [lookback, lifetime, schedule] : seen)
    out.push_back({lookback, lifetime, schedule});
  return out;
}

} // namespace

// `{report_dir}/sweep-heatmap.html` from the results file just written.
void write_heatmap(const sweep_options& opts, const std::string& metric) {
  std::ifstream in{opts.results_out};
  if (!in)
    throw api_error("--results-out '" + opts.results_out +
                    "': cannot read it back for the heatmap");
  std::vector<heatmap_point> points;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("spec"))
      continue;
    heatmap_point p{j["spec"].get<std::string>(), std::nullopt};
    if (j.contains("metric") && j["metric"].is_number())
      p.metric = j["metric"].get<double>();
    points.push_back(std::move(p));
  }
  write_text(
      (std::filesystem::path(opts.report_dir) / "sweep-heatmap.html").string(),
      html_heatmap("Sweep heatmap: " + metric, metric, points));
}

sweep_report run_sweep(const sweep_options& opts) {
  const auto cfg = effective_config(opts);
  if (opts.sample > max_sweep_sample)
    throw api_error("sample " + std::to_string(opts.sample) +
                    " is above the limit of " +
                    std::to_string(max_sweep_sample) + " points per grid");
  if (opts.top < 1 || opts.top > max_sweep_top)
    throw api_error("top " + std::to_string(opts.top) + " is not in 1 .. " +
                    std::to_string(max_sweep_top));
  if (!opts.risks.empty())
    throw api_error("a sweep takes no risk profiles: its jobs run apart, so "
                    "none shares a book of open positions with another "
                    "(run the strategies together with btk backtest --risk)");
  const bool heatmap =
      opts.report_format == "html" || opts.report_format == "both";
  if (!opts.trades_out.empty() || (!opts.report_dir.empty() && !heatmap))
    throw api_error("a sweep writes no trades or Markdown reports "
                    "(trades_out, report_dir): results_out gets one line per "
                    "job, summary_out the top table, and report_format html "
                    "a heatmap page in report_dir");
  if (heatmap && (opts.report_dir.empty() || opts.results_out.empty()))
    throw api_error("--report-format html on a sweep draws the heatmap of "
                    "its results: give --results-out FILE and --report-dir "
                    "DIR");
  auto grid = static_cast<const sweep_grid&>(opts);
  if (grid.walk_forward) {
    auto& wf = *grid.walk_forward;
    if (wf.step == 0)
      wf.step = wf.test;
    if (wf.train <= 0 || wf.test <= 0 || wf.step < wf.test)
      throw api_error("walk_forward: train and test must be positive and "
                      "step at least test (test spans must not overlap)");
  }
  auto metric = check_walker_metric(opts.metric);
  if (!metric)
    throw api_error(metric.err().message);
  // Plain specs are one-point grids, after the grids.
  std::vector<std::string> grids = opts.grids;
  grids.insert(grids.end(), opts.strategies.begin(), opts.strategies.end());
  if (grids.empty())
    throw api_error("give at least one grid (or strategy spec)");
  for (std::size_t i = 0; i < grids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (grids[i] == grids[j])
        throw api_error("grid '" + grids[i] +
                        "' is given twice (each of its jobs would run twice)");
  sweep_plan plan;
  if (!opts.nodes.empty()) {
    auto read = read_cluster_flags(opts.nodes, opts.secret_file, opts.cluster);
    if (!read)
      throw api_error(read.err().message);
    plan.nodes = std::move(read->nodes);
    plan.cluster = std::move(read->cluster);
    plan.on_notice = opts.on_notice;
  } else if (!opts.secret_file.empty()) {
    throw api_error("--secret-file applies to a sweep over --nodes");
  }
  auto data = load_batch(opts, cfg, grid_needs(opts, grids));

  static_cast<sweep_grid&>(plan.spec) = grid;
  plan.spec.grids = grids;
  plan.spec.metric = *metric;
  for (const auto& d : data.data)
    plan.spec.symbols.push_back(d.info.symbol);
  plan.spec.frame = data.frame;
  plan.spec.cfg = cfg;
  plan.spec.workers = opts.workers;
  plan.results_out = opts.results_out;
  plan.state_dir = opts.state_dir;
  if (opts.on_progress)
    plan.on_progress = [fn = opts.on_progress](std::uint64_t done,
                                               std::uint64_t total) {
      fn(static_cast<double>(done), static_cast<double>(total));
    };
  auto rep = run_sweep_plan(plan, data.by_symbol());
  if (!rep)
    throw api_error(rep.err().message);
  rep->load_ms = data.load_ms;
  if (!opts.summary_out.empty())
    write_text(opts.summary_out, sweep_summary_json(*rep).dump(2) + "\n");
  if (heatmap)
    write_heatmap(opts, *metric);
  return std::move(*rep);
}

} // namespace btk
