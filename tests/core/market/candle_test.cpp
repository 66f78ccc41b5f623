// The one set of candle rules every reader, the store and series share.

#include "core/market/candle.hpp"
#include "core/market/series.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace btk;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("a candle on the grid with prices inside its range is valid") {
  CHECK(candle_flaws({60'000, 100, 101, 99, 100.5, 3}) == 0);
  // Flat candles and zero volume are fine.
  CHECK(candle_flaws({0, 5, 5, 5, 5, 0}) == 0);
}

TEST_CASE("each candle rule has its own flaw and its own sentence") {
  struct row {
    candle c;
    std::uint16_t flaws;
    const char* text;
  };
  const row rows[] = {
      {{60'001, 100, 101, 99, 100, 1},
       off_grid,
       "open time 60001 is not on the 1-minute grid"},
      {{0, 0, 101, 99, 100, 1},
       open_not_price,
       "open 0 is not a positive finite price"},
      {{0, 100, infinite, 99, 100, 1},
       high_not_price,
       "high inf is not a positive finite price"},
      {{0, 100, 101, -99, 100, 1},
       low_not_price,
       "low -99 is not a positive finite price"},
      {{0, 100, 101, 99, not_a_number, 1},
       close_not_price,
       "close nan is not a positive finite price"},
      {{0, 100, 9, 11, 10, 1}, high_below_low, "high 9 is below low 11"},
      {{0, 12, 11, 9, 10, 1},
       open_outside,
       "open 12 is outside [low 9, high 11]"},
      {{0, 10, 11, 9, 8.5, 1},
       close_outside,
       "close 8.5 is outside [low 9, high 11]"},
      {{0, 10, 11, 9, 10, infinite},
       volume_not_finite,
       "volume inf is not finite"},
      {{0, 10, 11, 9, 10, -0.5}, volume_negative, "volume -0.5 is negative"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    CHECK(candle_flaws(r.c) == r.flaws);
    CHECK(describe_candle_flaws(r.flaws, r.c) == r.text);
  }
  // Several flaws are all named, in rule order.
  const candle both{0, 10, 9, 11, 10, -1};
  CHECK(describe_candle_flaws(candle_flaws(both), both) ==
        "high 9 is below low 11; volume -1 is negative");
  // A reader passes the file's own text.
  CHECK(describe_candle_flaws(
            high_below_low, candle_text{"t", "o", "9.00", "11.0", "c", "v"}) ==
        "high 9.00 is below low 11.0");
}

TEST_CASE("a series refuses a candle that breaks a rule, naming it") {
  std::vector<candle> cs;
  for (int k = 0; k < 5; ++k)
    cs.push_back({k * minute_ms, 100, 101, 99, 100, 1});
  cs[3].high = 98; // below low: series used not to check this
  auto s = series::make("T", cs);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.err().message,
             Catch::Contains("series T: candle 3 at 1970-01-01T00:03:00.000Z: "
                             "high 98 is below low 99"));
}
