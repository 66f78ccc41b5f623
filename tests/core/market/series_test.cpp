// Tests of the market data layer: `series::make`, higher-interval bars, the
// VWAP (engine.md notation) and the no-look-ahead candle access of
// `signal_context` (engine.md §1).

#include "core/engine/signal_context.hpp"
#include "core/market/series.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace btk;

namespace {

constexpr timestamp t0 = 1'709'510'400'000; // 2024-03-04T00:00:00Z, day aligned

timestamp at(std::int64_t minute) {
  return t0 + minute * minute_ms;
}

/// `n` contiguous flat candles from minute `from`, price `p`, volume 1.
std::vector<candle> flat(std::int64_t from, int n, double p = 100) {
  std::vector<candle> out;
  for (int k = 0; k < n; ++k)
    out.push_back({at(from + k), p, p, p, p, 1});
  return out;
}

std::shared_ptr<const series> make_ok(std::vector<candle> cs,
                                      std::string sym = "BTCUSDT") {
  auto s = series::make(std::move(sym), cs);
  REQUIRE(s.has_value());
  return *s;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

} // namespace

// ---------------------------------------------------------------- make ----

TEST_CASE("series::make accepts contiguous minute candles and indexes them by "
          "open time",
          "[series]") {
  auto s = make_ok(flat(3, 4));
  CHECK(s->size() == 4);
  CHECK(s->first() == at(3));
  CHECK(s->last() == at(6));
  CHECK(s->index_of(at(3)) == 0);
  CHECK(s->index_of(at(6)) == 3);
  CHECK(s->index_of(at(7)) == -1);
  CHECK(s->index_of(at(2)) == -1);
  CHECK(s->index_of(at(4) + 1) == -1);
  CHECK(s->symbol() == "BTCUSDT");
}

TEST_CASE("series::make rejects an empty candle list naming the symbol",
          "[series]") {
  auto s = series::make("ETHUSDT", {});
  REQUIRE_FALSE(s.has_value());
  CHECK(contains(s.err().message, "ETHUSDT"));
}

TEST_CASE("series::make rejects a first timestamp off the minute grid and "
          "names that timestamp",
          "[series]") {
  auto cs = flat(0, 3);
  for (auto& c : cs)
    c.ts += 1500; // 1.5 s past each minute
  auto s = series::make("BTCUSDT", cs);
  REQUIRE_FALSE(s.has_value());
  CHECK(contains(s.err().message, std::to_string(at(0) + 1500)));
  CHECK(contains(s.err().message, "grid"));
}

TEST_CASE("series::make rejects a gap and names the candle index and both "
          "times",
          "[series]") {
  auto cs = flat(0, 5);
  // Candle 3 should open at minute 3; it opens at minute 4 (a gap).
  cs[3].ts = at(4);
  cs[4].ts = at(5);
  auto s = series::make("BTCUSDT", cs);
  REQUIRE_FALSE(s.has_value());
  const auto& msg = s.err().message;
  CHECK(contains(msg, "candle 3"));
  CHECK(contains(msg, to_iso(at(4)))); // what it opens at
  CHECK(contains(msg, to_iso(at(3)))); // what was expected
}

TEST_CASE("series::make rejects candles out of order and names the index",
          "[series]") {
  auto cs = flat(0, 4);
  std::swap(cs[1].ts, cs[2].ts);
  auto s = series::make("BTCUSDT", cs);
  REQUIRE_FALSE(s.has_value());
  CHECK(contains(s.err().message, "candle 1"));
}

TEST_CASE("series::make rejects a price that is zero, negative or not finite "
          "and names the candle time",
          "[series]") {
  const double bad[] = {0.0, -1.0, std::nan(""), INFINITY};
  for (double b : bad) {
    for (int field = 0; field < 4; ++field) {
      auto cs = flat(0, 4);
      double* p[] = {&cs[2].open, &cs[2].high, &cs[2].low, &cs[2].close};
      *p[field] = b;
      auto s = series::make("BTCUSDT", cs);
      INFO("value " << b << " in field " << field);
      REQUIRE_FALSE(s.has_value());
      CHECK(contains(s.err().message, to_iso(at(2))));
      CHECK(contains(s.err().message, "price"));
    }
  }
}

TEST_CASE("series::make rejects a negative or non-finite volume but accepts "
          "a zero volume",
          "[series]") {
  auto cs = flat(0, 4);
  cs[1].volume = -2;
  auto s = series::make("BTCUSDT", cs);
  REQUIRE_FALSE(s.has_value());
  CHECK(contains(s.err().message, to_iso(at(1))));
  CHECK(contains(s.err().message, "volume"));

  cs[1].volume = std::nan("");
  CHECK_FALSE(series::make("BTCUSDT", cs).has_value());

  cs[1].volume = 0;
  CHECK(series::make("BTCUSDT", cs).has_value());
}

// ---------------------------------------------------------------- bars ----

TEST_CASE("higher-interval bars take the first open, last close, max high, "
          "min low and summed volume of their bucket",
          "[series]") {
  // Minutes 5..9 form one 5m bucket (t0 is a multiple of 5 minutes).
  std::vector<candle> cs = {
      {at(5), 10, 12, 9, 11, 1},  {at(6), 11, 15, 10, 14, 2},
      {at(7), 14, 14, 7, 8, 3},   {at(8), 8, 9, 8, 9, 4},
      {at(9), 9, 13, 8.5, 12, 5},
  };
  auto s = make_ok(cs);
  auto b = s->bars(interval::m5);
  REQUIRE(b->size() == 1);
  CHECK(b->first == at(5));
  CHECK(b->step == 5 * minute_ms);
  CHECK(b->open[0] == 10);   // open of minute 5
  CHECK(b->close[0] == 12);  // close of minute 9
  CHECK(b->high[0] == 15);   // minute 6
  CHECK(b->low[0] == 7);     // minute 7
  CHECK(b->volume[0] == 15); // 1 + 2 + 3 + 4 + 5
}

TEST_CASE("higher-interval buckets are aligned to epoch multiples and a "
          "partial first bucket is dropped",
          "[series]") {
  // Data from minute 2 to minute 16, close = minute number. The 5m buckets
  // are [0,5) partial (dropped), [5,10), [10,15), [15,20) partial (not
  // closed by the data, dropped too).
  std::vector<candle> cs;
  for (int k = 2; k <= 16; ++k)
    cs.push_back({at(k), 1.0 * k, k + 0.5, k - 0.5, 1.0 * k, 1});
  auto s = make_ok(cs);
  auto b = s->bars(interval::m5);
  REQUIRE(b->size() == 2);
  CHECK(b->first == at(5));
  CHECK(b->open_time(1) == at(10));
  CHECK(b->open[0] == 5);
  CHECK(b->close[0] == 9);
  CHECK(b->high[0] == 9.5);
  CHECK(b->low[0] == 4.5);
  CHECK(b->open[1] == 10);
  CHECK(b->close[1] == 14);
  CHECK(b->volume[1] == 5);

  // 15m from minute 2: the first full bucket would be [15,30), not covered.
  CHECK(s->bars(interval::m15)->size() == 0);
}

TEST_CASE("hourly buckets start at the top of the UTC hour, not at the first "
          "candle",
          "[series]") {
  // 150 minutes starting at 00:20: the first full hour is 01:00..01:59.
  std::vector<candle> cs;
  for (int k = 20; k < 170; ++k)
    cs.push_back({at(k), 100.0 + k, 101.0 + k, 99.0 + k, 100.5 + k, 2});
  auto s = make_ok(cs);
  auto b = s->bars(interval::h1);
  REQUIRE(b->size() == 1);
  CHECK(b->first == at(60));
  CHECK(b->open[0] == 160);    // open of minute 60
  CHECK(b->close[0] == 219.5); // close of minute 119
  CHECK(b->high[0] == 220);    // high of minute 119
  CHECK(b->low[0] == 159);     // low of minute 60
  CHECK(b->volume[0] == 120);  // 60 * 2
}

// ---------------------------------------------------------------- vwap ----

TEST_CASE("vwap(n) weights the typical price (h + l + c) / 3 by volume over "
          "the n candles ending at each index",
          "[series][vwap]") {
  // typical (15 + 6 + 9) / 3 = 10 (v 1), (14 + 11 + 11) / 3 = 12 (v 1),
  // (22 + 12 + 20) / 3 = 18 (v 2):
  //   VWAP(3) at 2 = (10 + 12 + 36) / 4 = 14.5
  //   (weighting the closes instead would give (9 + 11 + 40) / 4 = 15)
  //   VWAP(2) at 1 = (10 + 12) / 2 = 11;  VWAP(2) at 2 = (12 + 36) / 3 = 16
  std::vector<candle> cs = {
      {at(0), 9, 15, 6, 9, 1},
      {at(1), 11, 14, 11, 11, 1},
      {at(2), 20, 22, 12, 20, 2},
  };
  auto s = make_ok(cs);
  auto v3 = s->vwap(3);
  REQUIRE(v3->size() == 3);
  CHECK(std::isnan((*v3)[0]));
  CHECK(std::isnan((*v3)[1]));
  CHECK((*v3)[2] == 14.5);
  auto v2 = s->vwap(2);
  CHECK(std::isnan((*v2)[0]));
  CHECK((*v2)[1] == 11);
  CHECK((*v2)[2] == 16);
  auto v1 = s->vwap(1);
  CHECK((*v1)[0] == 10);
  CHECK((*v1)[2] == 18);
  CHECK(vwap_of(s->minutes(), 0, 2) == 14.5);
  CHECK(vwap_of(s->minutes(), 1, 2) == 16);
}

TEST_CASE("vwap falls back to the mean of the closes when the window has no "
          "volume",
          "[series][vwap]") {
  // All volumes 0; the highs and lows are off-centre so that the typical
  // price would give a different answer. Closes 10, 11, 15: mean 12.
  std::vector<candle> cs = {
      {at(0), 10, 20, 5, 10, 0},
      {at(1), 11, 30, 6, 11, 0},
      {at(2), 15, 40, 7, 15, 0},
      {at(3), 15, 15, 15, 15, 4}, // volume comes back
  };
  auto s = make_ok(cs);
  auto v = s->vwap(3);
  CHECK((*v)[2] == 12);
  // Window 1..3: only candle 3 has volume, so the VWAP is its typical, 15.
  CHECK((*v)[3] == 15);
  CHECK(vwap_of(s->minutes(), 0, 2) == 12);
}

TEST_CASE("vwap sums run from the oldest candle to the newest",
          "[series][vwap]") {
  // Typicals 1e16, 1, 1 with volume 1. Oldest first: 1e16 + 1 rounds to 1e16
  // (ties to even, the spacing at 1e16 is 2), and again for the second 1, so
  // the VWAP is 1e16 / 3. Newest first would give (1e16 + 2) / 3, which is a
  // different double.
  std::vector<candle> cs = {
      {at(0), 1e16, 1e16, 1e16, 1e16, 1},
      {at(1), 1, 1, 1, 1, 1},
      {at(2), 1, 1, 1, 1, 1},
  };
  auto s = make_ok(cs);
  REQUIRE(1e16 / 3 != (1e16 + 2) / 3);
  CHECK((*s->vwap(3))[2] == 1e16 / 3);
  CHECK(vwap_of(s->minutes(), 0, 2) == 1e16 / 3);
}

// ------------------------------------------------------ signal_context ----

TEST_CASE("signal_context::candles returns the n closed 1m candles strictly "
          "before the tick",
          "[series][context]") {
  // close of minute k = 100 + k, minutes 0..29.
  std::vector<candle> cs;
  for (int k = 0; k < 30; ++k)
    cs.push_back({at(k), 100.0 + k, 100.0 + k, 100.0 + k, 100.0 + k, 1});
  auto s = make_ok(cs);
  signal_context ctx{*s};
  ctx.set_tick(at(20), 123.5);
  CHECK(ctx.when() == at(20));
  CHECK(ctx.current_price() == 123.5);
  CHECK(ctx.symbol() == "BTCUSDT");
  auto w = ctx.candles(interval::m1, 3);
  REQUIRE(w.size == 3);
  CHECK(w.first == at(17));
  CHECK(w.close[0] == 117);
  CHECK(w.close[2] == 119); // minute 19; minute 20 is forming
  CHECK(w.at(2).ts == at(19));
  CHECK(ctx.missing().empty());
}

TEST_CASE("signal_context::candles never shows the higher-interval candle "
          "that is still forming",
          "[series][context]") {
  std::vector<candle> cs;
  for (int k = 0; k < 40; ++k)
    cs.push_back({at(k), 100.0 + k, 100.0 + k, 100.0 + k, 100.0 + k, 1});
  auto s = make_ok(cs);
  signal_context ctx{*s};

  // At 00:22 the 5m candle [20,25) is forming although the data holds it:
  // the two closed ones are [10,15) and [15,20).
  ctx.set_tick(at(22), 0);
  auto w = ctx.candles(interval::m5, 2);
  REQUIRE(w.size == 2);
  CHECK(w.first == at(10));
  CHECK(w.step == 5 * minute_ms);
  CHECK(w.open[0] == 110);
  CHECK(w.close[0] == 114);
  CHECK(w.open[1] == 115);
  CHECK(w.close[1] == 119);

  // Exactly on a bucket boundary the bucket that starts now is forming too.
  ctx.set_tick(at(20), 0);
  w = ctx.candles(interval::m5, 1);
  REQUIRE(w.size == 1);
  CHECK(w.first == at(15));
  CHECK(w.close[0] == 119);

  // One minute before the end of [20,25) it is still forming.
  ctx.set_tick(at(24), 0);
  w = ctx.candles(interval::m5, 1);
  REQUIRE(w.size == 1);
  CHECK(w.first == at(15));
  CHECK(ctx.missing().empty());
}

TEST_CASE("signal_context::candles reports missing history with symbol, "
          "interval and range",
          "[series][context]") {
  auto s = make_ok(flat(0, 40), "NEARUSDT");
  signal_context ctx{*s};
  ctx.set_tick(at(22), 100);
  // Needs 5 closed 5m candles before 00:20: [-5,0) .. [15,20); the data
  // starts at minute 0, so [-5,0) is missing.
  auto w = ctx.candles(interval::m5, 5);
  CHECK(w.size == 0);
  const auto& msg = ctx.missing();
  REQUIRE_FALSE(msg.empty());
  CHECK(contains(msg, "NEARUSDT"));
  CHECK(contains(msg, "5m"));
  CHECK(contains(msg, to_iso(at(-5))));
  CHECK(contains(msg, to_iso(at(15))));

  // Four are there.
  signal_context ok{*s};
  ok.set_tick(at(22), 100);
  CHECK(ok.candles(interval::m5, 4).size == 4);
  CHECK(ok.missing().empty());
}

TEST_CASE("series::from_minutes equals series::make, "
          "errors included") {
  auto cs = flat(0, 50);
  cs[7] = {at(7), 101, 103, 99, 102, 4};
  const auto columns = [](const std::vector<candle>& v) {
    bar_series m;
    m.first = v.front().ts;
    for (const auto& c : v) {
      m.open.push_back(c.open);
      m.high.push_back(c.high);
      m.low.push_back(c.low);
      m.close.push_back(c.close);
      m.volume.push_back(c.volume);
    }
    return m;
  };
  auto a = series::make("BTCUSDT", cs);
  auto b = series::from_minutes("BTCUSDT", columns(cs));
  REQUIRE(a);
  REQUIRE(b);
  CHECK((*b)->minutes().close == (*a)->minutes().close);
  CHECK((*b)->minutes().high == (*a)->minutes().high);
  CHECK((*b)->first() == (*a)->first());
  CHECK((*b)->last() == (*a)->last());
  cs[30].high = 90; // below its low
  auto bad_rows = series::make("BTCUSDT", cs);
  auto bad_cols = series::from_minutes("BTCUSDT", columns(cs));
  REQUIRE_FALSE(bad_rows);
  REQUIRE_FALSE(bad_cols);
  CHECK(bad_cols.err().message == bad_rows.err().message);
  auto ragged = columns(flat(0, 5));
  ragged.volume.pop_back();
  auto r = series::from_minutes("BTCUSDT", std::move(ragged));
  REQUIRE_FALSE(r);
  CHECK(contains(r.err().message, "not 1-minute bars of one length"));
  auto off = columns(flat(0, 5));
  off.first += 1;
  CHECK_FALSE(series::from_minutes("BTCUSDT", std::move(off)));
  CHECK_FALSE(series::from_minutes("BTCUSDT", bar_series{}));
}
