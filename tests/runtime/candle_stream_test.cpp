// Reading candles from compressed and piped files in bounded memory: gzip
// bombs, forged trailers, lines without end, members cut mid-line.
#include "runtime/data/candle_reader.hpp"

#include "gzip_text.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace btk;
using Catch::Matchers::Contains;

namespace {

// 2024-03-04T00:00:00.000Z
constexpr timestamp t0 = 1'709'510'400'000;

std::string rows(int n, timestamp from = t0) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += std::to_string(from + i * minute_ms) + ",10,11,9,10.5,1\n";
  return s;
}

using btk::test::gzip_member;

// Peak resident memory of this process so far, in bytes.
std::size_t peak_rss() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::size_t>(ru.ru_maxrss) * 1024;
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("btk-stream-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

TEST_CASE("A gzip bomb of blank lines is read in bounded memory and its line "
          "numbers stay right") {
  // 256 members of 1 MiB of newlines each: a 0.3 MB file that inflates to
  // 256 MiB. Read whole, it would take that much memory at least.
  const std::string blanks =
      gzip_member(std::string(std::size_t{1} << 20, '\n'));
  std::string bomb = gzip_member(rows(3));
  for (int i = 0; i < 256; ++i)
    bomb += blanks;
  bomb += gzip_member(std::to_string(t0 + 3 * minute_ms) + ",10,11,9,oops,1\n");
  REQUIRE(bomb.size() < 1'000'000);

  const std::size_t before = peak_rss();
  auto r = read_candles_from_memory(bomb, "bomb.csv.gz");
  const std::size_t grown = peak_rss() - before;
  REQUIRE_FALSE(r);
  // The bad row's line counts every blank line before it.
  CHECK_THAT(r.err().message,
             Contains("bomb.csv.gz:" + std::to_string(3 + 256 * (1 << 20) + 1) +
                      ": column 5 (close): \"oops\" is not a number"));
  CHECK(grown < (std::size_t{64} << 20));
}

TEST_CASE("A forged gzip size trailer is not trusted: the data is checked "
          "against it and nothing is sized by it") {
  // Stored uncompressed, 4.4 MB of rows: large enough that a claim of 4 GiB
  // is within deflate's ratio, so only reading can tell it is false.
  std::string gz = gzip_member(rows(150'000), 0);
  REQUIRE(gz.size() > 4'000'000);
  // ISIZE, the last four bytes, claims 4 GiB - 1.
  for (int i = 1; i <= 4; ++i)
    gz[gz.size() - i] = '\xff';
  const std::size_t before = peak_rss();
  auto r = read_candles_from_memory(gz, "forged.csv.gz");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().message,
             Contains("forged.csv.gz: corrupt gzip data (incorrect length "
                      "check)"));
  CHECK(peak_rss() - before < (std::size_t{64} << 20));
}

TEST_CASE("A compressed file without line ends is refused at the line limit, "
          "not buffered whole") {
  const std::string gz =
      gzip_member(rows(2) + std::string(std::size_t{64} << 20, 'x') + "\n" +
                  rows(1, t0 + 2 * minute_ms));
  const std::size_t before = peak_rss();
  auto r = read_candles_from_memory(gz, "long.csv.gz");
  REQUIRE_FALSE(r);
  CHECK(r.err().message ==
        "long.csv.gz:3: the line is longer than 65536 bytes; no candle row is "
        "that long");
  CHECK(peak_rss() - before < (std::size_t{32} << 20));

  // The same line in a plain file is the same problem with the same words.
  auto plain = read_candles_from_memory(
      rows(2) + std::string(70'000, ' ') + "\n", "long.csv");
  REQUIRE_FALSE(plain);
  CHECK(plain.err().message ==
        "long.csv:3: the line is longer than 65536 bytes; no candle row is "
        "that long");
}

TEST_CASE("Gzip members cut mid-line, across the inflate window, read as the "
          "plain text does") {
  const std::string text = rows(60'000); // 2.2 MB: crosses 1 MiB windows
  std::string gz;
  for (std::size_t at = 0, cut = 1; at < text.size(); at += cut, cut += 7919)
    gz += gzip_member(text.substr(at, cut));
  auto packed = read_candles_from_memory(gz, "cut.csv.gz");
  auto plain = read_candles_from_memory(text, "cut.csv");
  REQUIRE(packed);
  REQUIRE(plain);
  REQUIRE(packed->candles.size() == 60'000);
  CHECK(packed->rows == plain->rows);
  CHECK(packed->candles.back().ts == plain->candles.back().ts);
  // Bytes after the last member are ignored, as gzip(1) does.
  auto trailing = read_candles_from_memory(gz + "junk", "cut.csv.gz");
  REQUIRE(trailing);
  CHECK(trailing->rows == 60'000);
}

TEST_CASE("Candles piped through a FIFO stream in, plain or gzip") {
  const auto dir = temp_dir();
  const auto fifo = (dir / "pipe.csv").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string text = rows(40'000);
  for (const std::string& bytes : {text, gzip_member(text)}) {
    std::thread writer([&] {
      std::ofstream out(fifo, std::ios::binary);
      out << bytes;
    });
    auto r = read_candles(fifo);
    writer.join();
    REQUIRE(r);
    CHECK(r->rows == 40'000);
    CHECK(r->candles.back().ts == t0 + 39'999 * minute_ms);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Filling a gap longer than a week is refused naming the row, "
          "whatever the candle limit") {
  read_options opt;
  opt.fill_gaps = true;
  auto r = read_candles_from_memory(
      rows(2) + rows(1, t0 + 365 * 1440 * minute_ms), "far.csv", opt);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().message,
             Contains("far.csv:3: the 525598 missing minutes before this row "
                      "(since line 2) are more than --fill-gaps fills in one "
                      "gap (10080)"));
  auto week = read_candles_from_memory(
      rows(2) + rows(1, t0 + (1 + 10'081) * minute_ms), "week.csv", opt);
  REQUIRE(week);
  CHECK(week->filled == 10'080);
}

TEST_CASE("A gap too long to fill is not answered with --fill-gaps") {
  auto r = read_candles_from_memory(
      rows(2) + rows(1, t0 + 60 * 1440 * minute_ms), "two.csv");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().message,
             Contains("a gap is longer than --fill-gaps fills (10080 "
                      "minutes): split the file into its periods"));
  CHECK_THAT(r.err().message, !Contains("use --fill-gaps"));
}

TEST_CASE("A line limit of the largest size means no limit, streamed too") {
  read_options opt;
  opt.max_line_bytes = static_cast<std::size_t>(-1);
  auto r = read_candles_from_memory(gzip_member(rows(5)), "any.csv.gz", opt);
  REQUIRE(r);
  CHECK(r->rows == 5);
}
