// Parameter grids (`name:key=a|b,key=start..end:step`): lazy expansion,
// exact decimal ranges, error messages, where-filters, sampling and the
// cursor a sweep pulls its jobs from.

#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace btk;

namespace {

// The example: fast 5,10..50 (10 values), slow 20,30..200 (19),
// interval 5m|15m (2), tp and sl fixed (1 each) = 380 points.
constexpr const char* example =
    "sma-cross:fast=5..50:5,slow=20..200:10,interval=5m|15m,tp=1,sl=1";

parameter_grid grid_of(const std::string& text) {
  auto g = parse_grid(text, builtin_strategies());
  INFO(text);
  if (!g)
    FAIL(g.err().message);
  return *g;
}

// The error message of a grid `parse_grid` must refuse.
std::string grid_error(const std::string& text) {
  auto g = parse_grid(text, builtin_strategies());
  INFO(text);
  REQUIRE_FALSE(g);
  return g.err().message;
}

// The error message of a where-expression `parse_where` must refuse.
std::string where_error(const parameter_grid& g, const std::string& expr) {
  auto f = parse_where(expr, g);
  INFO(expr);
  REQUIRE_FALSE(f);
  return f.err().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> axis_texts(const grid_axis& a) {
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < a.size(); ++i)
    out.push_back(a.text_at(i));
  return out;
}

std::vector<std::uint64_t> drain(grid_cursor c) {
  std::vector<std::uint64_t> out;
  while (auto i = c.next())
    out.push_back(*i);
  return out;
}

using texts = std::vector<std::string>;

} // namespace

TEST_CASE("The issue's example grid has 10 x 19 x 2 = 380 points") {
  const auto g = grid_of(example);
  CHECK(g.strategy() == "sma-cross");
  CHECK(g.text() == example);
  REQUIRE(g.axes().size() == 5);
  CHECK(g.axes()[0].key() == "fast");
  CHECK(g.axes()[0].is_range());
  CHECK(g.axes()[0].size() == 10);
  CHECK(g.axes()[1].key() == "slow");
  CHECK(g.axes()[1].size() == 19);
  CHECK(g.axes()[2].key() == "interval");
  CHECK_FALSE(g.axes()[2].is_range());
  CHECK(g.axes()[2].size() == 2);
  CHECK(g.axes()[3].size() == 1);
  CHECK(g.axes()[4].size() == 1);
  CHECK(g.size() == 380);
  CHECK(axis_texts(g.axes()[0]) ==
        texts{"5", "10", "15", "20", "25", "30", "35", "40", "45", "50"});
  CHECK(g.axes()[1].text_at(18) == "200");
}

TEST_CASE("Grid points are numbered with the last key varying fastest") {
  const auto g = grid_of(example);
  CHECK(g.spec_at(0) == "sma-cross:fast=5,slow=20,interval=5m,tp=1,sl=1");
  CHECK(g.spec_at(1) == "sma-cross:fast=5,slow=20,interval=15m,tp=1,sl=1");
  CHECK(g.spec_at(2) == "sma-cross:fast=5,slow=30,interval=5m,tp=1,sl=1");
  // 129 = 3 * 38 + 7 * 2 + 1: fast #3, slow #7, interval #1.
  CHECK(g.spec_at(129) == "sma-cross:fast=20,slow=90,interval=15m,tp=1,sl=1");
  CHECK(g.spec_at(190) == "sma-cross:fast=30,slow=20,interval=5m,tp=1,sl=1");
  CHECK(g.spec_at(379) == "sma-cross:fast=50,slow=200,interval=15m,tp=1,sl=1");
  CHECK(g.coordinate(129, 0) == 3);
  CHECK(g.coordinate(129, 1) == 7);
  CHECK(g.coordinate(129, 2) == 1);
}

