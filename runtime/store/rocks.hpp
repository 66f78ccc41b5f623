#pragma once

// How btk opens its RocksDB candle store and words RocksDB's failures:
// internal to the store library.

#include <memory>
#include <string>
#include <string_view>

#include <rocksdb/db.h>

#include "core/error.hpp"

namespace btk::detail {

/// The record that marks a directory as a btk candle store, and its version.
inline constexpr std::string_view format_key = "v";
inline constexpr std::string_view format_value = "btk-candle-store 1";

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
std::string describe(const rocksdb::Status& s, const std::string& dir,
                     damage_hint hint = damage_hint::find_days);

/// Opens (with `create`: creates) the store in `dir`, checking its format
/// record. Errors start with `store DIR:`.
expected<std::unique_ptr<rocksdb::DB>> open_db(const std::string& dir,
                                               bool create, bool read_only);

} // namespace btk::detail
