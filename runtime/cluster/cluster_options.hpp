#pragma once

// What nodes and coordinators agree on: addresses, the shared secret and
// the failure detector's timings, and how an actor system is set up to
// speak to other nodes.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/fwd.hpp>

#include "core/error.hpp"

namespace btk {

/// Settings every node and coordinator of a cluster shares.
struct cluster_options {
  /// The shared secret every connection proves before any other message is
  /// accepted (the contents of `--secret-file`). Required: there is no
  /// anonymous mode. Default: none
  std::string secret;
  /// Interval of btk's pings and of CAF's middleman heartbeat
  /// (`middleman.heartbeat-interval`, off in CAF 0.17 by default), so a
  /// frozen peer whose TCP connection stays open is noticed. Default: 250 ms
  std::chrono::milliseconds heartbeat{250};
  /// A node that has not answered for this long is declared down by the
  /// coordinator: its leases are re-queued and its late answers ignored.
  /// CAF's `middleman.connection-timeout` is set to twice this, a
  /// backstop that closes the silent connection. Default: 2000 ms
  std::chrono::milliseconds timeout{2000};
  /// Wait between tries to reach a node that is down or not yet up.
  /// Default: 500 ms
  std::chrono::milliseconds retry{500};
  /// A sweep gives up when no node has been up for this long. Default: 120 s
  std::chrono::milliseconds give_up{120000};
  /// TLS through CAF's OpenSSL module: this side's certificate and key
  /// (PEM) and the CA file its peers' certificates must chain to. All three
  /// or none: CAF's TLS without certificates is anonymous, so it is
  /// refused. Every node and coordinator of a cluster uses TLS or none
  /// does. Default: none (plain TCP, the secret still proved)
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  /// True when TLS is configured.
  bool tls() const { return !tls_cert.empty(); }
};

/// Where a node listens: `HOST:PORT`.
struct node_address {
  std::string host;
  std::uint16_t port = 0;
  /// `host:port`.
  std::string text() const;
};

/// Reads `HOST:PORT` (a host name, an IPv4 address, or `[v6]`; port 1 ..
/// 65535, or 0 where `allow_any_port`); the error names the text and what
/// is wrong.
expected<node_address> parse_node_address(std::string_view text,
                                          bool allow_any_port = false);

/// Reads a `--nodes` list (items may themselves be `A,B`); refuses an empty
/// list and a node listed twice.
expected<std::vector<node_address>>
parse_node_list(const std::vector<std::string>& items);

/// Reads a shared secret from `path`: a regular file readable by its owner
/// only (mode 0600 or 0400, as ssh keys), holding at least 16 bytes (one
/// trailing newline is dropped). The error names the file and the reason.
expected<std::string> read_secret_file(const std::string& path);

/// Checks the timings (each at least 10 ms, the timeout at least twice the
/// heartbeat), the secret, and the TLS files (all three or none, each
/// readable). The error names the setting.
expected<bool> check_cluster_options(const cluster_options& o);

/// What `--nodes` and `--secret-file` give a coordinator.
struct cluster_flags_read {
  std::vector<node_address> nodes;
  cluster_options cluster;
};

/// Reads `--nodes` items and the secret of `secret_file` into `base`, and
/// checks them all; the error names the flag and the reason.
expected<cluster_flags_read>
read_cluster_flags(const std::vector<std::string>& nodes,
                   const std::string& secret_file, cluster_options base);

/// Loads CAF's io middleman into `cfg` with the heartbeat and the
/// connection timeout of `o` set explicitly, and CAF's OpenSSL module with
/// the certificate, key and CA file when `o.tls()`.
void configure_cluster(caf::actor_system_config& cfg, const cluster_options& o);

} // namespace btk
