// Tests of signal validation (engine.md §3.4).

#include "core/engine/validation.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace btk;

namespace {

signal_request long_req(double tp, double sl, double minutes = 60) {
  signal_request r;
  r.position = side::long_;
  r.price_take_profit = tp;
  r.price_stop_loss = sl;
  r.minute_estimated_time = minutes;
  return r;
}

signal_request short_req(double tp, double sl, double minutes = 60) {
  signal_request r = long_req(tp, sl, minutes);
  r.position = side::short_;
  return r;
}

signal_rule check(const signal_request& r, double entry, const config& cfg) {
  std::int64_t minutes = -1;
  return validate_signal(r, entry, cfg, minutes);
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

const double qnan = std::numeric_limits<double>::quiet_NaN();
const double inf_ = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("a long and a short with sane levels pass validation and keep their "
          "lifetime",
          "[validation]") {
  config cfg;
  std::int64_t minutes = 0;
  CHECK(validate_signal(long_req(101, 99, 45), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 45);
  CHECK(validate_signal(short_req(99, 101, 30), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 30);
  CHECK(describe_rejection(signal_rule::ok, long_req(101, 99), 100, cfg) ==
        "signal accepted");
}

TEST_CASE("a request without minuteEstimatedTime gets "
          "CC_MAX_SIGNAL_LIFETIME_MINUTES as its lifetime",
          "[validation]") {
  config cfg;
  std::int64_t minutes = 0;
  CHECK(validate_signal(long_req(101, 99, qnan), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 1440);
  cfg.max_signal_lifetime_minutes = 240;
  CHECK(validate_signal(short_req(99, 101, qnan), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 240);
}

TEST_CASE("a disabled side is rejected and the reason names its switch",
          "[validation]") {
  config cfg;
  cfg.enable_long_signal = false;
  CHECK(check(long_req(101, 99), 100, cfg) == signal_rule::side_disabled);
  CHECK(check(short_req(99, 101), 100, cfg) == signal_rule::ok);
  CHECK(contains(describe_rejection(signal_rule::side_disabled,
                                    long_req(101, 99), 100, cfg),
                 "CC_ENABLE_LONG_SIGNAL"));

  config cfg2;
  cfg2.enable_short_signal = false;
  CHECK(check(short_req(99, 101), 100, cfg2) == signal_rule::side_disabled);
  CHECK(check(long_req(101, 99), 100, cfg2) == signal_rule::ok);
  CHECK(contains(describe_rejection(signal_rule::side_disabled,
                                    short_req(99, 101), 100, cfg2),
                 "CC_ENABLE_SHORT_SIGNAL"));
}

TEST_CASE("prices that are zero, negative or not finite are rejected",
          "[validation]") {
  config cfg;
  CHECK(check(long_req(0, 99), 100, cfg) == signal_rule::price_not_positive);
  CHECK(check(long_req(101, -1), 100, cfg) == signal_rule::price_not_positive);
  CHECK(check(long_req(101, qnan), 100, cfg) ==
        signal_rule::price_not_positive);
  CHECK(check(long_req(inf_, 99), 100, cfg) == signal_rule::price_not_positive);
  CHECK(check(long_req(101, 99), 0, cfg) == signal_rule::price_not_positive);
  CHECK(check(short_req(99, inf_), 100, cfg) ==
        signal_rule::price_not_positive);
  CHECK(check(short_req(-99, 101), 100, cfg) ==
        signal_rule::price_not_positive);
  CHECK(check(short_req(99, 101), qnan, cfg) ==
        signal_rule::price_not_positive);
  const auto text = describe_rejection(signal_rule::price_not_positive,
                                       long_req(101, -1), 100, cfg);
  CHECK(contains(text, "> 0"));
  CHECK(contains(text, "-1"));
}

TEST_CASE("a long needs SL < entry < TP and a short TP < entry < SL",
          "[validation]") {
  config cfg;
  // Long: stop above the entry, target below, or either equal to it.
  CHECK(check(long_req(101, 99), 100, cfg) == signal_rule::ok);
  CHECK(check(short_req(99, 101), 100, cfg) == signal_rule::ok);
  CHECK(check(long_req(99, 98), 100, cfg) == signal_rule::price_order);
  CHECK(check(long_req(102, 101), 100, cfg) == signal_rule::price_order);
  CHECK(check(long_req(102, 100), 100, cfg) == signal_rule::price_order);
  CHECK(check(long_req(100, 99), 100, cfg) == signal_rule::price_order);
  // A short with long-style levels.
  CHECK(check(short_req(101, 99), 100, cfg) == signal_rule::price_order);
  CHECK(check(short_req(100, 101), 100, cfg) == signal_rule::price_order);
  CHECK(check(short_req(99, 100), 100, cfg) == signal_rule::price_order);

  const auto l =
      describe_rejection(signal_rule::price_order, long_req(99, 98), 100, cfg);
  CHECK(contains(l, "stop-loss < entry < take-profit"));
  CHECK(contains(l, "98"));
  CHECK(contains(l, "99"));
  CHECK(contains(l, "100"));
  const auto s = describe_rejection(signal_rule::price_order,
                                    short_req(101, 99), 100, cfg);
  CHECK(contains(s, "take-profit < entry < stop-loss"));
}

TEST_CASE("a take-profit closer than CC_MIN_TAKEPROFIT_DISTANCE_PERCENT is "
          "rejected on both sides",
          "[validation]") {
  config cfg; // min TP 0.5 %
  // Long: (100.4 - 100) / 100 * 100 = 0.4 < 0.5; (100.6 - 100) = 0.6 passes.
  CHECK(check(long_req(100.4, 99), 100, cfg) ==
        signal_rule::take_profit_too_close);
  CHECK(check(long_req(100.6, 99), 100, cfg) == signal_rule::ok);
  // Short: (100 - 99.6) / 100 * 100 = 0.4 < 0.5; 99.4 -> 0.6 passes.
  CHECK(check(short_req(99.6, 101), 100, cfg) ==
        signal_rule::take_profit_too_close);
  CHECK(check(short_req(99.4, 101), 100, cfg) == signal_rule::ok);
  // The limit is read from the config.
  cfg.min_takeprofit_distance_percent = 0.7;
  CHECK(check(long_req(100.6, 99), 100, cfg) ==
        signal_rule::take_profit_too_close);

  const auto text = describe_rejection(signal_rule::take_profit_too_close,
                                       long_req(100.6, 99), 100, cfg);
  CHECK(contains(text, "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  CHECK(contains(text, "0.7"));
  CHECK(contains(text, "100.6"));
}

TEST_CASE("a stop-loss closer than CC_MIN_STOPLOSS_DISTANCE_PERCENT is "
          "rejected on both sides",
          "[validation]") {
  config cfg; // min SL 0.5 %
  // Long: (100 - 99.6) / 100 * 100 = 0.4; short: (100.4 - 100) = 0.4.
  CHECK(check(long_req(101, 99.6), 100, cfg) ==
        signal_rule::stop_loss_too_close);
  CHECK(check(long_req(101, 99.4), 100, cfg) == signal_rule::ok);
  CHECK(check(short_req(99, 100.4), 100, cfg) ==
        signal_rule::stop_loss_too_close);
  CHECK(check(short_req(99, 100.6), 100, cfg) == signal_rule::ok);

  const auto text = describe_rejection(signal_rule::stop_loss_too_close,
                                       short_req(99, 100.4), 100, cfg);
  CHECK(contains(text, "CC_MIN_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(text, "0.5"));
  CHECK(contains(text, "100.4"));
}

TEST_CASE("a stop-loss farther than CC_MAX_STOPLOSS_DISTANCE_PERCENT is "
          "rejected on both sides",
          "[validation]") {
  config cfg; // max SL 20 %
  // Long: (100 - 75) / 100 * 100 = 25 > 20; 85 -> 15 passes.
  CHECK(check(long_req(101, 75), 100, cfg) == signal_rule::stop_loss_too_far);
  CHECK(check(long_req(101, 85), 100, cfg) == signal_rule::ok);
  // Short: (125 - 100) / 100 * 100 = 25 > 20; 115 -> 15 passes.
  CHECK(check(short_req(99, 125), 100, cfg) == signal_rule::stop_loss_too_far);
  CHECK(check(short_req(99, 115), 100, cfg) == signal_rule::ok);

  const auto text = describe_rejection(signal_rule::stop_loss_too_far,
                                       long_req(101, 75), 100, cfg);
  CHECK(contains(text, "CC_MAX_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(text, "20"));
  CHECK(contains(text, "25"));
  CHECK(contains(text, "75"));
}

TEST_CASE("the distances are measured from the entry price that is passed, "
          "not from a fixed price",
          "[validation]") {
  config cfg;
  // TP 101 is 1 % above 100 but only (101 - 100.7) / 100.7 * 100 = 0.298 %
  // above 100.7.
  CHECK(check(long_req(101, 99), 100, cfg) == signal_rule::ok);
  CHECK(check(long_req(101, 99), 100.7, cfg) ==
        signal_rule::take_profit_too_close);
}

TEST_CASE("minuteEstimatedTime must be a positive integer no larger than "
          "CC_MAX_SIGNAL_LIFETIME_MINUTES",
          "[validation]") {
  config cfg;
  for (double bad : {0.0, -5.0, 1.5, 0.25, inf_, -inf_}) {
    INFO("minutes " << bad);
    CHECK(check(long_req(101, 99, bad), 100, cfg) ==
          signal_rule::lifetime_not_positive_integer);
  }
  CHECK(check(short_req(99, 101, 1441), 100, cfg) ==
        signal_rule::lifetime_too_long);
  std::int64_t minutes = 0;
  CHECK(validate_signal(short_req(99, 101, 1440), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 1440);
  CHECK(validate_signal(long_req(101, 99, 1), 100, cfg, minutes) ==
        signal_rule::ok);
  CHECK(minutes == 1);

  const auto too_long = describe_rejection(signal_rule::lifetime_too_long,
                                           short_req(99, 101, 1441), 100, cfg);
  CHECK(contains(too_long, "CC_MAX_SIGNAL_LIFETIME_MINUTES"));
  CHECK(contains(too_long, "1441"));
  CHECK(contains(too_long, "1440"));
  const auto not_int =
      describe_rejection(signal_rule::lifetime_not_positive_integer,
                         long_req(101, 99, 1.5), 100, cfg);
  CHECK(contains(not_int, "positive integer"));
  CHECK(contains(not_int, "1.5"));
}

TEST_CASE("a limit set to 0 switches its check off", "[validation]") {
  SECTION("min take-profit distance") {
    config cfg;
    cfg.min_takeprofit_distance_percent = 0;
    // (100.01 - 100) / 100 * 100 = 0.01 %
    CHECK(check(long_req(100.01, 99), 100, cfg) == signal_rule::ok);
    CHECK(check(short_req(99.99, 101), 100, cfg) == signal_rule::ok);
    // The price order is still required.
    CHECK(check(long_req(100, 99), 100, cfg) == signal_rule::price_order);
  }
  SECTION("min stop-loss distance") {
    config cfg;
    cfg.min_stoploss_distance_percent = 0;
    CHECK(check(long_req(101, 99.99), 100, cfg) == signal_rule::ok);
    CHECK(check(short_req(99, 100.01), 100, cfg) == signal_rule::ok);
  }
  SECTION("max stop-loss distance") {
    config cfg;
    cfg.max_stoploss_distance_percent = 0;
    // 50 % and 90 % stops
    CHECK(check(long_req(101, 50), 100, cfg) == signal_rule::ok);
    CHECK(check(short_req(99, 190), 100, cfg) == signal_rule::ok);
  }
  SECTION("max lifetime") {
    config cfg;
    cfg.max_signal_lifetime_minutes = 0;
    std::int64_t minutes = 0;
    CHECK(validate_signal(long_req(101, 99, 100000), 100, cfg, minutes) ==
          signal_rule::ok);
    CHECK(minutes == 100000);
    // Still a positive integer.
    CHECK(check(long_req(101, 99, 2.5), 100, cfg) ==
          signal_rule::lifetime_not_positive_integer);
  }
}

TEST_CASE("a 0.5 % stop is rejected or accepted depending on the rounding of "
          "(P - P * 0.995) / P * 100",
          "[validation]") {
  // Search prices P = 100 + k / 100 for one where the distance, evaluated as
  // written in doubles, lands below 0.5 and one where it does not.
  double below = 0, not_below = 0;
  for (int k = 0; k < 100000 && (below == 0 || not_below == 0); ++k) {
    const double p = 100 + k / 100.0;
    const double sl = p * 0.995;
    const double d = (p - sl) / p * 100;
    if (d < 0.5 && below == 0)
      below = p;
    if (!(d < 0.5) && not_below == 0)
      not_below = p;
  }
  REQUIRE(below != 0);
  REQUIRE(not_below != 0);
  config cfg;
  INFO("rejected P = " << below << ", accepted P = " << not_below);
  CHECK(check(long_req(below * 1.01, below * 0.995), below, cfg) ==
        signal_rule::stop_loss_too_close);
  CHECK(check(long_req(not_below * 1.01, not_below * 0.995), not_below, cfg) ==
        signal_rule::ok);
  const auto text =
      describe_rejection(signal_rule::stop_loss_too_close,
                         long_req(below * 1.01, below * 0.995), below, cfg);
  CHECK(contains(text, "0.49999"));
}

TEST_CASE("rule names are stable identifiers", "[validation]") {
  CHECK(to_string(signal_rule::ok) == "ok");
  CHECK(to_string(signal_rule::take_profit_too_close) ==
        "take_profit_too_close");
  CHECK(to_string(signal_rule::stop_loss_too_far) == "stop_loss_too_far");
  CHECK(to_string(signal_rule::lifetime_too_long) == "lifetime_too_long");
}
