#pragma once

// A fleet coordinator's own state (`btk live --nodes ... --state DIR`): per
// instance, where it runs, its standby, its epoch, whether it ended, and the
// last event published. Written (synced) before a start is sent and before
// a node's events are acknowledged, so a coordinator killed and started
// again resumes the fleet where it was: every instance on the node that
// holds its latest state, under a higher epoch (so none runs twice), and
// no event published twice or lost.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/error.hpp"

namespace btk {

/// One instance's placement as the coordinator last decided it.
struct fleet_placement {
  /// `host:port` of its owner and standby ("" for none).
  std::string owner;
  std::string standby;
  std::uint64_t epoch = 0;
  bool done = false;
  /// The last event number published (events are numbered 1, 2, ...).
  std::uint64_t last_number = 0;
};

/// The RocksDB state of one fleet's coordinator.
class fleet_state {
public:
  /// Opens (or creates) the state of fleet `fleet_id` in `dir`. A folder of
  /// another fleet (other instances, start or clock) or holding anything
  /// else is refused, naming it.
  static expected<fleet_state> open(const std::string& dir,
                                    const std::string& fleet_id);
  fleet_state(fleet_state&&) noexcept;
  fleet_state& operator=(fleet_state&&) noexcept;
  ~fleet_state();

  /// Every instance stored, by `symbol/name`; a record that does not read
  /// is an error naming its key.
  expected<std::map<std::string, fleet_placement>> load() const;

  /// Stores `p` for `instance`, synced.
  expected<bool> put(const std::string& instance, const fleet_placement& p);

private:
  struct impl;
  explicit fleet_state(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
