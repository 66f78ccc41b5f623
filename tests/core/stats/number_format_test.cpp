#include "core/stats/number_format.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using namespace btk;

TEST_CASE("to_fixed rounds exact binary ties half away from zero") {
  CHECK(to_fixed(0.125, 2) == "0.13");
  CHECK(to_fixed(37.25, 1) == "37.3");
  CHECK(to_fixed(30.75, 1) == "30.8");
  CHECK(to_fixed(0.5, 0) == "1");
  CHECK(to_fixed(2.5, 0) == "3");
  CHECK(to_fixed(-2.5, 0) == "-3");
  CHECK(to_fixed(-0.125, 2) == "-0.13");
}

TEST_CASE("to_fixed rounds non-ties by their exact binary value") {
  // 1.005 is 1.00499999999999989..., 0.045 is 0.04499999999999999833...
  CHECK(to_fixed(1.005, 2) == "1.00");
  CHECK(to_fixed(0.045, 2) == "0.04");
  CHECK(to_fixed(1.45, 1) == "1.4");
  // 0.0005 is 0.000500000000000000010..., above the tie.
  CHECK(to_fixed(0.0005, 3) == "0.001");
  CHECK(to_fixed(1234.5678, 2) == "1234.57");
}

TEST_CASE("to_fixed carries through nines into a new leading digit") {
  CHECK(to_fixed(9.9999, 2) == "10.00");
  CHECK(to_fixed(99.96, 1) == "100.0");
  CHECK(to_fixed(-999.9996, 3) == "-1000.000");
}

TEST_CASE("to_fixed keeps the sign of small negatives but not of minus zero") {
  CHECK(to_fixed(-0.001, 2) == "-0.00");
  CHECK(to_fixed(-0.0, 2) == "0.00");
  CHECK(to_fixed(0.0, 2) == "0.00");
  CHECK(to_fixed(-1.77, 2) == "-1.77");
}

TEST_CASE("to_fixed pads with zeros and prints integers without a point") {
  CHECK(to_fixed(42, 3) == "42.000");
  CHECK(to_fixed(42, 0) == "42");
  CHECK(to_fixed(0.1, 20) == "0.10000000000000000555");
  CHECK(to_fixed(5e-324, 2) == "0.00");
}

TEST_CASE("to_fixed falls back to number text from 1e21 and for non-finite") {
  CHECK(to_fixed(1e21, 2) == "1e+21");
  CHECK(to_fixed(std::numeric_limits<double>::quiet_NaN(), 2) == "NaN");
  CHECK(to_fixed(-std::numeric_limits<double>::infinity(), 2) == "-Infinity");
}

namespace {

// toFixed from the full decimal expansion that glibc prints: slow and
// plainly right, the reference for the fast path.
std::string to_fixed_by_expansion(double x, int digits) {
  char buf[1200];
  std::snprintf(buf, sizeof buf, "%.1100f", std::fabs(x));
  std::string exact(buf);
  const std::size_t dot = exact.find('.');
  std::string kept =
      exact.substr(0, dot + 1 + static_cast<std::size_t>(digits));
  if (exact[dot + 1 + static_cast<std::size_t>(digits)] >= '5') {
    std::size_t i = kept.size();
    for (;;) {
      if (i == 0) {
        kept.insert(kept.begin(), '1');
        break;
      }
      --i;
      if (kept[i] == '.')
        continue;
      if (kept[i] != '9') {
        ++kept[i];
        break;
      }
      kept[i] = '0';
    }
  }
  if (digits == 0)
    kept.pop_back(); // the point
  return (x < 0 ? "-" : "") + kept;
}

} // namespace

TEST_CASE("to_fixed agrees with rounding the full decimal expansion") {
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<int> digits(0, 100);
  std::uniform_int_distribution<int> exponent(-40, 69);
  std::uniform_int_distribution<int> places(0, 9);
  std::uniform_int_distribution<std::int64_t> mantissa(-99'999'999, 99'999'999);
  for (int i = 0; i < 20'000; ++i) {
    const int d = i % 3 == 0 ? digits(rng) : places(rng);
    double x;
    if (i % 4 == 0) { // any bits: mostly no tie at all
      const std::uint64_t bits = rng();
      std::memcpy(&x, &bits, sizeof x);
      if (!std::isfinite(x) || std::fabs(x) >= 1e21)
        continue;
    } else if (i % 4 == 1) { // binary fractions: ties at every precision
      x = std::ldexp(static_cast<double>(mantissa(rng)), -places(rng) - 1);
    } else { // prices and amounts as reports print them
      x = static_cast<double>(mantissa(rng)) * std::pow(10.0, -places(rng));
      x = std::ldexp(x, exponent(rng) / 20);
    }
    INFO(std::to_string(i) + ": " + js_number(x) + " to " + std::to_string(d));
    REQUIRE(to_fixed(x, d) == to_fixed_by_expansion(x, d));
  }
}

TEST_CASE("js_number prints integers without a fraction") {
  CHECK(js_number(112) == "112");
  CHECK(js_number(1) == "1");
  CHECK(js_number(-3) == "-3");
  CHECK(js_number(0.0) == "0");
  CHECK(js_number(-0.0) == "0");
  CHECK(js_number(1e20) == "100000000000000000000");
  CHECK(js_number(123456789012345680000.0) == "123456789012345680000");
}

TEST_CASE("js_number prints the shortest round-trip digits in fixed form") {
  CHECK(js_number(142.0 / 3.0) == "47.333333333333336");
  CHECK(js_number(0.1) == "0.1");
  CHECK(js_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(js_number(-2.5) == "-2.5");
  CHECK(js_number(0.000001) == "0.000001");
  CHECK(js_number(0.0000015) == "0.0000015");
}

TEST_CASE("js_number switches to exponent form below 1e-6 and from 1e21") {
  CHECK(js_number(1e-7) == "1e-7");
  CHECK(js_number(-2.5e-7) == "-2.5e-7");
  CHECK(js_number(1e21) == "1e+21");
  CHECK(js_number(1.5e21) == "1.5e+21");
  CHECK(js_number(5e-324) == "5e-324");
  CHECK(js_number(1.7976931348623157e308) == "1.7976931348623157e+308");
}

TEST_CASE("js_number names NaN and the infinities like JavaScript") {
  CHECK(js_number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(js_number(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(js_number(-std::numeric_limits<double>::infinity()) == "-Infinity");
}

TEST_CASE("price_scale gives 2 decimals for zero and magnitudes from 1 up") {
  CHECK(price_scale(0.0) == 2);
  CHECK(price_scale(-0.0) == 2);
  CHECK(price_scale(1) == 2);
  CHECK(price_scale(39703.5) == 2);
  CHECK(price_scale(-1.77) == 2);
  CHECK(price_scale(1e300) == 2);
}

TEST_CASE("price_scale adds two decimals per decade below 1, up to 8") {
  CHECK(price_scale(0.6026) == 4);
  CHECK(price_scale(0.1) == 4);
  CHECK(price_scale(-0.5) == 4);
  CHECK(price_scale(0.99999) == 4);
  CHECK(price_scale(-0.038948) == 6);
  CHECK(price_scale(0.01) == 6);
  CHECK(price_scale(0.005) == 8);
  CHECK(price_scale(1e-12) == 8);
}

TEST_CASE("price_scale feeds to_fixed like the reference report examples") {
  CHECK(to_fixed(0.6026, price_scale(0.6026)) == "0.6026");
  CHECK(to_fixed(-0.038948, price_scale(-0.038948)) == "-0.038948");
  CHECK(to_fixed(39703.5, price_scale(39703.5)) == "39703.50");
}
