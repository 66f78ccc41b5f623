// The candle parser's fast path: every value it reads equals what the
// general path (std::from_chars, JavaScript's Number()) gives, and it
// leaves every other form to the general path.
#include "runtime/data/row_scan.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <cstring>
#include <random>
#include <string>

using namespace btk;
using namespace btk::detail;

namespace {

// The value of `text` by the fast path, or nullopt when it gives up; it
// must read all of `text`.
std::optional<double> fast(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const char* p = scan_short_decimal(text.data(), end, v);
  if (p == nullptr)
    return std::nullopt;
  REQUIRE(p == end);
  return v;
}

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

} // namespace

TEST_CASE("a short decimal reads to the same double as from_chars") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200'000; ++i) {
    const int len = 1 + static_cast<int>(rng() % 17);
    std::string digits;
    for (int k = 0; k < len; ++k)
      digits += static_cast<char>('0' + rng() % 10);
    const auto point = rng() % static_cast<std::uint64_t>(len + 1);
    std::string text = digits;
    if (point > 0 && point < static_cast<std::uint64_t>(len))
      text.insert(point, ".");
    double want = 0;
    std::from_chars(text.data(), text.data() + text.size(), want);
    INFO(text);
    const auto got = fast(text);
    // Up to 15 digits always fit the exact form.
    if (len <= 15)
      REQUIRE(got.has_value());
    if (got)
      REQUIRE(bits(*got) == bits(want));
  }
}

TEST_CASE("a short decimal stops at the first byte that is not a digit, "
          "whatever that byte is and whatever follows it") {
  // Every byte value ends a run of digits of every length, with more
  // digits after it that must not be read.
  // At most 16 digits: below 2^53 with these, so always read.
  const std::string digits = "1234567890123456789";
  for (std::size_t len = 1; len <= 16; ++len)
    for (int b = 0; b < 256; ++b) {
      const auto stop = static_cast<char>(b);
      if ((stop >= '0' && stop <= '9') || stop == '.')
        continue;
      for (const std::size_t frac : {std::size_t{0}, std::size_t{3}}) {
        if (len + frac > 16)
          continue;
        std::string number = digits.substr(0, len);
        if (frac > 0)
          number += "." + digits.substr(len, frac);
        const std::string text = number + stop + "12345678";
        double want = 0;
        std::from_chars(number.data(), number.data() + number.size(), want);
        double got = 0;
        const char* p =
            scan_short_decimal(text.data(), text.data() + text.size(), got);
        INFO("'" << number << "' then byte " << b);
        REQUIRE(p == text.data() + number.size());
        REQUIRE(bits(got) == bits(want));
      }
    }
}

TEST_CASE("a short decimal takes exactly the values an exact division gives") {
  CHECK(fast("9007199254740992") == 9007199254740992.0);
  CHECK_FALSE(fast("9007199254740993"));        // above 2^53: not exact
  CHECK(fast("0.000000000000000001") == 1e-18); // 19 digits
  CHECK_FALSE(fast("0.0000000000000000001"));   // 20 digits
  CHECK(fast("0000.5") == 0.5);
  CHECK(fast("42000.00") == 42000.0);
  CHECK_FALSE(fast("12345678901234567890")); // 20 digits
}

TEST_CASE("forms other than digits with an optional point go to the general "
          "path") {
  for (const char* text :
       {"+1", "-1", "1e5", ".5", "5.", " 1", "", "nan", "inf", "0x10", "1_0"}) {
    INFO(text);
    const std::string s(text);
    double v = 0;
    const char* p = scan_short_decimal(s.data(), s.data() + s.size(), v);
    CHECK((p == nullptr || p != s.data() + s.size()));
  }
}

TEST_CASE("a row scan takes only valid rows on the minute grid") {
  const row_shape csv{6, 65'536};
  const auto scan = [&](const std::string& row,
                        row_shape shape) -> std::optional<candle> {
    candle c;
    const char* p = scan_row(row.data(), row.data() + row.size(), shape, c);
    if (p == nullptr)
      return std::nullopt;
    CHECK(p == row.data() + row.size());
    return c;
  };
  const auto c = scan("1709510400000,10.5,11,9,10.25,3.5\n", csv);
  REQUIRE(c);
  CHECK(c->ts == 1'709'510'400'000);
  CHECK(c->open == 10.5);
  CHECK(c->close == 10.25);
  CHECK(c->volume == 3.5);
  CHECK(scan("1709510400000,10,11,9,10,1\r\n", csv));
  CHECK(scan("1709510400000,10,11,9,10,1", csv)); // the last line
  // Microseconds, as the general path reads them.
  const auto us = scan("1709510400000000,10,11,9,10,1\n", csv);
  REQUIRE(us);
  CHECK(us->ts == 1'709'510'400'000);
  CHECK_FALSE(scan("1709510400001000,10,11,9,10,1\n", csv)); // off the grid
  CHECK_FALSE(scan("1709510401000,10,11,9,10,1\n", csv));    // off the grid
  CHECK_FALSE(scan("1709510400000,10,9,11,10,1\n", csv));    // high < low
  CHECK_FALSE(scan("1709510400000,12,11,9,10,1\n", csv));    // open above
  CHECK_FALSE(scan("1709510400000,0,11,0,10,1\n", csv));     // not prices
  CHECK_FALSE(scan("1709510400000,10,11,9,10,-1\n", csv));
  CHECK_FALSE(scan("1709510400000,10,11,9,10,1,7\n", csv)); // 7 columns
  CHECK_FALSE(scan("1709510400000, 10,11,9,10,1\n", csv));  // a blank
  CHECK_FALSE(scan("\"1709510400000\",10,11,9,10,1\n", csv));
  CHECK_FALSE(scan("1709510400000,10,11,9,10,1\r\r\n", csv));
  const row_shape binance{12, 65'536};
  CHECK(scan("1709510400000,10,11,9,10,1,1709510459999,10.5,3,0.5,5.2,0\n",
             binance));
  CHECK_FALSE(scan("1709510400000,10,11,9,10,1,1709510459999,10.5,3,0.5,5.2\n",
                   binance));
  CHECK_FALSE(scan("1709510400000,10,11,9,10,1\n", binance));
  // The general path counts a line's '\r' in its length.
  CHECK(scan("1709510400000,10,11,9,10,1\r\n", row_shape{6, 27}));
  CHECK_FALSE(scan("1709510400000,10,11,9,10,1\r\n", row_shape{6, 26}));
}

TEST_CASE("a row scanner stops at the first row that is not a minute on") {
  const std::string text = "1709510400000,10,11,9,10,1\n"
                           "\n"
                           "1709510460000,10,11,9,10,1\n"
                           "1709510580000,10,11,9,10,1\n";
  const auto run = scan_rows(text, 65'536);
  CHECK_FALSE(run.clean);
  CHECK(run.candles.size() == 2);
  CHECK(run.last_row_line == 3);
  CHECK(run.columns == 6);
  const auto whole =
      scan_rows(text.substr(0, text.rfind("1709510580000")), 65'536);
  CHECK(whole.clean);
  CHECK(whole.lines == 3);
}
