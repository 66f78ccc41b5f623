#include "runtime/cli/live_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "runtime/api/engine.hpp"
#include "runtime/cli/run_file_flags.hpp"
#include "runtime/cli/run_flags.hpp"

namespace btk {

namespace {

std::atomic<bool> graceful{false};
std::atomic<bool> hard{false};
// The flags the signals set: these, or a served run's (which the API's
// stop route sets too).
std::atomic<std::atomic<bool>*> graceful_flag{&graceful};
std::atomic<std::atomic<bool>*> hard_flag{&hard};

// A signal came (so `--serve` does not linger after the run).
std::atomic<bool> signalled{false};

// The first SIGINT/SIGTERM stops gracefully, the second at once.
extern "C" void on_signal(int) {
  signalled.store(true);
  if (graceful_flag.load()->load())
    hard_flag.load()->store(true);
  graceful_flag.load()->store(true);
}

std::string read_live_flags(live_flags& f) {
  auto& o = f.options;
  if (auto e = read_sets(f.sets, o.overrides); !e.empty())
    return e;
  if (auto e = read_time("--from", f.from, o.from); !e.empty())
    return e;
  if (auto e = read_time("--until", f.until, o.until); !e.empty())
    return e;
  if (auto e = read_time("--stop-at", f.stop_at, o.stop_at); !e.empty())
    return e;
  if (!f.symbols.empty())
    o.source.symbols = split_commas(f.symbols);
  for (const auto& s : o.source.symbols)
    if (s.empty())
      return "--symbols '" + f.symbols + "': an empty symbol name";
  o.symbols = o.source.symbols;
  if (!o.source.file.empty() && !o.source.store.empty())
    return "give either --data FILE or --store DIR, not both";
  if (o.state_dir.empty())
    return "--state DIR is required (the crash-safe live state; with "
           "--nodes, the coordinator's placement and epochs)";

  return {};
}

// A status table per instance on a terminal, redrawn in place at most
// five times a second (a virtual clock runs thousands of minutes a second).
std::function<void(const live_session_stats&,
                   const std::vector<live_session::instance_view>&)>
status_table() {
  auto drawn = std::make_shared<std::size_t>(0);
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [drawn, last](const live_session_stats& s, const auto& views) {
    const auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(200))
      return;
    *last = now;
    std::string out;
    if (*drawn > 0)
      out += "\x1b[" + std::to_string(*drawn) + "A";
    out += "\x1b[2K" + to_iso(s.last_minute) + "  minutes " +
           std::to_string(s.minutes) + "  events " + std::to_string(s.events) +
           "  failed ticks " + std::to_string(s.failed_ticks) +
           "  last minute " +
           std::to_string(static_cast<int>(s.last_minute_ms)) + " ms\n";
    char line[160];
    std::snprintf(line, sizeof line, "\x1b[2K%-12s %-16s %-10s %8s %8s %s\n",
                  "symbol", "strategy", "phase", "signals", "events", "status");
    out += line;
    for (const auto& v : views) {
      const auto& st = *v.state;
      std::snprintf(line, sizeof line,
                    "\x1b[2K%-12s %-16s %-10s %8llu %8llu %s\n",
                    v.symbol.c_str(), v.name.c_str(),
                    std::string{to_string(st.phase)}.c_str(),
                    static_cast<unsigned long long>(st.signals),
                    static_cast<unsigned long long>(v.events),
                    st.ended     ? "ended"
                    : st.stopped ? "stopping"
                                 : "running");
      out += line;
    }
    *drawn = views.size() + 2;
    std::fputs(out.c_str(), stderr);
  };
}

int print_status(const std::string& dir) {
  try {
    const auto rep = live_status(dir);
    std::printf("state %s, last minute %s\n", dir.c_str(),
                rep.minute ? to_iso(rep.minute).c_str() : "-");
    std::printf("%-12s %-16s %-10s %-8s %-8s %s\n", "symbol", "strategy",
                "phase", "signals", "events", "status");
    for (const auto& r : rep.instances) {
      const auto& s = r.state;
      const char* status = s.ended     ? "ended"
                           : s.stopped ? "stopping"
                                       : "running";
      std::printf("%-12s %-16s %-10s %-8llu %-8llu %s\n", r.symbol.c_str(),
                  r.name.c_str(), std::string{to_string(s.phase)}.c_str(),
                  static_cast<unsigned long long>(s.signals),
                  static_cast<unsigned long long>(r.events), status);
    }
    return 0;
  } catch (const api_error& e) {
    return fail("live status", e.what());
  }
}

} // namespace

