#pragma once

// Crash-safe live state in RocksDB (`btk live --state DIR`): every
// instance's state and the events it produced, written together in one
// synced WriteBatch per minute (group commit) before anything is published.
// RocksDB stays behind a pimpl.
//
// Keys:
//   `f`                      the format tag ("btk-live-1"); a database
//                            without it is not live state and is refused
//   `c`                      the last committed minute (8 bytes, big endian)
//   `r`                      the instances of the session that committed it
//                            (`symbol/name` per line)
//   `i/{symbol}/{name}`      a `LiveInstance`
//   `e/{seq as 16 hex}`      a `LiveEvent` not yet delivered to every sink
//   `a/{sink}`               the last event seq the sink has taken (text)

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "messages/live_convert.hpp"

namespace btk {

/// What one minute's commit writes.
struct live_commit {
  /// The minute the batch belongs to.
  timestamp minute = 0;
  /// Instances whose state changed.
  std::vector<live_instance_record> instances;
  /// New events; `commit` numbers them (`seq`) in order.
  std::vector<live_event> events;
  /// Sinks' acknowledgements (`sink` -> last seq taken); events every sink
  /// has taken are deleted in the same batch.
  std::map<std::string, std::uint64_t> acks;
  /// The instances of the committing session (`symbol/name`), when they
  /// changed: the first commit of a session. Default: unchanged
  std::optional<std::vector<std::string>> running;
};

/// The live state of one process.
class live_store {
public:
  /// Opens (or creates) the state in `dir`. A folder holding another
  /// RocksDB database (a candle store, a sweep state) is refused, naming
  /// the first foreign key. With `read_only` (`btk live status`), works
  /// beside a running process and creates nothing. Default: read-write
  static expected<live_store> open(const std::string& dir,
                                   bool read_only = false);

  live_store(live_store&&) noexcept;
  live_store& operator=(live_store&&) noexcept;
  ~live_store();

  /// Every stored instance, by `symbol/name`. A record that does not decode
  /// is an error naming its key.
  expected<std::map<std::string, live_instance_record>> instances() const;

  /// The last committed minute (0 for a new state).
  timestamp minute() const noexcept;

  /// The instances (`symbol/name`) of the session that committed it: they
  /// ran every minute up to `minute()`.
  const std::vector<std::string>& running() const noexcept;

  /// Events after `seq`, in order (for redelivery after a restart).
  expected<std::vector<live_event>> events_after(std::uint64_t seq) const;

  /// The last event seq `sink` acknowledged (0: none).
  std::uint64_t acked(const std::string& sink) const;

  /// The last event seq written (0: none).
  std::uint64_t last_seq() const noexcept;

  /// Writes `c` as one WriteBatch with `sync = true`, numbering its events
  /// first. Nothing is written on error.
  expected<bool> commit(live_commit& c);

  /// Called with the bytes of every batch `commit` writes, before it is
  /// written here (so before its events are published): a live fleet sends
  /// it to the standby node, whose copy (see `apply_replicated`) can resume
  /// every instance. An error fails the commit with nothing written, so
  /// nothing of that minute is ever published from this state. Default:
  /// none
  void
  set_replicator(std::function<expected<bool>(const std::string& batch)> f);

  /// Every record of the state but its format tag, as one batch
  /// `apply_replicated` takes: what seeds a new standby's replica.
  expected<std::string> snapshot() const;

  /// Writes a batch another state's `commit` made (a replica of it), synced,
  /// after checking it: a well-formed RocksDB batch of puts and ranged
  /// deletes of live-state keys only, every instance and event record
  /// decoding. The error names the key and the reason; nothing is written
  /// then. The in-memory view (`minute()`, `running()`, ...) is not
  /// refreshed: open the folder again to resume from it.
  expected<bool> apply_replicated(const std::string& batch);

  /// Synced writes so far (one per `commit` with something to write).
  std::uint64_t syncs() const noexcept;

  const std::string& dir() const noexcept;

private:
  struct impl;
  explicit live_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// The key of an instance: `symbol/name`.
std::string live_instance_key(const std::string& symbol,
                              const std::string& name);

} // namespace btk
