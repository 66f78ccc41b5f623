// Tests of position sizing (seed-era.md §13.2). Expected values are written
// with the reference's order of operations; the compiler folds them in IEEE
// double (no FMA contraction), so they must match bit for bit.

#include "core/risk/sizing.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace btk;

namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

sizing_params make_ok(const sizing_options& o) {
  auto p = sizing_params::make(o);
  INFO((p.has_value() ? std::string{} : p.err().message));
  REQUIRE(p.has_value());
  return *p;
}

sizing_options opts(sizing_method m) {
  sizing_options o;
  o.method = m;
  return o;
}

sizing_input fixed_in(double balance, double open, double stop) {
  sizing_input in;
  in.method = sizing_method::fixed_percentage;
  in.balance = balance;
  in.price_open = open;
  in.price_stop_loss = stop;
  return in;
}

sizing_input kelly_in(double balance, double open, double w, double r) {
  sizing_input in;
  in.method = sizing_method::kelly_criterion;
  in.balance = balance;
  in.price_open = open;
  in.win_rate = w;
  in.win_loss_ratio = r;
  return in;
}

sizing_input atr_in(double balance, double open, double atr) {
  sizing_input in;
  in.method = sizing_method::atr_based;
  in.balance = balance;
  in.price_open = open;
  in.atr = atr;
  return in;
}

double size_ok(const sizing_params& p, const sizing_input& in) {
  auto q = position_size(p, in);
  INFO((q.has_value() ? std::string{} : q.err().message));
  REQUIRE(q.has_value());
  return *q;
}

std::string size_err(const sizing_params& p, const sizing_input& in) {
  auto q = position_size(p, in);
  REQUIRE_FALSE(q.has_value());
  return q.err().message;
}

} // namespace

TEST_CASE("sizing method names round-trip and unknown names list the known "
          "ones",
          "[sizing]") {
  for (auto m : {sizing_method::fixed_percentage,
                 sizing_method::kelly_criterion, sizing_method::atr_based}) {
    auto back = parse_sizing_method(to_string(m));
    REQUIRE(back.has_value());
    CHECK(*back == m);
  }
  CHECK(to_string(sizing_method::fixed_percentage) == "fixed-percentage");
  CHECK(to_string(sizing_method::kelly_criterion) == "kelly-criterion");
  CHECK(to_string(sizing_method::atr_based) == "atr-based");
  auto bad = parse_sizing_method("kelly");
  REQUIRE_FALSE(bad.has_value());
  CHECK(contains(bad.err().message, "'kelly'"));
  CHECK(contains(bad.err().message, "atr-based"));
}

TEST_CASE("the sizing options default to the reference's values", "[sizing]") {
  const sizing_options o;
  CHECK(o.method == sizing_method::fixed_percentage);
  CHECK(o.risk_percentage == 1);
  CHECK(o.kelly_multiplier == 0.25);
  CHECK(o.atr_multiplier == 2);
  CHECK_FALSE(o.max_position_percentage);
  CHECK_FALSE(o.min_position_size);
  CHECK_FALSE(o.max_position_size);
  CHECK(sizing_params::make(o).has_value());
}

TEST_CASE("an invalid sizing schema reports every bad field with its value",
          "[sizing]") {
  sizing_options o;
  o.risk_percentage = -1;
  o.kelly_multiplier = 0;
  o.atr_multiplier = -2;
  o.max_position_percentage = -5;
  o.min_position_size = 3;
  o.max_position_size = 2;
  auto p = sizing_params::make(o);
  REQUIRE_FALSE(p.has_value());
  const auto& msg = p.err().message;
  CHECK(contains(msg, "risk_percentage must be a finite number >= 0 (got -1)"));
  CHECK(contains(msg, "kelly_multiplier must be a finite number > 0 (got 0)"));
  CHECK(contains(msg, "atr_multiplier must be a finite number > 0 (got -2)"));
  CHECK(contains(msg, "max_position_percentage must be a finite number >= 0 "
                      "(got -5)"));
  CHECK(contains(msg, "min_position_size (3) must be <= max_position_size "
                      "(2)"));
  sizing_options nan_opts;
  nan_opts.min_position_size = std::numeric_limits<double>::quiet_NaN();
  auto q = sizing_params::make(nan_opts);
  REQUIRE_FALSE(q.has_value());
  CHECK(contains(q.err().message, "min_position_size"));
  CHECK(contains(q.err().message, "NaN"));
}

TEST_CASE("fixed-percentage risks a share of the balance over the stop "
          "distance",
          "[sizing]") {
  auto o = opts(sizing_method::fixed_percentage);
  o.risk_percentage = 2;
  const auto p = make_ok(o);
  // 10000 * (2 / 100) = 200 at risk; |50000 - 49000| = 1000; 200 / 1000 = 0.2
  CHECK(size_ok(p, fixed_in(10000, 50000, 49000)) ==
        10000 * (2.0 / 100) / 1000);
  CHECK(size_ok(p, fixed_in(10000, 50000, 49000)) == Approx(0.2));
  // A short's stop above the entry: |50000 - 51000| = 1000, same size.
  CHECK(size_ok(p, fixed_in(10000, 50000, 51000)) ==
        size_ok(p, fixed_in(10000, 50000, 49000)));
  // 1000 * (1 / 100) = 10 at risk over |100 - 95| = 5: 2 exactly.
  o.risk_percentage = 1;
  CHECK(size_ok(make_ok(o), fixed_in(1000, 100, 95)) == 2);
}

