#pragma once

// Risk profiles written as data rather than code: the limits a TOML fleet
// file or `--risk NAME:key=value,...` declares, turned into the validations
// of a `risk_schema`. backtest-kit has no built-in limits (its validations
// are functions that throw); these are the ones its examples write by hand.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/risk/risk.hpp"

namespace btk {

/// A risk profile's declared limits. Zero switches a limit off.
struct risk_limits {
  /// The profile's name. Required: letters, digits, `_`, `-`, `.`.
  std::string name;
  /// At most this many positions open under the profile at once (the
  /// signal asking to open is rejected at the limit). Default: 0 (none)
  std::int64_t max_positions = 0;
  /// At most this many open on the signal's symbol. Default: 0 (none)
  std::int64_t max_per_symbol = 0;
  /// At most this many open by the signal's strategy (over all symbols).
  /// Default: 0 (none)
  std::int64_t max_per_strategy = 0;
  /// The target must be at least this many times as far from the entry as
  /// the stop (`|TP - entry| / |entry - SL|`). Default: 0 (none)
  double min_reward_risk = 0;
  /// The stop may be at most this many percent from the entry.
  /// Default: 0 (none)
  double max_stop_percent = 0;
  /// The strategies it applies to: run names (`every_n#1`) or strategy
  /// names (`every_n`, every run of it). Default: empty (all of the run)
  std::vector<std::string> strategies;

  /// True when the profile applies to the run named `run_name`
  /// (`name#k`).
  bool applies_to(std::string_view run_name) const;
};

/// Reads `NAME:key=value,...`: the keys are the fields of `risk_limits`,
/// `strategies` taking `|`-separated names. Errors name the key, the value
/// and what is accepted.
expected<risk_limits> parse_risk_limits(std::string_view spec);

/// The spec `parse_risk_limits` reads back to `l` (`strategies` last).
std::string to_spec(const risk_limits& l);

/// A risk profile enforcing `l`, one validation per limit set, each with a
/// note saying what it checks ("max_positions 3").
risk_schema make_risk_schema(const risk_limits& l);

} // namespace btk
