#include "runtime/data/whole_gzip.hpp"

#include <cstdint>
#include <new>

#include <libdeflate.h>

namespace btk::detail {

std::optional<inflated_text> inflate_whole_gzip(std::string_view gz) {
  // A member is at least a 10-byte header, an empty block and an 8-byte
  // trailer; the last four bytes are the text's size modulo 2^32.
  if (gz.size() < 20)
    return std::nullopt;
  const auto* end =
      reinterpret_cast<const unsigned char*>(gz.data()) + gz.size();
  const std::size_t claimed = std::size_t{end[-4]} | std::size_t{end[-3]} << 8 |
                              std::size_t{end[-2]} << 16 |
                              std::size_t{end[-1]} << 24;
  if (claimed == 0 || claimed / max_gzip_ratio > gz.size())
    return std::nullopt;
  inflated_text out;
  out.data.reset(new (std::nothrow) char[claimed]);
  if (!out.data)
    return std::nullopt;
  struct freer {
    libdeflate_decompressor* d;
    ~freer() { libdeflate_free_decompressor(d); }
  } dec{libdeflate_alloc_decompressor()};
  if (dec.d == nullptr)
    return std::nullopt;
  std::size_t in_used = 0;
  const auto r =
      libdeflate_gzip_decompress_ex(dec.d, gz.data(), gz.size(), out.data.get(),
                                    claimed, &in_used, &out.size);
  if (r != LIBDEFLATE_SUCCESS || in_used != gz.size() || out.size != claimed)
    return std::nullopt;
  return out;
}

} // namespace btk::detail
