#pragma once

#include <cstddef>

#include <caf/fwd.hpp>

namespace btk {

/// Sets up the scheduler of an actor system that runs backtests: `threads`
/// workers (0: one per core) with work stealing. CAF 0.17 lets an idle
/// worker sleep 10 ms between polls, longer than many whole backtests, so
/// idle workers poll every millisecond instead (about 1 % of a core each).
/// The sharing policy wakes workers at once, but kept two of them from
/// running side by side (bench/README.md). Returns the number of threads.
std::size_t configure_scheduler(caf::actor_system_config& cfg,
                                std::size_t threads);

/// Sets up the scheduler of a system whose actors only pass messages (a
/// node's sessions, a coordinator's node links) while the work runs on
/// threads of its own: the sharing policy, whose idle threads wait on a
/// condition variable. Work stealing's idle threads poll every 50 µs for a
/// while after each message, which took about a sixth of the cores from a
/// node's workers (bench/README.md).
void configure_light_scheduler(caf::actor_system_config& cfg,
                               std::size_t threads);

} // namespace btk
