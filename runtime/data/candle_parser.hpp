#pragma once

// The candle text parser behind `read_candles`, fed in pieces so that a
// compressed or piped file never has to be held whole in memory. Internal to
// the data library; users call `read_candles`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/gaps.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/row_scan.hpp"

namespace btk::detail {

/// The generic CSV's header line.
inline constexpr const char* csv_header =
    "timestamp,open,high,low,close,volume";

/// Most fields a row may have that are looked at (a row may have more; they
/// are counted).
inline constexpr std::size_t max_fields = 16;

/// A row split at its commas, each field trimmed of blanks and quotes.
struct fields {
  std::string_view v[max_fields];
  /// Number of fields on the line (may exceed max_fields).
  std::size_t n = 0;
};

/// Collects the problems of a file: the first `max_listed` spelled out as
/// `NAME:LINE: reason`, the rest counted.
class problem_list {
public:
  problem_list(std::string_view name, std::size_t max_listed)
      : name_(name)
      , max_listed_(max_listed) {}

  void add(std::size_t line, std::string_view reason);

  std::size_t count() const noexcept { return count_; }

  error to_error() const;

private:
  std::string_view name_;
  std::size_t max_listed_;
  std::size_t count_ = 0;
  std::vector<std::string> listed_;
};

/// Parses candle rows given as pieces of text that each end at a line end
/// (the very last piece may lack its newline). Line numbers run on across
/// pieces, so messages read as if the file had been parsed at once.
class candle_parser {
public:
  /// `name` stands for the file in messages; it must outlive the parser.
  candle_parser(std::string_view name, const read_options& options);

  /// Parses whole lines; a large piece is parsed on several threads (see
  /// `read_options::threads`).
  void feed(std::string_view lines);

  /// Makes room for the rows of `bytes` more text at once, so that a file
  /// fed in chunks is not copied as its rows grow.
  void expect_bytes(std::uint64_t bytes);

  /// Pieces a text of `bytes` is parsed in: one per thread of
  /// `read_options::threads`, each of at least 4 MiB (1: parse in order).
  std::size_t pieces_for(std::uint64_t bytes) const noexcept;

  /// Takes the rows of a piece scanned apart (by `row_scanner`) when they go
  /// on from the rows so far, in a file clean so far; false when the piece
  /// must be parsed again, in order, with `feed`.
  bool adopt(const row_run& run);

  /// Counts one line that was longer than `read_options::max_line_bytes`
  /// and was skipped without being kept (the streaming readers do this).
  void long_line();

  /// The candles, or every problem found; call once, after the last `feed`.
  expected<candle_data> finish();

private:
  void feed_lines(std::string_view text);
  void feed_pieces(std::string_view text, std::size_t pieces);
  bool fast_row(const char*& p, const char* end);
  void parse_line(std::string_view line);
  void report_long_line();
  bool detect_format(std::size_t columns);
  void check_header();
  bool parse_time_column(const fields& f, timestamp& ts);
  bool parse_numbers(const fields& f, double (&v)[5]);
  void track_gap(timestamp ts);

  std::string_view name_;
  read_options opt_;
  candle_data out_;
  problem_list problems_;
  std::vector<candle_gap> gaps_;

  bool started_ = false; // a piece was fed (the byte order mark is checked)
  bool stopped_ = false; // the format could not be told: nothing more to read
  std::size_t line_no_ = 0;
  std::size_t header_line_ = 0;
  std::size_t header_n_ = 0;
  std::string header_[6]; // the header's first six fields, kept
  std::size_t ncols_ = 0; // 0 until the first data row fixed the format
  bool binance_ = false;
  const char* const* names_ = nullptr;

  bool have_prev_ = false;
  timestamp prev_ts_ = 0;
  std::size_t prev_line_ = 0;
  bool filling_ = false;

  std::string reasons_; // reused; only grows on bad rows
};

} // namespace btk::detail
