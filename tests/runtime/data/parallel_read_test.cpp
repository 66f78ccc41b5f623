// A large plain file is parsed in pieces on several threads: whatever the
// file holds, the candles and every message equal those of one thread.
#include "runtime/data/candle_reader.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace btk;

namespace {

// 2024-03-04T00:00:00.000Z
constexpr timestamp t0 = 1'709'510'400'000;

// About 13 MB of valid rows: three pieces of at least 4 MiB.
std::string big_file(bool binance = false, const char* eol = "\n") {
  std::string s = binance ? "" : "timestamp,open,high,low,close,volume\n";
  for (int i = 0; i < 330'000; ++i) {
    const auto ts = std::to_string(t0 + i * minute_ms);
    const int p = 40'000 + i % 977;
    s += ts + "," + std::to_string(p) + ".25," + std::to_string(p + 9) + ".5," +
         std::to_string(p - 9) + ".75," + std::to_string(p + 1) + ".125," +
         std::to_string(i % 313) + ".0625";
    if (binance)
      s += "," + ts + ",1.5,7,0.5,0.75,0";
    s += eol;
  }
  return s;
}

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    path = (std::filesystem::temp_directory_path() /
            ("btk_parallel_read_" + std::to_string(::getpid()) + ".csv"))
               .string();
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_file() { std::filesystem::remove(path); }
};

// Reads `text` from a file and from memory with one thread and with three,
// and requires the same candles (bit for bit) or the same message.
void same_on_threads(const std::string& text, read_options opt = {}) {
  temp_file f(text);
  opt.threads = 1;
  const auto one = read_candles(f.path, opt);
  const auto mem_one = read_candles_from_memory(text, f.path, opt);
  opt.threads = 3;
  const auto three = read_candles(f.path, opt);
  const auto mem_three = read_candles_from_memory(text, f.path, opt);
  for (const auto* other : {&mem_one, &three, &mem_three}) {
    REQUIRE(bool(*other) == bool(one));
    if (!one) {
      CHECK(other->err().message == one.err().message);
      continue;
    }
    const auto& a = one->candles;
    const auto& b = (*other)->candles;
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(candle)) == 0);
    CHECK((*other)->rows == one->rows);
    CHECK((*other)->filled == one->filled);
    CHECK((*other)->gaps == one->gaps);
    CHECK((*other)->format == one->format);
  }
}

// `text` with line `n` (from 1) replaced by `line`.
std::string with_line(std::string text, std::size_t n,
                      const std::string& line) {
  std::size_t at = 0;
  for (std::size_t k = 1; k < n; ++k)
    at = text.find('\n', at) + 1;
  text.replace(at, text.find('\n', at) - at, line);
  return text;
}

} // namespace

TEST_CASE("a large clean file reads the same on one thread and on three") {
  const auto text = big_file();
  same_on_threads(text);
  const auto data = read_candles_from_memory(text, "big.csv");
  REQUIRE(data);
  CHECK(data->rows == 330'000);
  CHECK(data->candles.back().ts == t0 + 329'999 * minute_ms);
  CHECK(data->candles[1234].open == 40'000 + 1234 % 977 + 0.25);
}

TEST_CASE("a large Binance dump with CRLF line ends reads the same on one "
          "thread and on three") {
  same_on_threads(big_file(true, "\r\n"));
}

TEST_CASE("a large file whose last line has no line end reads the same on "
          "one thread and on three") {
  auto text = big_file();
  text.pop_back();
  same_on_threads(text);
}

TEST_CASE("bad rows in a later piece give the messages one thread gives") {
  auto text = big_file();
  text = with_line(text, 250'000, "1709510400000,10,9,11,10,1");
  text = with_line(text, 300'001, "x,1,1,1,1,1");
  same_on_threads(text);
  const auto e = read_candles_from_memory(text, "big.csv");
  REQUIRE_FALSE(e);
  CHECK_THAT(e.err().message, Catch::Matchers::Contains("big.csv:250000:"));
}

TEST_CASE("gaps, blank lines and duplicates in later pieces read the same on "
          "one thread and on three") {
  auto text = big_file();
  // A gap of one minute at line 200,000 (row 199,999 is dropped).
  text = with_line(text, 200'000, "");
  same_on_threads(text);
  read_options fill;
  fill.fill_gaps = true;
  same_on_threads(text, fill);
  auto dup = big_file();
  const std::size_t at = dup.find('\n', dup.size() / 2) + 1;
  const std::size_t next = dup.find('\n', at) + 1;
  dup.insert(at, dup.substr(at, next - at)); // the same row twice
  same_on_threads(dup);
}

TEST_CASE("a large file with a long line in a later piece reads the same on "
          "one thread and on three") {
  auto text = big_file();
  text = with_line(text, 280'000, std::string(70'000, '7'));
  same_on_threads(text);
  read_options small;
  small.max_line_bytes = 30;
  same_on_threads(big_file(), small);
}
