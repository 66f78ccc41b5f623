#pragma once

// Gzip data for tests of the candle readers, made with zlib.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include <zlib.h>

namespace btk::test {

/// One gzip member holding `text`, compressed at `level` (0: stored).
inline std::string gzip_member(std::string_view text, int level = 9) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 9,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64,
                  '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

} // namespace btk::test
