#include "runtime/cli/serve_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>

#include "runtime/api/engine.hpp"
#include "runtime/cli/run_flags.hpp"

namespace btk {

namespace {

std::atomic<bool> stop_serving{false};

extern "C" void on_serve_signal(int) {
  stop_serving.store(true);
}

// While closing: a second signal quits at once (a walker or sweep started
// through the API otherwise runs to its end first).
extern "C" void on_second_signal(int) {
  std::_Exit(130);
}

void wait_for_signal() {
  stop_serving = false;
  std::signal(SIGINT, on_serve_signal);
  std::signal(SIGTERM, on_serve_signal);
  while (!stop_serving.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void announce(const api_server& s, const std::string& token_file,
              const char* verb) {
  std::printf("btk %s: serving %s/ (dashboard) and %s/api; token in %s\n", verb,
              s.url().c_str(), s.url().c_str(), token_file.c_str());
  std::fflush(stdout);
}

} // namespace

CLI::App* add_serve_command(CLI::App& app, serve_flags& f) {
  auto* cmd = app.add_subcommand(
      "serve", "serve the HTTP and WebSocket API and the dashboard: runs, "
               "live instances, reports, candles, metrics");
  auto& o = f.options;
  cmd->add_option("--listen", o.listen,
                  "HOST:PORT (loopback by default; port 0: any free one)")
      ->capture_default_str();
  cmd->add_option("--token-file", o.token_file,
                  "bearer token for requests that change state (a random one "
                  "is written there, mode 0600, when the file is missing)")
      ->capture_default_str();
  cmd->add_option("--store", o.store,
                  "candle store: /api/candles, and the candles of runs "
                  "started through the API");
  cmd->add_option("--data-dir", o.data_dir,
                  "folder of candle files runs started through the API may "
                  "name");
  cmd->add_option("--state", o.state_dir,
                  "live state folder: live runs started through the API, and "
                  "the state folders listed by /api/instances");
  cmd->add_option("--dump-dir", o.dump_dir,
                  "where runs started through the API write their reports")
      ->capture_default_str();
  cmd->add_option("--max-runs", o.max_runs,
                  "runs started through the API that may run at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  cmd->add_option("--rate", o.rate_per_second,
                  "requests a second per client address")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return cmd;
}

int run_serve_command(serve_flags& f) {
  try {
    api_server s{f.options};
    announce(s, f.options.token_file, "serve");
    wait_for_signal();
    std::printf("btk serve: stopping (walkers and sweeps run to their end; "
                "Ctrl-C again quits at once)\n");
    std::fflush(stdout);
    std::signal(SIGINT, on_second_signal);
    std::signal(SIGTERM, on_second_signal);
    return 0;
  } catch (const api_error& e) {
    return fail("serve", e.what());
  }
}

void add_serve_option(CLI::App* cmd, serve_option& s) {
  cmd->add_option("--serve", s.listen,
                  "HOST:PORT: serve the API and the dashboard while it runs, "
                  "and after it ended by itself until Ctrl-C");
  cmd->add_option("--token-file", s.token_file,
                  "with --serve: the bearer token's file (written, mode "
                  "0600, when missing)")
      ->capture_default_str();
}

std::unique_ptr<api_server> start_server(const serve_option& s,
                                         const char* verb,
                                         const std::string& store) {
  if (s.listen.empty())
    return nullptr;
  server_options o;
  o.listen = s.listen;
  o.token_file = s.token_file;
  o.store = store;
  auto server = std::make_unique<api_server>(o);
  announce(*server, s.token_file, verb);
  return server;
}

void serve_until_stopped(api_server& server, const char* verb) {
  std::printf("btk %s: done; still serving %s/ until Ctrl-C\n", verb,
              server.url().c_str());
  std::fflush(stdout);
  wait_for_signal();
}

} // namespace btk
