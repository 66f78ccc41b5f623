#include "core/stats/schedule_report.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_trades.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// A long limit signal `id` created at `scheduled` with entry 100, TP 110,
/// SL 95.
tick_result scheduled(const std::string& id, timestamp at) {
  tick_result r;
  r.kind = action::scheduled;
  r.when = at;
  r.signal.id = id;
  r.signal.position = side::long_;
  r.signal.price_open = 100;
  r.signal.original_price_open = 100;
  r.signal.price_take_profit = 110;
  r.signal.price_stop_loss = 95;
  r.signal.scheduled_at = at;
  return r;
}

/// `s` activated at `at`.
tick_result opened(tick_result s, timestamp at) {
  s.kind = action::opened;
  s.when = at;
  s.signal.pending_at = at;
  return s;
}

/// `s` cancelled at `at` with the VWAP `price`.
tick_result cancelled(tick_result s, timestamp at, double price,
                      cancel_reason why = cancel_reason::timeout) {
  s.kind = action::cancelled;
  s.when = at;
  s.close_timestamp = at;
  s.price_close = price;
  s.cancel = why;
  return s;
}

} // namespace

TEST_CASE("the schedule book keeps scheduled, later opened and cancelled "
          "events newest first") {
  schedule_book book;
  const auto a = scheduled("a", t0);
  book.push("BTCUSDT", a, 101);
  book.push("BTCUSDT", opened(a, t0 + 90'000), 100);
  // Activated on its creation candle: the activation is not an event.
  const auto c = scheduled("c", t0 + minute_ms);
  book.push("BTCUSDT", opened(c, t0 + minute_ms));
  const auto b = scheduled("b", t0 + 10 * minute_ms);
  book.push("BTCUSDT", b, 102);
  book.push("BTCUSDT", cancelled(b, t0 + 130 * minute_ms, 96.5));
  auto closed = opened(a, t0 + 90'000);
  closed.kind = action::closed;
  book.push("BTCUSDT", closed);
  REQUIRE(book.size() == 4);
  std::vector<std::string> seen;
  for (const auto& e : book)
    seen.push_back(std::string(to_string(e.kind)) + ":" + e.signal_id);
  CHECK(seen == std::vector<std::string>{"cancelled:b", "scheduled:b",
                                         "opened:a", "scheduled:a"});
  const auto& cancel = *book.begin();
  CHECK(cancel.when == t0 + 130 * minute_ms);
  CHECK(*cancel.duration == 120);
  // No price given: a cancellation falls back to its closing VWAP.
  CHECK(cancel.current_price == 96.5);
  CHECK(*cancel.cancel == cancel_reason::timeout);
  const auto& open = *(book.begin() + 2);
  CHECK(open.when == t0 + 90'000);
  // Fractional minutes, not rounded.
  CHECK(*open.duration == 1.5);
  CHECK_FALSE((book.begin() + 3)->duration);
}

TEST_CASE("schedule rates count only outcomes of stored schedulings") {
  schedule_book book;
  // "old" was scheduled before the buffer's reach: its cancellation counts
  // as an event but not in the rates.
  book.push("X", cancelled(scheduled("old", t0 - 200 * minute_ms), t0, 90));
  const auto a = scheduled("a", t0);
  book.push("X", a);
  book.push("X", opened(a, t0 + 3 * minute_ms));
  const auto b = scheduled("b", t0 + minute_ms);
  book.push("X", b);
  book.push(
      "X", cancelled(b, t0 + 121 * minute_ms, 95, cancel_reason::price_reject));
  const auto d = scheduled("d", t0 + 2 * minute_ms);
  book.push("X", d);
  book.push("X", opened(d, t0 + 7 * minute_ms));
  const auto s = compute_schedule(book);
  CHECK(s.total_events == 7);
  CHECK(s.total_scheduled == 3);
  CHECK(s.total_opened == 2);
  CHECK(s.total_cancelled == 2);
  // Resolved: a and d opened, b cancelled.
  CHECK(*s.activation_rate == 2.0 / 3 * 100);
  CHECK(*s.cancellation_rate == 1.0 / 3 * 100);
  // Opened waits 5 and 3 minutes, newest first.
  CHECK(*s.avg_activation_time == 4);
  // Cancelled waits 120 (b) and 200 (old).
  CHECK(*s.avg_wait_time == 160);
}

TEST_CASE("schedule rates are null while nothing is resolved") {
  schedule_book book;
  book.push("X", scheduled("a", t0));
  const auto s = compute_schedule(book);
  CHECK(s.total_scheduled == 1);
  CHECK_FALSE(s.activation_rate);
  CHECK_FALSE(s.cancellation_rate);
  CHECK_FALSE(s.avg_activation_time);
  CHECK_FALSE(s.avg_wait_time);
  const auto empty = compute_schedule(schedule_book{});
  CHECK(empty.total_events == 0);
  CHECK_FALSE(empty.activation_rate);
  for (const auto& [key, value] : stat_fields(empty)) {
    INFO(key);
    if (key.substr(0, 5) == "total")
      CHECK(std::get<std::int64_t>(value) == 0);
    else
      CHECK(std::holds_alternative<std::monostate>(value));
  }
}

TEST_CASE("the schedule book drops its oldest event beyond the cap") {
  schedule_book book{2};
  for (int i = 0; i < 5; ++i)
    book.push("X", scheduled(std::to_string(i), t0 + i * minute_ms));
  REQUIRE(book.size() == 2);
  CHECK(book.begin()->signal_id == "4");
  CHECK((book.begin() + 1)->signal_id == "3");
  schedule_book none{0};
  none.push("X", scheduled("a", t0));
  CHECK(none.empty());
}

TEST_CASE("an empty schedule report is the title and one sentence") {
  CHECK(render_schedule_report("limit#1", compute_schedule(schedule_book{})) ==
        "# Scheduled Signals Report: limit#1\n\nNo scheduled signals recorded "
        "yet.");
}

TEST_CASE("a schedule report lists events, 8 summary lines and 8 notes") {
  schedule_book book;
  auto a = scheduled("a", t0);
  a.signal.price_open = 0.61234;
  a.signal.price_take_profit = 0.65;
  a.signal.price_stop_loss = 0.6;
  book.push("XRPUSDT", a, 0.62);
  book.push("XRPUSDT", opened(a, t0 + 90'000), 0.6123);
  const auto text = render_schedule_report("limit#1", compute_schedule(book));
  CHECK(text.back() != '\n');
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 2 + 4 + 1 + 8 + 1 + 8);
  CHECK(lines[0] == "# Scheduled Signals Report: limit#1");
  CHECK(lines[2] == "| Timestamp | Action | Symbol | Signal ID | Position | "
                    "Current Price | Entry Price | Take Profit | Stop Loss | "
                    "Wait Time (min) | Cancel Reason |");
  CHECK(lines[3] == "| --- | --- | --- | --- | --- | --- | --- | --- | --- | "
                    "--- | --- |");
  CHECK(lines[4] == "| 2024-03-04T00:01:30.000Z | OPENED | XRPUSDT | a | LONG "
                    "| 0.6123 USD | 0.6123 USD | 0.6500 USD | 0.6000 USD | 1.5 "
                    "| N/A |");
  CHECK(lines[5] == "| 2024-03-04T00:00:00.000Z | SCHEDULED | XRPUSDT | a | "
                    "LONG | 0.6200 USD | 0.6123 USD | 0.6500 USD | 0.6000 USD "
                    "| N/A | N/A |");
  const std::vector<std::string> footer(lines.begin() + 7, lines.begin() + 15);
  CHECK(footer == std::vector<std::string>{
                      "**Total events:** 2",
                      "**Scheduled signals (raw):** 1",
                      "**Opened signals:** 1",
                      "**Cancelled signals:** 0",
                      "**Activation rate:** 100.00% (higher is better)",
                      "**Cancellation rate:** 0.00% (lower is better)",
                      "**Average activation time:** 1.50 minutes",
                      "**Average wait time (cancelled):** N/A",
                  });
  CHECK(lines[15].empty());
  for (std::size_t i = 16; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].front() == '*');
    CHECK(lines[i].back() == '*');
  }
}

TEST_CASE("a schedule report shows the note and cancel reason on request") {
  schedule_book book;
  auto b = scheduled("b", t0);
  b.signal.note = "dip buy";
  book.push("X", cancelled(b, t0 + 120 * minute_ms, 96.25,
                           cancel_reason::price_reject));
  const auto lines =
      lines_of(render_schedule_report("s", compute_schedule(book), true));
  CHECK(lines[2].find("| Position | Note | Current Price |") !=
        std::string::npos);
  CHECK(lines[4] == "| 2024-03-04T02:00:00.000Z | CANCELLED | X | b | LONG | "
                    "dip buy | 96.25 USD | 100.00 USD | 110.00 USD | 95.00 USD "
                    "| 120 | PRICE_REJECT |");
}
