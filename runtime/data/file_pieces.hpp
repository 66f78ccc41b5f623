#pragma once

// Reading a plain candle file in pieces, one thread each: where to cut it,
// and the scan of one piece through a small buffer (a year of candles is
// never held as text). Internal to the data library.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "runtime/data/row_scan.hpp"

namespace btk::detail {

/// Reads up to `size` bytes at `offset` (fewer only at the end of the
/// file); EINTR is retried. The error names `path` and the system's reason.
expected<std::size_t> pread_some(int fd, char* buf, std::size_t size,
                                 std::uint64_t offset, const std::string& path);

/// Offsets that cut a file of `size` bytes into at most `pieces` pieces,
/// each cut just after a line end: the first is 0, the last is `size`. A
/// piece whose line end is not found within `max_line` bytes joins the one
/// before it.
std::vector<std::uint64_t> piece_cuts(int fd, std::uint64_t size,
                                      std::size_t pieces, std::size_t max_line);

/// What `scan_file_piece` read.
struct piece_scan {
  row_run run;
  /// Offset just after the last line scanned: the piece's end when every
  /// line was whole and clean.
  std::uint64_t end = 0;
};

/// Scans the bytes [`from`, `to`) of a file with a `row_scanner`, a buffer
/// of `buffer_bytes` at a time; a line longer than the buffer or a failed
/// read spoils the piece (the caller then reads it in order). A last line
/// without a line end is left unscanned, as the file may still be growing.
piece_scan scan_file_piece(int fd, std::uint64_t from, std::uint64_t to,
                           std::size_t max_line, std::size_t buffer_bytes);

} // namespace btk::detail
