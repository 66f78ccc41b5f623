#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "runtime/api/engine.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/cli/print.hpp"
#include "runtime/cli/progress.hpp"
#include "runtime/cli/serve_command.hpp"

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

void print(const batch_report& rep, const char* verb, bool quiet) {
  print_batch(rep, verb, quiet);
}

void print(const sweep_report& rep, const char*, bool quiet) {
  print_sweep(rep, quiet);
}

// Runs `run(options)` with a progress bar; prints the API's error.
// A sweep's bar counts jobs; a batch's shows the runs' summed progress.
template <class Options, class Run>
int with_bar(const char* verb, bool sweep, Options o, bool quiet, Run run) {
  progress_bar bar{sweep ? "sweep" : verb, 1};
  std::mutex mtx;
  const auto t0 = std::chrono::steady_clock::now();
  if (!quiet)
    attach_bar(
        o, bar, mtx, [t0, sweep](progress_bar& b, double done, double total) {
          if (!sweep)
            return;
          const double secs = std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - t0)
                                  .count();
          b.set_label(fmt::format("sweep {:.0f}/{:.0f} jobs, {:.0f} jobs/s",
                                  done, total, secs > 0 ? done / secs : 0.0));
        });
  try {
    auto rep = run(o);
    bar.finish();
    print(rep, verb, quiet);
  } catch (const api_error& e) {
    bar.finish();
    return fail(verb, e.what());
  }
  return 0;
}

void finish(api_server& s, server_run& r, batch_report rep) {
  s.finish_batch(r, std::move(rep));
}

void finish(api_server& s, server_run& r, sweep_report rep) {
  s.finish_sweep(r, std::move(rep));
}

std::shared_ptr<server_run> attach(api_server& s, batch_options& o,
                                   run_kind kind, const std::string& title) {
  return s.attach_batch(o, kind, title);
}

std::shared_ptr<server_run> attach(api_server& s, sweep_options& o, run_kind,
                                   const std::string& title) {
  return s.attach_sweep(o, title);
}

// `run` shown by `server` (when there is one) as a run of `kind`.
template <class Run>
auto served(api_server* server, run_kind kind, std::string title, Run run) {
  return [=](auto o) {
    if (server == nullptr)
      return run(o);
    auto r = attach(*server, o, kind, title);
    try {
      auto rep = run(o);
      finish(*server, *r, rep);
      return rep;
    } catch (const api_error& e) {
      server->fail(*r, e.what());
      throw;
    }
  };
}

std::string title_of(const std::vector<std::string>& specs,
                     const candle_source& src) {
  std::string t;
  for (const auto& s : specs)
    t += (t.empty() ? "" : " ") + s;
  for (std::size_t i = 0; i < src.symbols.size(); ++i)
    t += (i == 0 ? " on " : ",") + src.symbols[i];
  return t;
}

} // namespace

int run_backtest_command(run_flags flags) {
  if (flags.options.strategies.empty())
    return fail("backtest",
                "give at least one --strategy SPEC (see `btk strategies`)");
  if (auto e = read_flags(flags); !e.empty())
    return fail("backtest", e);
  backtest_options o;
  static_cast<batch_options&>(o) = flags.options;
  o.keep_results = !o.trades_out.empty();
  return with_bar("backtest", false, o, flags.quiet, run_backtests);
}

int run_walker_command(walker_flags flags) {
  const bool sweep = !flags.sweep.grids.empty();
  if (flags.options.strategies.empty() && !sweep)
    return fail("walker", "give at least one --strategy SPEC or --grid GRID "
                          "(see `btk strategies`)");
  if (auto e = read_flags(flags); !e.empty())
    return fail("walker", e);
  std::unique_ptr<api_server> server;
  try {
    server = start_server(flags.serve, "walker", flags.options.source.store);
  } catch (const api_error& e) {
    return fail("walker", e.what());
  }
  const int rc = run_walker_or_sweep(flags, server.get());
  if (server)
    serve_until_stopped(*server, "walker");
  return rc;
}

int run_walker_or_sweep(walker_flags& flags, api_server* server) {
  const bool sweep = !flags.sweep.grids.empty();
  if (!sweep) {
    walker_options o;
    static_cast<batch_options&>(o) = flags.options;
    o.metric = flags.sweep.metric;
    o.keep_results = !o.trades_out.empty() || server != nullptr;
    return with_bar("walker", false, o, flags.quiet,
                    served(server, run_kind::walker,
                           title_of(o.strategies, o.source), run_walker));
  }
  sweep_options o = flags.sweep;
  static_cast<batch_options&>(o) = flags.options;
  // A sweep's report is its heatmap page (--report-format html).
  if (o.report_format == "md")
    o.report_dir.clear();
  if (!flags.walk_forward.empty()) {
    auto wf = parse_walk_forward(flags.walk_forward);
    if (!wf)
      return fail("walker", wf.err().message);
    o.walk_forward = *wf;
  }
  flags.cluster.apply(o.cluster);
  if (!flags.quiet)
    o.on_notice = [](const std::string& line) {
      std::fprintf(stderr, "btk walker: %s\n", line.c_str());
    };
  return with_bar(
      "walker", true, o, flags.quiet,
      served(server, run_kind::sweep, title_of(o.grids, o.source), run_sweep));
}

} // namespace btk