TEST_CASE("Keys a grid does not mention keep the strategy's defaults and stay "
          "out of the specs") {
  const auto g = grid_of(example);
  CHECK_FALSE(contains(g.spec_at(5), "minutes"));
  CHECK(g.find("minutes") == nullptr);
  REQUIRE(g.find("slow") != nullptr);
  CHECK(*g.value_at(5, "minutes") == 240);
  CHECK(g.text_at(5, "minutes") == std::string{"240"});
  CHECK(*g.value_at(129, "slow") == 90);
  CHECK(g.text_at(129, "interval") == std::string{"15m"});
  CHECK_FALSE(g.value_at(129, "interval"));
  CHECK_FALSE(g.value_at(129, "nope"));
  CHECK_FALSE(g.text_at(129, "nope"));

  const auto bare = grid_of("every-n");
  CHECK(bare.size() == 1);
  CHECK(bare.axes().empty());
  CHECK(bare.spec_at(0) == "every-n");
}

TEST_CASE("Decimal ranges in a grid give exact decimal points in JavaScript's "
          "shortest form") {
  CHECK(axis_texts(grid_of("every-n:tp=0.1..0.5:0.1").axes()[0]) ==
        texts{"0.1", "0.2", "0.3", "0.4", "0.5"});
  CHECK(axis_texts(grid_of("every-n:sl=0.5..2:0.25").axes()[0]) ==
        texts{"0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"});
  CHECK(axis_texts(grid_of("every-n:tp=0..0.3:0.1").axes()[0]) ==
        texts{"0", "0.1", "0.2", "0.3"});
  CHECK(axis_texts(grid_of("scheduled:offset=-0.2..0.2:0.1").axes()[0]) ==
        texts{"-0.2", "-0.1", "0", "0.1", "0.2"});
  CHECK(axis_texts(grid_of("every-n:tp=1.10..1.3:0.1").axes()[0]) ==
        texts{"1.1", "1.2", "1.3"});
  const auto g = grid_of("every-n:tp=0.1..0.5:0.1");
  CHECK(*g.value_at(2, "tp") == 0.3);
  CHECK(g.spec_at(2) == "every-n:tp=0.3");
}

TEST_CASE(
    "A grid range ends at the last point on its grid at or below the end") {
  CHECK(axis_texts(grid_of("every-n:n=1..10:4").axes()[0]) ==
        texts{"1", "5", "9"});
  CHECK(axis_texts(grid_of("every-n:n=7..7:3").axes()[0]) == texts{"7"});
  CHECK(axis_texts(grid_of("every-n:tp=0.5..1.2:0.5").axes()[0]) ==
        texts{"0.5", "1"});
}

TEST_CASE("Grid alternatives keep their text and order, blanks around them are "
          "dropped") {
  const auto g = grid_of(" every-n : side = long | alt ,tp= 1.50|2 ");
  CHECK(g.size() == 4);
  CHECK(axis_texts(g.axes()[0]) == texts{"long", "alt"});
  CHECK(axis_texts(g.axes()[1]) == texts{"1.50", "2"});
  CHECK(g.spec_at(1) == "every-n:side=long,tp=2");
}

