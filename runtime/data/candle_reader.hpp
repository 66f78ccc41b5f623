#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"

namespace btk {

/// How `read_candles` treats what it reads.
struct read_options {
  /// Fill missing minutes between two rows with flat candles at the previous
  /// close (open = high = low = close, volume 0) instead of failing. Off by
  /// default because a silently filled outage changes what a strategy sees.
  /// Default: false
  bool fill_gaps = false;

  /// Most problems (bad rows) spelled out in an error message; the others are
  /// only counted, so a broken file of a million rows gives a readable error.
  /// Default: 20
  std::size_t max_listed = 20;

  /// Most gaps spelled out in a gap error; the others are only counted.
  /// Default: 5
  std::size_t max_listed_gaps = 5;

  /// Upper bound on the number of candles after filling gaps; protects
  /// against a typo'd timestamp asking for billions of filler candles.
  /// Default: 100,000,000 (about 190 years of minutes)
  std::size_t max_candles = 100'000'000;

  /// Most missing minutes `fill_gaps` fills in one gap. A longer gap is an
  /// error naming its row: two rows a century apart are a typo'd timestamp or
  /// two periods in one file, and filling them would turn a few bytes of
  /// input into gigabytes of made-up candles.
  /// Default: 10,080 (7 days)
  std::size_t max_fill_minutes = 10'080;

  /// Longest line read, in bytes (a Binance row is under 200). A longer line
  /// is a problem of its row; a compressed or piped file is never buffered
  /// beyond it, so a file without line ends cannot exhaust memory.
  /// Default: 65,536
  std::size_t max_line_bytes = 65'536;

  /// Threads that parse a large plain file (or text in memory) at once, in
  /// pieces of at least 4 MiB; 0 means one per core, at most 8, and 1 parses
  /// on the calling thread only. The pieces after the first are read
  /// speculatively: any piece that is not made of valid rows one minute
  /// apart is read again in order, so results and messages are those of
  /// one thread. Compressed files and pipes are parsed on one thread.
  /// Default: 0
  unsigned threads = 0;
};

/// How a gap error says what to do, for every source (files, the store).
inline constexpr const char* fill_gaps_hint =
    "use --fill-gaps (fill_gaps in the API) to fill them with flat "
    "zero-volume candles at the previous close";

/// What `read_candles` loaded: contiguous 1-minute candles in ascending
/// order plus facts about the file for the user.
struct candle_data {
  /// The candles, one per minute without gaps (filled ones included).
  std::vector<candle> candles;
  /// The detected input format: `"csv"` (timestamp,open,high,low,close,
  /// volume) or `"binance"` (Binance's 12-column kline dump).
  std::string format;
  /// Number of data rows read from the file (filled candles excluded).
  std::size_t rows = 0;
  /// Number of flat candles inserted by `read_options::fill_gaps`.
  std::size_t filled = 0;
  /// Number of gaps (runs of missing minutes) found between rows.
  std::size_t gaps = 0;
};

/// Reads 1-minute candles from `path`: the generic CSV
/// `timestamp,open,high,low,close,volume` or a Binance kline dump (12
/// columns, open time in milliseconds or microseconds), each with or without
/// a header line, plain or gzip. Integer times above 1e14 are taken as
/// microseconds (in both formats); ISO-8601 UTC times are accepted too. The
/// format is detected from the column count of the first data row. Every
/// invalid row is reported as `FILE:LINE: reason` in one error (the first
/// `max_listed` of them); nothing is returned then. Missing minutes are an
/// error unless `options.fill_gaps` is set.
expected<candle_data> read_candles(const std::string& path,
                                   const read_options& options = {});

/// Like `read_candles` for text (or gzip bytes) already in memory; `name`
/// stands for the file name in messages. Used by tests and by callers that
/// fetched the data themselves.
expected<candle_data>
read_candles_from_memory(std::string_view bytes, std::string_view name,
                         const read_options& options = {});

/// Formats candles as the generic CSV with a header line. Prices are printed
/// with exactly `decimals` digits after the point when `decimals >= 0`, else
/// (the default) as the shortest text that reads back to the same double;
/// volume always uses the shortest round-trip text. Reading the text back
/// with `read_candles` gives the same doubles bit for bit (with fixed
/// decimals: as long as the prices were already rounded to `decimals`).
std::string format_candles_csv(const std::vector<candle>& candles,
                               int decimals = -1);

/// Writes `format_candles_csv(candles, decimals)` to `path`, gzip-compressed
/// (no mtime, so the bytes are reproducible) when `path` ends with `.gz`.
/// Returns the number of candles written, or an error naming the path and
/// the system's reason.
expected<std::size_t> write_candles_csv(const std::string& path,
                                        const std::vector<candle>& candles,
                                        int decimals = -1);

} // namespace btk
