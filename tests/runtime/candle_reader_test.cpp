#include "runtime/data/candle_reader.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "runtime/data/synth.hpp"

using namespace btk;
using Catch::Matchers::Contains;

namespace {

// 2024-03-04T00:00:00.000Z
constexpr timestamp t0 = 1'709'510'400'000;

std::string row(timestamp ts, const char* rest) {
  return std::to_string(ts) + "," + rest + "\n";
}

std::string header() {
  return "timestamp,open,high,low,close,volume\n";
}

// A valid file of `n` rows starting at t0, each "10,11,9,10.5,1".
std::string valid_rows(int n, timestamp from = t0) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += row(from + i * minute_ms, "10,11,9,10.5,1");
  return s;
}

std::string error_of(std::string_view text, const read_options& opt = {}) {
  auto r = read_candles_from_memory(text, "t.csv", opt);
  REQUIRE_FALSE(r);
  return r.err().message;
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("btk-reader-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string slurp_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool same_bits(const candle& a, const candle& b) {
  return a.ts == b.ts && std::memcmp(&a.open, &b.open, sizeof(double)) == 0 &&
         std::memcmp(&a.high, &b.high, sizeof(double)) == 0 &&
         std::memcmp(&a.low, &b.low, sizeof(double)) == 0 &&
         std::memcmp(&a.close, &b.close, sizeof(double)) == 0 &&
         std::memcmp(&a.volume, &b.volume, sizeof(double)) == 0;
}

} // namespace

TEST_CASE("A generic CSV with a header is read into candles with its values") {
  auto r = read_candles_from_memory(
      header() + row(t0, "42000.00,42036.31,41998.24,42023.62,12.0861") +
          row(t0 + minute_ms, "42023.62,42086.89,42022.31,42083.60,7.9886"),
      "t.csv");
  REQUIRE(r);
  CHECK(r->format == "csv");
  CHECK(r->rows == 2);
  CHECK(r->filled == 0);
  CHECK(r->gaps == 0);
  REQUIRE(r->candles.size() == 2);
  const candle& c = r->candles[0];
  CHECK(c.ts == t0);
  CHECK(c.open == 42000.0);
  CHECK(c.high == 42036.31);
  CHECK(c.low == 41998.24);
  CHECK(c.close == 42023.62);
  CHECK(c.volume == 12.0861);
  CHECK(r->candles[1].ts == t0 + minute_ms);
  CHECK(r->candles[1].close == 42083.6);
}

TEST_CASE("A generic CSV without a header, with CRLF line ends, blank lines "
          "and spaces is read the same") {
  std::string text = std::to_string(t0) + ", 10 ,11,9,10.5,1\r\n\r\n" +
                     std::to_string(t0 + minute_ms) + ",10.5,11,9,10,2\r\n";
  auto r = read_candles_from_memory(text, "t.csv");
  REQUIRE(r);
  CHECK(r->format == "csv");
  REQUIRE(r->candles.size() == 2);
  CHECK(r->candles[0].open == 10.0);
  CHECK(r->candles[1].volume == 2.0);
}

TEST_CASE("Numbers are read correctly rounded, as JavaScript Number() reads "
          "them") {
  // 2^53 + 1 is exactly halfway between two doubles: ties to even gives
  // 2^53. 0.1 + 0.2 style decimals must be the nearest double.
  auto r = read_candles_from_memory(
      header() + row(t0, "0.1,0.30000000000000004,0.1,0.3,9007199254740993") +
          row(t0 + minute_ms, "+1e-1,1E0,.1,1.,0"),
      "t.csv");
  REQUIRE(r);
  CHECK(r->candles[0].open == 0.1);
  CHECK(r->candles[0].high == 0.1 + 0.2);
  CHECK(r->candles[0].close == 0.3);
  CHECK(r->candles[0].volume == 9007199254740992.0);
  CHECK(r->candles[1].open == 0.1);
  CHECK(r->candles[1].high == 1.0);
  CHECK(r->candles[1].low == 0.1);
  CHECK(r->candles[1].close == 1.0);
}

