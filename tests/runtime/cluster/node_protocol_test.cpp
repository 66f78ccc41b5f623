// A node treats what arrives from the network as hostile input: nothing is
// accepted before the shared secret is proved, and a malformed, oversized or
// out-of-order record is refused with a log line naming it — never a crash —
// while the node goes on serving.

#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/sweep_worker.hpp"
#include "core/market/series.hpp"
#include "messages/actor_messages.hpp"
#include "messages/cluster_convert.hpp"
#include "messages/sweep_convert.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/candle_ship.hpp"
#include "runtime/cluster/node.hpp"
#include "runtime/cluster/node_link.hpp"
#include "runtime/cluster/wire.hpp"

using namespace btk;
using namespace std::chrono_literals;

namespace {

const std::string secret = "a shared secret of some length";

// Log lines of an in-process node.
struct log_lines {
  std::mutex mtx;
  std::vector<std::string> lines;
  bool has(const std::string& part) {
    std::lock_guard<std::mutex> lock{mtx};
    for (const auto& l : lines)
      if (l.find(part) != std::string::npos)
        return true;
    return false;
  }
};

std::unique_ptr<node_server> start(log_lines& log) {
  node_options o;
  o.listen = {"127.0.0.1", 0};
  o.workers = 1;
  o.cluster.secret = secret;
  o.log = [&log](const std::string& line) {
    std::lock_guard<std::mutex> lock{log.mtx};
    log.lines.push_back(line);
  };
  auto n = node_server::start(o);
  REQUIRE(n);
  return std::move(*n);
}

// A client process's actor system.
struct client {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  client() {
    add_message_types(cfg);
    cluster_options o;
    o.secret = secret;
    configure_cluster(cfg, o);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  caf::actor gate(std::uint16_t port) {
    auto g = sys->middleman().remote_actor("127.0.0.1", port);
    REQUIRE(g);
    return *g;
  }
};

// Proves the secret at `gate`; returns the session (or none, with the
// node's reason in `why`).
caf::actor authenticate(caf::scoped_actor& self, const caf::actor& gate,
                        const std::string& key, std::string& why) {
  const auto cn = make_nonce();
  std::string nn;
  self->request(gate, 5s, hello_atom::value, cluster_protocol_version, cn,
                std::string{"test client"})
      .receive(
          [&](hello_atom, const std::string& n, const std::string& proof,
              const std::string& refusal) {
            nn = n;
            why = refusal;
            CHECK((refusal.empty() ==
                   same_proof(proof, secret_proof(secret, "btk-node", cn, n))));
          },
          [&](caf::error& e) { FAIL(self->system().render(e)); });
  caf::actor session;
  if (!why.empty())
    return session;
  self->request(gate, 5s, auth_atom::value, nn,
                secret_proof(key, "btk-coord", cn, nn))
      .receive(
          [&](auth_atom, bool ok, caf::actor s, std::uint32_t,
              const std::string& text) {
            if (ok)
              session = std::move(s);
            why = text;
          },
          [&](caf::error& e) { FAIL(self->system().render(e)); });
  return session;
}

std::shared_ptr<const series> small_series() {
  std::vector<candle> cs;
  for (int i = 0; i < 3000; ++i) {
    const double p = 100 + (i % 50) * 0.1;
    cs.push_back({1704067200000 + i * 60000LL, p, p + 1, p - 1, p + 0.5, 10});
  }
  auto s = series::make("TESTUSDT", cs);
  REQUIRE(s);
  return *s;
}

// The reply to a lease: its results' bytes and error.
std::pair<std::vector<std::string>, std::string>
lease(caf::scoped_actor& self, const caf::actor& session, std::uint64_t id,
      std::uint64_t key, const std::vector<std::string>& jobs) {
  self->send(session, lease_atom::value, id, key, jobs);
  std::pair<std::vector<std::string>, std::string> out;
  self->receive(
      [&](result_atom, std::uint64_t got, std::vector<std::string>& r,
          std::string& err) {
        CHECK(got == id);
        out = {std::move(r), std::move(err)};
      },
      caf::after(10s) >> [] { FAIL("no answer to the lease"); });
  return out;
}

} // namespace

TEST_CASE("a node accepts nothing before the shared secret is proved and "
          "logs a wrong one",
          "[cluster]") {
  log_lines log;
  auto node = start(log);
  client c;
  caf::scoped_actor self{*c.sys};
  const auto gate = c.gate(node->port());
  // Work sent straight to the gate is refused.
  self->request(gate, 5s, setup_atom::value, std::uint64_t{1}, std::string{"x"})
      .receive([&](caf::message&) { FAIL("the gate answered a setup"); },
               [&](caf::error&) {});
  CHECK(log.has("it has not proved the shared secret"));
  // A wrong proof gets no session, and both sides say why.
  std::string why;
  auto s = authenticate(self, gate, "not the secret at all", why);
  CHECK_FALSE(s);
  CHECK(why.find("the shared secret does not match") != std::string::npos);
  CHECK(log.has("refused node"));
  // A stale auth (no hello before it) is refused too.
  self->request(gate, 5s, auth_atom::value, make_nonce(), make_nonce())
      .receive(
          [&](auth_atom, bool ok, caf::actor, std::uint32_t,
              const std::string& text) {
            CHECK_FALSE(ok);
            CHECK(text.find("without a hello") != std::string::npos);
          },
          [&](caf::error& e) { FAIL(self->system().render(e)); });
  // Another protocol version is refused at hello.
  self->request(gate, 5s, hello_atom::value, std::uint32_t{99}, make_nonce(),
                std::string{"old"})
      .receive(
          [&](hello_atom, const std::string&, const std::string&,
              const std::string& refusal) {
            CHECK(refusal.find("protocol version 99") != std::string::npos);
          },
          [&](caf::error& e) { FAIL(self->system().render(e)); });
  // The right secret gets a session.
  s = authenticate(self, gate, secret, why);
  CHECK(s);
}

TEST_CASE("a node refuses malformed, oversized and out-of-order records "
          "with a log line and keeps serving",
          "[cluster]") {
  log_lines log;
  auto node = start(log);
  client c;
  caf::scoped_actor self{*c.sys};
  std::string why;
  const auto session = authenticate(self, c.gate(node->port()), secret, why);
  REQUIRE(session);
  auto setup = [&](std::uint64_t key, const std::string& bytes) {
    std::pair<std::vector<std::string>, std::string> out;
    self->request(session, 5s, setup_atom::value, key, bytes)
        .receive(
            [&](setup_atom, std::uint64_t, std::vector<std::string>& missing,
                std::string& err) {
              out = {std::move(missing), err};
            },
            [&](caf::error& e) { FAIL(self->system().render(e)); });
    return out;
  };
  // Garbage where a setup belongs.
  auto r = setup(1, std::string(40, '\xff'));
  CHECK(r.second.find("sweep setup") != std::string::npos);
  CHECK(log.has("refused a sweep setup"));
  // A setting out of range.
  sweep_setup bad;
  bad.cfg.avg_price_candles_count = 0;
  r = setup(2, encode_sweep_setup(bad));
  CHECK(r.second.find("CC_AVG_PRICE_CANDLES_COUNT") != std::string::npos);
  // A lease for a sweep never set up.
  auto l = lease(self, session, 7, 12345, {"x"});
  CHECK(l.second.find("its sweep was not set up") != std::string::npos);
  CHECK(log.has("refused lease 7"));
  // A proper setup: the node asks for the candles it lacks.
  const auto data = small_series();
  const auto shipment = make_sweep_shipment(config{}, {{"TESTUSDT", data}});
  r = setup(shipment->key, shipment->setup);
  REQUIRE(r.second.empty());
  REQUIRE(r.first.size() == 1);
  const auto& shipped = shipment->series.at(r.first[0]);
  // Jobs before the candles arrived are refused.
  sweep_job job;
  job.id = 1;
  job.spec = "sma-cross:fast=5,slow=20,interval=5m";
  job.symbol = "TESTUSDT";
  job.frame = {data->first() + 300 * 60000, data->last() - 600000,
               interval::m1};
  l = lease(self, session, 8, shipment->key, {encode_sweep_job(job)});
  CHECK(l.second.find("still waits for candles") != std::string::npos);
  // A chunk out of order, then the candles for real.
  auto candles_reply = [&](std::uint32_t index, const std::string& bytes) {
    self->send(session, candles_atom::value, r.first[0], index, bytes);
    std::string err = "no answer";
    self->receive([&](candles_atom, const std::string&,
                      const std::string& e) { err = e; },
                  caf::after(5s) >> [] {});
    return err;
  };
  CHECK(
      candles_reply(3, shipped.chunk(0)).find("chunk 3 arrived, 0 expected") !=
      std::string::npos);
  r = setup(shipment->key, shipment->setup); // announced again
  REQUIRE(r.first.size() == 1);
  CHECK(candles_reply(0, std::string(40, 'z')).find("chunk 0") !=
        std::string::npos);
  r = setup(shipment->key, shipment->setup);
  REQUIRE(r.first.size() == 1);
  CHECK(candles_reply(0, shipped.chunk(0)).empty());
  // Oversized and malformed leases.
  l = lease(self, session, 9, shipment->key,
            std::vector<std::string>(wire_limits::max_jobs_per_lease + 1,
                                     encode_sweep_job(job)));
  CHECK(l.second.find("1025 jobs") != std::string::npos);
  l = lease(self, session, 10, shipment->key,
            {encode_sweep_job(job), std::string(16, '\x01')});
  CHECK(l.second.find("job 1:") != std::string::npos);
  l = lease(self, session, 11, shipment->key,
            {std::string(wire_limits::max_record_bytes + 8, '\0')});
  CHECK(l.second.find("job 0 has") != std::string::npos);
  // And after all that, a proper lease runs, with the result of a local
  // run.
  l = lease(self, session, 12, shipment->key, {encode_sweep_job(job)});
  REQUIRE(l.second.empty());
  REQUIRE(l.first.size() == 1);
  auto got = decode_sweep_result(l.first[0]);
  REQUIRE(got);
  const auto want = run_sweep_job(job, {{"TESTUSDT", data}}, config{});
  CHECK(encode_sweep_result(*got) == encode_sweep_result(want));
  CHECK(got->error == "");
}
