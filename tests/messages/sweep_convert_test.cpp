// Sweep records survive their Cap'n Proto encoding bit for bit, and bad
// bytes are refused with a reason.

#include "messages/sweep_convert.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <limits>

using namespace btk;

TEST_CASE("a sweep result round-trips through Cap'n Proto with every value "
          "kind") {
  sweep_result r;
  r.id = (std::uint64_t{3} << 40) + 17;
  r.spec = "sma-cross:fast=5,slow=30";
  r.symbol = "BTCUSDT";
  r.window = 3;
  r.stats = {{"totalSignals", std::int64_t{42}},
             {"sharpeRatio", 0.1 + 0.2},
             {"annualizedSharpeRatio", stat_value{}},
             {"trend", std::string{"up"}},
             {"avgPnl", -std::numeric_limits<double>::denorm_min()}};
  const auto bytes = encode_sweep_result(r);
  auto back = decode_sweep_result(bytes);
  REQUIRE(back);
  CHECK(back->id == r.id);
  CHECK(back->spec == r.spec);
  CHECK(back->symbol == r.symbol);
  CHECK(back->window == 3);
  CHECK(back->error.empty());
  REQUIRE(back->stats.size() == r.stats.size());
  for (std::size_t i = 0; i < r.stats.size(); ++i) {
    CHECK(back->stats[i].first == r.stats[i].first);
    CHECK(back->stats[i].second.index() == r.stats[i].second.index());
  }
  const double d = std::get<double>(back->stats[1].second);
  CHECK(std::memcmp(&d, &std::get<double>(r.stats[1].second), sizeof d) == 0);
  CHECK(stat_number(back->stats, "sharpeRatio") == 0.1 + 0.2);
  CHECK(stat_number(back->stats, "totalSignals") == 42);
  CHECK_FALSE(stat_number(back->stats, "annualizedSharpeRatio"));
  CHECK_FALSE(stat_number(back->stats, "trend"));
}

TEST_CASE("a sweep job round-trips and bad bytes are refused") {
  sweep_job j;
  j.id = 9;
  j.spec = "every-n:n=60";
  j.symbol = "ETHUSDT";
  j.window = 1;
  j.frame = {1'704'067'200'000, 1'704'153'600'000, interval::m5};
  auto back = decode_sweep_job(encode_sweep_job(j));
  REQUIRE(back);
  CHECK(back->id == 9);
  CHECK(back->spec == j.spec);
  CHECK(back->frame.start == j.frame.start);
  CHECK(back->frame.end == j.frame.end);
  CHECK(back->frame.iv == interval::m5);
  auto bad = decode_sweep_result("not capnp");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.err().message, Catch::Contains("not a Cap'n Proto message"));
}
