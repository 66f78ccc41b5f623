#pragma once

// How btk opens RocksDB databases (the candle store here; the live state
// and the sweep state use the same options and wording) and words RocksDB's
// failures.

#include <memory>
#include <string>
#include <string_view>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "core/error.hpp"

namespace btk {

/// The record that marks a directory as a btk candle store, and its version.
inline constexpr std::string_view store_format_key = "v";
inline constexpr std::string_view store_format_value = "btk-candle-store 1";

/// Sets what every btk database needs to survive a full disk: btk's own
/// info log in `dir/LOG` (RocksDB's asserts, aborting the process, when it
/// writes its log again after a failed write; read-only opens log nothing),
/// a small manifest preallocation (RocksDB's 4 MB default fills a nearly
/// full disk) and recovery that replays a failed flush in memory instead of
/// writing a table file before the database opens.
void harden_rocks_options(rocksdb::Options& o, const std::string& dir,
                          bool read_only);

/// True when every entry of `dir` is a file RocksDB itself writes (LOG,
/// LOCK, IDENTITY, MANIFEST-*, OPTIONS-*, *.log, *.sst, ...): what a create
/// cut short by a full disk leaves, which a retry may take over. False for
/// an empty or missing folder and for any other entry.
bool holds_only_rocks_files(const std::string& dir);

/// What a damaged store's message tells the user to do.
enum class damage_hint {
  /// Find the damaged days with `btk data ls --verify`; build a new store.
  find_days,
  /// The store's own records are damaged: build a new store.
  rebuild,
  /// Nothing (the message already names the damaged day).
  none,
};

/// RocksDB's status in btk's words, RocksDB's own text kept in parentheses:
/// a full disk (or a file-size limit) and a damaged store are named as such,
/// the latter with `hint` for the store in `dir`.
std::string describe_rocks_status(const rocksdb::Status& s,
                                  const std::string& dir,
                                  damage_hint hint = damage_hint::find_days);

/// Opens (with `create`: creates) the candle store in `dir`, checking its
/// format record. Errors start with `store DIR:`.
expected<std::unique_ptr<rocksdb::DB>> open_db(const std::string& dir,
                                               bool create, bool read_only);

/// A state database of btk's own (a sweep's, a fleet coordinator's) and
/// the tag stored under its tag key.
struct state_db {
  std::unique_ptr<rocksdb::DB> db;
  /// The tag a state that existed holds; `tag` for a new one.
  std::string stored_tag;
};

/// Opens or creates the state `what` ("sweep state") in `dir`: refuses a
/// folder holding other files or another database (naming them), and
/// `in_use` explains RocksDB's lock. A new state gets `tag` under `key`
/// (synced); the caller compares `stored_tag` for an existing one. Errors
/// start with `WHAT DIR:`.
expected<state_db> open_state_db(const std::string& dir,
                                 const std::string& what,
                                 const std::string& key, const std::string& tag,
                                 const std::string& in_use);

} // namespace btk
