#include "runtime/api/node.hpp"

#include "runtime/api/engine.hpp"

namespace btk {

std::unique_ptr<node_server> start_node(const node_run_options& opts) {
  node_options o;
  auto listen = parse_node_address(opts.listen, true);
  if (!listen)
    throw api_error("--listen: " + listen.err().message);
  o.listen = std::move(*listen);
  if (opts.secret_file.empty())
    throw api_error("a node needs --secret-file: it accepts only "
                    "coordinators that prove the shared secret (make one "
                    "with: openssl rand -hex 32 > secret && chmod 600 "
                    "secret)");
  auto secret = read_secret_file(opts.secret_file);
  if (!secret)
    throw api_error(secret.err().message);
  o.workers = opts.workers;
  o.cluster = opts.cluster;
  o.cluster.secret = std::move(*secret);
  o.log = opts.log;
  o.state_dir = opts.state_dir;
  auto node = node_server::start(std::move(o));
  if (!node)
    throw api_error(node.err().message);
  return std::move(*node);
}

} // namespace btk
