#include "runtime/data/file_pieces.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <unistd.h>

namespace btk::detail {

expected<std::size_t> pread_some(int fd, char* buf, std::size_t size,
                                 std::uint64_t offset,
                                 const std::string& path) {
  std::size_t used = 0;
  while (used < size) {
    const ssize_t n =
        ::pread(fd, buf + used, size - used, static_cast<off_t>(offset + used));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return error{"cannot read " + path + ": " + std::strerror(errno)};
    }
    if (n == 0)
      break;
    used += static_cast<std::size_t>(n);
  }
  return used;
}

std::vector<std::uint64_t> piece_cuts(int fd, std::uint64_t size,
                                      std::size_t pieces,
                                      std::size_t max_line) {
  std::vector<std::uint64_t> cuts{0};
  std::string window(max_line + 1, '\0');
  for (std::size_t k = 1; k < pieces; ++k) {
    const std::uint64_t from = std::max(cuts.back(), k * size / pieces);
    auto n = pread_some(fd, window.data(), window.size(), from, {});
    if (!n)
      break;
    const auto* nl =
        static_cast<const char*>(std::memchr(window.data(), '\n', *n));
    if (nl == nullptr)
      continue; // no line end near: the piece before runs on
    const std::uint64_t cut =
        from + static_cast<std::uint64_t>(nl - window.data()) + 1;
    if (cut >= size)
      break;
    cuts.push_back(cut);
  }
  cuts.push_back(size);
  return cuts;
}

piece_scan scan_file_piece(int fd, std::uint64_t from, std::uint64_t to,
                           std::size_t max_line, std::size_t buffer_bytes) {
  row_scanner scanner(max_line);
  scanner.reserve(static_cast<std::size_t>((to - from) / 48 + 1));
  std::unique_ptr<char[]> buf(new char[buffer_bytes]);
  std::size_t have = 0; // bytes in `buf`, an unfinished line
  std::uint64_t off = from;
  piece_scan out;
  out.end = from;
  while (off < to) {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffer_bytes - have, to - off));
    auto n = pread_some(fd, buf.get() + have, want, off, {});
    if (!n || *n == 0) { // a failed read, or the file shrank
      scanner.spoil();
      break;
    }
    off += *n;
    have += *n;
    const auto* last =
        static_cast<const char*>(::memrchr(buf.get(), '\n', have));
    if (last == nullptr) {
      if (have == buffer_bytes) { // a line longer than the buffer
        scanner.spoil();
        break;
      }
      continue;
    }
    const auto whole = static_cast<std::size_t>(last - buf.get()) + 1;
    if (!scanner.feed({buf.get(), whole}))
      break;
    std::memmove(buf.get(), buf.get() + whole, have - whole);
    have -= whole;
    out.end = off - have;
  }
  out.run = scanner.take();
  return out;
}

} // namespace btk::detail