TEST_CASE("A Binance kline dump with a header and millisecond open times is "
          "read as binance") {
  std::string text =
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
      "taker_buy_volume,taker_buy_quote_volume,ignore\n"
      "1690848000000,4.255,4.256,4.252,4.252,25259.1,1690848059999,107451."
      "0165,208,5452.3,23199.1103,0\n"
      "1690848060000,4.251,4.253,4.251,4.253,2476.0,1690848119999,10527."
      "7466,92,1334.3,5673.4734,0\n";
  auto r = read_candles_from_memory(text, "k.csv");
  REQUIRE(r);
  CHECK(r->format == "binance");
  REQUIRE(r->candles.size() == 2);
  CHECK(r->candles[0].ts == 1690848000000);
  CHECK(r->candles[0].open == 4.255);
  CHECK(r->candles[0].volume == 25259.1);
  CHECK(r->candles[1].close == 4.253);
}

TEST_CASE("A Binance kline dump without a header and with microsecond open "
          "times is converted to milliseconds") {
  std::string text = "1735689600000000,93576.00,93610.93,93537.50,93610.93,"
                     "8.21827,1735689659999999,768978.07,1313,3.58,335004.4,0\n"
                     "1735689660000000,93610.93,93652.00,93606.00,93652.00,"
                     "5.0,1735689719999999,468000.0,900,2.0,187000.0,0\n";
  auto r = read_candles_from_memory(text, "k.csv");
  REQUIRE(r);
  CHECK(r->format == "binance");
  REQUIRE(r->candles.size() == 2);
  CHECK(r->candles[0].ts == 1735689600000);
  CHECK(r->candles[1].ts == 1735689660000);
  CHECK(r->candles[0].high == 93610.93);
}

TEST_CASE("A generic CSV accepts ISO times and microsecond times") {
  auto r = read_candles_from_memory("2024-03-04T00:00:00Z,10,11,9,10,1\n"
                                    "2024-03-04 00:01,10,11,9,10,1\n"
                                    "1709510520000000,10,11,9,10,1\n",
                                    "t.csv");
  REQUIRE(r);
  REQUIRE(r->candles.size() == 3);
  CHECK(r->candles[0].ts == t0);
  CHECK(r->candles[1].ts == t0 + minute_ms);
  CHECK(r->candles[2].ts == t0 + 2 * minute_ms);
  CHECK_THAT(error_of(valid_rows(1) + "1709510460000500,10,11,9,10,1\n"),
             Contains("t.csv:2: timestamp 1709510460000500"));
  CHECK_THAT(error_of(valid_rows(1) + "1709510460000500,10,11,9,10,1\n"),
             Contains("is not on the 1-minute grid"));
}

TEST_CASE("An unparsable number names the file, line, column and text") {
  std::string text =
      header() + valid_rows(1) + row(t0 + minute_ms, "10,abc,9,10,1");
  auto msg = error_of(text);
  CHECK_THAT(msg, Contains("t.csv:3: column 3 (high): \"abc\" is not a "
                           "number"));
  auto msg2 = error_of(valid_rows(1) + "17095104x0000,10,11,9,10,1\n");
  CHECK_THAT(msg2, Contains("t.csv:2: column 1 (timestamp): "
                            "\"17095104x0000\" is not a timestamp"));
  auto msg3 = error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,9,,1"));
  CHECK_THAT(msg3, Contains("t.csv:2: column 5 (close): \"\" is not a "
                            "number"));
}

TEST_CASE("A row with the wrong number of columns is reported with its line") {
  std::string text = header() + valid_rows(2) +
                     std::to_string(t0 + 2 * minute_ms) + ",10,11,9,10\n" +
                     row(t0 + 3 * minute_ms, "10,11,9,10,1");
  auto msg = error_of(text);
  CHECK_THAT(msg, Contains("t.csv:4: expected 6 columns, found 5"));
  auto msg2 = error_of("1,2,3\n");
  CHECK_THAT(msg2, Contains("t.csv:1: expected 6 columns"));
  CHECK_THAT(msg2, Contains("found 3"));
}

