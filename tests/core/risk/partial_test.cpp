// Tests of the partial profit/loss milestones (seed-era.md §13.3).
//
// The fast-path tests run the real engine with a VWAP window of one candle
// and no fee or slippage, so the price of candle `i` is the typical price
// (h + l + c) / 3 of that candle alone; candles with h = l = c = p have the
// typical price p exactly. The background is a flat market at 100.

#include "core/risk/partial.hpp"

#include "core/engine/backtest.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "tests/core/test_market.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// Asks for one planned request at one tick.
struct one_shot {
  timestamp when = 0;
  signal_request req;

  interval signal_interval() const { return interval::m1; }
  std::optional<signal_request> get_signal(const signal_context& ctx) {
    if (ctx.when() != when)
      return std::nullopt;
    return req;
  }
};

struct recorder : null_sink {
  std::vector<tick_result> results;
  void on_result(const tick_result& r) { results.push_back(r); }
};

/// Runs the engine over minutes 10..40 with one request at minute 10 and
/// returns its closed result.
tick_result run_closed(const series& s, const signal_request& req) {
  one_shot st{at(10), req};
  recorder rec;
  auto r = run_backtest(s, st, plain(), backtest_frame{at(10), at(40)}, rec);
  INFO((r.has_value() ? std::string{} : r.err().message));
  REQUIRE(r.has_value());
  REQUIRE(!rec.results.empty());
  REQUIRE(rec.results.back().kind == action::closed);
  return rec.results.back();
}

const double* avg_of(const series& s) {
  return s.vwap(1)->data();
}

struct level {
  bool profit;
  int level;
  std::int64_t minute;
};

std::vector<level> levels_of(const std::vector<partial_hit>& hits) {
  std::vector<level> out;
  for (const auto& h : hits)
    out.push_back({h.profit, h.level, (h.when - t0) / minute_ms});
  return out;
}

bool operator==(const level& a, const level& b) {
  return a.profit == b.profit && a.level == b.level && a.minute == b.minute;
}

std::ostream& operator<<(std::ostream& os, const level& x) {
  return os << (x.profit ? "profit " : "loss ") << x.level << " @" << x.minute;
}

/// Feeds a tracker `avg[first .. last)` and returns what it fired.
std::vector<partial_hit> track(const tick_result& r, const double* avg,
                               std::int64_t first, std::int64_t last) {
  partial_tracker tr{r.signal.position, r.signal.price_open,
                     r.signal.price_take_profit, r.signal.price_stop_loss};
  std::vector<partial_hit> out;
  for (auto k = first; k < last; ++k)
    tr.update(avg[k], at(k), out);
  return out;
}

/// The fast path and a tracker fed the same prices agree on everything;
/// the tracker's index counts its steps from `first`.
void check_agreement(const std::vector<partial_hit>& fast,
                     const std::vector<partial_hit>& slow, std::int64_t first) {
  REQUIRE(fast.size() == slow.size());
  for (std::size_t k = 0; k < fast.size(); ++k) {
    CHECK(fast[k].profit == slow[k].profit);
    CHECK(fast[k].level == slow[k].level);
    CHECK(fast[k].when == slow[k].when);
    CHECK(fast[k].price == slow[k].price);
    CHECK(fast[k].index == slow[k].index + static_cast<std::size_t>(first));
  }
}

/// Within each direction the levels are strictly ascending (so each fires
/// at most once) and run 10, 20, ... without a gap.
void check_ascending_once(const std::vector<partial_hit>& hits) {
  int profit = 0;
  int loss = 0;
  for (const auto& h : hits) {
    int& last = h.profit ? profit : loss;
    CHECK(h.level == last + 10);
    last = h.level;
  }
}

} // namespace

// ------------------------------------------------------------ progress ---

TEST_CASE("the progress formula follows the side, the direction and the "
          "cap of 100",
          "[partial]") {
  // long, open 100, TP 110, SL 90
  auto p = partial_progress_of(side::long_, 100, 110, 90, 103.5);
  REQUIRE(p);
  CHECK(p->profit);
  CHECK(p->percent == 35); // 3.5 / 10 * 100
  p = partial_progress_of(side::long_, 100, 110, 90, 98.5);
  REQUIRE(p);
  CHECK_FALSE(p->profit);
  CHECK(p->percent == 15); // |-1.5| / 10 * 100
  p = partial_progress_of(side::long_, 100, 110, 90, 130);
  REQUIRE(p);
  CHECK(p->percent == 100); // min(100, 30 / 10 * 100 = 300)
  CHECK_FALSE(partial_progress_of(side::long_, 100, 110, 90, 100));
  // short, open 100, TP 90, SL 110
  p = partial_progress_of(side::short_, 100, 90, 110, 96.5);
  REQUIRE(p);
  CHECK(p->profit);
  CHECK(p->percent == 35); // (100 - 96.5) / 10 * 100
  p = partial_progress_of(side::short_, 100, 90, 110, 101.5);
  REQUIRE(p);
  CHECK_FALSE(p->profit);
  CHECK(p->percent == 15); // |100 - 101.5| / 10 * 100
  CHECK_FALSE(partial_progress_of(side::short_, 100, 90, 110, 100));
}

