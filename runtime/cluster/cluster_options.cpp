#include "runtime/cluster/cluster_options.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <set>
#include <sys/stat.h>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/timespan.hpp>

namespace btk {

std::string node_address::text() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

expected<node_address> parse_node_address(std::string_view text,
                                          bool allow_any_port) {
  const std::string shown{text.substr(0, 80)};
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return error{"node address '" + shown + "': expected HOST:PORT"};
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return error{"node address '" + shown +
                 "': write an IPv6 address in brackets, [::1]:7100"};
  if (host.empty() || host.size() > 253)
    return error{"node address '" + shown + "': no host"};
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
          c == ':' || c == '_'))
      return error{"node address '" + shown + "': the host has a '" +
                   std::string(1, c) + "'"};
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || p != port.data() + port.size() ||
      value > 65535 || (value == 0 && !allow_any_port))
    return error{"node address '" + shown + "': the port '" +
                 std::string{port.substr(0, 20)} +
                 "' is not a number in 1 .. 65535"};
  return node_address{std::string{host}, static_cast<std::uint16_t>(value)};
}

expected<std::vector<node_address>>
parse_node_list(const std::vector<std::string>& items) {
  std::vector<node_address> out;
  std::set<std::string> seen;
  for (const auto& item : items) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = item.find(',', start);
      const auto part = std::string_view{item}.substr(
          start,
          comma == std::string::npos ? std::string::npos : comma - start);
      auto a = parse_node_address(part);
      if (!a)
        return error{"--nodes: " + a.err().message};
      if (!seen.insert(a->text()).second)
        return error{"--nodes: " + a->text() + " is listed twice"};
      out.push_back(std::move(*a));
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
  }
  if (out.empty())
    return error{"--nodes: give at least one HOST:PORT"};
  return out;
}

expected<std::string> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return error{"secret file " + path + ": " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode))
    return error{"secret file " + path + ": not a regular file"};
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return error{"secret file " + path + ": mode " + mode +
                 " lets others read it; chmod 600 " + path};
  }
  if (st.st_size > 4096)
    return error{"secret file " + path + ": " + std::to_string(st.st_size) +
                 " bytes, more than 4096"};
  std::ifstream in(path, std::ios::binary);
  std::string s{std::istreambuf_iterator<char>(in), {}};
  if (!in.eof() && in.fail())
    return error{"secret file " + path + ": cannot read it"};
  if (!s.empty() && s.back() == '\n')
    s.pop_back();
  if (!s.empty() && s.back() == '\r')
    s.pop_back();
  if (s.size() < 16)
    return error{"secret file " + path + ": " + std::to_string(s.size()) +
                 " bytes, a secret needs at least 16 (openssl rand -hex 32 > " +
                 path + ")"};
  return s;
}

expected<bool> check_cluster_options(const cluster_options& o) {
  using std::chrono::milliseconds;
  if (o.heartbeat < milliseconds{10})
    return error{"the heartbeat must be at least 10 ms (got " +
                 std::to_string(o.heartbeat.count()) + " ms)"};
  if (o.timeout < 2 * o.heartbeat)
    return error{"the node timeout (" + std::to_string(o.timeout.count()) +
                 " ms) must be at least twice the heartbeat (" +
                 std::to_string(o.heartbeat.count()) + " ms)"};
  if (o.retry < milliseconds{10})
    return error{"the retry interval must be at least 10 ms"};
  const int tls_files =
      !o.tls_cert.empty() + !o.tls_key.empty() + !o.tls_ca.empty();
  if (tls_files != 0 && tls_files != 3)
    return error{"TLS needs --tls-cert, --tls-key and --tls-ca together: "
                 "CAF's TLS without certificates is anonymous, so btk "
                 "refuses it"};
  for (const auto* f : {&o.tls_cert, &o.tls_key, &o.tls_ca}) {
    if (f->empty())
      continue;
    std::ifstream in(*f);
    if (!in)
      return error{"TLS file " + *f + ": " + std::strerror(errno)};
  }
  if (o.secret.size() < 16)
    return error{"the cluster needs a shared secret of at least 16 bytes "
                 "(--secret-file)"};
  return true;
}

expected<cluster_flags_read>
read_cluster_flags(const std::vector<std::string>& nodes,
                   const std::string& secret_file, cluster_options base) {
  auto list = parse_node_list(nodes);
  if (!list)
    return list.err();
  if (secret_file.empty())
    return error{"--nodes needs --secret-file: nodes accept only "
                 "coordinators that prove the shared secret"};
  auto secret = read_secret_file(secret_file);
  if (!secret)
    return secret.err();
  base.secret = std::move(*secret);
  if (auto ok = check_cluster_options(base); !ok)
    return ok.err();
  return cluster_flags_read{std::move(*list), std::move(base)};
}

void configure_cluster(caf::actor_system_config& cfg,
                       const cluster_options& o) {
  cfg.load<caf::io::middleman>();
  // The one list type of the wire that CAF does not announce itself (a live
  // fleet's times).
  cfg.add_message_type<std::vector<std::int64_t>>("btk::int64_list");
  if (o.tls()) {
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = o.tls_cert;
    cfg.openssl_key = o.tls_key;
    cfg.openssl_cafile = o.tls_ca;
  }
  // CAF gives each peer a utility actor (its spawn server), by default on a
  // thread of its own that the actor system awaits at exit. One whose peer
  // vanished mid-handshake is never released, and the process hangs in
  // ~actor_system; on the scheduler it cannot hold up the exit, and a
  // long-lived node keeps no thread per coordinator it has met.
  cfg.set("middleman.attach-utility-actors", true);
  cfg.set("middleman.heartbeat-interval", caf::timespan{o.heartbeat});
  // CAF closes a connection silent for twice btk's timeout: btk decides
  // first (and says why), CAF's close is the backstop that frees it.
  cfg.set("middleman.connection-timeout", caf::timespan{2 * o.timeout});
}

} // namespace btk