TEST_CASE("A timestamp out of order or duplicated is reported with both "
          "lines") {
  std::string dup = valid_rows(2) + row(t0 + minute_ms, "10,11,9,10,1");
  CHECK_THAT(error_of(dup),
             Contains("t.csv:3: duplicate timestamp 1709510460000 "
                      "(2024-03-04T00:01:00.000Z), same as line 2"));
  std::string back = valid_rows(3) + row(t0, "10,11,9,10,1");
  CHECK_THAT(error_of(back), Contains("t.csv:4: timestamp 1709510400000 "
                                      "(2024-03-04T00:00:00.000Z) is out of "
                                      "order: before "
                                      "2024-03-04T00:02:00.000Z of line 3"));
}

TEST_CASE("A timestamp off the minute grid is reported") {
  std::string text = valid_rows(1) + row(t0 + minute_ms + 1000, "10,11,9,10,1");
  CHECK_THAT(error_of(text),
             Contains("t.csv:2: timestamp 1709510461000 "
                      "(2024-03-04T00:01:01.000Z) is not on the 1-minute "
                      "grid"));
}

TEST_CASE("Inconsistent OHLC values are reported with their text") {
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,9,11,10,1")),
             Contains("t.csv:2: high 9 is below low 11"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "12,11,9,10,1")),
             Contains("t.csv:2: open 12 is outside [low 9, high 11]"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,9,8.5,1")),
             Contains("t.csv:2: close 8.5 is outside [low 9, high 11]"));
}

TEST_CASE("A negative or non-finite volume is reported") {
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,9,10,-0.5")),
             Contains("t.csv:2: volume -0.5 is negative"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,9,10,inf")),
             Contains("t.csv:2: volume inf is not finite"));
}

TEST_CASE("A price that is zero, negative or not finite is reported") {
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "0,11,0,10,1")),
             Contains("t.csv:2: open 0 is not a positive finite price"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,-9,10,1")),
             Contains("t.csv:2: low -9 is not a positive finite price"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,inf,9,10,1")),
             Contains("t.csv:2: high inf is not a positive finite price"));
  CHECK_THAT(error_of(valid_rows(1) + row(t0 + minute_ms, "10,11,9,nan,1")),
             Contains("t.csv:2: close nan is not a positive finite price"));
}

TEST_CASE("Every bad row is listed up to the cap, the rest counted") {
  std::string text = header();
  for (int i = 0; i < 30; ++i)
    text += row(t0 + i * minute_ms, i % 2 ? "10,9,11,10,1" : "10,11,9,10,1");
  auto msg = error_of(text);
  CHECK_THAT(msg, Contains("t.csv: 15 problems:"));
  CHECK_THAT(msg, Contains("t.csv:3: high 9 is below low 11"));
  CHECK_THAT(msg, Contains("t.csv:31: high 9 is below low 11"));

  read_options opt;
  opt.max_listed = 4;
  auto capped = error_of(text, opt);
  CHECK_THAT(capped, Contains("t.csv:9: high"));
  CHECK_FALSE(capped.find("t.csv:11:") != std::string::npos);
  CHECK_THAT(capped, Contains("t.csv: and 11 more"));

  // Several reasons on one row are all given.
  auto both = error_of(valid_rows(1) + row(t0 + minute_ms, "10,9,11,10,-1"));
  CHECK_THAT(both, Contains("t.csv:2: high 9 is below low 11; volume -1 is "
                            "negative"));
}

TEST_CASE("A header that does not match the columns is reported") {
  std::string text = "timestamp,open,low,high,close,volume\n" + valid_rows(1);
  CHECK_THAT(error_of(text),
             Contains("t.csv:1: header column 3 is \"low\", expected "
                      "\"high\""));
  std::string narrow = "timestamp,open,high,low,close\n" + valid_rows(1);
  CHECK_THAT(error_of(narrow),
             Contains("t.csv:1: the header has 5 columns but the first data "
                      "row (line 2) has 6"));
}

TEST_CASE("An empty file or a header alone is an error") {
  CHECK_THAT(error_of(""), Contains("t.csv: no candles"));
  CHECK_THAT(error_of(header()), Contains("t.csv: no candles"));
}

