#pragma once

// `btk node` and the cluster flags `btk walker --nodes` shares with it.

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/api/node.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// The failure detector's flags, in milliseconds.
struct cluster_flags {
  /// `--heartbeat-ms`. Default: 250
  std::int64_t heartbeat_ms = 250;
  /// `--node-timeout-ms`: a node silent this long is down. Default: 2000
  std::int64_t timeout_ms = 2000;
  /// `--tls-cert`, `--tls-key`, `--tls-ca`: PEM files. Default: none
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  /// Sets `o`'s timings and TLS files.
  void apply(cluster_options& o) const;
};

/// Declares `--heartbeat-ms`, `--node-timeout-ms` and the TLS flags on
/// `cmd`.
void add_cluster_flags(CLI::App* cmd, cluster_flags& f);

/// Flags of `btk node`.
struct node_flags {
  node_run_options options;
  cluster_flags cluster;
};

/// Declares `btk node` on `app`.
CLI::App* add_node_command(CLI::App& app, node_flags& f);

/// Runs a node until SIGINT or SIGTERM.
int run_node_command(node_flags f);

} // namespace btk
