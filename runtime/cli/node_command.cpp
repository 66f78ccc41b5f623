#include "runtime/cli/node_command.hpp"

#include <csignal>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "runtime/api/engine.hpp"
#include "runtime/cli/run_flags.hpp"

namespace btk {

void cluster_flags::apply(cluster_options& o) const {
  o.heartbeat = std::chrono::milliseconds{heartbeat_ms};
  o.timeout = std::chrono::milliseconds{timeout_ms};
  o.tls_cert = tls_cert;
  o.tls_key = tls_key;
  o.tls_ca = tls_ca;
}

void add_cluster_flags(CLI::App* cmd, cluster_flags& f) {
  cmd->add_option("--heartbeat-ms", f.heartbeat_ms,
                  "heartbeat between nodes and coordinators, ms")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{60000}));
  cmd->add_option("--node-timeout-ms", f.timeout_ms,
                  "a node silent this long is declared down, ms")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{20}, std::int64_t{600000}));
  cmd->add_option("--tls-cert", f.tls_cert,
                  "TLS: this side's certificate (PEM); with --tls-key and "
                  "--tls-ca");
  cmd->add_option("--tls-key", f.tls_key, "TLS: this side's private key");
  cmd->add_option("--tls-ca", f.tls_ca,
                  "TLS: the CA file peers' certificates must chain to");
}

CLI::App* add_node_command(CLI::App& app, node_flags& f) {
  auto* cmd = app.add_subcommand(
      "node", "host sweep workers for coordinators on other machines "
              "(btk walker --nodes)");
  cmd->add_option("--listen", f.options.listen,
                  "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--workers", f.options.workers,
                  "sweep workers (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1024}));
  cmd->add_option("--secret-file", f.options.secret_file,
                  "file holding the cluster's shared secret (mode 0600)");
  cmd->add_option("--state", f.options.state_dir,
                  "folder for the live instances it runs and the replicas it "
                  "keeps (btk live --nodes)");
  add_cluster_flags(cmd, f.cluster);
  return cmd;
}

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop_signal(int) {
  stop_requested = 1;
}

} // namespace

int run_node_command(node_flags f) {
  f.cluster.apply(f.options.cluster);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  try {
    auto node = start_node(f.options);
    // The first line says where it listens (port 0 picks one).
    const auto colon = f.options.listen.rfind(':');
    std::printf("btk node listening on %s:%u with %zu workers\n",
                f.options.listen.substr(0, colon).c_str(),
                static_cast<unsigned>(node->port()), node->workers());
    std::fflush(stdout);
    while (stop_requested == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    node->stop();
    std::printf("btk node stopped\n");
  } catch (const api_error& e) {
    return fail("node", e.what());
  }
  return 0;
}

} // namespace btk
