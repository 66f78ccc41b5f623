// Tests of the risk validations and the shared risk book (seed-era.md
// §13.1). Times are small integers: only their order matters.

#include "core/risk/risk.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace btk;

namespace {

/// "strategy:symbol" of each position, in order.
std::vector<std::string> keys(const std::vector<risk_position>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps)
    out.push_back(p.strategy + ":" + p.symbol);
  return out;
}

using names = std::vector<std::string>;

} // namespace

// ---------------------------------------------------------- check_risk ---

TEST_CASE("no validations always allow", "[risk]") {
  const auto d = check_risk({}, risk_args{});
  CHECK(d.allowed);
  CHECK(d.comment.empty());
  CHECK(d.error.empty());
}

TEST_CASE("validations run in order and the first rejection stops the "
          "rest",
          "[risk]") {
  std::vector<int> ran;
  std::vector<risk_validation> vs{
      {[&](const risk_args&) {
         ran.push_back(0);
         return true;
       },
       "first"},
      {[&](const risk_args& a) {
         ran.push_back(1);
         return a.active_position_count < 2;
       },
       "at most 2 positions"},
      {[&](const risk_args&) {
         ran.push_back(2);
         return true;
       },
       "third"},
  };
  risk_args args;
  args.active_position_count = 1;
  auto d = check_risk(vs, args);
  CHECK(d.allowed);
  CHECK(ran == std::vector<int>{0, 1, 2});
  ran.clear();
  args.active_position_count = 2;
  d = check_risk(vs, args);
  CHECK_FALSE(d.allowed);
  CHECK(d.failed == 1);
  CHECK(d.comment == "at most 2 positions");
  CHECK(d.error.empty());
  CHECK(ran == std::vector<int>{0, 1});
}

TEST_CASE("a validation that throws rejects with its note and keeps the "
          "exception text",
          "[risk]") {
  std::vector<risk_validation> vs{
      {[](const risk_args&) -> bool { throw std::runtime_error("too many"); },
       ""},
  };
  auto d = check_risk(vs, risk_args{});
  CHECK_FALSE(d.allowed);
  CHECK(d.failed == 0);
  CHECK(d.comment == "N/A"); // no note
  CHECK(d.error == "too many");
  vs[0].note = "max 3 positions";
  d = check_risk(vs, risk_args{});
  CHECK(d.comment == "max 3 positions");
  CHECK(d.error == "too many");
  // Throwing something that is not a std::exception also rejects.
  vs[0] = {[](const risk_args&) -> bool { throw 42; }, "odd"};
  d = check_risk(vs, risk_args{});
  CHECK_FALSE(d.allowed);
  CHECK(d.comment == "odd");
  CHECK(d.error == "unknown exception");
}

TEST_CASE("a validation without a function rejects", "[risk]") {
  std::vector<risk_validation> vs{
      {[](const risk_args&) { return true; }, "ok"},
      {nullptr, ""},
  };
  const auto d = check_risk(vs, risk_args{});
  CHECK_FALSE(d.allowed);
  CHECK(d.failed == 1);
  CHECK(d.comment == "N/A");
  CHECK(d.error == "validation 1 has no function");
}

// ----------------------------------------------------------- risk_book ---

TEST_CASE("the risk book lists open positions oldest first with their "
          "details",
          "[risk]") {
  risk_book b;
  b.open("a", "BTCUSDT", "binance", 10, 0);
  b.open("b", "ETHUSDT", "binance", 20, 1);
  b.open("a", "ETHUSDT", "kraken", 30, 0);
  CHECK(b.size() == 3);
  const auto ps = b.active_at(100, 0);
  CHECK(keys(ps) == names{"a:BTCUSDT", "b:ETHUSDT", "a:ETHUSDT"});
  CHECK(ps[2].exchange == "kraken");
  CHECK(ps[2].open_timestamp == 30);
  // Live use: every position still open.
  CHECK(keys(b.active_at(risk_book::still_open, 0)) ==
        names{"a:BTCUSDT", "b:ETHUSDT", "a:ETHUSDT"});
  // Before 20 only the first is open; at 20 rank 0 does not see rank 1's.
  CHECK(keys(b.active_at(15, 0)) == names{"a:BTCUSDT"});
  CHECK(keys(b.active_at(20, 0)) == names{"a:BTCUSDT"});
}

