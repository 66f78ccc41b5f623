// The sweep's RocksDB state.

#include "runtime/sweep/sweep_state.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include <unistd.h>

using namespace btk;

TEST_CASE("a sweep state keeps results by job id across reopenings and "
          "refuses another sweep's directory") {
  const auto dir = (std::filesystem::temp_directory_path() /
                    ("btk-sweep-state-" + std::to_string(::getpid())))
                       .string();
  std::filesystem::remove_all(dir);
  {
    auto st = sweep_state::open(dir, "sweep A");
    REQUIRE(st);
    CHECK(st->count() == 0);
    auto none = st->find(7);
    REQUIRE(none);
    CHECK_FALSE(*none);
    sweep_result a;
    a.id = 7;
    a.spec = "every-n:n=60";
    a.symbol = "BTCUSDT";
    a.stats = {{"sharpeRatio", 0.5}};
    sweep_result b = a;
    b.id = 1ull << 41;
    REQUIRE(st->put({a, b}));
    CHECK(st->count() == 2);
  }
  auto again = sweep_state::open(dir, "sweep A");
  REQUIRE(again);
  auto got = again->find(7);
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->spec == "every-n:n=60");
  CHECK(stat_number((*got)->stats, "sharpeRatio") == 0.5);
  CHECK(again->count() == 2);
  auto other = sweep_state::open(dir + "-x", "sweep B");
  REQUIRE(other);
  std::filesystem::remove_all(dir + "-x");
  // The same directory for another sweep is refused, naming both.
  { auto moved = std::move(*again); }
  auto wrong = sweep_state::open(dir, "sweep B");
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.err().message, Catch::Contains("belongs to another sweep"));
  std::filesystem::remove_all(dir);
}
