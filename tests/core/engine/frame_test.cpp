// The default frame: warm-up and look-ahead as backtest-kit needs them.

#include "core/engine/frame.hpp"

#include <catch2/catch.hpp>

using namespace btk;

TEST_CASE("the margins cover the VWAP window or look-back, and the longest "
          "lifetime plus the schedule wait") {
  config cfg;
  cfg.avg_price_candles_count = 5;
  cfg.max_signal_lifetime_minutes = 1440;
  cfg.schedule_await_minutes = 120;
  auto m = frame_margins_for({}, cfg);
  CHECK(m.warmup_minutes == 5);
  CHECK(m.lookahead_minutes == 0);
  m = frame_margins_for({{160, 240, false}, {0, 60, true}}, cfg);
  CHECK(m.warmup_minutes == 160);
  CHECK(m.lookahead_minutes == 241); // max(240, 60 + 120) + 1
  // No lifetime of its own: the configured maximum.
  m = frame_margins_for({{0, 0, false}}, cfg);
  CHECK(m.lookahead_minutes == 1441);
}

TEST_CASE("a frame is the data minus its margins unless given, and an empty "
          "one names both ends and the margins") {
  const timestamp first = 0, last = 1000 * minute_ms;
  const frame_margins m{10, 61};
  auto f =
      resolve_frame(first, last, m, std::nullopt, std::nullopt, interval::m1);
  REQUIRE(f);
  CHECK(f->start == 10 * minute_ms);
  CHECK(f->end == 939 * minute_ms);
  f = resolve_frame(first, last, m, 5 * minute_ms, std::nullopt, interval::m5);
  REQUIRE(f);
  CHECK(f->start == 5 * minute_ms);
  CHECK(f->iv == interval::m5);
  f = resolve_frame(first, last, m, 950 * minute_ms, std::nullopt,
                    interval::m1);
  REQUIRE_FALSE(f);
  CHECK(f.err().message ==
        "the frame is empty: start 1970-01-01T15:50:00.000Z is after end "
        "1970-01-01T15:39:00.000Z (the data covers 1970-01-01T00:00:00.000Z "
        ".. 1970-01-01T16:40:00.000Z; warm-up 10 min, look-ahead 61 min)");
}