TEST_CASE("kelly-criterion takes a fraction of the Kelly bet and never a "
          "negative one",
          "[sizing]") {
  const auto p = make_ok(opts(sizing_method::kelly_criterion));
  // W = 0.6, R = 2: k = (0.6 * 2 - (1 - 0.6)) / 2 = (1.2 - 0.4) / 2 = 0.4;
  // 10000 * (0.4 * 0.25) / 50000 = 1000 / 50000 = 0.02 (in double both
  // steps round: 0.39999999999999997 and 0.019999999999999997).
  const double k = (0.6 * 2 - (1 - 0.6)) / 2;
  CHECK(size_ok(p, kelly_in(10000, 50000, 0.6, 2)) ==
        10000 * (k * 0.25) / 50000);
  CHECK(size_ok(p, kelly_in(10000, 50000, 0.6, 2)) == Approx(0.02));
  // W = 0.3, R = 1: k = (0.3 - 0.7) / 1 = -0.4 -> max(0, k) = 0.
  CHECK(size_ok(p, kelly_in(10000, 50000, 0.3, 1)) == 0);
  // Half Kelly: 10000 * (0.4 * 0.5) / 50000 = 0.04.
  auto o = opts(sizing_method::kelly_criterion);
  o.kelly_multiplier = 0.5;
  CHECK(size_ok(make_ok(o), kelly_in(10000, 50000, 0.6, 2)) ==
        10000 * (k * 0.5) / 50000);
}

TEST_CASE("atr-based risks a share of the balance over a multiple of the "
          "ATR",
          "[sizing]") {
  auto o = opts(sizing_method::atr_based);
  o.risk_percentage = 2;
  // 10000 * (2 / 100) = 200 over 500 * 2 = 1000: 0.2
  CHECK(size_ok(make_ok(o), atr_in(10000, 50000, 500)) ==
        10000 * (2.0 / 100) / (500.0 * 2));
  o.atr_multiplier = 4;
  // 200 over 500 * 4 = 2000: 0.1
  CHECK(size_ok(make_ok(o), atr_in(10000, 50000, 500)) == Approx(0.1));
}

TEST_CASE("the clamps apply in the seed order: percentage cap, then floor, "
          "then cap",
          "[sizing]") {
  auto o = opts(sizing_method::fixed_percentage);
  o.risk_percentage = 2;
  // Unclamped: 0.2 (see above).
  o.max_position_percentage = 10;
  // 10000 * 10 / 100 / 50000 = 1000 / 50000 = 0.02 < 0.2
  CHECK(size_ok(make_ok(o), fixed_in(10000, 50000, 49000)) ==
        10000.0 * 10 / 100 / 50000);
  // The floor comes after the percentage cap, so it wins over it:
  // max(0.02, 0.05) = 0.05 (the later reference applies the floor first and
  // would give 0.02).
  o.min_position_size = 0.05;
  CHECK(size_ok(make_ok(o), fixed_in(10000, 50000, 49000)) == 0.05);
  // The absolute cap comes last: with the floor 0.05 a cap of 0.06 keeps
  // min(0.05, 0.06) = 0.05; without a floor a cap of 0.01 gives
  // min(0.02, 0.01) = 0.01.
  o.max_position_size = 0.06;
  CHECK(size_ok(make_ok(o), fixed_in(10000, 50000, 49000)) == 0.05);
  o.min_position_size.reset();
  o.max_position_size = 0.01;
  CHECK(size_ok(make_ok(o), fixed_in(10000, 50000, 49000)) == 0.01);
  // A floor above the raw size lifts it: max(0.2, 1) = 1.
  auto f = opts(sizing_method::fixed_percentage);
  f.risk_percentage = 2;
  f.min_position_size = 1;
  CHECK(size_ok(make_ok(f), fixed_in(10000, 50000, 49000)) == 1);
}

TEST_CASE("a sizing call with bad inputs names the problem", "[sizing]") {
  const auto fixed = make_ok(opts(sizing_method::fixed_percentage));
  const auto kelly = make_ok(opts(sizing_method::kelly_criterion));
  const auto atr = make_ok(opts(sizing_method::atr_based));
  CHECK(size_err(fixed, kelly_in(10000, 50000, 0.6, 2)) ==
        "sizing method kelly-criterion was asked for, but the schema uses "
        "fixed-percentage");
  CHECK(contains(size_err(fixed, fixed_in(10000, 50000, 50000)),
                 "stop-loss distance is zero"));
  CHECK(contains(size_err(kelly, kelly_in(10000, 50000, 0, 2)),
                 "win_rate must be between 0 and 1, exclusive (got 0)"));
  CHECK(contains(size_err(kelly, kelly_in(10000, 50000, 1, 2)),
                 "win_rate must be between 0 and 1, exclusive (got 1)"));
  CHECK(contains(size_err(kelly, kelly_in(10000, 50000, 0.5, 0)),
                 "win_loss_ratio must be a finite number > 0 (got 0)"));
  CHECK(contains(size_err(atr, atr_in(10000, 50000, -1)),
                 "atr must be a finite number > 0 (got -1)"));
  CHECK(contains(size_err(atr, atr_in(0, 50000, 10)),
                 "balance must be a finite number > 0 (got 0)"));
  CHECK(contains(size_err(atr, atr_in(10000, -3, 10)),
                 "price_open must be a finite number > 0 (got -3)"));
  CHECK(contains(size_err(fixed, fixed_in(10000, 50000, 0)),
                 "price_stop_loss must be a finite number > 0 (got 0)"));
}
