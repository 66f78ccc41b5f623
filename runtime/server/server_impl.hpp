#pragma once

// How runs reach the hub: the hooks put on a run's options (progress,
// events, a live session's instances), what its end publishes, and the
// threads of runs started through the API. Internal to runtime/server.

#include <memory>

#include "runtime/server/router.hpp"

namespace btk::serve {

/// Hooks `o`'s callbacks (chained to those already set) to `r`.
void hook_live(core& c, const std::shared_ptr<server_run>& r, live_options& o);
void hook_batch(core& c, const std::shared_ptr<server_run>& r,
                batch_options& o);

/// Records how `r` ended and publishes `done` (and `walker`, `risk`,
/// `errors` as they apply).
void end_live(core& c, server_run& r, live_report rep);
void end_batch(core& c, server_run& r, batch_report rep);
void end_sweep(core& c, server_run& r, sweep_report rep);
void end_failed(core& c, server_run& r, const std::string& why);

/// Runs on a thread of `c`'s, hooked and ended as above.
void launch_live(core& c, std::shared_ptr<server_run> r, live_options o);
void launch_backtest(core& c, std::shared_ptr<server_run> r,
                     backtest_options o);
void launch_walker(core& c, std::shared_ptr<server_run> r, walker_options o);
void launch_sweep(core& c, std::shared_ptr<server_run> r, sweep_options o);

} // namespace btk::serve
