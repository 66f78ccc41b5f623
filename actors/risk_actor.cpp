#include "actors/risk_actor.hpp"

#include <map>
#include <optional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/actor_messages.hpp"

namespace btk {

namespace {

struct waiting_check {
  risk_check check;
  caf::typed_response_promise<risk_verdict> promise;
};

struct member {
  std::optional<waiting_check> waiting;
};

struct risk_state {
  risk_schema schema;
  caf::actor bus;
  risk_book book;
  std::map<std::uint32_t, member> members;
  static inline const char* name = "btk.risk";
};

using risk_actor = caf::stateful_actor<risk_state>;

risk_verdict decide(risk_actor* self, const risk_check& c) {
  auto& st = self->state;
  risk_args args = c.args;
  args.active_positions = st.book.active_at(c.args.when, c.rank);
  args.active_position_count = args.active_positions.size();
  const auto d = check_risk(st.schema.validations, args);
  risk_verdict v;
  v.allowed = d.allowed;
  v.risk = st.schema.name;
  v.active_position_count =
      static_cast<std::int64_t>(args.active_position_count);
  if (!d.allowed) {
    v.comment = d.comment;
    const event_source source{c.args.symbol, c.args.strategy, c.args.exchange,
                              c.args.frame, true};
    self->send(st.bus, std::vector<risk_event>{rejection_event(source, c, v)});
    if (st.schema.on_rejected)
      st.schema.on_rejected(args, d);
  } else if (st.schema.on_allowed) {
    st.schema.on_allowed(args);
  }
  return v;
}

// Answers waiting checks in (time, rank) order while every member waits.
void answer(risk_actor* self) {
  auto& st = self->state;
  for (;;) {
    member* best = nullptr;
    for (auto& [rank, m] : st.members) {
      if (!m.waiting)
        return; // a member is still running: it may open a position first
      if (best == nullptr ||
          m.waiting->check.args.when < best->waiting->check.args.when)
        best = &m;
    }
    if (best == nullptr)
      return;
    auto w = std::move(*best->waiting);
    best->waiting.reset();
    w.promise.deliver(decide(self, w.check));
    // Positions closed before every member's clock can no longer matter.
    timestamp low = w.check.args.when;
    for (auto& [rank, m] : st.members)
      if (m.waiting && m.waiting->check.args.when < low)
        low = m.waiting->check.args.when;
    st.book.forget_closed_before(low);
  }
}

caf::behavior risk_impl(risk_actor* self, risk_schema schema, caf::actor bus) {
  self->state.schema = std::move(schema);
  self->state.bus = std::move(bus);
  return {
      [=](join_atom, std::uint32_t rank) { self->state.members[rank]; },
      [=](leave_atom, std::uint32_t rank) {
        self->state.members.erase(rank);
        answer(self);
      },
      [=](check_atom, const risk_check& c) -> caf::result<risk_verdict> {
        auto& st = self->state;
        if (st.schema.validations.empty()) {
          risk_verdict v;
          v.risk = st.schema.name;
          v.active_position_count = static_cast<std::int64_t>(
              st.book.active_at(c.args.when, c.rank).size());
          return v;
        }
        auto rp = self->make_response_promise<risk_verdict>();
        // A check from an instance that never joined is answered alone.
        auto& m = st.members[c.rank];
        m.waiting = waiting_check{c, rp};
        answer(self);
        return rp;
      },
      [=](open_atom, const position_opened& p) {
        self->state.book.open(p.strategy, p.symbol, p.exchange, p.when, p.rank);
      },
      [=](close_atom, const position_closed& p) {
        self->state.book.close(p.strategy, p.symbol, p.when);
      },
  };
}

} // namespace

caf::actor spawn_risk_actor(caf::actor_system& sys, risk_schema schema,
                            caf::actor bus) {
  return sys.spawn(risk_impl, std::move(schema), std::move(bus));
}

} // namespace btk
