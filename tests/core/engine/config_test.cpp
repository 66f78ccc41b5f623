// Tests of `apply_config` (engine.md §8).

#include "core/engine/config.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace btk;

namespace {

using overrides = std::vector<std::pair<std::string, std::string>>;

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

/// The error message of a rejected update (fails the test when accepted).
std::string rejection(const overrides& o, bool unsafe = false,
                      const config& base = config{}) {
  auto r = apply_config(base, o, unsafe);
  REQUIRE_FALSE(r.has_value());
  return r.err().message;
}

config accepted(const overrides& o, bool unsafe = false,
                const config& base = config{}) {
  auto r = apply_config(base, o, unsafe);
  INFO((r.has_value() ? std::string{} : r.err().message));
  REQUIRE(r.has_value());
  return *r;
}

} // namespace

TEST_CASE("the default configuration has the values of engine.md section 8",
          "[config]") {
  const config c;
  CHECK(c.percent_fee == 0.1);
  CHECK(c.percent_slippage == 0.1);
  CHECK(c.avg_price_candles_count == 5);
  CHECK(c.min_takeprofit_distance_percent == 0.5);
  CHECK(c.min_stoploss_distance_percent == 0.5);
  CHECK(c.max_stoploss_distance_percent == 20);
  CHECK(c.max_signal_lifetime_minutes == 1440);
  CHECK(c.schedule_await_minutes == 120);
  CHECK(c.position_entry_cost == 100);
  CHECK(c.signal_leverage_multiplier == 1);
  CHECK(c.max_signal_generation_seconds == 180);
  CHECK(c.enable_long_signal);
  CHECK(c.enable_short_signal);
  CHECK(c.max_backtest_markdown_rows == 250);
  CHECK_FALSE(c.report_show_signal_note);
  CHECK(c.problems().empty());
  CHECK(c.problems(true).empty());
}

TEST_CASE("an empty update returns the base configuration", "[config]") {
  config base;
  base.percent_fee = 0.05;
  const config c = accepted({}, false, base);
  CHECK(c.percent_fee == 0.05);
  CHECK(c.percent_slippage == 0.1);
}

TEST_CASE("apply_config reads numbers, integers and booleans by their CC_ "
          "names",
          "[config]") {
  const config c = accepted({{"CC_PERCENT_FEE", "0.05"},
                             {"CC_PERCENT_SLIPPAGE", "0"},
                             {"CC_AVG_PRICE_CANDLES_COUNT", "3"},
                             {"CC_SCHEDULE_AWAIT_MINUTES", "30"},
                             {"CC_MAX_BACKTEST_MARKDOWN_ROWS", "1e6"},
                             {"CC_SIGNAL_LEVERAGE_MULTIPLIER", " 3 "},
                             {"CC_ENABLE_SHORT_SIGNAL", "false"},
                             {"CC_REPORT_SHOW_SIGNAL_NOTE", "true"}});
  CHECK(c.percent_fee == 0.05);
  CHECK(c.percent_slippage == 0);
  CHECK(c.avg_price_candles_count == 3);
  CHECK(c.schedule_await_minutes == 30);
  CHECK(c.max_backtest_markdown_rows == 1000000);
  CHECK(c.signal_leverage_multiplier == 3);
  CHECK(c.enable_long_signal);
  CHECK_FALSE(c.enable_short_signal);
  CHECK(c.report_show_signal_note);
  // Untouched keys keep their defaults.
  CHECK(c.min_takeprofit_distance_percent == 0.5);

  double v = 0;
  REQUIRE(get_config_value(c, "CC_SCHEDULE_AWAIT_MINUTES", v));
  CHECK(v == 30);
  REQUIRE(get_config_value(c, "CC_ENABLE_SHORT_SIGNAL", v));
  CHECK(v == 0);
  REQUIRE(get_config_value(c, "CC_PERCENT_FEE", v));
  CHECK(v == 0.05);
  CHECK_FALSE(get_config_value(c, "CC_NOPE", v));
}

