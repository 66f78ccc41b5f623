// The built-in strategies' get_signal on hand-built candles, checked against
// values computed by hand from the definitions in shared/parity/README.md,
// and a user-written strategy run through strategy::backtest.

#include "core/market/indicator.hpp"
#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace btk;

namespace {

// 2024-01-01T00:00:00Z: aligned to every interval used here.
constexpr timestamp t0 = 1'704'067'200'000;

constexpr timestamp at_minute(std::int64_t m) {
  return t0 + m * minute_ms;
}

std::shared_ptr<const series> make_series(const std::vector<candle>& cs) {
  auto s = series::make("TEST", cs);
  REQUIRE(s);
  return *s;
}

// `count` flat 1-minute candles at `price` from t0.
std::shared_ptr<const series> flat_series(int count, double price) {
  std::vector<candle> cs;
  for (int i = 0; i < count; ++i)
    cs.push_back({at_minute(i), price, price, price, price, 1});
  return make_series(cs);
}

// One bar of a higher interval.
struct bar {
  double open, high, low, close;
};

// 1-minute candles from t0 whose aggregation into bars of `per` minutes
// gives exactly `bars` (open of the first minute, max high, min low, close
// of the last minute). The inner minutes close at the bar's mid price, which
// differs from its close, so a wrong aggregation shows.
std::shared_ptr<const series> bar_series_of(const std::vector<bar>& bars,
                                            int per) {
  REQUIRE(per >= 5);
  std::vector<candle> cs;
  std::int64_t m = 0;
  for (const auto& b : bars) {
    const double mid = (b.high + b.low) / 2;
    for (int j = 0; j < per; ++j, ++m) {
      candle c{at_minute(m), mid, mid, mid, mid, 1};
      if (j == 0) {
        c.open = b.open;
        c.high = std::max(b.open, mid);
        c.low = std::min(b.open, mid);
      } else if (j == 1) {
        c.high = b.high;
      } else if (j == 2) {
        c.low = b.low;
      } else if (j == per - 1) {
        c.close = b.close;
        c.high = std::max(mid, b.close);
        c.low = std::min(mid, b.close);
      }
      cs.push_back(c);
    }
  }
  return make_series(cs);
}

// Bars whose only content that matters is the close.
std::vector<bar> closes_only(const std::vector<double>& closes) {
  std::vector<bar> out;
  for (double c : closes)
    out.push_back({c, c + 2, c - 1, c});
  return out;
}

std::unique_ptr<strategy> make(const std::string& spec) {
  auto made = builtin_strategies().make(spec);
  INFO(spec);
  REQUIRE(made);
  return std::move(*made);
}

// get_signal of `s` at tick `t` with current price `p`.
std::optional<signal_request> ask(strategy& s, const series& data, timestamp t,
                                  double p) {
  signal_context ctx{data};
  ctx.set_tick(t, p);
  auto r = s.get_signal(ctx);
  INFO(ctx.missing());
  CHECK(ctx.missing().empty());
  return r;
}

} // namespace

// -- every-n -----------------------------------------------------------------