TEST_CASE("at equal timestamps an instance sees only the positions opened "
          "by lower ranks",
          "[risk]") {
  risk_book b;
  b.open("s1", "X", "e", 50, 1);
  b.open("s2", "Y", "e", 50, 3);
  // Rank 0 at 50: neither (both ranks are higher).
  CHECK(b.active_at(50, 0).empty());
  // Rank 1 at 50: not its own rank either.
  CHECK(b.active_at(50, 1).empty());
  // Rank 2 at 50: rank 1's only.
  CHECK(keys(b.active_at(50, 2)) == names{"s1:X"});
  // Rank 4 at 50: both, rank 1's first.
  CHECK(keys(b.active_at(50, 4)) == names{"s1:X", "s2:Y"});
  // After 50 every rank sees both.
  CHECK(keys(b.active_at(51, 0)) == names{"s1:X", "s2:Y"});
}

TEST_CASE("a position closed at t is no longer open at t for any rank",
          "[risk]") {
  risk_book b;
  b.open("s", "X", "e", 10, 5);
  b.close("s", "X", 20);
  CHECK(keys(b.active_at(19, 0)) == names{"s:X"});
  CHECK(b.active_at(20, 0).empty());
  CHECK(b.active_at(20, 9).empty());
  CHECK(b.active_at(21, 0).empty());
  // Still kept for readers at earlier times.
  CHECK(b.size() == 1);
  // Closing an unknown or already closed position changes nothing.
  b.close("s", "X", 30);
  b.close("t", "X", 30);
  CHECK(keys(b.active_at(19, 0)) == names{"s:X"});
  CHECK(b.active_at(25, 0).empty());
}

TEST_CASE("the listing order is the simulated insertion order whatever "
          "order concurrent runs record in",
          "[risk]") {
  // A fast run records its open at 30 before a slow run records its open at
  // 10; a reader at 40 sees the one opened at 10 first, as a time-ordered
  // run would have inserted it.
  risk_book b;
  b.open("fast", "X", "e", 30, 0);
  b.open("slow", "Y", "e", 10, 1);
  CHECK(keys(b.active_at(40, 0)) == names{"slow:Y", "fast:X"});
  // Same time: by rank, then by arrival.
  b.open("r2", "Z", "e", 35, 2);
  b.open("r1", "Z", "e", 35, 1);
  b.open("r1", "W", "e", 35, 1);
  CHECK(keys(b.active_at(40, 0)) ==
        names{"slow:Y", "fast:X", "r1:Z", "r1:W", "r2:Z"});
}

TEST_CASE("re-opening a strategy and symbol replaces its entry", "[risk]") {
  risk_book b;
  b.open("a", "X", "e", 10, 0);
  b.open("b", "X", "e", 20, 0);
  b.close("a", "X", 30);
  b.open("a", "X", "e2", 40, 0);
  CHECK(b.size() == 2);
  // One entry per strategy x symbol: the old interval [10, 30) is gone.
  CHECK(keys(b.active_at(25, 0)) == names{"b:X"});
  const auto ps = b.active_at(50, 0);
  // Re-opened after b's open: listed after it (the reference deletes on
  // close and re-inserts at the end).
  CHECK(keys(ps) == names{"b:X", "a:X"});
  CHECK(ps[1].exchange == "e2");
  CHECK(ps[1].open_timestamp == 40);
}

TEST_CASE("forgetting closed positions drops those closed at or before t "
          "and keeps the order of the rest",
          "[risk]") {
  risk_book b;
  b.open("a", "X", "e", 10, 0);
  b.open("b", "X", "e", 11, 0);
  b.open("c", "X", "e", 12, 0);
  b.open("d", "X", "e", 13, 0);
  b.close("a", "X", 20);
  b.close("c", "X", 25);
  b.forget_closed_before(20); // a (closed at 20) goes, c (25) stays
  CHECK(b.size() == 3);
  CHECK(keys(b.active_at(22, 0)) == names{"b:X", "c:X", "d:X"});
  b.forget_closed_before(risk_book::still_open); // every closed entry
  CHECK(b.size() == 2);
  CHECK(keys(b.active_at(100, 0)) == names{"b:X", "d:X"});
  // A forgotten key can be opened again.
  b.open("a", "X", "e", 101, 0);
  CHECK(keys(b.active_at(102, 0)) == names{"b:X", "d:X", "a:X"});
}

TEST_CASE("names containing a colon do not collide", "[risk]") {
  risk_book b;
  b.open("a:b", "c", "e", 1, 0);
  b.open("a", "b:c", "e", 2, 0);
  CHECK(b.size() == 2);
  b.close("a", "b:c", 3);
  CHECK(keys(b.active_at(4, 0)) == names{"a:b:c"});
  CHECK(b.active_at(4, 0)[0].strategy == "a:b");
}