CLI::App* add_live_command(CLI::App& app, live_flags& f) {
  auto* cmd = app.add_subcommand(
      "live", "trade strategies on the clock, with crash-safe state "
              "(backtest-kit's Live mode)");
  auto& o = f.options;
  cmd->add_option("--exchange", o.exchange, "market data: replay or binance")
      ->capture_default_str();
  cmd->add_option("--market", o.market, "binance: spot or usdm")
      ->capture_default_str();
  cmd->add_option("--base-url", o.base_url,
                  "binance: one address for REST and WebSocket (e.g. btk "
                  "exchange-sim's http://127.0.0.1:PORT)");
  cmd->add_option("--ca-file", o.ca_file,
                  "binance: PEM file of the certificate authorities to trust "
                  "for https/wss (default: the system's)");
  cmd->add_option("--data", o.source.file, "candle file the replay serves");
  cmd->add_option("--store", o.source.store, "candle store the replay serves");
  cmd->add_option("--symbols,--symbol", f.symbols, "symbols A,B");
  cmd->add_option("--strategy", o.strategies,
                  "strategy spec name:key=value,... (repeatable)");
  cmd->add_option("--risk", o.risks,
                  "risk profile NAME:key=value,... shared by the strategies "
                  "(repeatable; keys max_positions, max_per_symbol, "
                  "max_per_strategy, min_reward_risk, max_stop_percent, "
                  "strategies=A|B; default: all strategies)");
  cmd->add_option("--state", o.state_dir,
                  "RocksDB state folder; a restart on it continues exactly");
  cmd->add_option("--clock", o.clock,
                  "real, virtual, exchange (the server's time) or xN (e.g. "
                  "x60)")
      ->capture_default_str();
  cmd->add_option("--from", f.from, "first tick (default: now)");
  cmd->add_option("--until", f.until, "run ticks before this time");
  cmd->add_option("--stop-at", f.stop_at,
                  "stop every instance gracefully at this time");
  cmd->add_option("--events-out", o.events_out,
                  "append every event as a JSON line");
  cmd->add_option("--trades-out", o.trades_out,
                  "append closed and cancelled results as JSON lines");
  cmd->add_option("--summary-out", o.summary_out,
                  "write a JSON summary: every instance's tick counts and "
                  "Live.getData statistics");
  cmd->add_option("--report-dir", o.report_dir,
                  "write every instance's Live report here when the run ends");
  cmd->add_option("--report-format", o.report_format,
                  "md, html (tables and charts, one self-contained page) or "
                  "both")
      ->capture_default_str();
  cmd->add_flag("--all-ticks", o.all_ticks,
                "publish idle, waiting and active ticks too");
  cmd->add_option("--set", f.sets,
                  "configuration override CC_KEY=VALUE (repeatable)");
  cmd->add_flag("--unsafe-config", o.unsafe_config,
                "apply --set values without the safety rules");
  cmd->add_flag("-q,--quiet", f.quiet, "no status line");
  cmd->add_option("--nodes", o.nodes,
                  "HOST:PORT,...: run the instances on btk nodes (started "
                  "with --state), each also kept on a second node");
  cmd->add_option("--secret-file", o.secret_file,
                  "file holding the cluster's shared secret (mode 0600)");
  add_cluster_flags(cmd, f.cluster);
  add_config_flag(cmd, f.config_file);
  add_serve_option(cmd, f.serve);
  auto* status = cmd->add_subcommand("status", "list the instances of a "
                                               "state folder");
  status->add_option("--state", f.status_state, "state folder")->required();
  return cmd;
}

int run_and_print(live_flags& f, std::atomic<bool>& stop,
                  std::atomic<bool>& stop_now, api_server* server,
                  server_run* served);

int run_live_command(CLI::App& live, live_flags& f) {
  if (live.get_subcommand("status")->parsed())
    return print_status(f.status_state);
  if (!f.config_file.empty())
    if (auto e = apply_run_file(live, f.config_file, f.sets); !e.empty())
      return fail("live", e);
  if (auto e = read_live_flags(f); !e.empty())
    return fail("live", e);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  f.cluster.apply(f.options.cluster);
  if (!f.quiet)
    f.options.on_notice = [](const std::string& line) {
      std::fprintf(stderr, "btk live: %s\n", line.c_str());
    };
  const bool tty = !f.quiet && isatty(fileno(stderr));
  if (!f.quiet)
    f.options.on_warning = [](const std::string& w) {
      std::fprintf(stderr, "btk live: %s\n", w.c_str());
    };
  if (tty)
    f.options.on_minute = status_table();
  std::unique_ptr<api_server> server;
  std::shared_ptr<server_run> served;
  try {
    server = start_server(f.serve, "live", f.options.source.store);
    if (server && !f.options.nodes.empty())
      return fail("live", "--serve shows a session of this process; a fleet "
                          "(--nodes) is not served yet");
    if (server) {
      served = server->attach_live(f.options);
      graceful_flag = &served->graceful;
      hard_flag = &served->hard;
    }
  } catch (const api_error& e) {
    return fail("live", e.what());
  }
  const int rc =
      run_and_print(f, served ? served->graceful : graceful,
                    served ? served->hard : hard, server.get(), served.get());
  // The served run's flags go with the server.
  graceful_flag = &graceful;
  hard_flag = &hard;
  if (server && !signalled.load())
    serve_until_stopped(*server, "live");
  return rc;
}

