// Whole gzip files are inflated at once only when every check passes;
// anything else is left to the streaming path and its messages.
#include "runtime/data/whole_gzip.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "runtime/data/candle_reader.hpp"

#include "../gzip_text.hpp"

using namespace btk;
using namespace btk::detail;

namespace {

std::string gzip(std::string_view text) {
  return btk::test::gzip_member(text, 6);
}

std::string rows(int n) {
  std::string s = "timestamp,open,high,low,close,volume\n";
  for (int i = 0; i < n; ++i)
    s += std::to_string(1'709'510'400'000 + i * 60'000LL) + ",10." +
         std::to_string(i % 97) + ",11,9,10,1." + std::to_string(i % 13) + "\n";
  return s;
}

// Sets the trailer's size field to `size`.
std::string with_size(std::string gz, std::uint32_t size) {
  for (int k = 0; k < 4; ++k)
    gz[gz.size() - 4 + k] = static_cast<char>((size >> (8 * k)) & 0xff);
  return gz;
}

} // namespace

TEST_CASE("a whole gzip member inflates to its text") {
  const auto text = rows(5000);
  const auto out = inflate_whole_gzip(gzip(text));
  REQUIRE(out);
  CHECK(out->view() == text);
}

TEST_CASE("gzip data that is not one checked member is left to zlib") {
  const auto text = rows(5000);
  const auto gz = gzip(text);
  CHECK_FALSE(inflate_whole_gzip(gz + gz));         // two members
  CHECK_FALSE(inflate_whole_gzip(gz + "trailing")); // bytes after it
  CHECK_FALSE(inflate_whole_gzip(gz.substr(0, gz.size() - 9))); // cut
  const auto n = static_cast<std::uint32_t>(text.size());
  CHECK_FALSE(inflate_whole_gzip(with_size(gz, n - 1))); // forged sizes
  CHECK_FALSE(inflate_whole_gzip(with_size(gz, n + 1)));
  CHECK_FALSE(inflate_whole_gzip(with_size(gz, 0xffffffffu)));
  std::string corrupt = gz;
  corrupt[gz.size() / 2] = static_cast<char>(corrupt[gz.size() / 2] ^ 0x55);
  CHECK_FALSE(inflate_whole_gzip(corrupt));
  // A bomb of blank lines compresses far beyond any candle text.
  CHECK_FALSE(inflate_whole_gzip(gzip(std::string(4 << 20, '\n'))));
}

TEST_CASE("gzip data left to zlib reads the same candles or the same "
          "message") {
  const auto text = rows(5000);
  const auto gz = gzip(text);
  const auto whole = read_candles_from_memory(gz, "x.csv.gz");
  REQUIRE(whole);
  // The same text in two members takes the streaming path.
  const auto half = text.find('\n', text.size() / 2) + 1;
  const auto split = read_candles_from_memory(
      gzip(text.substr(0, half)) + gzip(text.substr(half)), "x.csv.gz");
  REQUIRE(split);
  CHECK(split->candles.size() == whole->candles.size());
  CHECK(split->candles.back().volume == whole->candles.back().volume);
  const auto cut =
      read_candles_from_memory(gz.substr(0, gz.size() - 9), "x.csv.gz");
  REQUIRE_FALSE(cut);
  CHECK(cut.err().message ==
        "x.csv.gz: truncated gzip data (the file ends mid-stream)");
}