TEST_CASE("A missing file is an error naming the path and the system "
          "reason") {
  auto r = read_candles("/nonexistent/dir/candles.csv");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().message, Contains("/nonexistent/dir/candles.csv"));
  CHECK_THAT(r.err().message, Contains(std::strerror(ENOENT)));

  const auto dir = temp_dir();
  auto d = read_candles(dir.string());
  REQUIRE_FALSE(d);
  CHECK_THAT(d.err().message,
             Contains(dir.string() + ": " + std::strerror(EISDIR)));
  std::filesystem::remove_all(dir);
}

TEST_CASE("Filling a gap beyond the candle limit is an error, not a huge "
          "allocation") {
  read_options opt;
  opt.fill_gaps = true;
  opt.max_candles = 100;
  auto msg = error_of(valid_rows(2) + valid_rows(1, t0 + 500 * minute_ms), opt);
  CHECK_THAT(msg, Contains("t.csv:3: filling the 498 missing minutes before "
                           "this row would exceed the limit of 100 candles"));
}

TEST_CASE("Missing minutes are an error naming the ranges and the fill "
          "option") {
  // Rows at minutes 0..2, then 5..6 (3, 4 missing), then 10 (7..9 missing).
  std::string text = header() + valid_rows(3) +
                     valid_rows(2, t0 + 5 * minute_ms) +
                     valid_rows(1, t0 + 10 * minute_ms);
  auto msg = error_of(text);
  CHECK_THAT(msg, Contains("t.csv: 5 missing 1-minute candles in 2 gaps: "
                           "2024-03-04T00:03:00.000Z .. "
                           "2024-03-04T00:04:00.000Z (2), "
                           "2024-03-04T00:07:00.000Z .. "
                           "2024-03-04T00:09:00.000Z (3)"));
  CHECK_THAT(msg, Contains("--fill-gaps"));
}

TEST_CASE("Hourly bars are refused as not looking like 1-minute data") {
  std::string text = header();
  for (int i = 0; i < 4; ++i)
    text += row(t0 + i * 60 * minute_ms, "10,11,9,10,1");
  auto msg = error_of(text);
  CHECK_THAT(msg, Contains("t.csv: 177 missing 1-minute candles in 3 gaps"));
  CHECK_THAT(msg, Contains("the first two rows are 60 minutes apart): this "
                           "does not look like 1-minute data"));
}

TEST_CASE("Filling gaps inserts flat zero-volume candles at the previous close "
          "and counts them") {
  std::string text = header() + row(t0, "10,11,9,10.5,1") +
                     row(t0 + 3 * minute_ms, "10.5,12,10,11,2");
  read_options opt;
  opt.fill_gaps = true;
  auto r = read_candles_from_memory(text, "t.csv", opt);
  REQUIRE(r);
  CHECK(r->rows == 2);
  CHECK(r->filled == 2);
  CHECK(r->gaps == 1);
  REQUIRE(r->candles.size() == 4);
  for (int i = 1; i <= 2; ++i) {
    const candle& c = r->candles[i];
    CHECK(c.ts == t0 + i * minute_ms);
    CHECK(c.open == 10.5);
    CHECK(c.high == 10.5);
    CHECK(c.low == 10.5);
    CHECK(c.close == 10.5);
    CHECK(c.volume == 0.0);
  }
  CHECK(r->candles[3].ts == t0 + 3 * minute_ms);
  CHECK(r->candles[3].close == 11.0);
}

