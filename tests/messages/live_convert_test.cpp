// The live records survive Cap'n Proto and refuse what they cannot hold.

#include "messages/live_convert.hpp"

#include <catch2/catch.hpp>

using namespace btk;

TEST_CASE("a live instance record reads back field for field") {
  live_instance_record r;
  r.symbol = "BTCUSDT";
  r.name = "every-n#1";
  r.spec = "every-n:n=60";
  r.events = 42;
  r.written_at = 1005 * minute_ms;
  auto& s = r.state;
  s.phase = live_phase::pending;
  s.signal.id = "7";
  s.signal.position = side::short_;
  s.signal.price_open = 101.25;
  s.signal.original_price_open = 101.25000000000001;
  s.signal.price_take_profit = 99;
  s.signal.price_stop_loss = 103;
  s.signal.minute_estimated_time = 90;
  s.signal.scheduled_at = 1000 * minute_ms;
  s.signal.pending_at = 1001 * minute_ms;
  s.peak = {100.5, 0.3, 1002 * minute_ms};
  s.fall = {101.5, -0.6, 1003 * minute_ms};
  s.last_bucket = 1001;
  s.last_tick = 1004 * minute_ms;
  s.signals = 7;
  s.last_pending_id = "7";
  s.stopped = true;
  const auto back = decode_live_instance(encode_live_instance(r));
  REQUIRE(back);
  CHECK(back->symbol == r.symbol);
  CHECK(back->spec == r.spec);
  CHECK(back->events == 42);
  CHECK(back->written_at == 1005 * minute_ms);
  const auto& b = back->state;
  CHECK(b.phase == live_phase::pending);
  CHECK(b.signal.position == side::short_);
  CHECK(b.signal.original_price_open == s.signal.original_price_open);
  CHECK(b.fall.pnl == -0.6);
  CHECK(b.last_bucket == 1001);
  CHECK(b.stopped);
  CHECK_FALSE(b.cancel_due);
}

TEST_CASE("a live event reads back, and malformed bytes are an error, not a "
          "crash") {
  live_event e;
  e.seq = 9;
  e.symbol = "ETHUSDT";
  e.name = "sma-cross#2";
  e.number = 3;
  e.result.kind = action::closed;
  e.result.close = close_reason::take_profit;
  e.result.pnl.pnl_percentage = 1.25;
  e.order_id = "paper:BTCUSDT/x#1:3:close";
  e.fill_price = 101.5;
  e.fill_quantity = 0.985;
  const auto bytes = encode_live_event(e);
  const auto back = decode_live_event(bytes);
  REQUIRE(back);
  CHECK(back->id() == "ETHUSDT:sma-cross#2:3");
  CHECK(back->result.kind == action::closed);
  CHECK(back->result.close == close_reason::take_profit);
  CHECK(back->result.pnl.pnl_percentage == 1.25);
  CHECK(back->order_id == e.order_id);
  CHECK(back->fill_price == 101.5);
  CHECK(back->fill_quantity == 0.985);
  CHECK_FALSE(decode_live_event(bytes.substr(0, bytes.size() - 8)));
  CHECK_FALSE(decode_live_event("not capnp"));
  CHECK_FALSE(decode_live_instance(bytes.substr(0, 16)));
}