TEST_CASE("A grid of a million points costs no memory up front") {
  const auto g = grid_of("every-n:n=1..1000:1,minutes=1..1000:1");
  CHECK(g.size() == 1'000'000);
  CHECK(g.spec_at(0) == "every-n:n=1,minutes=1");
  CHECK(g.spec_at(999'999) == "every-n:n=1000,minutes=1000");
  CHECK(g.spec_at(1'000) == "every-n:n=2,minutes=1");

  const auto huge =
      grid_of("every-n:n=1..1000000:1,minutes=1..1000000:1,tp=1..1000000:1");
  CHECK(huge.size() == 1'000'000'000'000'000'000ull);
  CHECK(huge.spec_at(huge.size() - 1) ==
        "every-n:n=1000000,minutes=1000000,tp=1000000");
}

TEST_CASE("Malformed grids are errors naming the grid, the item and the "
          "reason") {
  CHECK(contains(grid_error(""), "missing the strategy name"));
  CHECK(contains(grid_error(":n=1..5:1"), "name:key=values"));

  const auto unknown = grid_error("no-such:n=1");
  CHECK(contains(unknown, "parameter grid 'no-such:n=1'"));
  CHECK(contains(unknown, "unknown strategy 'no-such'"));
  CHECK(contains(unknown, "sma-cross"));

  const auto no_value = grid_error("every-n:n=1..5:1,side");
  CHECK(contains(no_value, "parameter grid 'every-n:n=1..5:1,side'"));
  CHECK(contains(no_value, "item 'side'"));
  CHECK(contains(no_value, "has no value"));

  const auto bad_key = grid_error("sma-cross:period=1..5:1");
  CHECK(contains(bad_key, "item 'period=1..5:1'"));
  CHECK(contains(bad_key, "unknown parameter 'period'"));
  for (const char* p :
       {"fast=10", "slow=30", "interval=5m", "tp=1", "sl=1", "minutes=240"})
    CHECK(contains(bad_key, p));

  const auto twice = grid_error("every-n:n=1|2,tp=1,n=3");
  CHECK(contains(twice, "item 'n=3'"));
  CHECK(contains(twice, "'n' is given twice"));

  CHECK(contains(grid_error("every-n:=5"), "missing the parameter name"));
  CHECK(contains(grid_error("every-n:tp="), "has no value"));
  CHECK(contains(grid_error("every-n:tp=1||2"), "alternative is empty"));
  CHECK(contains(grid_error("every-n:tp=1|2|1.0"), "'1.0' is listed twice"));
  CHECK(contains(grid_error("every-n:side=long|up"), "'up'"));
  CHECK(contains(grid_error("every-n:side=long|up"), "long, short or alt"));
  CHECK(contains(grid_error("sma-cross:interval=5m|7m"), "'7m'"));
  CHECK(contains(grid_error("every-n:n=0|5"), "whole number >= 1"));
  CHECK(contains(grid_error("every-n:tp=abc"), "a number (got 'abc')"));
}

TEST_CASE("Malformed grid ranges are errors naming the item and the reason") {
  const auto no_step = grid_error("every-n:n=1..5");
  CHECK(contains(no_step, "item 'n=1..5'"));
  CHECK(contains(no_step, "needs a step"));

  CHECK(contains(grid_error("every-n:n=1..5:0"),
                 "step must be greater than 0 (got '0')"));
  CHECK(contains(grid_error("every-n:tp=1..5:-1"), "greater than 0"));
  CHECK(contains(grid_error("every-n:n=9..5:1"),
                 "start (9) must not exceed the end (5)"));
  CHECK(contains(grid_error("every-n:n=..5:1"), "range start ''"));
  CHECK(contains(grid_error("every-n:tp=1..x:1"), "range end 'x'"));
  CHECK(contains(grid_error("every-n:tp=1..2:1e-1"), "range step '1e-1'"));
  CHECK(contains(grid_error("every-n:tp=1..2:0.5|3"), "mixed with '|'"));
  CHECK(contains(grid_error("sma-cross:interval=1..5:1"),
                 "interval takes one of"));
  CHECK(contains(grid_error("every-n:side=1..5:1"), "cannot be a range"));
  CHECK(contains(grid_error("every-n:n=1..5:0.5"), "whole step"));
  CHECK(contains(grid_error("every-n:n=0..5:1"), "whole number >= 1"));
  CHECK(contains(grid_error("every-n:tp=0..1:0.0000000000000001"),
                 "at most 15 decimals"));
  CHECK(contains(grid_error("every-n:tp=0..10000000000000000000:1"),
                 "at most 18 digits"));
}

TEST_CASE("A grid of more than 2^63 points is an error") {
  const auto msg =
      grid_error("every-n:n=1..1000000:1,minutes=1..1000000:1,tp=1..1000000:1,"
                 "sl=1..10:1");
  CHECK(contains(msg, "more than 2^63 points"));
}

TEST_CASE("A where-filter keeps the grid points where fast < slow") {
  const auto g = grid_of(example);
  auto f = parse_where("fast<slow", g);
  REQUIRE(f);
  // Pairs with fast >= slow: slow 20 (fast 20..50: 7), 30 (5), 40 (3),
  // 50 (1) = 16 of 190, so (190 - 16) * 2 intervals = 348.
  std::uint64_t accepted = 0;
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    const bool ok = f->accepts(g, i);
    CHECK(ok == (*g.value_at(i, "fast") < *g.value_at(i, "slow")));
    accepted += ok ? 1 : 0;
  }
  CHECK(accepted == 348);
  CHECK(drain(grid_cursor{g, *f}).size() == 348);
  CHECK(drain(grid_cursor{g}).size() == 380);
}

TEST_CASE(
    "Grid where-comparisons join with && or a comma and may use defaults and "
    "numbers on either side") {
  const auto g = grid_of(example);
  auto count = [&](const std::string& expr) {
    auto f = parse_where(expr, g);
    INFO(expr);
    REQUIRE(f);
    std::uint64_t n = 0;
    for (std::uint64_t i = 0; i < g.size(); ++i)
      n += f->accepts(g, i) ? 1 : 0;
    return n;
  };
  // slow <= 100: slow 20 (3), 30 (5), 40 (7), 50 (9), 60..100 (5 x 10) =
  // 74 pairs, times 2 intervals.
  CHECK(count("fast<slow && slow<=100") == 148);
  CHECK(count(" fast < slow , slow <= 100 ") == 148);
  CHECK(count("100>=slow&&slow>fast") == 148);
  CHECK(count("fast==25") == 38);
  CHECK(count("fast!=25") == 342);
  CHECK(count("slow>=200") == 20);
  CHECK(count("fast>45") == 38);
  CHECK(count("minutes>100") == 380); // default 240
  CHECK(count("minutes<100") == 0);
  CHECK(count("tp==1") == 380);
  CHECK(grid_filter{}.empty());
  CHECK(grid_filter{}.accepts(g, 7));
}

TEST_CASE(
    "Malformed grid where-expressions are errors naming the comparison and "
    "the reason") {
  const auto g = grid_of(example);
  const auto unknown = where_error(g, "fast<slw");
  CHECK(contains(unknown, "where 'fast<slw'"));
  CHECK(contains(unknown, "comparison 'fast<slw'"));
  CHECK(contains(unknown, "'slw' is neither a number nor a parameter"));
  CHECK(contains(unknown, "fast, slow, tp, sl, minutes"));

  CHECK(contains(where_error(g, "interval<5"), "interval is not numeric"));
  CHECK(contains(where_error(g, ""), "no comparison"));
  CHECK(contains(where_error(g, "fast<slow &&"), "empty comparison"));
  CHECK(contains(where_error(g, "fast<slow,,tp>0"), "empty comparison"));
  CHECK(contains(where_error(g, "fast slow"), "no operator"));
  CHECK(contains(where_error(g, "fast=slow"), "use =="));
  CHECK(contains(where_error(g, "fast!slow"), "!="));
  CHECK(contains(where_error(g, "fast<"), "missing the right side"));
  CHECK(contains(where_error(g, "<slow"), "missing the left side"));
  CHECK(contains(where_error(g, "fast<slow<100"), "one comparison at a time"));
  CHECK(contains(where_error(g, "fast<slow || tp>1"), "join comparisons"));
  CHECK(contains(where_error(g, "fast<slow & tp>1"), "join comparisons"));
  CHECK(contains(where_error(g, "1<2"), "compares two numbers"));
}

TEST_CASE(
    "Grid sampling gives n distinct ascending indices below the size, the "
    "same for the same seed") {
  const auto a = sample_indices(1000, 10, 42);
  REQUIRE(a.size() == 10);
  CHECK(std::set<std::uint64_t>(a.begin(), a.end()).size() == 10);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(a.back() < 1000);
  CHECK(sample_indices(1000, 10, 42) == a);
  CHECK(sample_indices(1000, 10, 43) != a);

  CHECK(sample_indices(5, 5, 1) == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
  CHECK(sample_indices(3, 9, 1) == std::vector<std::uint64_t>{0, 1, 2});
  CHECK(sample_indices(100, 0, 1).empty());
  CHECK(sample_indices(0, 4, 1).empty());

  const auto big = sample_indices(std::uint64_t{1} << 63, 5, 7);
  REQUIRE(big.size() == 5);
  CHECK(std::is_sorted(big.begin(), big.end()));
  CHECK(std::adjacent_find(big.begin(), big.end()) == big.end());

  // Every index turns up across seeds (no index is unreachable).
  std::set<std::uint64_t> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed)
    for (auto i : sample_indices(20, 3, seed))
      seen.insert(i);
  CHECK(seen.size() == 20);
}

TEST_CASE("A grid sample is the same on every platform for a seed") {
  // splitmix64 and Floyd's algorithm fix these values everywhere (checked
  // against an independent Python implementation).
  CHECK(sample_indices(1000, 5, 42) ==
        std::vector<std::uint64_t>{250, 474, 550, 841, 891});
}

TEST_CASE("A sampling grid cursor draws among the accepted points only") {
  const auto g = grid_of(example);
  auto f = parse_where("fast<slow", g);
  REQUIRE(f);
  const auto picks = drain(grid_cursor{g, *f, 20, 9});
  REQUIRE(picks.size() == 20);
  CHECK(std::is_sorted(picks.begin(), picks.end()));
  CHECK(std::set<std::uint64_t>(picks.begin(), picks.end()).size() == 20);
  for (auto i : picks)
    CHECK(f->accepts(g, i));
  CHECK(drain(grid_cursor{g, *f, 20, 9}) == picks);
  CHECK(drain(grid_cursor{g, *f, 20, 10}) != picks);

  // Asking for more than exist gives every accepted point.
  CHECK(drain(grid_cursor{g, *f, 1000, 9}) == drain(grid_cursor{g, *f}));

  // Without a filter the sample is drawn from the indices directly.
  CHECK(drain(grid_cursor{g, {}, 20, 9}) == sample_indices(380, 20, 9));

  // A sample from a grid far too large to walk.
  const auto huge =
      grid_of("every-n:n=1..1000000:1,minutes=1..1000000:1,tp=1..1000000:1");
  const auto few = drain(grid_cursor{huge, {}, 3, 1});
  REQUIRE(few.size() == 3);
  CHECK(few.back() < huge.size());
}

TEST_CASE("Every grid spec the constraints accept builds with the "
          "registry") {
  const auto& reg = builtin_strategies();
  const auto g = grid_of(example);
  auto f = parse_where("fast<slow", g);
  REQUIRE(f);
  std::uint64_t built = 0;
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    const auto spec = g.spec_at(i);
    INFO(spec);
    auto made = reg.make(spec);
    // sma-cross itself refuses fast >= slow, exactly what the filter drops.
    CHECK(static_cast<bool>(made) == f->accepts(g, i));
    built += made ? 1 : 0;
  }
  CHECK(built == 348);

  for (const char* text :
       {"every-n:n=1..120:7,side=long|short|alt,tp=0.1..2:0.3,sl=0.5|1",
        "scheduled:offset=-0.5..0.5:0.05,minutes=30..600:30",
        "rsi-reversion:period=2..30:4,interval=1m|3m|5m|15m|30m|1h,"
        "oversold=10..40:2.5",
        "donchian-breakout:period=5..100:5,tp=0.25..3:0.25,sl=0.5..1.5:0."
        "125"}) {
    const auto grid = grid_of(text);
    for (std::uint64_t i = 0; i < grid.size(); ++i) {
      const auto spec = grid.spec_at(i);
      INFO(spec);
      CHECK(reg.make(spec));
    }
  }
}

TEST_CASE("an empty grid item between commas is an error, not skipped") {
  CHECK(contains(grid_error("every-n:n=5..10:5,,side=long"),
                 "an empty item between commas"));
  CHECK(contains(grid_error("every-n:,n=5..10:5"), "an empty item"));
}