TEST_CASE("every-n fires only on minutes that are multiples of n") {
  auto data = flat_series(10, 100);
  auto s = make("every-n:n=60");
  // m = floor(t / 60000): minute 28,401,120 of the epoch is 2024-01-01 00:00
  // and a multiple of 60.
  REQUIRE((t0 / minute_ms) % 60 == 0);
  CHECK(ask(*s, *data, t0, 100));
  CHECK(ask(*s, *data, t0 + 60 * minute_ms, 100));
  // The minute counts, not the exact millisecond.
  CHECK(ask(*s, *data, t0 + 60 * minute_ms + 59'999, 100));
  CHECK_FALSE(ask(*s, *data, t0 + minute_ms, 100));
  CHECK_FALSE(ask(*s, *data, t0 + 59 * minute_ms, 100));
  CHECK_FALSE(ask(*s, *data, t0 + 30 * minute_ms, 100));

  // 28,401,120 = 7 * 4,057,302 + 6, so in the 21 minutes from t0 the
  // multiples of 7 are t0 + 1, + 8 and + 15 minutes.
  auto seven = make("every-n:n=7");
  int fired = 0;
  for (int k = 0; k < 21; ++k) {
    const timestamp t = t0 + k * minute_ms;
    const bool expect = ((t / minute_ms) % 7) == 0;
    const bool got = ask(*seven, *data, t, 100).has_value();
    CHECK(got == expect);
    fired += got;
  }
  CHECK(fired == 3);
}

TEST_CASE("every-n opens immediately at the current price with TP and SL "
          "from it") {
  auto data = flat_series(10, 100);
  auto s = make("every-n:n=60,side=long,tp=1.5,sl=2,minutes=45");
  const double p = 250;
  auto r = ask(*s, *data, t0, p);
  REQUIRE(r);
  CHECK(r->position == side::long_);
  CHECK_FALSE(r->has_price_open());
  // By hand: 250 * 1.015 = 253.75, 250 * 0.98 = 245.
  CHECK(r->price_take_profit == Approx(253.75).epsilon(1e-14));
  CHECK(r->price_stop_loss == Approx(245.0).epsilon(1e-14));
  // In IEEE double, evaluated exactly in the README's order.
  CHECK(r->price_take_profit == p * (1 + 1.5 / 100));
  CHECK(r->price_stop_loss == p * (1 - 2.0 / 100));
  CHECK(r->minute_estimated_time == 45);
}

TEST_CASE("every-n short mirrors the levels around the price") {
  auto data = flat_series(10, 100);
  auto s = make("every-n:n=60,side=short,tp=0.6,sl=0.7,minutes=15");
  const double p = 42000;
  auto r = ask(*s, *data, t0, p);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  // By hand: 42000 * 0.994 = 41748, 42000 * 1.007 = 42294.
  CHECK(r->price_take_profit == Approx(41748.0).epsilon(1e-14));
  CHECK(r->price_stop_loss == Approx(42294.0).epsilon(1e-14));
  CHECK(r->price_take_profit == p * (1 - 0.6 / 100));
  CHECK(r->price_stop_loss == p * (1 + 0.7 / 100));
  CHECK(r->minute_estimated_time == 15);
}

TEST_CASE("every-n alt is long on even periods m / n and short on odd ones") {
  auto data = flat_series(10, 100);
  auto s = make("every-n:n=60,side=alt");
  const std::int64_t hour0 = t0 / minute_ms / 60; // m / n at t0
  for (int h = 0; h < 6; ++h) {
    const auto r = ask(*s, *data, t0 + h * 60 * minute_ms, 100);
    REQUIRE(r);
    const bool even = (hour0 + h) % 2 == 0;
    CHECK(r->position == (even ? side::long_ : side::short_));
  }
  // 2024-01-01 00:00 is hour 473,352 of the epoch: even, so long.
  CHECK(hour0 == 473'352);
  CHECK(ask(*s, *data, t0, 100)->position == side::long_);
  CHECK(ask(*s, *data, t0 + 60 * minute_ms, 100)->position == side::short_);
}

TEST_CASE("every-n alt with n = 240 alternates per 4-hour period") {
  auto data = flat_series(10, 100);
  auto s = make("every-n:n=240,side=alt,tp=4,sl=3");
  // m / 240 at t0 = 28,401,120 / 240 = 118,338: even -> long.
  REQUIRE(t0 / minute_ms == 28'401'120);
  auto r0 = ask(*s, *data, t0, 100);
  REQUIRE(r0);
  CHECK(r0->position == side::long_);
  CHECK(r0->price_take_profit == Approx(104.0));
  CHECK(r0->price_stop_loss == Approx(97.0));
  auto r1 = ask(*s, *data, t0 + 240 * minute_ms, 100);
  REQUIRE(r1);
  CHECK(r1->position == side::short_);
  CHECK(r1->price_take_profit == Approx(96.0));
  CHECK(r1->price_stop_loss == Approx(103.0));
  CHECK_FALSE(ask(*s, *data, t0 + 60 * minute_ms, 100));
}

// -- scheduled ---------------------------------------------------------------

TEST_CASE("scheduled places a long limit entry offset below the price with "
          "TP and SL from the entry") {
  auto data = flat_series(10, 100);
  auto s = make("scheduled:n=120,offset=0.3,side=long,tp=1,sl=1,minutes=60");
  REQUIRE((t0 / minute_ms) % 120 == 0);
  const double P = 1000;
  auto r = ask(*s, *data, t0, P);
  REQUIRE(r);
  CHECK(r->position == side::long_);
  REQUIRE(r->has_price_open());
  // By hand: 1000 * 0.997 = 997; 997 * 1.01 = 1006.97; 997 * 0.99 = 987.03.
  CHECK(r->price_open == Approx(997.0).epsilon(1e-14));
  CHECK(r->price_take_profit == Approx(1006.97).epsilon(1e-14));
  CHECK(r->price_stop_loss == Approx(987.03).epsilon(1e-14));
  const double po = P * (1 - 0.3 / 100);
  CHECK(r->price_open == po);
  CHECK(r->price_take_profit == po * (1 + 1.0 / 100));
  CHECK(r->price_stop_loss == po * (1 - 1.0 / 100));
  CHECK(r->minute_estimated_time == 60);
  CHECK_FALSE(ask(*s, *data, t0 + 60 * minute_ms, P));
  CHECK(ask(*s, *data, t0 + 120 * minute_ms, P));
}

TEST_CASE("scheduled places a short limit entry offset above the price") {
  auto data = flat_series(10, 100);
  auto s = make("scheduled:n=60,offset=1.5,side=short,tp=1,sl=2,minutes=30");
  const double P = 2000;
  auto r = ask(*s, *data, t0, P);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  // By hand: 2000 * 1.015 = 2030; 2030 * 0.99 = 2009.7; 2030 * 1.02 = 2070.6.
  CHECK(r->price_open == Approx(2030.0).epsilon(1e-14));
  CHECK(r->price_take_profit == Approx(2009.7).epsilon(1e-14));
  CHECK(r->price_stop_loss == Approx(2070.6).epsilon(1e-14));
  const double po = P * (1 + 1.5 / 100);
  CHECK(r->price_open == po);
  CHECK(r->price_take_profit == po * (1 - 1.0 / 100));
  CHECK(r->price_stop_loss == po * (1 + 2.0 / 100));
  CHECK(r->minute_estimated_time == 30);
}

TEST_CASE("scheduled alt alternates sides like every-n") {
  auto data = flat_series(10, 100);
  auto s = make("scheduled:n=90,offset=0.4,side=alt");
  int seen = 0;
  for (int k = 0; k < 400; ++k) {
    const timestamp t = t0 + k * minute_ms;
    const std::int64_t m = t / minute_ms;
    auto r = ask(*s, *data, t, 100);
    REQUIRE(r.has_value() == (m % 90 == 0));
    if (!r)
      continue;
    ++seen;
    const bool is_long = (m / 90) % 2 == 0;
    CHECK(r->position == (is_long ? side::long_ : side::short_));
    CHECK(r->price_open == Approx(is_long ? 99.6 : 100.4));
  }
  CHECK(seen >= 4);
}

// -- sma-cross ---------------------------------------------------------------

TEST_CASE("sma-cross goes long when the fast mean crosses above the slow "
          "one on 5-minute bars") {
  // fast=2, slow=3 reads 4 closed 5m bars. Closes 10, 10, 10, 13:
  // fastPrev = (10 + 10) / 2 = 10 <= slowPrev = (10 + 10 + 10) / 3 = 10,
  // fastNow = (10 + 13) / 2 = 11.5 > slowNow = (10 + 10 + 13) / 3 = 11.
  auto data = bar_series_of(closes_only({10, 10, 10, 13}), 5);
  auto s = make("sma-cross:fast=2,slow=3,interval=5m,tp=1,sl=2,minutes=30");
  CHECK(s->signal_interval() == interval::m5);
  const double P = 50;
  // B = 20 min: the four bars open at 0, 5, 10, 15 min.
  auto r = ask(*s, *data, at_minute(20), P);
  REQUIRE(r);
  CHECK(r->position == side::long_);
  CHECK_FALSE(r->has_price_open());
  CHECK(r->price_take_profit == Approx(50.5));
  CHECK(r->price_stop_loss == Approx(49.0));
  CHECK(r->price_take_profit == P * (1 + 1.0 / 100));
  CHECK(r->price_stop_loss == P * (1 - 2.0 / 100));
  CHECK(r->minute_estimated_time == 30);
  // Any tick in the same 5m bucket sees the same bars.
  CHECK(ask(*s, *data, at_minute(24), P));
}

TEST_CASE("sma-cross goes short when the fast mean crosses below the slow "
          "one") {
  // Closes 10, 10, 10, 7: fastPrev = slowPrev = 10; fastNow = 8.5 <
  // slowNow = 9.
  auto data = bar_series_of(closes_only({10, 10, 10, 7}), 5);
  auto s = make("sma-cross:fast=2,slow=3,interval=5m,tp=1,sl=1,minutes=30");
  auto r = ask(*s, *data, at_minute(20), 80);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  CHECK(r->price_take_profit == Approx(79.2));
  CHECK(r->price_stop_loss == Approx(80.8));
}

TEST_CASE("sma-cross gives nothing without a cross") {
  auto s = make("sma-cross:fast=2,slow=3,interval=5m");
  // Flat: all means 10, neither strict inequality holds.
  auto flat = bar_series_of(closes_only({10, 10, 10, 10}), 5);
  CHECK_FALSE(ask(*s, *flat, at_minute(20), 10));
  // Rising: fastPrev 11.5 > slowPrev 11 and fastNow 12.5 > slowNow 12: the
  // fast mean was already above, no cross.
  auto rising = bar_series_of(closes_only({10, 11, 12, 13}), 5);
  CHECK_FALSE(ask(*s, *rising, at_minute(20), 13));
  // Falling: the mirror, already below.
  auto falling = bar_series_of(closes_only({13, 12, 11, 10}), 5);
  CHECK_FALSE(ask(*s, *falling, at_minute(20), 10));
  // The cross happened one bar earlier: fastPrev (10 + 13) / 2 = 11.5 >
  // slowPrev 11, fastNow 13.5 > slowNow 12.33.
  auto earlier = bar_series_of(closes_only({10, 10, 13, 14}), 5);
  CHECK_FALSE(ask(*s, *earlier, at_minute(20), 14));
}

TEST_CASE("sma-cross reads the closes of the aggregated bars, not of the "
          "1-minute candles") {
  // The last bar (high 13, low 7) has its inner minutes at the mid price 10
  // and only its last minute closes at 13. With the bar close 13 the means
  // cross upwards (closes 10, 10, 10, 13, see above); any other minute's
  // close (10) would leave everything flat and give nothing.
  auto data = bar_series_of(
      {{10, 11, 9, 10}, {10, 11, 9, 10}, {10, 11, 9, 10}, {10, 13, 7, 13}}, 5);
  const auto bars = data->bars(interval::m5);
  REQUIRE(bars->size() == 4);
  CHECK(bars->first == t0);
  CHECK(bars->open[3] == 10);
  CHECK(bars->high[3] == 13);
  CHECK(bars->low[3] == 7);
  CHECK(bars->close[3] == 13);
  CHECK(bars->close[0] == 10);
  auto s = make("sma-cross:fast=2,slow=3,interval=5m");
  auto r = ask(*s, *data, at_minute(20), 12);
  REQUIRE(r);
  CHECK(r->position == side::long_);
}

TEST_CASE("sma-cross in the next bucket needs a bar the data does not have") {
  auto data = bar_series_of(closes_only({10, 10, 10, 13}), 5);
  // Ticks of the bucket at 25 min read bars 1..4, and bar 4 does not exist.
  auto s = make("sma-cross:fast=2,slow=3,interval=5m");
  signal_context ctx{*data};
  ctx.set_tick(at_minute(25), 13);
  CHECK_FALSE(s->get_signal(ctx));
  CHECK_FALSE(ctx.missing().empty());
}

TEST_CASE("sma-cross on 1-minute bars uses the minutes before the tick") {
  // 1m bars: closes of the minutes 0..3 read at tick minute 4.
  std::vector<candle> cs;
  const double closes[] = {20, 20, 20, 17, 99};
  for (int i = 0; i < 5; ++i)
    cs.push_back({at_minute(i), closes[i], closes[i], closes[i], closes[i], 1});
  auto data = make_series(cs);
  auto s = make("sma-cross:fast=2,slow=3,interval=1m");
  // fastPrev = slowPrev = 20; fastNow 18.5 < slowNow 19: short. The candle
  // of minute 4 (close 99) is still forming and must not be read.
  auto r = ask(*s, *data, at_minute(4), 17);
  REQUIRE(r);
  CHECK(r->position == side::short_);
}

TEST_CASE("sma-cross without enough history returns nothing and names the "
          "missing range") {
  auto data = bar_series_of(closes_only({10, 10, 10, 13}), 5);
  auto s = make("sma-cross:fast=2,slow=3,interval=5m");
  signal_context ctx{*data};
  // At 15 min only 3 bars precede the bucket; 4 are needed.
  ctx.set_tick(at_minute(15), 10);
  CHECK_FALSE(s->get_signal(ctx));
  const std::string& why = ctx.missing();
  CHECK(why.find("TEST") != std::string::npos);
  CHECK(why.find("5m") != std::string::npos);
  // The four bars would open at -5, 0, 5, 10 min.
  CHECK(why.find(to_iso(t0 - 5 * minute_ms)) != std::string::npos);
  CHECK(why.find(to_iso(t0 + 10 * minute_ms)) != std::string::npos);
}

// -- rsi-reversion ------------------------------------------------------------

TEST_CASE("Wilder's RSI seeds with the simple means of the first period "
          "changes") {
  // Changes +1, -0.5, +1: avg gain 2/3, avg loss 0.5/3 = 1/6; RS = 4,
  // RSI = 100 - 100 / 5 = 80.
  const double c[] = {10, 11, 10.5, 11.5};
  CHECK(rsi_reversion::rsi(c, 4, 3) == Approx(80.0).epsilon(1e-12));
}

TEST_CASE("Wilder's RSI smooths later changes with (avg * (p - 1) + x) / p") {
  // After the seed above: change -0.5: gain (2/3 * 2) / 3 = 4/9, loss
  // (1/6 * 2 + 0.5) / 3 = 5/18; change +1: gain (4/9 * 2 + 1) / 3 = 17/27,
  // loss (5/18 * 2) / 3 = 5/27. RS = 17/5 = 3.4, RSI = 100 - 100 / 4.4.
  const double c[] = {10, 11, 10.5, 11.5, 11, 12};
  CHECK(rsi_reversion::rsi(c, 6, 3) == Approx(100 - 100 / 4.4).epsilon(1e-12));
  CHECK(rsi_reversion::rsi(c, 6, 3) == Approx(77.272727272727).epsilon(1e-11));
  // Period 2 over the same closes: seed gain 1/2, loss 1/4; -> +1: gain 3/4,
  // loss 1/8; -> -0.5: gain 3/8, loss 5/16; -> +1: gain 11/16, loss 5/32.
  // RS = 22/5 = 4.4, RSI = 100 - 100 / 5.4.
  CHECK(rsi_reversion::rsi(c, 6, 2) == Approx(100 - 100 / 5.4).epsilon(1e-12));
}

TEST_CASE("Wilder's RSI is 100 without losses, 0 without gains and 50 when "
          "nothing moved") {
  const double up[] = {1, 2, 3, 4, 5};
  const double down[] = {5, 4, 3, 2, 1};
  const double flat[] = {3, 3, 3, 3, 3};
  CHECK(rsi_reversion::rsi(up, 5, 2) == 100);
  CHECK(rsi_reversion::rsi(down, 5, 2) == 0);
  CHECK(rsi_reversion::rsi(flat, 5, 2) == 50);
}

TEST_CASE("the shared RSI at every bar is the RSI of the window ending "
          "there, to the bit") {
  std::vector<candle> cs;
  double p = 100;
  for (int i = 0; i < 2000; ++i) {
    const double o = p;
    p += std::sin(i * 0.37) * 0.731 + std::cos(i * 0.11) * 0.29;
    cs.push_back(
        {at_minute(i), o, std::max(o, p) + 0.01, std::min(o, p) - 0.01, p, 1});
  }
  const auto s = make_series(cs);
  const auto& m = s->minutes();
  for (const std::int64_t period : {2, 14, 70}) {
    const indicator_values v{m, rsi_reversion::rsi_fill(period)};
    const auto n = static_cast<std::size_t>(period) * 4 + 1;
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (k + 1 < n) {
        CHECK(std::isnan(v.at(k)));
        continue;
      }
      const double want =
          rsi_reversion::rsi(m.close.data() + (k + 1 - n), n, period);
      const double got = v.at(k);
      if (std::memcmp(&want, &got, sizeof got) != 0)
        FAIL("period " << period << " bar " << k << ": " << got
                       << " != " << want);
    }
  }
}

TEST_CASE("rsi-reversion goes long when the RSI climbs back over oversold") {
  // period 2: the RSI spans 4 * 2 + 1 = 9 bars, the strategy reads 10.
  // Closes 20, 19, ..., 12, 13. Previous RSI (20 .. 12): only losses -> 0.
  // Current RSI (19 .. 13): seed loss 1, gain 0; five more -1 keep loss 1;
  // then +1: gain 0.5, loss 0.5 -> RSI 50 >= 30.
  std::vector<candle> cs;
  const double closes[] = {20, 19, 18, 17, 16, 15, 14, 13, 12, 13};
  for (int i = 0; i < 10; ++i)
    cs.push_back({at_minute(i), closes[i], closes[i] + 0.5, closes[i] - 0.5,
                  closes[i], 1});
  auto data = make_series(cs);
  CHECK(rsi_reversion::rsi(closes, 9, 2) == 0);
  CHECK(rsi_reversion::rsi(closes + 1, 9, 2) == 50);

  auto s = make("rsi-reversion:period=2,interval=1m,oversold=30,"
                "overbought=70,tp=1.5,sl=1,minutes=120");
  auto r = ask(*s, *data, at_minute(10), 13);
  REQUIRE(r);
  CHECK(r->position == side::long_);
  CHECK(r->price_take_profit == Approx(13.195));
  CHECK(r->price_stop_loss == Approx(12.87));
  CHECK(r->minute_estimated_time == 120);

  // Oversold at 55: the current RSI 50 stays below, nothing.
  auto high = make("rsi-reversion:period=2,interval=1m,oversold=55,"
                   "overbought=70");
  CHECK_FALSE(ask(*high, *data, at_minute(10), 13));
}

TEST_CASE("rsi-reversion gives nothing while the RSI stays oversold") {
  // Last change +0.25: gain 0.125, loss 0.5, RS 0.25, RSI 100 - 100 / 1.25
  // = 20 < 30.
  std::vector<candle> cs;
  const double closes[] = {20, 19, 18, 17, 16, 15, 14, 13, 12, 12.25};
  for (int i = 0; i < 10; ++i)
    cs.push_back({at_minute(i), closes[i], closes[i], closes[i], closes[i], 1});
  auto data = make_series(cs);
  CHECK(rsi_reversion::rsi(closes + 1, 9, 2) == Approx(20.0));
  auto s = make("rsi-reversion:period=2,interval=1m");
  CHECK_FALSE(ask(*s, *data, at_minute(10), 12.25));
}

TEST_CASE("rsi-reversion goes short when the RSI falls back under "
          "overbought") {
  // Mirror: closes rise by 1 nine times then fall by 1: previous RSI 100,
  // current RSI 50 <= 70.
  std::vector<candle> cs;
  const double closes[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 17};
  for (int i = 0; i < 10; ++i)
    cs.push_back({at_minute(i), closes[i], closes[i], closes[i], closes[i], 1});
  auto data = make_series(cs);
  auto s = make("rsi-reversion:period=2,interval=1m,tp=2,sl=1");
  auto r = ask(*s, *data, at_minute(10), 17);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  CHECK(r->price_take_profit == Approx(16.66));
  CHECK(r->price_stop_loss == Approx(17.17));
}

// -- donchian-breakout
// ----------------------------------------------------------

TEST_CASE("donchian-breakout goes long on a close above the previous bars' "
          "highest high") {
  // period 3 on 5m bars: channel from bars 0..2 (highs 105, 108, 104 ->
  // 108; lows 95, 97, 92 -> 92). Bar 3 closes at 109 > 108. Its own high
  // (115) is not part of the channel.
  auto data = bar_series_of({{100, 105, 95, 100},
                             {100, 108, 97, 101},
                             {101, 104, 92, 99},
                             {99, 115, 98, 109}},
                            5);
  auto s = make("donchian-breakout:period=3,interval=5m,tp=3,sl=1.5,"
                "minutes=600");
  CHECK(s->signal_interval() == interval::m5);
  auto r = ask(*s, *data, at_minute(20), 110);
  REQUIRE(r);
  CHECK(r->position == side::long_);
  CHECK(r->price_take_profit == Approx(113.3));
  CHECK(r->price_stop_loss == Approx(108.35));
  CHECK(r->minute_estimated_time == 600);
}

TEST_CASE("donchian-breakout goes short on a close below the previous bars' "
          "lowest low") {
  auto data = bar_series_of({{100, 105, 95, 100},
                             {100, 108, 97, 101},
                             {101, 104, 92, 99},
                             {99, 100, 85, 91}},
                            5);
  auto s = make("donchian-breakout:period=3,interval=5m,tp=3,sl=1.5");
  auto r = ask(*s, *data, at_minute(20), 90);
  REQUIRE(r);
  CHECK(r->position == side::short_);
  CHECK(r->price_take_profit == Approx(87.3));
  CHECK(r->price_stop_loss == Approx(91.35));
}

TEST_CASE("donchian-breakout gives nothing inside the channel or on its "
          "edge") {
  auto s = make("donchian-breakout:period=3,interval=5m");
  const std::vector<bar> channel = {
      {100, 105, 95, 100}, {100, 108, 97, 101}, {101, 104, 92, 99}};
  for (double last : {100.0, 108.0, 92.0}) {
    INFO("last close " << last);
    auto bars = channel;
    bars.push_back({last, last + 1, last - 1, last});
    auto data = bar_series_of(bars, 5);
    CHECK_FALSE(ask(*s, *data, at_minute(20), last));
  }
}

// -- a strategy written by a user
// ------------------------------------------------

namespace {

// Opens a long every 30 minutes, 1% / 1%, for 10 minutes, and records what
// the engine showed it.
class half_hourly final : public btk::strategy {
public:
  btk::interval signal_interval() const override { return btk::interval::m1; }

  std::optional<btk::signal_request>
  get_signal(const btk::signal_context& ctx) override {
    ++calls;
    prices.push_back(ctx.current_price());
    const auto recent = ctx.candles(btk::interval::m1, 3);
    if (recent.size != 3)
      return std::nullopt;
    if (floor_div(ctx.when(), minute_ms) % 30 != 0)
      return std::nullopt;
    btk::signal_request r;
    r.position = btk::side::long_;
    btk::set_levels(r, ctx.current_price(), 1, 1);
    r.minute_estimated_time = 10;
    r.note = "user";
    return r;
  }

  int calls = 0;
  std::vector<double> prices;
};

class recording_sink final : public btk::result_sink {
public:
  void on_result(const btk::tick_result& r) override { results.push_back(r); }
  void on_rejected(btk::timestamp, btk::signal_rule, const btk::signal_request&,
                   double) override {
    ++rejected;
  }
  void on_error(btk::timestamp, const std::string&) override { ++errors; }

  std::vector<btk::tick_result> results;
  int rejected = 0;
  int errors = 0;
};

} // namespace

TEST_CASE("A strategy written by a user runs through strategy::backtest and "
          "produces closed results") {
  // Flat candles at 100: the VWAP is 100, a long never reaches TP 101 or SL
  // 99, so every position ends time_expired after 10 minutes.
  auto data = flat_series(200, 100);
  half_hourly mine;
  btk::strategy& as_base = mine;
  recording_sink sink;
  btk::result_sink& sink_base = sink;
  const btk::backtest_frame frame{at_minute(10), at_minute(100),
                                  btk::interval::m1};
  auto counters = as_base.backtest(*data, btk::config{}, frame, sink_base);
  REQUIRE(counters);
  CHECK(sink.errors == 0);
  CHECK(sink.rejected == 0);

  // Signals at minutes 30, 60, 90, each closing 10 minutes later. Flat ticks
  // asked: 10..30 (21), 41..60 (20), 71..90 (20).
  CHECK(mine.calls == 61);
  CHECK(counters->signal_calls == 61);
  for (double p : mine.prices)
    CHECK(p == 100);

  std::vector<btk::tick_result> closed;
  int opened = 0;
  for (const auto& r : sink.results) {
    if (r.kind == btk::action::opened)
      ++opened;
    if (r.kind == btk::action::closed)
      closed.push_back(r);
  }
  CHECK(opened == 3);
  REQUIRE(closed.size() == 3);
  CHECK(counters->closed == 3);
  const std::int64_t opens[] = {30, 60, 90};
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& r = closed[k];
    INFO("trade " << k);
    CHECK(r.signal.position == btk::side::long_);
    CHECK(r.signal.scheduled_at == at_minute(opens[k]));
    CHECK(r.signal.pending_at == at_minute(opens[k]));
    CHECK(r.close == btk::close_reason::time_expired);
    CHECK(r.close_timestamp == at_minute(opens[k] + 10));
    CHECK(r.signal.note == "user");
    CHECK(r.signal.price_take_profit == Approx(101.0));
    CHECK(r.signal.price_stop_loss == Approx(99.0));
    CHECK(r.price_close == Approx(100.0));
    // Fee 0.1 %, slippage 0.1 %: o' = 100.1, c' = 99.9,
    // pnl = -0.2 / 100.1 * 100 - 0.1 * (1 + 99.9 / 100.1) = -0.3996004...
    CHECK(r.pnl.pnl_percentage == Approx(-0.39960039960).epsilon(1e-9));
  }
}