TEST_CASE("the fee and the slippage must be finite and not negative",
          "[config]") {
  CHECK(contains(rejection({{"CC_PERCENT_FEE", "-0.1"}}), "CC_PERCENT_FEE"));
  CHECK(contains(rejection({{"CC_PERCENT_SLIPPAGE", "-0.01"}}),
                 "CC_PERCENT_SLIPPAGE"));
  CHECK(
      contains(rejection({{"CC_PERCENT_FEE", "Infinity"}}), "CC_PERCENT_FEE"));
  CHECK(contains(rejection({{"CC_PERCENT_FEE", "abc"}}), "CC_PERCENT_FEE"));
  // Zero is fine (the minimum TP distance 0.5 still covers 2 * 0.1 + 0).
  const config c = accepted({{"CC_PERCENT_FEE", "0"}});
  CHECK(c.percent_fee == 0);
}

TEST_CASE("the minimum take-profit distance must be positive and at least "
          "twice slippage plus twice fee",
          "[config]") {
  const auto zero = rejection({{"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0"}});
  CHECK(contains(zero, "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  // Floor with the defaults: 2 * 0.1 + 2 * 0.1 = 0.4.
  const auto low = rejection({{"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0.3"}});
  CHECK(contains(low, "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  CHECK(contains(low, "0.4"));
  CHECK(accepted({{"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0.4"}})
            .min_takeprofit_distance_percent == 0.4);
  // Raising the fee raises the floor: 2 * 0.1 + 2 * 0.3 = 0.8 > 0.5.
  CHECK(contains(rejection({{"CC_PERCENT_FEE", "0.3"}}),
                 "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  // Without costs any positive distance passes, zero still does not.
  CHECK(accepted({{"CC_PERCENT_FEE", "0"},
                  {"CC_PERCENT_SLIPPAGE", "0"},
                  {"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0.01"}})
            .min_takeprofit_distance_percent == 0.01);
  CHECK(contains(rejection({{"CC_PERCENT_FEE", "0"},
                            {"CC_PERCENT_SLIPPAGE", "0"},
                            {"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0"}}),
                 "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
}

TEST_CASE("the stop-loss limits must be positive with min below max",
          "[config]") {
  CHECK(contains(rejection({{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "0"}}),
                 "CC_MIN_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(rejection({{"CC_MAX_STOPLOSS_DISTANCE_PERCENT", "0"}}),
                 "CC_MAX_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(rejection({{"CC_MAX_STOPLOSS_DISTANCE_PERCENT", "-5"}}),
                 "CC_MAX_STOPLOSS_DISTANCE_PERCENT"));
  // Equal is not below.
  const auto equal = rejection({{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "5"},
                                {"CC_MAX_STOPLOSS_DISTANCE_PERCENT", "5"}});
  CHECK(contains(equal, "CC_MIN_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(equal, "CC_MAX_STOPLOSS_DISTANCE_PERCENT"));
  rejection({{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "25"}}); // > max 20
  const config c = accepted({{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "4.9"},
                             {"CC_MAX_STOPLOSS_DISTANCE_PERCENT", "5"}});
  CHECK(c.min_stoploss_distance_percent == 4.9);
  CHECK(c.max_stoploss_distance_percent == 5);
}

TEST_CASE("the minute and count settings must be positive integers",
          "[config]") {
  for (const char* key :
       {"CC_AVG_PRICE_CANDLES_COUNT", "CC_MAX_SIGNAL_LIFETIME_MINUTES",
        "CC_SCHEDULE_AWAIT_MINUTES", "CC_MAX_SIGNAL_GENERATION_SECONDS"}) {
    INFO(key);
    CHECK(contains(rejection({{key, "0"}}), key));
    CHECK(contains(rejection({{key, "-3"}}), key));
    CHECK(contains(rejection({{key, "2.5"}}), key));
    CHECK(contains(rejection({{key, "x"}}), key));
    double v = 0;
    REQUIRE(get_config_value(accepted({{key, "7"}}), key, v));
    CHECK(v == 7);
  }
}

TEST_CASE("booleans take true or false only", "[config]") {
  CHECK(contains(rejection({{"CC_ENABLE_LONG_SIGNAL", "maybe"}}),
                 "CC_ENABLE_LONG_SIGNAL"));
  CHECK_FALSE(
      accepted({{"CC_ENABLE_LONG_SIGNAL", "false"}}).enable_long_signal);
}

TEST_CASE("all problems of an update are reported together in one error",
          "[config]") {
  const auto msg = rejection({{"CC_PERCENT_FEE", "-1"},
                              {"CC_NO_SUCH_KEY", "1"},
                              {"CC_SCHEDULE_AWAIT_MINUTES", "1.5"},
                              {"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "0"},
                              {"CC_MAX_SIGNAL_LIFETIME_MINUTES", "0"}});
  CHECK(contains(msg, "CC_PERCENT_FEE"));
  CHECK(contains(msg, "CC_NO_SUCH_KEY"));
  CHECK(contains(msg, "CC_SCHEDULE_AWAIT_MINUTES"));
  CHECK(contains(msg, "CC_MIN_STOPLOSS_DISTANCE_PERCENT"));
  CHECK(contains(msg, "CC_MAX_SIGNAL_LIFETIME_MINUTES"));
}

TEST_CASE("a rejected update leaves the previous configuration in place",
          "[config]") {
  const config base = accepted({{"CC_PERCENT_FEE", "0.05"}});
  // One good and one bad key: nothing of the batch may be applied.
  auto r = apply_config(
      base,
      {{"CC_SCHEDULE_AWAIT_MINUTES", "30"}, {"CC_PERCENT_SLIPPAGE", "-1"}},
      false);
  REQUIRE_FALSE(r.has_value());
  CHECK(base.percent_fee == 0.05);
  CHECK(base.schedule_await_minutes == 120);
  CHECK(base.percent_slippage == 0.1);
  // Building on the base again starts from the base, not from the rejected
  // batch.
  const config next =
      accepted({{"CC_AVG_PRICE_CANDLES_COUNT", "3"}}, false, base);
  CHECK(next.schedule_await_minutes == 120);
  CHECK(next.percent_slippage == 0.1);
  CHECK(next.percent_fee == 0.05);
  CHECK(next.avg_price_candles_count == 3);
}

TEST_CASE("unsafe mode accepts a minimum take-profit of 0.2 but still "
          "requires integers for integer keys",
          "[config]") {
  const overrides o = {{"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", "0.2"},
                       {"CC_MAX_SIGNAL_LIFETIME_MINUTES", "240"}};
  rejection(o, false); // 0.2 < 0.4 is refused when safe
  const config c = accepted(o, true);
  CHECK(c.min_takeprofit_distance_percent == 0.2);
  CHECK(c.max_signal_lifetime_minutes == 240);
  // Unsafe also lets a limit be 0 (switching its check off).
  CHECK(accepted({{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", "0"}}, true)
            .min_stoploss_distance_percent == 0);

  const auto msg = rejection({{"CC_SCHEDULE_AWAIT_MINUTES", "2.5"}}, true);
  CHECK(contains(msg, "CC_SCHEDULE_AWAIT_MINUTES"));
  CHECK(contains(msg, "integer"));
  CHECK(contains(rejection({{"CC_AVG_PRICE_CANDLES_COUNT", "1.5"}}, true),
                 "CC_AVG_PRICE_CANDLES_COUNT"));
}

TEST_CASE("an unknown key is rejected with the list of known keys",
          "[config]") {
  const auto msg = rejection({{"CC_PERCENT_FEES", "0.1"}});
  CHECK(contains(msg, "CC_PERCENT_FEES"));
  for (const auto& k : config_keys()) {
    INFO(k.name);
    CHECK(contains(msg, std::string{k.name}));
  }
  CHECK(config_keys().size() == 22);
  // Unsafe mode does not accept unknown keys either.
  rejection({{"CC_PERCENT_FEES", "0.1"}}, true);
}
