#pragma once

// The fast path of the candle parser: one pass over a plain row of digits,
// points and commas, giving exactly the values the general path gives.
// Anything else (signs, exponents, blanks, quotes, long numbers, bad rows)
// makes it give up, and the general path reads the row with its messages.
// Internal to the data library.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/market/candle.hpp"

namespace btk::detail {

/// Reads a number written as `digits[.digits]` at `p` (before `end`) into
/// `out`, correctly rounded (so equal to what `std::from_chars` and
/// JavaScript's `Number()` give): at most 19 digits whose value is at most
/// 2^53 and at most 22 after the point, so that the value is one exact
/// division of two exact doubles. Returns the first character after the
/// number, or nullptr when the text is not of that short form.
const char* scan_short_decimal(const char* p, const char* end,
                               double& out) noexcept;

/// What a row scan needs to know of the file.
struct row_shape {
  /// Columns of the format: 6 (generic CSV) or 12 (Binance dump).
  std::size_t columns = 6;
  /// Longest line (`read_options::max_line_bytes`).
  std::size_t max_line = 65'536;
};

/// Reads one valid data row starting at `p`: an integer open time
/// (milliseconds, or microseconds above 1e14 as the general path reads
/// them) on the minute grid, five short decimals making a candle without
/// flaws, the rest of the columns unread, then a line end (`\n`, `\r\n`, or
/// the end of the text). Returns the start of the next line, or nullptr
/// when the row is anything else.
const char* scan_row(const char* p, const char* end, const row_shape& shape,
                     candle& out) noexcept;

/// What `scan_rows` found in a piece of text.
struct row_run {
  /// The rows, one per minute from the first.
  std::vector<candle> candles;
  /// Lines read, blank ones included.
  std::size_t lines = 0;
  /// Line of the last row, counted from 1 at the start of the piece.
  std::size_t last_row_line = 0;
  /// Columns of the rows (0 when the piece has none).
  std::size_t columns = 0;
  /// Every line was a row `scan_row` reads or blank, in steps of a minute.
  bool clean = true;
};

/// Reads pieces of text made of whole lines with `scan_row`, the format
/// told by the first row; stops taking rows as soon as a line is neither
/// such a row (a minute after the previous) nor empty, with `clean` false.
class row_scanner {
public:
  explicit row_scanner(std::size_t max_line)
      : shape_{6, max_line} {}

  /// Room for `rows` more rows.
  void reserve(std::size_t rows) { run_.candles.reserve(rows); }

  /// Scans whole lines (the last may lack its line end); false once the
  /// piece is not clean.
  bool feed(std::string_view lines);

  /// Gives up on the piece (a line too long to buffer, a failed read).
  void spoil() noexcept { run_.clean = false; }

  /// What was found; call once, after the last `feed`.
  row_run take() { return std::move(run_); }

private:
  row_shape shape_;
  row_run run_;
};

/// A `row_scanner` over one piece of text.
row_run scan_rows(std::string_view text, std::size_t max_line);

/// Runs `scan(k)` for every k below `n`, each on a thread of its own, while
/// `here()` runs on the calling thread, and joins them all (also when `here`
/// throws). A scan that throws (out of memory) or gets no thread is passed
/// to `failed(k)` (the candle parser reads the piece again in order; the
/// runtime's parallel runner runs the part on the calling thread).
void scan_beside(std::size_t n, const std::function<void(std::size_t)>& scan,
                 const std::function<void(std::size_t)>& failed,
                 const std::function<void()>& here);

} // namespace btk::detail
