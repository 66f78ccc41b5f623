#include "runtime/cluster/node.hpp"

#include <cstdio>
#include <deque>
#include <map>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/scheduler.hpp"
#include "messages/actor_messages.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/node_impl.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

namespace {

// A handshake between hello and auth.
struct pending_hello {
  std::string client_nonce;
  caf::node_id peer;
  std::string who;
};

struct gate_state {
  std::map<std::string, pending_hello> pending; // by node nonce
  std::deque<std::string> order;                // oldest first
};

// Who a message came from, for log lines.
std::string sender_text(caf::scheduled_actor* self) {
  const auto& s = self->current_sender();
  return s ? "node " + caf::to_string(s->node())
           : std::string{"an anonymous sender"};
}

// A peer name from the network, shown cut and without control bytes.
std::string clean_who(const std::string& who) {
  std::string out;
  for (char c : who.substr(0, 80))
    out += (static_cast<unsigned char>(c) < 32 || c == 127) ? '?' : c;
  return out.empty() ? "an unnamed coordinator" : out;
}

// The published actor: proves the secret both ways, then hands an
// authenticated coordinator its own session. Nothing else is accepted.
caf::behavior gate(caf::stateful_actor<gate_state>* self,
                   std::shared_ptr<node_context> ctx, std::uint32_t workers) {
  self->set_default_handler(
      [ctx](caf::scheduled_actor* s,
            caf::message_view&) -> caf::result<caf::message> {
        ctx->log("refused a message from " + sender_text(s) +
                 ": it has not proved the shared secret");
        return caf::sec::unexpected_message;
      });
  return {
      [=](hello_atom, std::uint32_t version, const std::string& client_nonce,
          const std::string& who) -> caf::message {
        const std::string peer =
            clean_who(who) + " (" + sender_text(self) + ")";
        if (version != cluster_protocol_version) {
          ctx->log("refused " + peer + ": protocol version " +
                   std::to_string(version) + ", this node speaks " +
                   std::to_string(cluster_protocol_version));
          return caf::make_message(
              hello_atom::value, std::string{}, std::string{},
              "protocol version " + std::to_string(version) +
                  " is not this node's " +
                  std::to_string(cluster_protocol_version));
        }
        if (client_nonce.size() != 32) {
          ctx->log("refused " + peer + ": a malformed hello");
          return caf::make_message(hello_atom::value, std::string{},
                                   std::string{}, "malformed hello");
        }
        auto& st = self->state;
        while (st.order.size() >= wire_limits::max_pending_hellos) {
          st.pending.erase(st.order.front());
          st.order.pop_front();
        }
        auto nonce = make_nonce();
        st.pending[nonce] = {client_nonce, self->current_sender()->node(),
                             clean_who(who)};
        st.order.push_back(nonce);
        auto proof = secret_proof(ctx->secret, "btk-node", client_nonce, nonce);
        return caf::make_message(hello_atom::value, std::move(nonce),
                                 std::move(proof), std::string{});
      },
      [=](auth_atom, const std::string& node_nonce,
          const std::string& proof) -> caf::message {
        auto& st = self->state;
        auto refuse = [&](const std::string& why) {
          ctx->log("refused " + sender_text(self) + ": " + why);
          return caf::make_message(auth_atom::value, false, caf::actor{},
                                   std::uint32_t{0}, why);
        };
        auto i = st.pending.find(node_nonce);
        if (i == st.pending.end())
          return refuse("an auth without a hello (or a stale one)");
        auto p = std::move(i->second);
        st.pending.erase(i);
        if (p.peer != self->current_sender()->node())
          return refuse("an auth from another node than its hello");
        if (!same_proof(proof, secret_proof(ctx->secret, "btk-coord",
                                            p.client_nonce, node_nonce)))
          return refuse("the shared secret does not match (" + p.who + ")");
        auto peer = caf::actor_cast<caf::actor>(self->current_sender());
        auto session = spawn_node_session(self->system(), ctx, peer, p.who);
        ctx->log("session for " + p.who + " (" + sender_text(self) + ")");
        return caf::make_message(auth_atom::value, true, session, workers,
                                 std::string{});
      },
  };
}

} // namespace

struct node_server::impl {
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<node_context> ctx;
  caf::actor gate;
  std::uint16_t port = 0;
  std::size_t workers = 0;
  bool stopped = false;
};

node_server::node_server(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}

node_server::~node_server() {
  stop();
}

std::uint16_t node_server::port() const {
  return impl_->port;
}

std::size_t node_server::workers() const {
  return impl_->workers;
}

expected<std::unique_ptr<node_server>> node_server::start(node_options opts) {
  auto ok = check_cluster_options(opts.cluster);
  if (!ok)
    return ok.err();
  auto p = std::make_unique<impl>();
  p->cfg = std::make_unique<caf::actor_system_config>();
  add_message_types(*p->cfg);
  configure_cluster(*p->cfg, opts.cluster);
  // Workers are threads of their own: the scheduler's two threads stay
  // free for the gate, sessions and pings while every worker is busy, and
  // sleep when there is nothing to pass on.
  configure_light_scheduler(*p->cfg, 2);
  p->sys = std::make_unique<caf::actor_system>(*p->cfg);
  p->ctx = std::make_shared<node_context>();
  p->ctx->secret = opts.cluster.secret;
  p->ctx->sys = p->sys.get();
  p->ctx->state_dir = opts.state_dir;
  p->ctx->timeout = opts.cluster.timeout;
  p->ctx->fleets = make_fleet_host();
  p->ctx->log = opts.log ? opts.log : [](const std::string& line) {
    std::fprintf(stderr, "btk node: %s\n", line.c_str());
    std::fflush(stderr);
  };
  std::size_t n = opts.workers;
  if (n == 0)
    n = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < n; ++i)
    p->ctx->workers.push_back(spawn_node_worker(*p->sys, i));
  p->workers = n;
  p->ctx->dispatcher = spawn_node_dispatcher(*p->sys, p->ctx->workers);
  p->gate = p->sys->spawn(gate, p->ctx, static_cast<std::uint32_t>(n));
  auto port = opts.cluster.tls()
                  ? caf::openssl::publish(p->gate, opts.listen.port,
                                          opts.listen.host.c_str(), true)
                  : p->sys->middleman().publish(p->gate, opts.listen.port,
                                                opts.listen.host.c_str(), true);
  if (!port) {
    const auto why = p->sys->render(port.error());
    p->ctx->workers.clear();
    caf::anon_send_exit(p->gate, caf::exit_reason::user_shutdown);
    return error{"cannot listen on " + opts.listen.text() + ": " + why};
  }
  p->port = *port;
  return std::unique_ptr<node_server>(new node_server(std::move(p)));
}

void node_server::stop() {
  if (!impl_ || impl_->stopped)
    return;
  impl_->stopped = true;
  impl_->sys->middleman().unpublish(impl_->gate, impl_->port);
  // The context may outlive this (an exited actor keeps its handlers):
  // it must not keep the workers alive, or the actor system would wait
  // for their threads forever.
  fleet_stop_all(impl_->ctx);
  auto& ctx = *impl_->ctx;
  for (auto& w : ctx.workers)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  ctx.workers.clear();
  caf::anon_send_exit(ctx.dispatcher, caf::exit_reason::user_shutdown);
  ctx.dispatcher = nullptr;
  caf::anon_send_exit(impl_->gate, caf::exit_reason::user_shutdown);
  impl_->gate = nullptr;
  std::lock_guard<std::mutex> lock{ctx.sessions_mtx};
  for (auto& s : ctx.sessions)
    caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  ctx.sessions.clear();
}

} // namespace btk
