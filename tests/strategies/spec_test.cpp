// Strategy specs (`name:key=value,...`) and the built-in registry: parsing,
// error messages that name the parameter and value, defaults, canonical form.

#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace btk;

namespace {

using kv = std::vector<std::pair<std::string, std::string>>;

// The error message of a spec the registry must refuse.
std::string make_error(const std::string& spec) {
  auto made = builtin_strategies().make(spec);
  REQUIRE_FALSE(made);
  return made.err().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A signal context on a tiny flat series, at tick `t` with price `p`.
struct flat_context {
  std::shared_ptr<const series> s;
  signal_context ctx;

  flat_context(timestamp t, double p)
      : s(make_flat())
      , ctx(*s) {
    ctx.set_tick(t, p);
  }

  static std::shared_ptr<const series> make_flat() {
    std::vector<candle> cs;
    for (int i = 0; i < 10; ++i)
      cs.push_back({i * minute_ms, 100, 100, 100, 100, 1});
    return *series::make("TEST", cs);
  }
};

} // namespace

TEST_CASE("A spec with only a name parses to that name and no parameters") {
  auto s = parse_spec("every-n");
  REQUIRE(s);
  CHECK(s->name == "every-n");
  CHECK(s->params.empty());

  auto with_colon = parse_spec("every-n:");
  REQUIRE(with_colon);
  CHECK(with_colon->name == "every-n");
  CHECK(with_colon->params.empty());
}

TEST_CASE("A spec's parameters keep their order and lose surrounding blanks") {
  auto s = parse_spec("  sma-cross : fast = 5 ,slow=20,\tinterval=15m ");
  REQUIRE(s);
  CHECK(s->name == "sma-cross");
  CHECK(s->params == kv{{"fast", "5"}, {"slow", "20"}, {"interval", "15m"}});
}

TEST_CASE("A spec without a strategy name is an error that shows the form") {
  for (const char* text : {"", "   ", ":n=5"}) {
    auto s = parse_spec(text);
    REQUIRE_FALSE(s);
    CHECK(contains(s.err().message, "missing the strategy name"));
    CHECK(contains(s.err().message, "name:key=value"));
  }
}

TEST_CASE("A parameter without '=' is an error naming the parameter") {
  auto s = parse_spec("every-n:n=5,side");
  REQUIRE_FALSE(s);
  CHECK(contains(s.err().message, "'side'"));
  CHECK(contains(s.err().message, "has no value"));
  CHECK(contains(s.err().message, "every-n:n=5,side"));
}

TEST_CASE("A parameter given twice is an error naming the parameter") {
  auto s = parse_spec("every-n:n=5,tp=1,n=6");
  REQUIRE_FALSE(s);
  CHECK(contains(s.err().message, "'n'"));
  CHECK(contains(s.err().message, "twice"));
}

TEST_CASE("An unknown strategy name is an error listing every known name") {
  const auto msg = make_error("no-such-thing:n=5");
  CHECK(contains(msg, "unknown strategy 'no-such-thing'"));
  for (const char* name : {"every-n", "sma-cross", "scheduled", "rsi-reversion",
                           "donchian-breakout"})
    CHECK(contains(msg, name));
}

TEST_CASE("An unknown parameter is an error listing the accepted parameters "
          "with their defaults") {
  const auto msg = make_error("every-n:n=5,period=3");
  CHECK(contains(msg, "every-n"));
  CHECK(contains(msg, "unknown parameter 'period'"));
  for (const char* p : {"n=60", "side=long", "tp=1", "sl=1", "minutes=60"})
    CHECK(contains(msg, p));

  const auto sma = make_error("sma-cross:n=5");
  for (const char* p :
       {"fast=10", "slow=30", "interval=5m", "tp=1", "sl=1", "minutes=240"})
    CHECK(contains(sma, p));
}

TEST_CASE("A value that is not a number is an error naming parameter and "
          "value") {
  const auto msg = make_error("every-n:tp=abc");
  CHECK(contains(msg, "tp"));
  CHECK(contains(msg, "'abc'"));
  CHECK(contains(msg, "a number"));

  CHECK(contains(make_error("every-n:sl=1.5x"), "'1.5x'"));
  CHECK(contains(make_error("every-n:minutes="), "minutes"));
  CHECK(contains(make_error("scheduled:offset=NaN"), "'NaN'"));
  CHECK(contains(make_error("scheduled:offset=Infinity"), "'Infinity'"));
}

TEST_CASE("A period of zero or with a fraction is an error naming parameter "
          "and value") {
  const auto zero = make_error("every-n:n=0");
  CHECK(contains(zero, "parameter n "));
  CHECK(contains(zero, "'0'"));
  CHECK(contains(zero, "whole number >= 1"));

  const auto frac = make_error("every-n:n=1.5");
  CHECK(contains(frac, "parameter n "));
  CHECK(contains(frac, "'1.5'"));

  const auto neg = make_error("sma-cross:fast=-3");
  CHECK(contains(neg, "fast"));
  CHECK(contains(neg, "'-3'"));

  CHECK(contains(make_error("donchian-breakout:period=0"), "period"));
  CHECK(contains(make_error("rsi-reversion:period=2.5"), "'2.5'"));
}

TEST_CASE("A side other than long, short or alt is an error naming the "
          "value") {
  const auto msg = make_error("every-n:side=up");
  CHECK(contains(msg, "side"));
  CHECK(contains(msg, "'up'"));
  CHECK(contains(msg, "long, short or alt"));
  CHECK(contains(make_error("scheduled:side=LONG"), "'LONG'"));
}

TEST_CASE("An interval a strategy cannot be throttled to is an error naming "
          "the value") {
  // 2h is a candle interval but not a signal interval (1m .. 1h).
  const auto msg = make_error("sma-cross:interval=2h");
  CHECK(contains(msg, "interval"));
  CHECK(contains(msg, "'2h'"));
  CHECK(contains(msg, "1m 3m 5m 15m 30m 1h"));
  CHECK(contains(make_error("sma-cross:interval=7m"), "'7m'"));
  CHECK(contains(make_error("rsi-reversion:interval=1d"), "'1d'"));
  CHECK(contains(make_error("donchian-breakout:interval=4h"), "'4h'"));
}

TEST_CASE("Every signal interval is accepted by sma-cross and sets its "
          "throttle") {
  const std::vector<std::pair<std::string, interval>> ivs = {
      {"1m", interval::m1},   {"3m", interval::m3},   {"5m", interval::m5},
      {"15m", interval::m15}, {"30m", interval::m30}, {"1h", interval::h1}};
  for (const auto& [text, iv] : ivs) {
    auto made = builtin_strategies().make("sma-cross:interval=" + text);
    REQUIRE(made);
    CHECK((*made)->signal_interval() == iv);
  }
}

TEST_CASE("Parameter values are read as decimal numbers like JavaScript's "
          "Number()") {
  for (const char* spec :
       {"every-n:tp=+2", "every-n:tp=1e0", "every-n:tp=0.5", "every-n:tp=.5",
        "every-n:n=6e1", "every-n:n=60.0", "every-n:sl= 2 "}) {
    INFO(spec);
    CHECK(builtin_strategies().make(spec));
  }
}

TEST_CASE("sma-cross with a fast window not shorter than the slow one is an "
          "error") {
  const auto equal = make_error("sma-cross:fast=20,slow=20");
  CHECK(contains(equal, "fast (20)"));
  CHECK(contains(equal, "slow (20)"));
  const auto longer = make_error("sma-cross:fast=31");
  CHECK(contains(longer, "fast (31)"));
  CHECK(contains(longer, "slow (30)"));
  CHECK(builtin_strategies().make("sma-cross:fast=29"));
}

TEST_CASE("rsi-reversion with oversold not below overbought is an error") {
  const auto msg = make_error("rsi-reversion:oversold=70,overbought=70");
  CHECK(contains(msg, "oversold (70)"));
  CHECK(contains(msg, "overbought (70)"));
  CHECK(builtin_strategies().make("rsi-reversion:oversold=20,overbought=80"));
}

TEST_CASE("The canonical spec spells out every default in declaration "
          "order") {
  const auto& reg = builtin_strategies();
  CHECK(*reg.canonical("every-n") == "every-n:n=60,side=long,tp=1,sl=1,"
                                     "minutes=60");
  CHECK(*reg.canonical("sma-cross") == "sma-cross:fast=10,slow=30,"
                                       "interval=5m,tp=1,sl=1,minutes=240");
  CHECK(*reg.canonical("scheduled") == "scheduled:n=120,offset=0.3,"
                                       "side=long,tp=1,sl=1,minutes=60");
  CHECK(*reg.canonical("rsi-reversion") ==
        "rsi-reversion:period=14,interval=15m,oversold=30,overbought=70,"
        "tp=1.5,sl=1,minutes=360");
  CHECK(*reg.canonical("donchian-breakout") ==
        "donchian-breakout:period=20,interval=1h,tp=3,sl=1.5,"
        "minutes=1440");
}

TEST_CASE("The canonical spec puts given values in declaration order and "
          "keeps the rest at their defaults") {
  const auto c =
      builtin_strategies().canonical("sma-cross: minutes=30 ,slow=20,fast=5");
  REQUIRE(c);
  CHECK(*c == "sma-cross:fast=5,slow=20,interval=5m,tp=1,sl=1,minutes=30");
}

TEST_CASE("The canonical form of an invalid spec is an error") {
  CHECK_FALSE(builtin_strategies().canonical("nope"));
  CHECK_FALSE(builtin_strategies().canonical("every-n:x=1"));
  CHECK_FALSE(builtin_strategies().canonical("every-n:n=0"));
}

TEST_CASE("The registry lists the five built-ins with their parameters") {
  const auto& list = builtin_strategies().list();
  REQUIRE(list.size() == 5);
  CHECK(list[0].name == "every-n");
  CHECK(list[1].name == "sma-cross");
  CHECK(list[2].name == "scheduled");
  CHECK(list[3].name == "rsi-reversion");
  CHECK(list[4].name == "donchian-breakout");
  const auto* every = builtin_strategies().find("every-n");
  REQUIRE(every != nullptr);
  REQUIRE(every->params.size() == 5);
  CHECK(every->params[0].name == "n");
  CHECK(every->params[0].kind == param_kind::count);
  CHECK(every->params[1].kind == param_kind::side_choice);
  CHECK(builtin_strategies().find("every") == nullptr);
}

TEST_CASE("Adding a strategy under a name already registered fails") {
  strategy_registry reg;
  strategy_info info{"mine", "help", {}, [](const param_values&) {
                       return expected<std::unique_ptr<strategy>>{
                           error{"not built"}};
                     }};
  CHECK(reg.add(info));
  auto again = reg.add(info);
  REQUIRE_FALSE(again);
  CHECK(contains(again.err().message, "'mine'"));
  // A strategy without parameters says so when one is given.
  auto made = reg.make("mine:x=1");
  REQUIRE_FALSE(made);
  CHECK(contains(made.err().message, "accepted: none"));
}

TEST_CASE("A strategy built from a spec uses the given parameter values") {
  auto made =
      builtin_strategies().make("every-n:n=7,side=short,tp=2,sl=3,minutes=15");
  REQUIRE(made);
  strategy& s = **made;
  CHECK(s.signal_interval() == interval::m1);
  CHECK(s.max_lifetime_minutes() == 15);
  CHECK_FALSE(s.may_schedule());

  // minute 14: 14 % 7 == 0 -> short at 200: TP 200 * 0.98, SL 200 * 1.03.
  flat_context at14{14 * minute_ms, 200};
  auto r = s.get_signal(at14.ctx);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  CHECK(r->price_take_profit == Approx(196.0));
  CHECK(r->price_stop_loss == Approx(206.0));
  CHECK(r->minute_estimated_time == 15);

  flat_context at15{15 * minute_ms, 200};
  CHECK_FALSE(s.get_signal(at15.ctx));
}

TEST_CASE("Built strategies report their intervals, look-back and whether "
          "they schedule") {
  const auto& reg = builtin_strategies();
  auto sched = reg.make("scheduled:minutes=90");
  REQUIRE(sched);
  CHECK((*sched)->may_schedule());
  CHECK((*sched)->max_lifetime_minutes() == 90);

  auto sma = reg.make("sma-cross:fast=3,slow=7,interval=15m");
  REQUIRE(sma);
  CHECK((*sma)->signal_interval() == interval::m15);
  // It reads slow + 1 bars of 15m before the bucket start, which can lie up
  // to one bar after the tick's bucket start: at least (slow + 1) * 15 min.
  CHECK((*sma)->lookback_minutes() >= 8 * 15);

  auto rsi = reg.make("rsi-reversion");
  REQUIRE(rsi);
  CHECK((*rsi)->signal_interval() == interval::m15);
  CHECK((*rsi)->max_lifetime_minutes() == 360);

  auto don = reg.make("donchian-breakout");
  REQUIRE(don);
  CHECK((*don)->signal_interval() == interval::h1);
  // period + 1 hourly bars.
  CHECK((*don)->lookback_minutes() >= 21 * 60);
}

TEST_CASE("an empty parameter between commas is an error, not skipped") {
  for (const std::string text :
       {"every-n:n=5,,side=long", "every-n:,n=5", "every-n:n=5, ,tp=2"}) {
    auto s = parse_spec(text);
    INFO(text);
    REQUIRE_FALSE(s);
    CHECK_THAT(s.err().message,
               Catch::Contains("'" + text + "': an empty parameter"));
  }
  auto trailing = parse_spec("every-n:n=5,");
  REQUIRE(trailing); // a trailing comma ends the list
  CHECK(trailing->params.size() == 1);
}
