#include "core/market/time.hpp"

#include <catch2/catch.hpp>

using namespace btk;

TEST_CASE("ISO times and epoch milliseconds read back to the same instant") {
  CHECK(parse_time("2024-03-04T00:05:00.000Z") == 1'709'510'700'000);
  CHECK(parse_time("2024-03-04 00:05") == 1'709'510'700'000);
  CHECK(parse_time("2024-03-04") == 1'709'510'400'000);
  CHECK(parse_time("1709510700000") == 1'709'510'700'000);
  CHECK(parse_time("2024-02-29") == parse_time("2024-03-01").value() - day_ms);
  for (timestamp t : {timestamp{0}, timestamp{1'709'510'700'123}, latest_time})
    CHECK(parse_time(to_iso(t)) == t);
}

TEST_CASE("Days a month does not have and years before 1970 are refused, "
          "never rolled over") {
  // Found by the values fuzzer: year 1012 read as a negative time.
  CHECK_FALSE(parse_time("1012-03-04"));
  CHECK_FALSE(parse_time("1969-12-31T23:59"));
  CHECK_FALSE(parse_time("-1"));
  CHECK_FALSE(parse_time("2024-02-30"));
  CHECK_FALSE(parse_time("2023-02-29"));
  CHECK_FALSE(parse_time("2100-02-29"));
  CHECK(parse_time("2000-02-29"));
  CHECK_FALSE(parse_time("2024-04-31T00:00:00Z"));
  CHECK_FALSE(parse_time("2024-13-01"));
}
