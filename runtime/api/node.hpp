#pragma once

// Running a `btk node` from a host program: what `btk node` does, with the
// options read and checked as the command line reads them.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "runtime/cluster/node.hpp"

namespace btk {

/// Options of `start_node` (`btk node`).
struct node_run_options {
  /// `HOST:PORT` to listen on; port 0 picks a free one. Loopback unless
  /// told otherwise. Default: 127.0.0.1:7100
  std::string listen = "127.0.0.1:7100";
  /// Sweep workers. Default: 0 (one per core)
  std::size_t workers = 0;
  /// File holding the shared secret (mode 0600). Required: a node never
  /// runs anonymously. Default: none
  std::string secret_file;
  /// The failure detector's timings (the secret is read from the file).
  cluster_options cluster;
  /// Live fleet state: the instances it runs, the replicas it keeps.
  /// Default: none (sweep jobs only)
  std::string state_dir;
  /// Log lines. Default: standard error
  std::function<void(const std::string&)> log;
};

/// Starts a node; throws `api_error` naming the option and the reason.
std::unique_ptr<node_server> start_node(const node_run_options& opts);

} // namespace btk
