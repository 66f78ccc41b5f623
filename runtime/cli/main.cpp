// The `btk` command line: backtest, walker, live, data, strategies, demo.

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/api/version.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/cli/data_command.hpp"
#include "runtime/cli/live_command.hpp"
#include "runtime/cli/node_command.hpp"
#include "runtime/cli/run_file_flags.hpp"
#include "runtime/cli/serve_command.hpp"
#include "strategies/spec.hpp"

namespace {

int list_strategies() {
  for (const auto& info : btk::builtin_strategies().list()) {
    std::printf("%s — %s\n", info.name.c_str(), info.help.c_str());
    for (const auto& p : info.params)
      std::printf("    %-10s default %-6s %s\n", p.name.c_str(),
                  p.default_value.c_str(), p.help.c_str());
  }
  return 0;
}

// A flag of `btk walker` that the chosen mode would ignore, named, or "".
// Ranking a --strategy list takes no sweep flag; a sweep (--grid) writes
// one results line per job, not trades or reports.
std::string flags_that_do_not_apply(const CLI::App& walker, bool sweep) {
  const char* sweep_only[] = {
      "--where",        "--sample",          "--seed",
      "--top",          "--state",           "--results-out",
      "--walk-forward", "--nodes",           "--secret-file",
      "--heartbeat-ms", "--node-timeout-ms", "--tls-cert",
      "--tls-key",      "--tls-ca"};
  // Given empty ('' to skip them) they ask for nothing: no conflict.
  const char* list_only[] = {"--trades-out"};
  if (!sweep) {
    for (const char* f : sweep_only)
      if (walker.count(f) > 0)
        return std::string{f} + " applies to a sweep: add --grid GRID";
  } else {
    for (const char* f : list_only)
      if (walker.count(f) > 0 &&
          !walker.get_option(f)->as<std::string>().empty())
        return std::string{f} +
               " does not apply to a sweep (--results-out gets one line per "
               "job, --summary-out the top table)";
    if (walker.count("--report-dir") > 0 &&
        !walker.get_option("--report-dir")->as<std::string>().empty() &&
        (walker.count("--report-format") == 0 ||
         walker.get_option("--report-format")->as<std::string>() == "md"))
      return "--report-dir on a sweep holds its heatmap page: add "
             "--report-format html (with --results-out FILE)";
  }
  return {};
}

// The README's first command: synthetic data, three strategies, a report.
int run_demo(const std::string& dir) {
  const std::string data = dir + "/DEMO-1m-synthetic.csv.gz";
  btk::synth_command_options so;
  so.out = data;
  so.seed = 42;
  so.days = 60;
  so.price = 42000;
  if (int rc = btk::run_synth_command(so); rc != 0)
    return rc;
  btk::run_flags bo;
  bo.options.source.file = data;
  bo.symbol = "DEMOUSDT";
  bo.options.strategies = {"sma-cross:fast=10,slow=30,interval=15m,tp=1.5,sl=1,"
                           "minutes=480",
                           "rsi-reversion:period=14,interval=15m",
                           "donchian-breakout:period=20,interval=1h"};
  bo.options.trades_out = dir + "/trades.jsonl";
  bo.options.summary_out = dir + "/summary.json";
  bo.options.report_dir = dir + "/backtest";
  const int rc = btk::run_backtest_command(bo);
  if (rc == 0)
    std::printf("trades: %s\nsummary: %s\n", bo.options.trades_out.c_str(),
                bo.options.summary_out.c_str());
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  // `llm` and any other strategy of the runtime, for every command.
  btk::add_host_strategies();
  CLI::App app{"btk — backtesting engine with backtest-kit semantics"};
  app.require_subcommand(1);

  app.set_version_flag("--version", "btk " + btk::version() +
                                        " (backtest-kit 19.5.0 semantics)");

  btk::run_flags bo;
  auto* bt = app.add_subcommand("backtest", "run strategies over candles");
  btk::add_run_flags(bt, bo);
  btk::walker_flags wo;
  auto* walker = app.add_subcommand(
      "walker", "run strategies over candles and rank them by a metric, as "
                "backtest-kit's Walker (ties keep the earlier strategy)");
  btk::add_run_flags(walker, wo);
  walker
      ->add_option("--metric", wo.sweep.metric,
                   "statistic to rank by (sharpeRatio, annualizedSharpeRatio, "
                   "winRate, totalPnl, certaintyRatio, avgPnl, "
                   "expectedYearlyReturns, or any numeric statistic)")
      ->capture_default_str();
  walker->add_option("--grid", wo.sweep.grids,
                     "parameter grid name:key=a..b:step,key=x|y,... "
                     "(repeatable): run a sweep of every point");
  walker->add_option("--where", wo.sweep.where,
                     "sweep constraint on the parameters, e.g. 'fast<slow'");
  auto* sample =
      walker
          ->add_option("--sample", wo.sweep.sample,
                       "sweep a uniform sample of N points per grid")
          ->check(CLI::Range(std::uint64_t{1}, btk::max_sweep_sample));
  walker->add_option("--seed", wo.sweep.seed, "seed of --sample")
      ->capture_default_str()
      ->needs(sample);
  walker->add_option("--top", wo.sweep.top, "rows of the sweep's top table")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, btk::max_sweep_top));
  walker->add_option("--results-out", wo.sweep.results_out,
                     "sweep results, one JSON line per job in job order");
  walker->add_option("--state", wo.sweep.state_dir,
                     "sweep state directory: a rerun after a crash skips the "
                     "finished jobs");
  walker->add_option("--nodes", wo.sweep.nodes,
                     "HOST:PORT,...: lease the sweep's jobs to btk nodes "
                     "(same results as one process)");
  walker->add_option("--secret-file", wo.sweep.secret_file,
                     "file holding the cluster's shared secret (mode 0600)");
  btk::add_cluster_flags(walker, wo.cluster);
  walker->add_option("--walk-forward", wo.walk_forward,
                     "train=30d,test=7d[,step=7d]: pick the best point on "
                     "each train span, test it on the next span");

  auto* data = app.add_subcommand("data", "make, check and store candle "
                                          "files");
  data->require_subcommand(1);
  btk::synth_command_options so;
  auto* synth =
      data->add_subcommand("synth", "write synthetic 1-minute "
                                    "candles (seeded, deterministic)");
  synth->add_option("--out", so.out, "output file (.gz to compress)")
      ->required();
  synth->add_option("--seed", so.seed, "seed")->capture_default_str();
  synth->add_option("--days", so.days, "days of candles")
      ->capture_default_str();
  synth->add_option("--start", so.start, "first candle")->capture_default_str();
  synth->add_option("--price", so.price, "first price")->capture_default_str();
  synth->add_option("--vol", so.vol, "annualised volatility")
      ->capture_default_str();
  synth->add_option("--decimals", so.decimals, "price decimals")
      ->capture_default_str();
  std::string check_path;
  bool check_fill = false;
  auto* check = data->add_subcommand("check", "validate a candle file and "
                                              "time its loading");
  check->add_option("file", check_path, "candle file")->required();
  check->add_flag("--fill-gaps", check_fill, "fill gaps instead of failing");

  btk::import_command_options io;
  auto* import = data->add_subcommand(
      "import", "validate a candle file and merge it into the candle store "
                "(a changed minute takes the newer values)");
  import
      ->add_option("file", io.file,
                   "candle file (CSV or Binance dump, "
                   "plain or .gz)")
      ->required();
  import->add_option("--symbol", io.symbol, "symbol to store the candles under")
      ->required();
  import
      ->add_option("--store", io.store,
                   "candle store directory (created when missing)")
      ->capture_default_str();
  import->add_flag("--fill-gaps", io.fill_gaps,
                   "fill missing minutes with flat candles instead of "
                   "failing");
  btk::ls_command_options lo;
  auto* ls = data->add_subcommand("ls", "list the candle store: symbols, "
                                        "ranges, gaps");
  ls->add_option("--store", lo.store, "candle store directory")
      ->capture_default_str();
  ls->add_option("--max-gaps", lo.max_gaps, "gaps listed per symbol")
      ->capture_default_str();
  ls->add_flag("--verify", lo.verify,
               "read everything back: every checksum and every series");

  btk::live_flags lf;
  auto* live = btk::add_live_command(app, lf);
  btk::sim_flags sf;
  auto* sim = btk::add_sim_command(app, sf);
  btk::fake_llm_run_options fl;
  auto* fake_llm = btk::add_fake_llm_command(app, fl);

  btk::serve_flags svf;
  auto* serve = btk::add_serve_command(app, svf);
  btk::add_serve_option(walker, wo.serve);

  btk::node_flags nf;
  auto* node = btk::add_node_command(app, nf);

  app.add_subcommand("strategies", "list the built-in strategies");

  std::string demo_dir = "./dump/demo";
  auto* demo = app.add_subcommand("demo", "generate data, backtest three "
                                          "strategies, write reports");
  demo->add_option("--dir", demo_dir, "output folder")->capture_default_str();

  // CLI11's own words for a repeated flag are its internals' ("At Most 1
  // required but received 2"); and a hostile value is not echoed whole.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    std::string msg = e.what();
    const std::string tag = ": At Most 1 required but received ";
    if (const auto at = msg.find(tag); at != std::string::npos)
      msg = msg.substr(0, at) + " is given " + msg.substr(at + tag.size()) +
            " times; it takes one value";
    return btk::clip_long_words(msg) +
           "\nRun with --help for more information.\n";
  });
  CLI11_PARSE(app, argc, argv);

  for (auto* cmd : {bt, walker}) {
    auto& flags = cmd == bt ? bo : static_cast<btk::run_flags&>(wo);
    if (cmd->parsed() && !flags.config_file.empty())
      if (auto e = btk::apply_run_file(*cmd, flags.config_file, flags.sets);
          !e.empty())
        return btk::fail(cmd->get_name().c_str(), e);
  }
  if (walker->parsed()) {
    if (auto e = flags_that_do_not_apply(*walker, !wo.sweep.grids.empty());
        !e.empty())
      return btk::fail("walker", e);
    return btk::run_walker_command(wo);
  }
  if (bt->parsed())
    return btk::run_backtest_command(bo);
  if (live->parsed())
    return btk::run_live_command(*live, lf);
  if (serve->parsed())
    return btk::run_serve_command(svf);
  if (node->parsed())
    return btk::run_node_command(nf);
  if (sim->parsed())
    return btk::run_sim_command(sf);
  if (fake_llm->parsed())
    return btk::run_fake_llm_command(fl);
  if (synth->parsed())
    return btk::run_synth_command(so);
  if (check->parsed())
    return btk::run_check_command(check_path, check_fill);
  if (import->parsed())
    return btk::run_import_command(io);
  if (ls->parsed())
    return btk::run_ls_command(lo);
  if (demo->parsed())
    return run_demo(demo_dir);
  return list_strategies();
}
