#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/engine/backtest.hpp"

namespace btk {

/// Why signals were dropped: rule name -> (count, first example).
using rejection_counts =
    std::map<std::string, std::pair<std::uint64_t, std::string>>;

/// How one run of a `symbol:strategy` instance ended: what the strategy
/// actor reports and what the public API hands back.
struct run_result {
  run_counters counters;
  /// True when a stop ended it early.
  bool stopped = false;
  /// Set when it failed (data missing, unknown symbol...).
  std::string error;
  /// Signals dropped by validation: rule -> (count, first example).
  rejection_counts rejected;
  /// Signals a risk profile vetoed (they never reached validation).
  std::uint64_t risk_rejected = 0;
  /// Times the strategy's `get_signal` threw, and the first message.
  std::uint64_t errors = 0;
  std::string first_error;
};

} // namespace btk
