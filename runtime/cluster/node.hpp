#pragma once

// A `btk node`: a process other btk processes lease sweep jobs to. It
// publishes one gate actor on its address; a coordinator that proves the
// shared secret there gets a session of its own, and every job runs on the
// node's workers against candles the coordinator sent once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "runtime/cluster/cluster_options.hpp"

namespace btk {

/// How a node runs.
struct node_options {
  /// Where to listen. Loopback unless told otherwise; port 0 picks a free
  /// one (`node_server::port` says which). Default: 127.0.0.1:7100
  node_address listen{"127.0.0.1", 7100};
  /// Sweep workers, each a thread of its own. Default: 0 (one per core)
  std::size_t workers = 0;
  /// The secret and the failure detector's timings.
  cluster_options cluster;
  /// Where the live instances it runs, and the replicas it keeps for other
  /// nodes, keep their RocksDB state (a folder per instance). Default: none
  /// (the node takes sweep jobs only)
  std::string state_dir;
  /// Where log lines go (refused peers, malformed records, sessions).
  /// Default: standard error, prefixed `btk node: `
  std::function<void(const std::string&)> log;
};

/// A running node; stops when destroyed.
class node_server {
public:
  /// Starts listening; the error names the address and the reason.
  static expected<std::unique_ptr<node_server>> start(node_options opts);
  ~node_server();
  node_server(const node_server&) = delete;
  node_server& operator=(const node_server&) = delete;

  /// The port it listens on.
  std::uint16_t port() const;
  /// Its workers.
  std::size_t workers() const;
  /// Stops accepting and ends every session.
  void stop();

  struct impl;

private:
  explicit node_server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
