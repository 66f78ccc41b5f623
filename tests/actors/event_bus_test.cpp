// The event bus: topics, per-listener order, once listeners and flush.

#include "actors/event_bus.hpp"

#include <catch2/catch.hpp>

#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/actor_messages.hpp"

using namespace btk;

namespace {

signal_event signal_of(const std::string& symbol, action kind, timestamp t,
                       bool backtest = true) {
  signal_event e;
  e.source.symbol = symbol;
  e.source.backtest = backtest;
  e.result.kind = kind;
  e.result.when = t;
  return e;
}

void flush(caf::actor_system& sys, const caf::actor& bus) {
  caf::scoped_actor self{sys};
  self->request(bus, caf::infinite, flush_atom::value)
      .receive([](flush_atom) {}, [](caf::error&) {});
}

} // namespace

TEST_CASE("a listener receives its topic's events one at a time in the order "
          "each publisher sent them",
          "[actors]") {
  caf::actor_system_config cfg;
  add_message_types(cfg);
  caf::actor_system sys{cfg};
  auto bus = spawn_event_bus(sys);
  std::mutex mtx;
  std::vector<std::string> seen;
  int busy = 0;
  int overlap = 0;
  auto record = [&](const signal_event& e) {
    {
      std::lock_guard<std::mutex> g{mtx};
      overlap += busy++;
    }
    {
      std::lock_guard<std::mutex> g{mtx};
      seen.push_back(e.source.symbol + std::to_string(e.result.when));
      --busy;
    }
  };
  auto l = spawn_listener<signal_event>(sys, nullptr, record, false, bus, 1);
  std::vector<std::string> live_seen;
  auto live = spawn_listener<signal_event>(
      sys, nullptr,
      [&](const signal_event& e) {
        std::lock_guard<std::mutex> g{mtx};
        live_seen.push_back(e.source.symbol);
      },
      false, bus, 2);
  caf::scoped_actor a{sys};
  caf::scoped_actor b{sys};
  a->send(bus, subscribe_atom::value, topic::signal_backtest, std::uint64_t{1},
          l);
  a->send(bus, subscribe_atom::value, topic::signal_live, std::uint64_t{2},
          live);
  for (timestamp t = 0; t < 50; ++t) {
    a->send(bus, std::vector<signal_event>{signal_of("A", action::opened, t),
                                           signal_of("A", action::closed, t)});
    b->send(bus, std::vector<signal_event>{signal_of("B", action::opened, t)});
  }
  b->send(bus,
          std::vector<signal_event>{signal_of("L", action::opened, 0, false)});
  flush(sys, bus);
  REQUIRE(seen.size() == 150);
  CHECK(overlap == 0);
  // Each publisher's events keep their order.
  std::vector<std::string> a_seen;
  std::vector<std::string> b_seen;
  for (const auto& s : seen)
    (s[0] == 'A' ? a_seen : b_seen).push_back(s);
  REQUIRE(a_seen.size() == 100);
  for (timestamp t = 0; t < 50; ++t) {
    CHECK(a_seen[2 * t] == "A" + std::to_string(t));
    CHECK(b_seen[t] == "B" + std::to_string(t));
  }
  // The live topic got only the live event.
  CHECK(live_seen == std::vector<std::string>{"L"});
  caf::anon_send_exit(bus, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(l, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(live, caf::exit_reason::user_shutdown);
}

TEST_CASE("a once listener with a filter fires once and leaves the bus",
          "[actors]") {
  caf::actor_system_config cfg;
  add_message_types(cfg);
  caf::actor_system sys{cfg};
  auto bus = spawn_event_bus(sys);
  std::mutex mtx;
  std::vector<timestamp> seen;
  auto l = spawn_listener<signal_event>(
      sys,
      [](const signal_event& e) { return e.result.kind == action::closed; },
      [&](const signal_event& e) {
        std::lock_guard<std::mutex> g{mtx};
        seen.push_back(e.result.when);
      },
      true, bus, 7);
  caf::scoped_actor a{sys};
  a->send(bus, subscribe_atom::value, topic::signal, std::uint64_t{7}, l);
  a->send(bus, std::vector<signal_event>{signal_of("A", action::opened, 1),
                                         signal_of("A", action::closed, 2),
                                         signal_of("A", action::closed, 3)});
  a->send(bus, std::vector<signal_event>{signal_of("A", action::closed, 4)});
  flush(sys, bus);
  flush(sys, bus);
  CHECK(seen == std::vector<timestamp>{2});
  caf::anon_send_exit(bus, caf::exit_reason::user_shutdown);
}
