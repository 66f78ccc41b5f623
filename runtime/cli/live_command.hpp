#pragma once

// `btk live` and `btk live status`.

#include <string>
#include <vector>

#include "runtime/api/live.hpp"
#include "runtime/api/llm_tools.hpp"
#include "runtime/cli/node_command.hpp"
#include "runtime/cli/serve_command.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// Flags of `btk live` (see `btk live --help`).
struct live_flags {
  /// What binds straight into the API's options.
  live_options options;
  /// `--symbols A,B`. Default: the file's symbol
  std::string symbols;
  /// `--from`, `--until`, `--stop-at`: ISO-8601 UTC or epoch ms.
  std::string from, until, stop_at;
  /// `--set CC_KEY=VALUE`, repeatable. Default: none
  std::vector<std::string> sets;
  /// `-q, --quiet`: no status lines. Default: false
  bool quiet = false;
  /// `btk live status --state DIR`.
  std::string status_state;
  /// `--config FILE`: a TOML run file (a fleet). Default: none
  std::string config_file;
  /// `--heartbeat-ms`, `--node-timeout-ms`, TLS files (with `--nodes`).
  cluster_flags cluster;
  /// `--serve ADDR`, `--token-file F`.
  serve_option serve;
};

/// Flags of `btk exchange-sim`.
struct sim_flags {
  exchange_sim_run_options options;
  /// `--symbol S` of a store. Default: the file's symbol
  std::string symbols;
  /// `--from T`. Default: one day after the first candle
  std::string from;
};

/// Declares `exchange-sim` on `app`, bound to `f`.
CLI::App* add_sim_command(CLI::App& app, sim_flags& f);

/// Runs the parsed `btk exchange-sim` until SIGINT/SIGTERM.
int run_sim_command(sim_flags& f);

/// Declares `fake-llm` on `app`, bound to `o`.
CLI::App* add_fake_llm_command(CLI::App& app, fake_llm_run_options& o);

/// Runs the parsed `btk fake-llm` until SIGINT/SIGTERM.
int run_fake_llm_command(fake_llm_run_options& o);

/// Declares `live` (and its `status` subcommand) on `app`, bound to `f`.
CLI::App* add_live_command(CLI::App& app, live_flags& f);

/// Runs the parsed `btk live` (or `btk live status`); returns the exit code.
int run_live_command(CLI::App& live, live_flags& f);

} // namespace btk