int run_and_print(live_flags& f, std::atomic<bool>& stop,
                  std::atomic<bool>& stop_now, api_server* server,
                  server_run* served) {
  try {
    auto s = run_live(f.options, stop, stop_now);
    if (server)
      server->finish_live(*served, s);
    if (s.data_ended && !f.quiet)
      std::fprintf(stderr,
                   "btk live: past the replayed candles; the last minute run "
                   "was %s\n",
                   to_iso(s.last_minute).c_str());
    if (!f.quiet && s.nodes > 0)
      std::fprintf(stderr,
                   "btk live: fleet on %zu nodes: %llu events, %llu "
                   "failovers (longest %.0f ms), %llu sent again and "
                   "dropped, %llu fenced messages refused\n",
                   s.nodes, static_cast<unsigned long long>(s.events),
                   static_cast<unsigned long long>(s.failovers), s.failover_ms,
                   static_cast<unsigned long long>(s.duplicates),
                   static_cast<unsigned long long>(s.fenced));
    else if (!f.quiet)
      std::fprintf(stderr,
                   "btk live: %llu minutes, %llu ticks (%llu failed), %llu "
                   "events, %llu synced batches\n",
                   static_cast<unsigned long long>(s.minutes),
                   static_cast<unsigned long long>(s.ticks),
                   static_cast<unsigned long long>(s.failed_ticks),
                   static_cast<unsigned long long>(s.events),
                   static_cast<unsigned long long>(s.syncs));
    return 0;
  } catch (const api_error& e) {
    if (server)
      server->fail(*served, e.what());
    return fail("live", e.what());
  }
}

CLI::App* add_fake_llm_command(CLI::App& app, fake_llm_run_options& o) {
  auto* cmd = app.add_subcommand(
      "fake-llm", "serve btk's fake model (Ollama's /api/chat and the "
                  "OpenAI-compatible /v1/chat/completions, deterministic "
                  "answers) for trying the llm strategy without a model");
  cmd->add_option("--listen", o.listen, "HOST:PORT (port 0: any free one)")
      ->capture_default_str();
  cmd->add_option("--token", o.token, "require this bearer token");
  cmd->add_option("--delay-ms", o.delay_ms, "milliseconds every answer takes")
      ->capture_default_str();
  return cmd;
}

int run_fake_llm_command(fake_llm_run_options& o) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  o.on_listening = [](const std::string& url) {
    std::printf("btk fake-llm: listening on %s\n", url.c_str());
    std::fflush(stdout);
  };
  try {
    const auto n = run_fake_llm(o, graceful);
    std::printf("btk fake-llm: %llu requests answered\n",
                static_cast<unsigned long long>(n));
    return 0;
  } catch (const api_error& e) {
    return fail("fake-llm", e.what());
  }
}

CLI::App* add_sim_command(CLI::App& app, sim_flags& f) {
  auto* cmd = app.add_subcommand(
      "exchange-sim", "serve recorded candles over Binance's REST and "
                      "WebSocket protocol, on a clock that can run faster");
  auto& o = f.options;
  cmd->add_option("--data", o.source.file, "candle file to serve");
  cmd->add_option("--store", o.source.store, "candle store to serve");
  cmd->add_option("--symbols,--symbol", f.symbols, "symbols of the store");
  cmd->add_option("--listen", o.listen, "HOST:PORT (port 0: any free one)")
      ->capture_default_str();
  cmd->add_option("--speed", o.speed,
                  "clock speed (600: ten hours of trading a minute)")
      ->capture_default_str();
  cmd->add_option("--from", f.from,
                  "where the clock starts (default: a day after the first "
                  "candle)");
  cmd->add_option("--faults", o.faults,
                  "drop=P,429=P,dup=P,reorder=P,garbage=P,late=MS");
  cmd->add_option("--seed", o.seed, "seed of the fault dice")
      ->capture_default_str();
  cmd->add_option("--tls-cert", o.tls_cert,
                  "serve https and wss with this certificate chain (PEM)");
  cmd->add_option("--tls-key", o.tls_key,
                  "the private key of --tls-cert (PEM)");
  return cmd;
}

int run_sim_command(sim_flags& f) {
  auto& o = f.options;
  if (auto e = read_time("--from", f.from, o.from); !e.empty())
    return fail("exchange-sim", e);
  if (!f.symbols.empty())
    o.source.symbols = split_commas(f.symbols);
  if (o.source.file.empty() == o.source.store.empty())
    return fail("exchange-sim", "give --data FILE or --store DIR");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  o.on_listening = [](const std::string& url) {
    std::printf("btk exchange-sim: listening on %s (REST and WebSocket)\n",
                url.c_str());
    std::fflush(stdout);
  };
  try {
    const auto s = run_exchange_sim(o, graceful);
    std::printf("btk exchange-sim: %llu REST requests, %llu connections, "
                "%llu candles pushed, %llu faults injected\n",
                static_cast<unsigned long long>(s.rest_requests),
                static_cast<unsigned long long>(s.connections),
                static_cast<unsigned long long>(s.pushed),
                static_cast<unsigned long long>(s.faults));
    return 0;
  } catch (const api_error& e) {
    return fail("exchange-sim", e.what());
  }
}

} // namespace btk
