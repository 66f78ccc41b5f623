#pragma once

// Run files: a TOML file with the settings of a `btk live`, `btk backtest`
// or `btk walker` run (`--config FILE`; the keys are the long flags with
// `_` or `-`, a `[config]` table holds `CC_*` overrides), read with toml++.
// A live fleet is one such file: exchange, symbols, strategies, clock,
// state, risk profiles (`[risk.NAME]` tables of the limits of
// core/risk/risk_limits.hpp) and configuration.

#include <string>
#include <utility>
#include <vector>

namespace btk {

/// One setting: its key and its values as text (one for a scalar, one per
/// element for an array), with the line it is on.
struct run_file_item {
  std::string key;
  std::vector<std::string> values;
  int line = 0;
};

/// A `[risk.NAME]` table as the `--risk` spec it stands for
/// (`NAME:key=value,...`, arrays joined with `|`).
struct run_file_risk {
  std::string spec;
  int line = 0;
};

/// A parsed run file.
struct run_file {
  std::string path;
  /// Top-level settings, in file order.
  std::vector<run_file_item> items;
  /// The `[config]` table: `CC_KEY`, value.
  std::vector<std::pair<std::string, std::string>> config;
  /// The `[risk.NAME]` tables, in file order.
  std::vector<run_file_risk> risks;
};

/// Reads `path`. Throws `api_error` naming the file, line and column and
/// the reason: bad TOML, a nested table other than `[config]` and
/// `[risk.NAME]`, a value that is not a string, number, boolean, date or
/// array of them, a risk limit that `parse_risk_limits` refuses.
run_file read_run_file(const std::string& path);

} // namespace btk
