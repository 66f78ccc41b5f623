// Finding, describing and filling runs of missing minutes.

#include "core/market/gaps.hpp"

#include <catch2/catch.hpp>

using namespace btk;

namespace {

std::vector<candle> at_minutes(std::initializer_list<int> ms) {
  std::vector<candle> out;
  for (int m : ms)
    out.push_back(
        {m * minute_ms, 100.0 + m, 101.0 + m, 99.0 + m, 100.5 + m, 1});
  return out;
}

} // namespace

TEST_CASE("gaps are found between candles and described with their ranges") {
  const auto cs = at_minutes({0, 1, 4, 5, 9});
  const auto gaps = find_gaps(cs);
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].from == 2 * minute_ms);
  CHECK(gaps[0].to == 3 * minute_ms);
  CHECK(gaps[0].missing == 2);
  CHECK(gaps[1].missing == 3);
  CHECK(missing_candles(gaps) == 5);
  CHECK(describe_gaps(gaps, 5) ==
        "5 missing 1-minute candles in 2 gaps: 1970-01-01T00:02:00.000Z .. "
        "1970-01-01T00:03:00.000Z (2), 1970-01-01T00:06:00.000Z .. "
        "1970-01-01T00:08:00.000Z (3)");
  CHECK(describe_gaps(gaps, 1).find(" and 1 more") != std::string::npos);
  CHECK(find_gaps(at_minutes({3, 4, 5})).empty());
}

TEST_CASE("filling gaps adds flat zero-volume candles at the previous "
          "close, within a limit") {
  auto cs = at_minutes({0, 3});
  auto filled = fill_gaps(cs, 100, 10);
  REQUIRE(filled);
  CHECK(*filled == 2);
  REQUIRE(cs.size() == 4);
  for (int k : {1, 2}) {
    CHECK(cs[k].ts == k * minute_ms);
    CHECK(cs[k].open == 100.5);
    CHECK(cs[k].low == 100.5);
    CHECK(cs[k].volume == 0);
  }
  CHECK(cs[3].close == 103.5);
  auto far = at_minutes({0, 1000});
  const auto before = far;
  auto refused = fill_gaps(far, 500, 2000);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.err().message,
             Catch::Contains("would exceed the limit of 500 candles"));
  CHECK(far.size() == before.size());
}

TEST_CASE("A gap longer than a fill may be is refused naming the gap, "
          "leaving the candles untouched") {
  auto far = at_minutes({0, 1, 1000});
  const auto before = far;
  auto refused = fill_gaps(far, 100'000, 500);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.err().message,
             Catch::Contains("the gap 1970-01-01T00:02:00.000Z .. "
                             "1970-01-01T16:39:00.000Z (998 missing minutes) "
                             "is longer than a fill may be (500 minutes)"));
  CHECK(far.size() == before.size());
  auto near = at_minutes({0, 1, 499});
  CHECK(fill_gaps(near, 100'000, 500));
}
