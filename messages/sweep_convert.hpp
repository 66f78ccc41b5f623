#pragma once

// The records of a parameter sweep and their Cap'n Proto encoding
// (`messages/sweep.capnp`). Callers see bytes and plain structs only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/backtest.hpp"
#include "core/error.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// One unit of sweep work: a parameter set on one symbol over one frame.
struct sweep_job {
  /// Stable id (the same command numbers its jobs the same way).
  std::uint64_t id = 0;
  /// Strategy spec `name:key=value,...`.
  std::string spec;
  std::string symbol;
  /// Walk-forward window, 0 without walk-forward.
  std::uint32_t window = 0;
  backtest_frame frame;
};

/// Statistics by reference name, in order (what the results file prints).
using stat_list = std::vector<std::pair<std::string, stat_value>>;

/// What a job produced.
struct sweep_result {
  std::uint64_t id = 0;
  std::string spec;
  std::string symbol;
  std::uint32_t window = 0;
  stat_list stats;
  /// Set when the run failed.
  std::string error;
  /// Closed trades of the run; `stats` covers only the newest
  /// `CC_MAX_BACKTEST_MARKDOWN_ROWS` of them (0 in results stored before
  /// btk counted them).
  std::uint64_t closed = 0;

  /// True when `stats` leaves out older closed trades of the run.
  bool capped() const;
};

/// `stat_fields(s)` with owned names.
stat_list to_stat_list(const backtest_statistics& s);

/// The value of `name` in `stats` when it is a finite number.
std::optional<double> stat_number(const stat_list& stats,
                                  std::string_view name);

/// Encodes a result as a Cap'n Proto message (flat array bytes).
std::string encode_sweep_result(const sweep_result& r);

/// Decodes `encode_sweep_result` bytes; an error names what is wrong.
expected<sweep_result> decode_sweep_result(std::string_view bytes);

/// Encodes a job.
std::string encode_sweep_job(const sweep_job& j);

/// Decodes `encode_sweep_job` bytes.
expected<sweep_job> decode_sweep_job(std::string_view bytes);

} // namespace btk
