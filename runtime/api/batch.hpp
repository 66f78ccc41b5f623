#pragma once

// What `run_backtests`, `run_walker` and `run_sweep` share before they run:
// the effective configuration, named strategies, the candles and the frame.
// Internal to runtime/api.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/frame.hpp"
#include "core/risk/risk_limits.hpp"
#include "runtime/api/runs.hpp"

namespace btk::detail {

/// Milliseconds since `t0`.
double ms_since(std::chrono::steady_clock::time_point t0);

/// `opts.cfg` with `opts.overrides` applied, after checking the options
/// every batch shares (`workers`); throws api_error listing every problem.
config effective_config(const batch_options& opts);

/// A strategy of a batch: its run name (`name#k`), its spec and what it
/// needs around the frame.
struct named_spec {
  std::string name;
  std::string spec;
  frame_needs needs;
};

/// The strategies of `specs`, checked and named `name#k` in order; throws
/// api_error naming a bad spec.
std::vector<named_spec> name_specs(const std::vector<std::string>& specs);

/// The risk profiles of `specs` (`NAME:key=value,...`), checked against
/// the run's strategies: a bad limit, a name given twice, or a
/// `strategies` entry naming none of `named` throws api_error naming it.
std::vector<risk_limits> risk_profiles(const std::vector<std::string>& specs,
                                       const std::vector<named_spec>& named);

/// The names of the profiles of `profiles` that apply to the run `name`.
std::vector<std::string> risks_of(const std::vector<risk_limits>& profiles,
                                  const std::string& name);

/// The candles of a batch and the frame that fits all of them.
struct loaded_batch {
  std::vector<loaded_series> data;
  double load_ms = 0;
  backtest_frame frame;

  /// The series by symbol.
  std::map<std::string, std::shared_ptr<const series>> by_symbol() const;
};

/// Loads `opts.source` and resolves the frame: `opts.frame_start/end`, or
/// the default frame of strategies with `needs` over the range every symbol
/// covers (core's `resolve_frame`). Throws api_error.
loaded_batch load_batch(const batch_options& opts, const config& cfg,
                        const std::vector<frame_needs>& needs);

/// Writes `text` to `path`, creating its folder; throws api_error.
void write_text(const std::string& path, const std::string& text);

/// The start of the current UTC minute in epoch ms: the stamp of report
/// file names (`..._backtest-{stamp}.md`, as backtest-kit names them).
timestamp dump_stamp();

} // namespace btk::detail
