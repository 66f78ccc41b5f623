// `run_sweep`: loads the candles, picks the frame that fits every point of
// the grids, and hands the plan to the sweep engine (runtime/sweep).

#include <nlohmann/json.hpp>

#include "core/walker/walker.hpp"
#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/results/json.hpp"
#include "runtime/sweep/sweep.hpp"
#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

using namespace detail;

// What the grids' extreme points (first and last, which hold the smallest
// and largest values) need around the frame.
std::vector<frame_needs> grid_needs(const std::vector<std::string>& grids) {
  std::vector<frame_needs> out;
  for (const auto& text : grids) {
    auto g = parse_grid(text, builtin_strategies());
    if (!g) // the grid's message names the grid and the item
      throw api_error(g.err().message);
    for (const auto i : {std::uint64_t{0}, g->size() - 1}) {
      auto made = builtin_strategies().make(g->spec_at(i));
      if (!made)
        throw api_error("grid '" + text + "': " + made.err().message);
      out.push_back(needs_of(**made));
    }
  }
  return out;
}

} // namespace

sweep_report run_sweep(const sweep_options& opts) {
  const auto cfg = effective_config(opts);
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
  auto data = load_batch(opts, cfg, grid_needs(grids));

  sweep_plan plan;
  plan.spec.grids = grids;
  plan.spec.where = opts.where;
  plan.spec.sample = opts.sample;
  plan.spec.seed = opts.seed;
  for (const auto& d : data.data)
    plan.spec.symbols.push_back(d.info.symbol);
  plan.spec.frame = data.frame;
  plan.spec.cfg = cfg;
  plan.spec.metric = *metric;
  plan.spec.workers = opts.workers;
  plan.spec.top = opts.top;
  plan.results_out = opts.results_out;
  plan.state_dir = opts.state_dir;
  plan.spec.walk_forward = opts.walk_forward;
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
  return std::move(*rep);
}

} // namespace btk
