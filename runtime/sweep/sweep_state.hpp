#pragma once

// The state of a resumable sweep: every finished job's result in a RocksDB
// database under the job's id, plus the sweep's own description, so running
// the same command again after a crash skips the finished jobs and a
// different command is refused instead of mixing results. RocksDB stays
// behind a pimpl.
//
// Keys: `d` the sweep description (the command's grids, symbols, frame,
// metric and config, as text); `r/{id as 16 hex digits}` a `SweepResult`.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "messages/sweep_convert.hpp"

namespace btk {

/// A sweep's results by job id, in RocksDB.
class sweep_state {
public:
  /// Opens (or creates) the state in `dir` for the sweep `description`.
  /// A state written by a different description is an error naming both,
  /// so a changed command never resumes from unrelated results.
  static expected<sweep_state> open(const std::string& dir,
                                    const std::string& description);

  sweep_state(sweep_state&&) noexcept;
  sweep_state& operator=(sweep_state&&) noexcept;
  ~sweep_state();

  /// The stored result of job `id`, if it finished before.
  expected<std::optional<sweep_result>> find(std::uint64_t id) const;

  /// Stores finished results in one write batch. The write goes through
  /// RocksDB's log, so a killed process loses none of them (a power loss
  /// may lose the last batches: those jobs run again).
  expected<bool> put(const std::vector<sweep_result>& results);

  /// Number of stored results.
  std::uint64_t count() const;

private:
  struct impl;
  explicit sweep_state(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