// ------------------------------------------------------------- tracker ---

TEST_CASE("the tracker fires each level once, ascending, several in one "
          "step",
          "[partial]") {
  partial_tracker tr{side::long_, 100, 110, 90};
  std::vector<partial_hit> out;
  tr.update(100, 1, out); // d = 0: nothing
  CHECK(out.empty());
  tr.update(101.5, 2, out); // 15 %: level 10
  tr.update(103.5, 3, out); // 35 %: levels 20, 30 in one step
  tr.update(102, 4, out);   // 20 %: already fired
  tr.update(101.5, 5, out); // 15 %: already fired
  tr.update(98.5, 6, out);  // loss 15 %: loss level 10
  tr.update(98.5, 7, out);  // again: nothing
  tr.update(150, 8, out);   // min(100, 500) = 100: levels 40 .. 100
  REQUIRE(out.size() == 11);
  CHECK(out[0].profit);
  CHECK(out[0].level == 10);
  CHECK(out[0].index == 1);
  CHECK(out[0].when == 2);
  CHECK(out[0].price == 101.5);
  CHECK(out[1].level == 20);
  CHECK(out[2].level == 30);
  CHECK(out[1].index == 2);
  CHECK(out[2].index == 2);
  CHECK_FALSE(out[3].profit);
  CHECK(out[3].level == 10);
  CHECK(out[3].index == 5);
  for (int k = 0; k < 7; ++k) {
    CHECK(out[4 + k].profit);
    CHECK(out[4 + k].level == 40 + 10 * k);
    CHECK(out[4 + k].index == 7);
  }
  CHECK(tr.profit_level() == 100);
  CHECK(tr.loss_level() == 10);
  tr.update(200, 9, out); // everything fired already
  CHECK(out.size() == 11);
  check_ascending_once(out);
}

TEST_CASE("resetting a tracker lets the levels fire again", "[partial]") {
  partial_tracker tr{side::short_, 100, 90, 110};
  std::vector<partial_hit> out;
  tr.update(96.5, 1, out); // (100 - 96.5) / 10 * 100 = 35: 10, 20, 30
  REQUIRE(out.size() == 3);
  tr.reset();
  CHECK(tr.profit_level() == 0);
  out.clear();
  tr.update(98.5, 2, out); // 15 %: level 10 again, step 0 again
  REQUIRE(out.size() == 1);
  CHECK(out[0].level == 10);
  CHECK(out[0].index == 0);
}

// ----------------------------------------------------------- fast path ---

TEST_CASE("the fast path recomputes the levels of an immediate long from "
          "its entry candle up to, not including, the closing candle",
          "[partial]") {
  // Entry at tick 10 at the current price avg[9] = 100; TP 110, SL 90.
  // Profit % = (p - 100) / 10 * 100, loss % = (100 - p) / 10 * 100.
  market mk(60);
  mk.flat(11, 101.5); // 15: profit 10
  mk.flat(12, 103.5); // 35: profit 20, 30
  mk.flat(13, 102);   // 20: nothing new
  mk.flat(14, 98.5);  // loss 15: loss 10
  mk.flat(15, 104.5); // 45: profit 40
  mk.flat(16, 101.5); // 15: nothing new
  mk.flat(17, 106.5); // 65: profit 50, 60
  mk.flat(18, 111);   // >= TP: closes; would be 100 % if it counted
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 110, 90, 60));
  REQUIRE(r.close == close_reason::take_profit);
  REQUIRE(r.close_timestamp == at(18));
  REQUIRE(r.signal.price_open == 100);
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  const std::vector<level> want{{true, 10, 11},  {true, 20, 12}, {true, 30, 12},
                                {false, 10, 14}, {true, 40, 15}, {true, 50, 17},
                                {true, 60, 17}};
  CHECK(levels_of(hits) == want);
  check_ascending_once(hits);
  for (const auto& h : hits) {
    CHECK(h.index == static_cast<std::size_t>((h.when - t0) / minute_ms));
    CHECK(h.price == avg_of(*s)[h.index]);
  }
  check_agreement(hits, track(r, avg_of(*s), 10, 18), 10);
}

TEST_CASE("the candle that closes on the stop-loss wick does not count even "
          "when its VWAP is far into the loss",
          "[partial]") {
  // Candle 12: low 89 <= SL 90 closes; its typical (100 + 89 + 100) / 3 =
  // 96.33 would be a 36.7 % loss (levels 10, 20, 30) if it were evaluated.
  market mk(60);
  mk.flat(11, 98.5); // loss 15: loss 10
  mk.set(12, 100, 89, 100);
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 110, 90, 60));
  REQUIRE(r.close == close_reason::stop_loss);
  REQUIRE(r.close_timestamp == at(12));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  CHECK(levels_of(hits) == std::vector<level>{{false, 10, 11}});
  check_agreement(hits, track(r, avg_of(*s), 10, 12), 10);
}

