#pragma once

// `btk backtest` and `btk walker`: parse flags into the API's options, call
// the API (runtime/api/runs.hpp), print the model.

#include "runtime/cli/run_flags.hpp"

namespace btk {

/// Runs `btk backtest`; returns the exit code (0 ok, 1 failure).
int run_backtest_command(run_flags flags);

/// Runs `btk walker`: a ranking of the `--strategy` list, or a sweep with
/// `--grid`; returns the exit code.
int run_walker_command(walker_flags flags);

/// The walker or sweep of `flags` (read already), shown by `server` when
/// not null; returns the exit code.
int run_walker_or_sweep(walker_flags& flags, api_server* server);

} // namespace btk