TEST_CASE("Candles written as gzip read back bit for bit, detected by magic "
          "bytes") {
  synth_options so;
  so.seed = 7;
  so.minutes = 3000;
  so.price = 0.5;
  so.decimals = 6;
  auto candles = generate_candles(so);
  // Awkward doubles that need all 17 digits.
  candles[10].volume = 0.1 + 0.2;
  candles[11].volume = 1e-7;
  candles[12].volume = 123456789.123456789;
  const auto dir = temp_dir();

  const auto gz = (dir / "c.csv.gz").string();
  auto w = write_candles_csv(gz, candles);
  REQUIRE(w);
  CHECK(*w == candles.size());
  const std::string bytes = slurp_bytes(gz);
  REQUIRE(bytes.size() > 2);
  CHECK(static_cast<unsigned char>(bytes[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(bytes[1]) == 0x8b);
  auto r = read_candles(gz);
  REQUIRE(r);
  REQUIRE(r->candles.size() == candles.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < candles.size(); ++i)
    mismatches += !same_bits(r->candles[i], candles[i]);
  CHECK(mismatches == 0);

  // Gzip content under a plain name and plain content under a .gz name.
  const auto disguised = (dir / "gzipped.csv").string();
  std::filesystem::copy_file(gz, disguised,
                             std::filesystem::copy_options::overwrite_existing);
  auto r2 = read_candles(disguised);
  REQUIRE(r2);
  CHECK(r2->candles.size() == candles.size());
  const auto plain_gz = (dir / "plain.gz").string();
  {
    std::ofstream out(plain_gz, std::ios::binary);
    out << format_candles_csv(candles, 6);
  }
  auto r3 = read_candles(plain_gz);
  REQUIRE(r3);
  mismatches = 0;
  for (std::size_t i = 0; i < candles.size(); ++i)
    mismatches += !same_bits(r3->candles[i], candles[i]);
  CHECK(mismatches == 0);

  // A truncated gzip file is an error, not a short read.
  const auto cut = (dir / "cut.csv.gz").string();
  {
    std::ofstream out(cut, std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  auto r4 = read_candles(cut);
  REQUIRE_FALSE(r4);
  CHECK_THAT(r4.err().message, Contains("cut.csv.gz: truncated gzip data"));

  std::filesystem::remove_all(dir);
}

TEST_CASE("Fixed decimals print prices with that many digits") {
  std::vector<candle> c{{t0, 42000, 42036.31, 41998.2, 42023.62, 12.0861}};
  CHECK(format_candles_csv(c, 2) ==
        "timestamp,open,high,low,close,volume\n"
        "1709510400000,42000.00,42036.31,41998.20,42023.62,12.0861\n");
  CHECK(format_candles_csv(c) ==
        "timestamp,open,high,low,close,volume\n"
        "1709510400000,42000,42036.31,41998.2,42023.62,12.0861\n");
}

TEST_CASE("The real Binance raw dump of FILUSDT reads 1440 candles") {
  auto r = read_candles(BTK_SHARED_DIR
                        "/data/binance-usdm/raw/"
                        "FILUSDT-1m-2023-08-01-2023-08-01.binance.csv");
  REQUIRE(r);
  CHECK(r->format == "binance");
  CHECK(r->rows == 1440);
  REQUIRE(r->candles.size() == 1440);
  CHECK(r->candles.front().ts == 1690848000000);
  CHECK(r->candles.front().open == 4.255);
  CHECK(r->candles.front().volume == 25259.1);
  CHECK(r->candles.back().ts == 1690848000000 + 1439 * minute_ms);
}

TEST_CASE("The parity candles of p01 read 10080 candles") {
  auto r =
      read_candles(BTK_SHARED_DIR "/parity/p01-every-n-mixed/candles.csv.gz");
  REQUIRE(r);
  CHECK(r->format == "csv");
  REQUIRE(r->candles.size() == 10080);
  CHECK(r->candles.front().ts == 1709510400000);
  CHECK(r->candles.front().close == 42023.62);
  CHECK(r->candles.back().ts == 1709510400000 + 10079 * minute_ms);
}

TEST_CASE("The real BTCUSDT 2021 file fails on its two outages unless gaps "
          "are filled") {
  const char* path = BTK_SHARED_DIR
      "/data/binance-spot/BTCUSDT-1m-2021-03-26-2021-04-30.csv.gz";
  auto r = read_candles(path);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().message,
             Contains("434 missing 1-minute candles in 2 gaps: "
                      "2021-04-20T02:00:00.000Z .. 2021-04-20T04:29:00.000Z "
                      "(150), 2021-04-25T04:01:00.000Z .. "));
  CHECK_THAT(r.err().message, Contains("(284)"));

  read_options opt;
  opt.fill_gaps = true;
  auto f = read_candles(path, opt);
  REQUIRE(f);
  CHECK(f->rows == 50000);
  CHECK(f->filled == 434);
  CHECK(f->gaps == 2);
  CHECK(f->candles.size() == 50434);
  for (std::size_t i = 1; i < f->candles.size(); ++i)
    if (f->candles[i].ts != f->candles[i - 1].ts + minute_ms)
      FAIL("not contiguous at index " << i);
}
