#pragma once

#include <caf/fwd.hpp>

#include "core/risk/risk.hpp"

namespace btk {

/// Spawns the actor of one risk profile. It owns the position book shared
/// by every strategy and symbol that names the profile, and answers risk
/// checks so that the decisions do not depend on how actors are scheduled:
/// a check at simulated time t by the instance of rank r is answered only
/// when every member instance is itself waiting for an answer (or done),
/// and always the smallest (t, r) first. Every position that opened before t
/// is then known; one opened at exactly t counts when a lower rank opened
/// it. A profile without validations answers at once.
///
/// Messages: `(join_atom, uint32_t rank)` before a member starts;
/// `(check_atom, risk_check)` -> `risk_verdict` (delayed as above);
/// `(open_atom, position_opened)`, `(close_atom, position_closed)`;
/// `(leave_atom, uint32_t rank)` when a member's run ends. Each rejection
/// is published to `bus` as a `risk_event`.
caf::actor spawn_risk_actor(caf::actor_system& sys, risk_schema schema,
                            caf::actor bus);

} // namespace btk
