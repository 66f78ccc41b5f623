#include "actors/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/timespan.hpp>

namespace btk {

std::size_t configure_scheduler(caf::actor_system_config& cfg,
                                std::size_t threads) {
  const std::size_t n =
      threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", n);
  cfg.set("scheduler.policy", caf::atom("stealing"));
  cfg.set("work-stealing.relaxed-sleep-duration",
          caf::timespan{std::chrono::milliseconds{1}});
  return n;
}

void configure_light_scheduler(caf::actor_system_config& cfg,
                               std::size_t threads) {
  cfg.set("scheduler.max-threads", std::max<std::size_t>(1, threads));
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

} // namespace btk
