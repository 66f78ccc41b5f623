#pragma once

// The candle store: 1-minute candles per symbol in a RocksDB database, one
// Cap'n Proto `CandleBatch` value per symbol, interval and UTC day. RocksDB
// stays behind a pimpl, so includers need neither RocksDB nor Cap'n Proto.
//
// Keys (ASCII, so `ldb scan` output is readable; they sort by time):
//   v                                 format record "btk-candle-store 1"
//   c/{symbol}/{interval}/{yyyymmdd}  CandleBatch of that UTC day
//   m/{symbol}/{interval}             CandleSeriesInfo (first, last, count,
//                                     days, gaps), kept in step with the days
//
// Every `put` is one synced RocksDB WriteBatch (day values + info), so a
// crash or power loss leaves either the whole import or none of it.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"
#include "core/market/interval.hpp"
#include "core/market/series.hpp"
#include "messages/candles_convert.hpp"

namespace btk {

/// What the store holds for one symbol and interval.
using symbol_info = candle_series_info;

/// What `candle_store::put` did, for the user.
struct import_report {
  /// Candles handed to `put`.
  std::size_t candles = 0;
  /// Day values written (new or changed days; an unchanged day is not
  /// rewritten).
  std::size_t days_written = 0;
  /// Minutes that were not stored before.
  std::size_t added = 0;
  /// Minutes stored before with different values, now overwritten: the
  /// newer import wins.
  std::size_t replaced = 0;
  /// Minutes stored before with bit-identical values (left as they were).
  std::size_t unchanged = 0;
  /// The symbol's holdings after the import.
  symbol_info after;
};

/// Why a symbol cannot be used in store keys, or nothing when it can:
/// 1 to 64 characters from `A-Z a-z 0-9 . _ - :` (no `/`, which separates
/// key parts).
std::optional<std::string> invalid_symbol_reason(std::string_view symbol);

/// The store key of one day's candles: `c/{symbol}/{interval}/{yyyymmdd}`
/// for the UTC day holding `t` (years 0000..9999, the range `put`
/// accepts). Exposed for tests and tools.
std::string candle_day_key(std::string_view symbol, interval iv, timestamp t);

/// A RocksDB database of 1-minute candles; see the file comment for the key
/// layout. Movable, not copyable. `put` calls are serialized inside the
/// object; `load`, `info` and `list` may run concurrently with each other
/// and with `put`. One process at a time may open a directory for writing
/// (RocksDB's lock); read-only opens do not take the lock.
class candle_store {
public:
  // -- opening ----------------------------------------------------------------

  /// Opens the store in `dir` for reading and writing. With `create`, a
  /// missing directory (and its parents) is created and initialised; an
  /// existing non-empty directory that is not a store is refused, so a
  /// typo'd `--store .` never litters a folder with database files. Errors
  /// name the directory and the reason (not found, not a candle store,
  /// in use by another process, RocksDB's own message).
  static expected<candle_store> open(const std::string& dir, bool create);

  /// Opens an existing store for reading only (`load`, `info`, `list`;
  /// `put` then fails). Works while another process imports.
  static expected<candle_store> open_read_only(const std::string& dir);

  /// Takes over `other`'s database; `other` may only be destroyed or
  /// assigned to afterwards.
  candle_store(candle_store&& other) noexcept;

  /// Closes this store's database and takes over `other`'s.
  candle_store& operator=(candle_store&& other) noexcept;

  /// Closes the database (releasing RocksDB's lock for writers).
  ~candle_store();

  /// The directory the store was opened from, as given.
  const std::string& dir() const noexcept;

  // -- writing ----------------------------------------------------------------

  /// Merges 1-minute `candles` (strictly ascending, on the minute grid, valid
  /// prices and volumes) into `symbol`'s days. Minutes not stored before are
  /// added; a stored minute with different values is replaced (the newer
  /// import wins, counted in `replaced`); identical minutes are left alone.
  /// All changed days and the symbol's info go into one synced write batch.
  /// On any error (bad symbol, bad candle naming its index and time, a
  /// corrupt stored day, a RocksDB failure) nothing is written.
  expected<import_report> put(const std::string& symbol,
                              const std::vector<candle>& candles);

  // -- reading ----------------------------------------------------------------

  /// The stored 1-minute candles of `symbol` with open times in
  /// `[from, to]` (both included; the whole stored range when not given),
  /// ascending. The result may have gaps (see `info`). Fails when the symbol
  /// is not stored (listing the stored ones), when the range holds no
  /// candle (naming the stored range), or when a stored value is corrupt
  /// (naming its key).
  expected<std::vector<candle>> load(const std::string& symbol,
                                     std::optional<timestamp> from = {},
                                     std::optional<timestamp> to = {}) const;

  /// The stored 1-minute candles of `symbol` in `[from, to]` as the columns
  /// of a `series`, read without an intermediate list: the fast path of
  /// `btk backtest --store`. Gives nullopt when the range has a gap (the
  /// caller reads it with `load` and names or fills the gaps); fails like
  /// `load` otherwise. The candles are not checked against the candle rules
  /// here (`series::from_minutes` does that).
  expected<std::optional<bar_series>>
  load_minutes(const std::string& symbol, std::optional<timestamp> from = {},
               std::optional<timestamp> to = {}) const;

  /// What is stored for `symbol` (1-minute candles); fails like `load` for
  /// an unknown symbol.
  expected<symbol_info> info(const std::string& symbol) const;

  /// Every stored symbol and interval, sorted by symbol. Fails only when a
  /// stored info record is corrupt or RocksDB fails.
  expected<std::vector<symbol_info>> list() const;

  /// Reads back everything stored: every block's checksum, then every series
  /// whole (the order of its days, its info record's counts). Returns the
  /// number of candles read, or an error naming the first damaged day
  /// (`c/SYMBOL/1m/YYYYMMDD`) or record. A damaged store is not repaired in
  /// place (RocksDB's compactions would trip over the bad block): its
  /// candle files go into a new store. Costs a full read of the store (about 15
  /// ms per year of a symbol); `list` reads only the info records.
  expected<std::uint64_t> verify() const;

private:
  struct impl;

  // What a load reads: the symbol's info and the range [lo, hi] of it.
  struct load_plan {
    symbol_info info;
    timestamp lo = 0;
    timestamp hi = 0;
  };

  // The plan of loading [from, to] of `symbol`; fails like `load`.
  expected<load_plan> plan_load(const std::string& symbol,
                                std::optional<timestamp> from,
                                std::optional<timestamp> to) const;

  // The error of a whole-range load whose days held `read` candles when
  // the info record says otherwise.
  std::optional<error> check_count(const load_plan& p,
                                   std::uint64_t read) const;

  // Reads the stored days of `symbol` overlapping [lo, hi] in order, each
  // checked (its key, its candles' order) and cut to [lo, hi], and gives
  // each to `visit(candles, n)`, which returns false to stop. Returns the
  // number of candles the days held.
  template <class Visit>
  expected<std::uint64_t> visit_days(const std::string& symbol, timestamp lo,
                                     timestamp hi, Visit&& visit) const;

  explicit candle_store(std::unique_ptr<impl> p);

  std::unique_ptr<impl> impl_;
};

} // namespace btk