TEST_CASE("the expiry candle of a time-expired position does not count",
          "[partial]") {
  // Lifetime 5 minutes from pending 10: candles 10..14 are walked, 15
  // expires. Candle 15 at 106.5 would be 65 %.
  market mk(60);
  mk.flat(13, 101.5); // 15: profit 10
  mk.flat(15, 106.5);
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 110, 90, 5));
  REQUIRE(r.close == close_reason::time_expired);
  REQUIRE(r.close_timestamp == at(15));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  CHECK(levels_of(hits) == std::vector<level>{{true, 10, 13}});
}

TEST_CASE("an immediate short counts profit downwards and loss upwards",
          "[partial]") {
  // Entry 100, TP 90, SL 110. Profit % = (100 - p) / 10 * 100.
  market mk(60);
  mk.flat(11, 98.5);  // profit 15: 10
  mk.flat(12, 101.5); // loss 15: loss 10
  mk.flat(13, 96.5);  // profit 35: 20, 30
  mk.flat(14, 89);    // <= TP: closes
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::short_, 90, 110, 60));
  REQUIRE(r.close == close_reason::take_profit);
  REQUIRE(r.close_timestamp == at(14));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  const std::vector<level> want{
      {true, 10, 11}, {false, 10, 12}, {true, 20, 13}, {true, 30, 13}};
  CHECK(levels_of(hits) == want);
  check_agreement(hits, track(r, avg_of(*s), 10, 14), 10);
}

TEST_CASE("an immediate limit entry above the current price can fire a loss "
          "level on its entry candle",
          "[partial]") {
  // Long limit 101 at tick 10 with the current price avg[9] = 100 <= 101:
  // immediate, entry 101 (100 / (100 / 101) = 101 exactly), TP 111, SL 91.
  // Candle 10 at 99.5: loss |99.5 - 101| / (101 - 91) * 100 = 15: loss 10.
  market mk(60);
  mk.flat(10, 99.5);
  mk.flat(11, 112); // >= TP: closes
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 111, 91, 60, 101));
  REQUIRE(r.signal.scheduled_at == r.signal.pending_at);
  REQUIRE(r.signal.price_open == 101);
  REQUIRE(r.close_timestamp == at(11));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  CHECK(levels_of(hits) == std::vector<level>{{false, 10, 10}});
}

TEST_CASE("an activated scheduled signal is counted from the candle after "
          "its activation candle",
          "[partial]") {
  // Long limit 98 at tick 10 with the current price 100 > 98: scheduled.
  // Candle 12 (low 97.5 <= 98) activates; its typical (102 + 97.5 +
  // 101.5) / 3 = 100.33 would be (100.33 - 98) / (108 - 98) * 100 = 23.3 %
  // (levels 10, 20) if it counted. Entry 100 / (100 / 98) = 98.
  market mk(60);
  mk.set(12, 102, 97.5, 101.5);
  mk.flat(13, 99.5);  // (99.5 - 98) / 10 * 100 = 15: profit 10
  mk.flat(14, 104.5); // 65: profit 20 .. 60
  mk.flat(15, 108.5); // >= TP 108: closes
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 108, 90, 60, 98));
  REQUIRE(r.signal.scheduled_at == at(10));
  REQUIRE(r.signal.pending_at == at(12));
  REQUIRE(r.close_timestamp == at(15));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  const std::vector<level> want{{true, 10, 13}, {true, 20, 14}, {true, 30, 14},
                                {true, 40, 14}, {true, 50, 14}, {true, 60, 14}};
  CHECK(levels_of(hits) == want);
  check_agreement(hits, track(r, avg_of(*s), 13, 15), 13);
}

TEST_CASE("a scheduled signal activated on its creation candle is not "
          "mistaken for an immediate entry",
          "[partial]") {
  // Same as above, but candle 10 (the creation tick's own candle) reaches
  // the entry: pending_at == scheduled_at, and the walk still starts at 11.
  market mk(60);
  mk.set(10, 102, 97.5, 101.5); // activation; 23.3 % if it counted
  mk.flat(11, 99.5);            // 15: profit 10
  mk.flat(12, 108.5);           // closes
  auto s = mk.build();
  const auto r = run_closed(*s, go(side::long_, 108, 90, 60, 98));
  REQUIRE(r.signal.scheduled_at == at(10));
  REQUIRE(r.signal.pending_at == at(10));
  REQUIRE(r.close_timestamp == at(12));
  const auto hits = partial_milestones(*s, avg_of(*s), r);
  CHECK(levels_of(hits) == std::vector<level>{{true, 10, 11}});
  check_agreement(hits, track(r, avg_of(*s), 11, 12), 11);
}

TEST_CASE("a result that is not a close has no milestones", "[partial]") {
  market mk(30);
  auto s = mk.build();
  tick_result r;
  r.kind = action::opened;
  r.signal.scheduled_at = r.signal.pending_at = at(10);
  r.close_timestamp = at(20);
  CHECK(partial_milestones(*s, avg_of(*s), r).empty());
}
