// Tests of the PnL formula (engine.md §6) and the reported entry (§3.6).
// Expected values were computed by hand in exact decimal arithmetic.

#include "core/engine/pnl.hpp"

#include <catch2/catch.hpp>

using namespace btk;

namespace {

pnl_params costs(double fee, double slippage_percent, double leverage = 1,
                 double cost = 100) {
  config c;
  c.percent_fee = fee;
  c.percent_slippage = slippage_percent;
  c.signal_leverage_multiplier = leverage;
  c.position_entry_cost = cost;
  return pnl_params::from(c);
}

} // namespace

TEST_CASE("pnl_params takes slippage as a fraction and the fee as a percent",
          "[pnl]") {
  const auto p = pnl_params::from(config{});
  CHECK(p.slippage == Approx(0.001));
  CHECK(p.fee == 0.1);
  CHECK(p.leverage == 1);
  CHECK(p.cost == 100);
}

TEST_CASE("a long's PnL pays slippage on both prices and the fee on entry "
          "and exit value",
          "[pnl]") {
  const auto p = costs(0.1, 0.1);
  // open 100 -> o' = 100.1; close 101 -> c' = 100.899
  // (100.899 - 100.1) / 100.1 * 100 = 0.798201798...
  // 0.1 * (1 + 100.899 / 100.1)      = 0.200798201...
  // pnl = 0.5974035964035964...
  CHECK(pnl_percent(side::long_, 100, 101, p) ==
        Approx(0.5974035964035964).epsilon(1e-12));
  // A stop at 98: o' = 100.1, c' = 97.902 -> -2.3936083916083916...
  CHECK(pnl_percent(side::long_, 100, 98, p) ==
        Approx(-2.3936083916083916).epsilon(1e-12));
  // Closing at the entry costs 2 * 0.1998... = -0.3996003996...
  CHECK(pnl_percent(side::long_, 100, 100, p) ==
        Approx(-0.3996003996003996).epsilon(1e-12));
}

TEST_CASE("a short's PnL mirrors the slippage and keeps the fee on entry and "
          "exit value",
          "[pnl]") {
  const auto p = costs(0.1, 0.1);
  // open 100 -> o' = 99.9; close 99 -> c' = 99.099
  // (99.9 - 99.099) / 99.9 * 100 = 0.801801801...
  // 0.1 * (1 + 99.099 / 99.9)    = 0.199198198...
  // pnl = 0.6026036036036036...
  CHECK(pnl_percent(side::short_, 100, 99, p) ==
        Approx(0.6026036036036036).epsilon(1e-12));
  // A stop at 102: c' = 102.102 -> -2.4064084084084084...
  CHECK(pnl_percent(side::short_, 100, 102, p) ==
        Approx(-2.4064084084084084).epsilon(1e-12));
}

TEST_CASE("other fee and slippage values enter the formula as given", "[pnl]") {
  // short, fee 0.05 %, slippage 0.2 %: open 200 -> o' = 199.6, close 190 ->
  // c' = 190.38; (199.6 - 190.38) / 199.6 * 100 = 4.619238476...,
  // 0.05 * (1 + 190.38 / 199.6) = 0.097690380...; pnl = 4.521548096192...
  CHECK(pnl_percent(side::short_, 200, 190, costs(0.05, 0.2)) ==
        Approx(4.521548096192385).epsilon(1e-12));
}

TEST_CASE("without fee and slippage the PnL is the raw price move", "[pnl]") {
  const auto p = costs(0, 0);
  CHECK(pnl_percent(side::long_, 100, 110, p) == Approx(10).epsilon(1e-14));
  CHECK(pnl_percent(side::long_, 200, 190, p) == Approx(-5).epsilon(1e-14));
  CHECK(pnl_percent(side::short_, 100, 90, p) == Approx(10).epsilon(1e-14));
  CHECK(pnl_percent(side::short_, 100, 104, p) == Approx(-4).epsilon(1e-14));
  CHECK(pnl_percent(side::long_, 100, 100, p) == 0);
}

TEST_CASE("leverage multiplies the net PnL percentage, costs included",
          "[pnl]") {
  CHECK(pnl_percent(side::long_, 100, 101, costs(0.1, 0.1, 3)) ==
        Approx(3 * 0.5974035964035964).epsilon(1e-12));
  CHECK(pnl_percent(side::short_, 100, 102, costs(0.1, 0.1, 4)) ==
        Approx(4 * -2.4064084084084084).epsilon(1e-12));
  CHECK(pnl_percent(side::long_, 100, 110, costs(0, 0, 5)) ==
        Approx(50).epsilon(1e-14));
}

TEST_CASE("make_pnl reports the cost-scaled PnL and the prices it used",
          "[pnl]") {
  // 2 % on a cost of 250 is 5.
  const auto r = make_pnl(side::long_, 100, 102, costs(0, 0, 1, 250));
  CHECK(r.pnl_percentage == Approx(2).epsilon(1e-14));
  CHECK(r.pnl_cost == Approx(5).epsilon(1e-14));
  CHECK(r.pnl_entries == 250);
  CHECK(r.price_open == 100);
  CHECK(r.price_close == 102);
  // With costs: 0.5974035964... % of 100 is 0.5974035964...
  const auto q = make_pnl(side::long_, 100, 101, costs(0.1, 0.1));
  CHECK(q.pnl_cost == Approx(0.5974035964035964).epsilon(1e-12));
  CHECK(q.pnl_entries == 100);
}

TEST_CASE("effective_entry is cost / (cost / E) and can differ from E in the "
          "last bit",
          "[pnl]") {
  CHECK(effective_entry(100, 100) == 100);
  CHECK(effective_entry(64, 100) == 64);
  // Find an entry where the round trip through the division changes a bit.
  double e = 0;
  for (int k = 1; k < 100000; ++k) {
    const double x = 100 + k / 1000.0;
    if (100 / (100 / x) != x) {
      e = x;
      break;
    }
  }
  REQUIRE(e != 0);
  INFO("E = " << e);
  CHECK(effective_entry(e, 100) != e);
  CHECK(effective_entry(e, 100) == 100 / (100 / e));
  CHECK(effective_entry(e, 100) == Approx(e).epsilon(1e-15));
  // The cost is a parameter, not a constant 100.
  CHECK(effective_entry(e, 1000) == 1000 / (1000 / e));
}
