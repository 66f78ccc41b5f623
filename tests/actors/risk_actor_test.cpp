// The risk actor's ordering protocol, driven message by message from test
// actors: a check waits until every member waits, the earliest check is
// answered first, and positions opened or closed later in real time but
// earlier in simulated time are taken into account.

#include "actors/risk_actor.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/event_bus.hpp"
#include "messages/actor_messages.hpp"

using namespace btk;

namespace {

risk_check check_at(std::uint32_t rank, timestamp t) {
  risk_check c;
  c.rank = rank;
  c.args.symbol = "BTCUSDT";
  c.args.strategy = "s" + std::to_string(rank);
  c.args.exchange = "x";
  c.args.when = t;
  c.args.current_price = 100;
  return c;
}

risk_schema at_most_one() {
  risk_schema r;
  r.name = "one";
  r.validations.push_back(
      {[](const risk_args& a) { return a.active_position_count < 1; },
       "one at a time"});
  return r;
}

// An actor system with the event bus, one risk actor and two member
// instances (ranks 0 and 1) that have joined it; ends the actors at the
// end of the test.
struct risk_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor bus;
  caf::actor risk;
  std::unique_ptr<caf::scoped_actor> m0;
  std::unique_ptr<caf::scoped_actor> m1;

  explicit risk_fixture(risk_schema schema) {
    add_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    bus = spawn_event_bus(*sys);
    risk = spawn_risk_actor(*sys, std::move(schema), bus);
    m0 = std::make_unique<caf::scoped_actor>(*sys);
    m1 = std::make_unique<caf::scoped_actor>(*sys);
    (*m0)->send(risk, join_atom::value, std::uint32_t{0});
    (*m1)->send(risk, join_atom::value, std::uint32_t{1});
  }

  ~risk_fixture() {
    caf::anon_send_exit(risk, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(bus, caf::exit_reason::user_shutdown);
  }
};

} // namespace

TEST_CASE("the risk actor answers the earliest check once every member "
          "waits, with the positions of that simulated time",
          "[actors]") {
  risk_fixture fx{at_most_one()};
  auto& risk = fx.risk;
  auto& m0 = *fx.m0;
  auto& m1 = *fx.m1;
  // Member 1 asks at t=100 while member 0 is still running: no answer yet.
  auto pending =
      m1->request(risk, caf::infinite, check_atom::value, check_at(1, 100));
  // Member 0 reports a position opened at t=50 (earlier in simulated time),
  // closed at t=150, then asks at t=200.
  m0->send(risk, open_atom::value,
           position_opened{0, "s0", "BTCUSDT", "x", 50});
  m0->send(risk, close_atom::value, position_closed{"s0", "BTCUSDT", 150});
  auto later =
      m0->request(risk, caf::infinite, check_atom::value, check_at(0, 200));
  // Everyone waits: t=100 goes first and sees member 0's position.
  risk_verdict first;
  pending.receive([&](const risk_verdict& v) { first = v; },
                  [](caf::error&) { FAIL("check failed"); });
  CHECK_FALSE(first.allowed);
  CHECK(first.comment == "one at a time");
  CHECK(first.active_position_count == 1);
  // Member 1 leaves; member 0's check at t=200 sees the position closed.
  m1->send(risk, leave_atom::value, std::uint32_t{1});
  risk_verdict second;
  later.receive([&](const risk_verdict& v) { second = v; },
                [](caf::error&) { FAIL("check failed"); });
  CHECK(second.allowed);
  CHECK(second.active_position_count == 0);
}

TEST_CASE("equal check times are answered in rank order and a position "
          "opened at that time counts only for higher ranks",
          "[actors]") {
  risk_fixture fx{at_most_one()};
  auto& risk = fx.risk;
  auto& m0 = *fx.m0;
  auto& m1 = *fx.m1;
  // Rank 1 asks first in real time; rank 0 asks at the same simulated time.
  auto h1 =
      m1->request(risk, caf::infinite, check_atom::value, check_at(1, 500));
  auto h0 =
      m0->request(risk, caf::infinite, check_atom::value, check_at(0, 500));
  risk_verdict v0;
  h0.receive([&](const risk_verdict& v) { v0 = v; },
             [](caf::error&) { FAIL("check failed"); });
  CHECK(v0.allowed);
  // Rank 0 opens at t=500 and asks again later; now rank 1's check at 500
  // is the earliest and sees rank 0's position (lower rank, same time).
  m0->send(risk, open_atom::value,
           position_opened{0, "s0", "BTCUSDT", "x", 500});
  auto h0b =
      m0->request(risk, caf::infinite, check_atom::value, check_at(0, 900));
  risk_verdict v1;
  h1.receive([&](const risk_verdict& v) { v1 = v; },
             [](caf::error&) { FAIL("check failed"); });
  CHECK_FALSE(v1.allowed);
  CHECK(v1.active_position_count == 1);
  m1->send(risk, leave_atom::value, std::uint32_t{1});
  h0b.receive([](const risk_verdict&) {}, [](caf::error&) {});
}

TEST_CASE("a risk without validations answers at once", "[actors]") {
  risk_schema open;
  open.name = "open";
  risk_fixture fx{open};
  auto& risk = fx.risk;
  auto& m1 = *fx.m1;
  risk_verdict v;
  v.allowed = false;
  m1->request(risk, std::chrono::seconds(5), check_atom::value,
              check_at(1, 100))
      .receive([&](const risk_verdict& x) { v = x; },
               [](caf::error&) { FAIL("no answer"); });
  CHECK(v.allowed);
  CHECK(v.risk == "open");
}
