#include "runtime/cluster/node_link.hpp"

#include <chrono>
#include <set>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/node_id.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/sweep_messages.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

namespace {

using retry_atom = caf::atom_constant<caf::atom("retry")>;
using clock_type = std::chrono::steady_clock;

enum class phase { idle, connecting, hello, setup, shipping, ready };

struct link_state {
  caf::actor coordinator;
  std::uint32_t slot = 0;
  node_address node;
  cluster_options opts;
  std::shared_ptr<const sweep_shipment> ship;
  phase ph = phase::idle;
  /// Bumped at every (re)connect, so answers of an earlier try are stale.
  std::uint64_t attempt = 0;
  caf::actor session;
  /// The node of the latest session (its late answers are recognised).
  caf::node_id last_node;
  std::uint32_t workers = 0;
  std::set<std::string> shipping;
  /// Leases on the node: id -> the ids of its jobs.
  std::map<std::uint64_t, std::vector<std::uint64_t>> leases;
  clock_type::time_point last_heard;
  std::uint64_t pings = 0;
  /// The last problem told to the user (not repeated at every retry).
  std::string last_problem;
};

using link_actor = caf::stateful_actor<link_state>;

std::string this_process() {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  return std::string{host} + " pid " + std::to_string(::getpid());
}

void notice(link_actor* self, const std::string& text) {
  self->send(self->state.coordinator, notice_atom::value,
             "node " + self->state.node.text() + " " + text);
}

void connect(link_actor* self);

// Declares the node down (when it was up) and schedules another try.
void fail(link_actor* self, const std::string& reason) {
  auto& st = self->state;
  if (st.ph == phase::ready) {
    notice(self, "is down: " + reason +
                     (st.leases.empty()
                          ? std::string{}
                          : "; its " + std::to_string(st.leases.size()) +
                                " leases go to other nodes"));
    self->send(st.coordinator, down_atom::value, st.slot, reason);
  } else if (reason != st.last_problem) {
    notice(self, reason);
  }
  st.last_problem = reason;
  if (st.session)
    self->demonitor(st.session);
  st.session = {};
  st.leases.clear();
  st.shipping.clear();
  st.ph = phase::idle;
  ++st.attempt;
  self->delayed_send(self, st.opts.retry, retry_atom::value, st.attempt);
}

void ready(link_actor* self) {
  auto& st = self->state;
  st.ph = phase::ready;
  st.last_problem.clear();
  notice(self, "is up: " + std::to_string(st.workers) + " workers");
  self->send(st.coordinator, session_atom::value, st.slot, st.session);
  self->send(st.coordinator, up_atom::value, st.slot, st.workers,
             st.node.text());
}

void ship(link_actor* self, const std::vector<std::string>& missing) {
  auto& st = self->state;
  st.ph = phase::shipping;
  for (const auto& hash : missing) {
    auto s = st.ship->series.find(hash);
    if (s == st.ship->series.end())
      return fail(self, "asked for candles " + short_hex(hash) +
                            " it was not offered");
    st.shipping.insert(hash);
    for (std::uint32_t i = 0; i < s->second.ref.chunks; ++i)
      self->send(st.session, candles_atom::value, hash, i, s->second.chunk(i));
  }
  if (st.shipping.empty())
    ready(self);
}

void setup(link_actor* self, caf::actor session, std::uint32_t workers) {
  auto& st = self->state;
  if (!session || workers == 0)
    return fail(self, "answered the handshake without a session");
  st.ph = phase::setup;
  st.session = session;
  st.last_node = session.node();
  st.workers = workers;
  st.last_heard = clock_type::now();
  self->monitor(session);
  const auto attempt = st.attempt;
  self->request(session, st.opts.timeout, setup_atom::value, st.ship->key,
                st.ship->setup)
      .then(
          [=](setup_atom, std::uint64_t,
              const std::vector<std::string>& missing, const std::string& err) {
            if (attempt != self->state.attempt)
              return;
            if (!err.empty())
              return fail(self, "refused the sweep: " + err);
            ship(self, missing);
          },
          [=](caf::error& e) {
            if (attempt == self->state.attempt)
              fail(self, "did not answer the sweep setup: " +
                             self->system().render(e));
          });
}

void hello(link_actor* self, caf::actor gate) {
  auto& st = self->state;
  st.ph = phase::hello;
  const auto attempt = st.attempt;
  auto cn = make_nonce();
  self->request(gate, st.opts.timeout, hello_atom::value,
                cluster_protocol_version, cn, this_process())
      .then(
          [=](hello_atom, const std::string& nn, const std::string& proof,
              const std::string& refusal) {
            auto& st = self->state;
            if (attempt != st.attempt)
              return;
            if (!refusal.empty())
              return fail(self, "refused the connection: " + refusal);
            const bool node_knows = same_proof(
                proof, secret_proof(st.opts.secret, "btk-node", cn, nn));
            // The proof goes even when the node's is wrong, so the node
            // logs the refusal too.
            self->request(gate, st.opts.timeout, auth_atom::value, nn,
                          secret_proof(st.opts.secret, "btk-coord", cn, nn))
                .then(
                    [=](auth_atom, bool ok, caf::actor session,
                        std::uint32_t workers, const std::string& text) {
                      if (attempt != self->state.attempt)
                        return;
                      if (!ok || !node_knows) {
                        const auto why =
                            !ok ? "refused the connection: " + text
                                : std::string{
                                      "does not know the shared secret"};
                        self->send(self->state.coordinator, refused_atom::value,
                                   self->state.slot,
                                   "node " + self->state.node.text() + " " +
                                       why);
                        return fail(self, why);
                      }
                      setup(self, std::move(session), workers);
                    },
                    [=](caf::error& e) {
                      if (attempt == self->state.attempt)
                        fail(self, "did not answer the handshake: " +
                                       self->system().render(e));
                    });
          },
          [=](caf::error& e) {
            if (attempt == self->state.attempt)
              fail(self,
                   "did not answer the handshake: " + self->system().render(e));
          });
}

void connect(link_actor* self) {
  auto& st = self->state;
  st.ph = phase::connecting;
  const auto attempt = st.attempt;
  auto mm = st.opts.tls() ? self->system().openssl_manager().actor_handle()
                          : self->system().middleman().actor_handle();
  self->request(mm, st.opts.timeout, caf::connect_atom::value, st.node.host,
                st.node.port)
      .then(
          [=](const caf::node_id&, caf::strong_actor_ptr& gate,
              const std::set<std::string>&) {
            if (attempt != self->state.attempt)
              return;
            if (!gate)
              return fail(self, "publishes no btk node");
            hello(self, caf::actor_cast<caf::actor>(gate));
          },
          [=](caf::error& e) {
            if (attempt != self->state.attempt)
              return;
            if (e == caf::sec::disconnect_during_handshake) {
              // The TLS handshake failed: retrying will not mend it.
              const std::string why =
                  self->state.opts.tls()
                      ? "refused the TLS handshake: its certificate and ours "
                        "do not chain to each other's CA (or it runs without "
                        "TLS)"
                      : "dropped the connection during the handshake: it "
                        "runs TLS (give --tls-cert, --tls-key and --tls-ca)";
              self->send(self->state.coordinator, refused_atom::value,
                         self->state.slot,
                         "node " + self->state.node.text() + " " + why);
              return fail(self, why);
            }
            fail(self, "cannot be reached: " + self->system().render(e));
          });
}

// A result for a lease this link no longer holds: it was re-queued when
// the node was declared down, so its jobs run (or ran) elsewhere.
void late(link_actor* self, std::uint64_t id) {
  notice(self, "answered lease " + std::to_string(id) +
                   " after it was declared down: ignored");
}

void on_results(link_actor* self, std::uint64_t id,
                const std::vector<std::string>& bytes, const std::string& err) {
  auto& st = self->state;
  auto lease = st.leases.find(id);
  if (st.ph != phase::ready || lease == st.leases.end())
    return late(self, id);
  if (!err.empty())
    return fail(self, "refused lease " + std::to_string(id) + ": " + err);
  const auto& ids = lease->second;
  if (bytes.size() != ids.size())
    return fail(self, "answered lease " + std::to_string(id) + " with " +
                          std::to_string(bytes.size()) + " results for " +
                          std::to_string(ids.size()) + " jobs");
  std::vector<sweep_result> out;
  out.reserve(bytes.size());
  for (std::size_t k = 0; k < bytes.size(); ++k) {
    if (bytes[k].size() > wire_limits::max_record_bytes)
      return fail(self, "sent a result of " + std::to_string(bytes[k].size()) +
                            " bytes");
    auto r = decode_sweep_result(bytes[k]);
    if (!r)
      return fail(self, "sent a malformed result: " + r.err().message);
    if (r->id != ids[k])
      return fail(self, "answered job " + std::to_string(ids[k]) +
                            " with the result of job " + std::to_string(r->id));
    out.push_back(std::move(*r));
  }
  st.leases.erase(lease);
  self->send(st.coordinator, id, std::move(out));
}

bool from_session(link_actor* self) {
  const auto& s = self->current_sender();
  return s && self->state.session && s->node() == self->state.session.node();
}

caf::behavior node_link(link_actor* self, caf::actor coordinator,
                        std::uint32_t slot, node_address node,
                        cluster_options opts,
                        std::shared_ptr<const sweep_shipment> ship) {
  auto& st = self->state;
  st.coordinator = std::move(coordinator);
  st.slot = slot;
  st.node = std::move(node);
  st.opts = std::move(opts);
  st.ship = std::move(ship);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.session && dm.source == self->state.session.address())
      fail(self, "closed the connection");
  });
  self->set_default_handler(caf::drop);
  connect(self);
  self->send(self, tick_atom::value);
  return {
      [self](retry_atom, std::uint64_t attempt) {
        if (attempt == self->state.attempt && self->state.ph == phase::idle)
          connect(self);
      },
      [self](tick_atom) {
        auto& st = self->state;
        self->delayed_send(self, st.opts.heartbeat, tick_atom::value);
        if (st.ph != phase::setup && st.ph != phase::shipping &&
            st.ph != phase::ready)
          return;
        const auto silent = clock_type::now() - st.last_heard;
        if (silent > st.opts.timeout)
          return fail(
              self,
              "did not answer for " +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          silent)
                          .count()) +
                  " ms");
        self->send(st.session, ping_atom::value, ++st.pings);
      },
      [self](pong_atom, std::uint64_t) {
        if (from_session(self))
          self->state.last_heard = clock_type::now();
      },
      [self](candles_atom, const std::string& hash, const std::string& err) {
        auto& st = self->state;
        if (!from_session(self) || st.ph != phase::shipping)
          return;
        st.last_heard = clock_type::now();
        if (!err.empty())
          return fail(self, "refused the candles: " + err);
        st.shipping.erase(hash);
        if (st.shipping.empty())
          ready(self);
      },
      [self](result_atom, std::uint64_t id,
             const std::vector<std::string>& results, const std::string& err) {
        const auto& from = self->current_sender();
        if (!from_session(self)) {
          if (from && from->node() == self->state.last_node)
            late(self, id);
          return;
        }
        self->state.last_heard = clock_type::now();
        on_results(self, id, results, err);
      },
      [self](std::uint64_t id, std::vector<sweep_job>& jobs) {
        auto& st = self->state;
        if (st.ph != phase::ready)
          return; // the coordinator re-queues it when it hears of the down
        std::vector<std::string> bytes;
        std::vector<std::uint64_t> ids;
        for (const auto& j : jobs) {
          bytes.push_back(encode_sweep_job(j));
          ids.push_back(j.id);
        }
        st.leases[id] = std::move(ids);
        self->send(st.session, lease_atom::value, id, st.ship->key,
                   std::move(bytes));
      },
  };
}

} // namespace

std::shared_ptr<const sweep_shipment> make_sweep_shipment(
    const config& cfg,
    const std::map<std::string, std::shared_ptr<const series>>& data) {
  auto out = std::make_shared<sweep_shipment>();
  sweep_setup setup;
  setup.cfg = cfg;
  setup.unsafe = !cfg.problems(false).empty();
  for (const auto& [symbol, s] : data) {
    auto shipped = ship_series(s);
    setup.series.push_back(shipped.ref);
    out->series.emplace(shipped.ref.hash, std::move(shipped));
  }
  out->setup = encode_sweep_setup(setup);
  const auto h = sha256(out->setup);
  for (int i = 0; i < 8; ++i)
    out->key = (out->key << 8) | static_cast<unsigned char>(h[i]);
  return out;
}

caf::actor spawn_node_link(caf::actor_system& sys, caf::actor coordinator,
                           std::uint32_t slot, node_address node,
                           cluster_options opts,
                           std::shared_ptr<const sweep_shipment> shipment) {
  return sys.spawn(node_link, std::move(coordinator), slot, std::move(node),
                   std::move(opts), std::move(shipment));
}

} // namespace btk
