#pragma once

// The in-process vocabulary of btk actors: atoms and the records they send
// each other. Records that only make sense inside one process (they hold a
// shared in-memory series or an actor handle) are marked as such; they never
// cross a node boundary.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "core/engine/backtest.hpp"
#include "core/market/series.hpp"
#include "core/risk/risk.hpp"
#include "messages/events.hpp"
#include "messages/inspect.hpp"

namespace btk {

// -- atoms (CAF 0.17: at most 10 characters) ---------------------------------

using run_atom = caf::atom_constant<caf::atom("run")>;
using advance_atom = caf::atom_constant<caf::atom("advance")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using series_atom = caf::atom_constant<caf::atom("series")>;
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using format_atom = caf::atom_constant<caf::atom("format")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using check_atom = caf::atom_constant<caf::atom("check")>;
using open_atom = caf::atom_constant<caf::atom("open")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsub_atom = caf::atom_constant<caf::atom("unsub")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;

// -- records -----------------------------------------------------------------

/// An immutable in-memory series shared by every actor that reads the
/// symbol (in-process only: the pointer is not serializable).
struct series_ref {
  std::shared_ptr<const series> ptr;
};

/// A risk check (strategy actor -> risk actor): may the instance of `rank`
/// open `args.pending` at simulated time `args.when`? The risk actor fills
/// `args.active_positions` (and the count) from its book before validating.
struct risk_check {
  /// Global order of the asking instance; breaks ties at equal times.
  std::uint32_t rank = 0;
  risk_args args;
};

/// The risk actor's answer.
struct risk_verdict {
  bool allowed = true;
  /// The risk profile that answered.
  std::string risk;
  /// Note of the failing validation, or "N/A"; empty when allowed.
  std::string comment;
  /// Positions of the profile open at the check.
  std::int64_t active_position_count = 0;
};

/// A position of `strategy:symbol` opened at `when` (strategy -> risk).
struct position_opened {
  std::uint32_t rank = 0;
  std::string strategy;
  std::string symbol;
  std::string exchange;
  timestamp when = 0;
};

/// The position of `strategy:symbol` closed at `when` (strategy -> risk).
struct position_closed {
  std::string strategy;
  std::string symbol;
  timestamp when = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_position& x) {
  return f(caf::meta::type_name("risk_position"), x.strategy, x.symbol,
           x.exchange, x.open_timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_args& x) {
  return f(caf::meta::type_name("risk_args"), x.symbol, x.strategy, x.exchange,
           x.frame, x.current_price, x.when, x.pending, x.active_position_count,
           x.active_positions);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_check& x) {
  return f(caf::meta::type_name("risk_check"), x.rank, x.args);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_verdict& x) {
  return f(caf::meta::type_name("risk_verdict"), x.allowed, x.risk, x.comment,
           x.active_position_count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, position_opened& x) {
  return f(caf::meta::type_name("position_opened"), x.rank, x.strategy,
           x.symbol, x.exchange, x.when);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, position_closed& x) {
  return f(caf::meta::type_name("position_closed"), x.strategy, x.symbol,
           x.when);
}

/// The event of a check `v` rejected, as both sides report it: the risk
/// actor to the bus, the asking strategy actor to its own Risk report.
risk_event rejection_event(const event_source& source, const risk_check& c,
                           const risk_verdict& v);

/// Announces every btk message type to CAF (names for serialization and
/// remote nodes). Call once on the config before starting the system.
void add_message_types(caf::actor_system_config& cfg);

} // namespace btk

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::series_ref)
// Walker events carry whole statistics models (optional fields, which CAF
// 0.17 cannot inspect); they only travel inside one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<btk::walker_event>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::walker_complete_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<btk::walker_complete_event>)
