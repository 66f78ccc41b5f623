#include <mutex>

#include <fmt/format.h>

#include "runtime/api/engine.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/cli/print.hpp"
#include "runtime/cli/progress.hpp"

namespace btk {

namespace {

// Draws the API's (done, total) progress on a bar; `label` turns it into
// the bar's text.
template <class Label>
void attach_bar(batch_options& o, progress_bar& bar, std::mutex& mtx,
                Label label) {
  if (!bar.enabled())
    return;
  o.on_progress = [&bar, &mtx, label](double done, double total) {
    std::lock_guard<std::mutex> guard{mtx};
    label(bar, done, total);
    bar.update(total > 0 ? done / total : 0);
  };
}

int backtest_or_walker(const run_flags& flags, const char* verb,
                       const walker_flags* walker) {
  if (flags.strategies.empty())
    return fail(verb,
                "give at least one --strategy SPEC (see `btk strategies`)");
  walker_options o;
  if (auto e = to_options(flags, o); !e.empty())
    return fail(verb, e);
  o.keep_results = !flags.trades_out.empty();
  progress_bar bar{verb, 1};
  std::mutex mtx;
  attach_bar(o, bar, mtx, [](progress_bar&, double, double) {});
  try {
    batch_report rep;
    if (walker != nullptr) {
      o.metric = walker->metric;
      rep = run_walker(o);
    } else {
      backtest_options bo;
      static_cast<batch_options&>(bo) = o;
      rep = run_backtests(bo);
    }
    bar.finish();
    print_batch(rep, verb, flags.quiet);
  } catch (const api_error& e) {
    bar.finish();
    return fail(verb, e.what());
  }
  return 0;
}

int sweep(const walker_flags& flags) {
  sweep_options o;
  if (auto e = to_options(flags, o); !e.empty())
    return fail("walker", e);
  o.metric = flags.metric;
  o.grids = flags.grids;
  o.where = flags.where;
  o.sample = flags.sample;
  o.seed = flags.seed;
  o.top = flags.top;
  o.results_out = flags.results_out;
  o.state_dir = flags.state;
  o.trades_out.clear();
  o.report_dir.clear();
  if (!flags.walk_forward.empty()) {
    auto wf = parse_walk_forward(flags.walk_forward);
    if (!wf)
      return fail("walker", wf.err().message);
    o.walk_forward = *wf;
  }
  progress_bar bar{"sweep", 1};
  std::mutex mtx;
  const auto t0 = std::chrono::steady_clock::now();
  attach_bar(o, bar, mtx, [t0](progress_bar& b, double done, double total) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    b.set_label(fmt::format("sweep {:.0f}/{:.0f} jobs, {:.0f} jobs/s", done,
                            total, secs > 0 ? done / secs : 0.0));
  });
  try {
    const auto rep = run_sweep(o);
    bar.finish();
    print_sweep(rep, flags.quiet);
  } catch (const api_error& e) {
    bar.finish();
    return fail("walker", e.what());
  }
  return 0;
}

} // namespace

int run_backtest_command(const run_flags& flags) {
  return backtest_or_walker(flags, "backtest", nullptr);
}

int run_walker_command(const walker_flags& flags) {
  if (!flags.grids.empty())
    return sweep(flags);
  return backtest_or_walker(flags, "walker", &flags);
}

} // namespace btk
