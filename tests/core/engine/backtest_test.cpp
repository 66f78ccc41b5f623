// Tests of the backtest engine (engine.md §2–§7) on tiny hand-built series.
//
// Most tests use a VWAP window of one candle (CC_AVG_PRICE_CANDLES_COUNT = 1)
// and no fee or slippage, so that the price the engine sees at candle `c` is
// the typical price (h + l + c) / 3 of that candle alone and the PnL is the
// raw price move. The background is a flat market at 100 (h = l = c = 100,
// volume 1); the candles that matter are set by hand with values whose
// typical price is exact in binary.

#include "core/engine/backtest.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/core/test_market.hpp"

using namespace btk;
using namespace btk::test;

namespace {

/// Returns planned requests at planned tick times and records every call.
struct scripted {
  interval iv = interval::m1;
  std::map<timestamp, signal_request> plan;
  std::set<timestamp> throw_at;
  /// When set, asks for this many closed candles of `lookback_iv` each call.
  std::size_t lookback = 0;
  interval lookback_iv = interval::m1;

  std::vector<timestamp> calls;
  std::vector<double> prices;

  interval signal_interval() const { return iv; }

  std::optional<signal_request> get_signal(const signal_context& ctx) {
    calls.push_back(ctx.when());
    prices.push_back(ctx.current_price());
    if (lookback > 0)
      ctx.candles(lookback_iv, lookback);
    if (throw_at.count(ctx.when()))
      throw std::runtime_error("boom");
    auto it = plan.find(ctx.when());
    if (it == plan.end())
      return std::nullopt;
    return it->second;
  }
};

/// Records everything the engine emits.
struct recorder : null_sink {
  std::vector<tick_result> results;
  std::vector<std::pair<timestamp, signal_rule>> rejected;
  std::vector<std::pair<timestamp, std::string>> errors;

  void on_result(const tick_result& r) { results.push_back(r); }
  void on_rejected(timestamp t, signal_rule rule, const signal_request&,
                   double) {
    rejected.emplace_back(t, rule);
  }
  void on_error(timestamp t, const std::string& what) {
    errors.emplace_back(t, what);
  }

  std::vector<tick_result> of(action a) const {
    std::vector<tick_result> out;
    for (const auto& r : results)
      if (r.kind == a)
        out.push_back(r);
    return out;
  }
  std::vector<action> kinds() const {
    std::vector<action> out;
    for (const auto& r : results)
      out.push_back(r.kind);
    return out;
  }
};

backtest_frame frame(std::int64_t from, std::int64_t to,
                     interval iv = interval::m1) {
  return {at(from), at(to), iv};
}

std::vector<timestamp> minutes(std::initializer_list<std::int64_t> ks) {
  std::vector<timestamp> out;
  for (auto k : ks)
    out.push_back(at(k));
  return out;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

/// Runs and requires success.
void run_ok(const series& s, scripted& st, const config& cfg,
            const backtest_frame& f, recorder& rec) {
  auto r = run_backtest(s, st, cfg, f, rec);
  INFO((r.has_value() ? std::string{} : r.err().message));
  REQUIRE(r.has_value());
}

/// Runs and requires an error; returns its message.
std::string run_err(const series& s, scripted& st, const config& cfg,
                    const backtest_frame& f, recorder& rec) {
  auto r = run_backtest(s, st, cfg, f, rec);
  REQUIRE_FALSE(r.has_value());
  return r.err().message;
}

} // namespace

// --------------------------------------------------------- current price --

TEST_CASE("the current price at a tick is the VWAP of the N candles before "
          "it",
          "[engine]") {
  // N = 3: candles 7, 8, 9 have typicals 101, 104, 99 and volumes 1, 2, 1:
  // (101 + 208 + 99) / 4 = 102. Candle 10 (the tick's own) is far away and
  // must not count.
  market mk(20);
  mk.set(7, 101, 101, 101, 1).set(8, 104, 104, 104, 2).set(9, 99, 99, 99, 1);
  mk.set(10, 130, 130, 130, 5);
  auto s = mk.build();
  scripted st;
  recorder rec;
  run_ok(*s, st, plain(3), frame(10, 10), rec);
  REQUIRE(st.calls == minutes({10}));
  CHECK(st.prices[0] == 102);
}

// ------------------------------------------------------ open position ----

TEST_CASE("an immediate long opens at its tick with the current price as "
          "entry",
          "[engine]") {
  market mk(40);
  mk.set(15, 103, 103, 103); // take-profit
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  REQUIRE(rec.kinds() == std::vector<action>{action::opened, action::closed});
  const auto& o = rec.results[0];
  CHECK(o.when == at(10));
  CHECK(o.signal.scheduled_at == at(10));
  CHECK(o.signal.pending_at == at(10));
  CHECK(o.signal.original_price_open == 100);
  CHECK(o.signal.price_open == 100);
  CHECK(o.signal.position == side::long_);
  CHECK(o.signal.price_take_profit == 102);
  CHECK(o.signal.price_stop_loss == 98);
  CHECK(o.signal.minute_estimated_time == 60);
  const auto& c = rec.results[1];
  CHECK(c.close == close_reason::take_profit);
  CHECK(c.close_timestamp == at(15));
  CHECK(c.price_close == 102);
  CHECK(c.signal.pending_at == at(10));
  // (102 - 100) / 100 * 100 = 2 without costs.
  CHECK(c.pnl.pnl_percentage == Approx(2).epsilon(1e-12));
  CHECK(c.pnl.pnl_cost == Approx(2).epsilon(1e-12));
  CHECK(c.pnl.pnl_entries == 100);
  CHECK(c.pnl.price_open == 100);
  CHECK(c.pnl.price_close == 102);
}

TEST_CASE("when the stop-loss and the take-profit are reached in the same "
          "candle the stop-loss wins",
          "[engine]") {
  SECTION("long") {
    market mk(40);
    // typical (110 + 97 + 106) / 3 = 104.33 >= TP 102, low 97 <= SL 98
    mk.set(12, 110, 97, 106);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::stop_loss);
    CHECK(closed[0].close_timestamp == at(12));
    CHECK(closed[0].price_close == 98);
    CHECK(closed[0].pnl.pnl_percentage == Approx(-2).epsilon(1e-12));
    // A stop-loss trade's fall is its own PnL.
    CHECK(closed[0].max_drawdown_pnl == closed[0].pnl.pnl_percentage);
  }
  SECTION("short") {
    market mk(40);
    // typical (103 + 90 + 94) / 3 = 95.67 <= TP 98, high 103 >= SL 102
    mk.set(12, 103, 90, 94);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::short_, 98, 102, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::stop_loss);
    CHECK(closed[0].close_timestamp == at(12));
    CHECK(closed[0].price_close == 102);
    CHECK(closed[0].pnl.pnl_percentage == Approx(-2).epsilon(1e-12));
  }
  SECTION("long with the low one tick above the stop takes the profit") {
    market mk(40);
    // typical (110 + 98.5 + 106) / 3 = 104.83 >= 102, low 98.5 > 98
    mk.set(12, 110, 98.5, 106);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::take_profit);
    CHECK(closed[0].close_timestamp == at(12));
    CHECK(closed[0].price_close == 102);
    // A take-profit trade's peak is its own PnL.
    CHECK(closed[0].peak_pnl == closed[0].pnl.pnl_percentage);
  }
  SECTION("long with the low exactly at the stop is stopped") {
    market mk(40);
    mk.set(12, 101, 98, 100); // typical 99.67
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::stop_loss);
    CHECK(closed[0].close_timestamp == at(12));
  }
}

TEST_CASE("the take-profit is tested on the VWAP, not on the wick",
          "[engine]") {
  SECTION("long") {
    market mk(40);
    // high 105 is above TP 102 but typical (105 + 99 + 99) / 3 = 101 is not
    mk.set(12, 105, 99, 99);
    mk.set(15, 103, 103, 103); // typical 103 >= 102
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::take_profit);
    CHECK(closed[0].close_timestamp == at(15));
    CHECK(closed[0].price_close == 102); // the level, not the VWAP 103
  }
  SECTION("short") {
    market mk(40);
    // low 95 is below TP 98 but typical (101 + 95 + 101) / 3 = 99 is not
    mk.set(12, 101, 95, 101);
    mk.set(15, 97, 97, 97);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::short_, 98, 102, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::take_profit);
    CHECK(closed[0].close_timestamp == at(15));
    CHECK(closed[0].price_close == 98);
    // (100 - 98) / 100 * 100 = 2
    CHECK(closed[0].pnl.pnl_percentage == Approx(2).epsilon(1e-12));
  }
}

TEST_CASE("an immediate position is checked from the candle of its own tick",
          "[engine]") {
  // The price at tick 10 is candle 9's (100); candle 10 itself already
  // reaches the target.
  market mk(40);
  mk.set(10, 103, 103, 103);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 20), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].signal.pending_at == at(10));
  CHECK(closed[0].close_timestamp == at(10));
  CHECK(closed[0].close == close_reason::take_profit);
  // The next tick is 10 + 1m.
  REQUIRE(st.calls.size() >= 2);
  CHECK(st.calls[1] == at(11));
}

TEST_CASE("a position expires on the exact minute at the VWAP that includes "
          "that candle",
          "[engine]") {
  // N = 5, lifetime 3, opened at 10: candles 10, 11, 12 do not expire
  // (0, 1, 2 minutes), candle 13 does (3 >= 3). Typicals: 12 -> 101,
  // 13 -> 103, 14 -> 104, the rest 100.
  //   VWAP(9..13)  = (3 * 100 + 101 + 103) / 5 = 504 / 5 = 100.8  <- expected
  //   VWAP(8..12)  = 501 / 5 = 100.2          (one candle too early)
  //   VWAP(10..14) = 508 / 5 = 101.6          (one minute too late)
  market mk(40);
  mk.set(12, 101, 101, 101).set(13, 103, 103, 103).set(14, 104, 104, 104);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 105, 95, 3);
  recorder rec;
  run_ok(*s, st, plain(5), frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].close == close_reason::time_expired);
  CHECK(closed[0].close_timestamp == at(13));
  CHECK(closed[0].price_close == 100.8);
  CHECK(closed[0].pnl.pnl_percentage == Approx(0.8).epsilon(1e-12));
  // Flat again afterwards: the next call is at 14.
  REQUIRE(st.calls.size() >= 2);
  CHECK(st.calls[1] == at(14));
}

TEST_CASE("a position still open at the end of the frame closes "
          "time_expired at frameEnd + 1m",
          "[engine]") {
  // N = 5, frame 10..12. Candle 13 typical 102, candle 14 typical 104:
  // VWAP(9..13) = (4 * 100 + 102) / 5 = 502 / 5 = 100.4.
  market mk(40);
  mk.set(13, 102, 102, 102).set(14, 104, 104, 104);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 105, 95, 60);
  recorder rec;
  run_ok(*s, st, plain(5), frame(10, 12), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].close == close_reason::time_expired);
  CHECK(closed[0].close_timestamp == at(13));
  CHECK(closed[0].price_close == 100.4);
  // No tick after the frame end.
  CHECK(st.calls == minutes({10}));
}

TEST_CASE("the strategy is not asked while a position is open", "[engine]") {
  market mk(40);
  mk.set(16, 103, 103, 103);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 19), rec);
  CHECK(st.calls == minutes({10, 17, 18, 19}));
}

// ---------------------------------------------------------- peak / fall ----

TEST_CASE("peak and fall follow the VWAP path of a long", "[engine]") {
  // No costs: pnl(x) = (x - 100) / 100 * 100. VWAPs (N = 1) while open:
  // 10: 100, 11: 102 (peak 2), 12: 99 (fall -1), 13: 101 (below the peak
  // price, no change), 14: 104 (peak 4), 15: 97 (fall -3), 16: expiry
  // (lifetime 6) at 101 -> pnl 1, neither a new peak nor a new fall.
  market mk(40);
  mk.set(11, 102, 102, 102).set(12, 99, 99, 99).set(13, 101, 101, 101);
  mk.set(14, 104, 104, 104).set(15, 97, 97, 97).set(16, 101, 101, 101);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 110, 90, 6);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].close == close_reason::time_expired);
  CHECK(closed[0].close_timestamp == at(16));
  CHECK(closed[0].price_close == 101);
  CHECK(closed[0].pnl.pnl_percentage == Approx(1).epsilon(1e-12));
  CHECK(closed[0].peak_pnl == Approx(4).epsilon(1e-12));
  CHECK(closed[0].max_drawdown_pnl == Approx(-3).epsilon(1e-12));
}

TEST_CASE("peak and fall follow the VWAP path of a short", "[engine]") {
  // Mirror: 11: 98 (peak 2), 12: 101 (fall -1), 13: 99 (no change),
  // 14: 96 (peak 4), 15: 103 (fall -3), 16: expiry at 99 -> pnl 1.
  market mk(40);
  mk.set(11, 98, 98, 98).set(12, 101, 101, 101).set(13, 99, 99, 99);
  mk.set(14, 96, 96, 96).set(15, 103, 103, 103).set(16, 99, 99, 99);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::short_, 90, 110, 6);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].price_close == 99);
  CHECK(closed[0].pnl.pnl_percentage == Approx(1).epsilon(1e-12));
  CHECK(closed[0].peak_pnl == Approx(4).epsilon(1e-12));
  CHECK(closed[0].max_drawdown_pnl == Approx(-3).epsilon(1e-12));
}

TEST_CASE("with costs a flat trade has no peak and a fall equal to the cost "
          "of the round trip",
          "[engine]") {
  // Default fee 0.1 % and slippage 0.1 %, entry 100, expiry at 100:
  // o' = 100.1, c' = 99.9, pnl = -0.1998002 - 0.1998002 = -0.3996003996...
  // fall starts at pnl(raw entry) = the same value; peak stays 0.
  market mk(40);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 5);
  recorder rec;
  config cfg;
  cfg.avg_price_candles_count = 1;
  run_ok(*s, st, cfg, frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].close_timestamp == at(15));
  CHECK(closed[0].pnl.pnl_percentage ==
        Approx(-0.3996003996003996).epsilon(1e-12));
  CHECK(closed[0].peak_pnl == 0);
  CHECK(closed[0].max_drawdown_pnl ==
        Approx(-0.3996003996003996).epsilon(1e-12));
}

// ----------------------------------------------------- reported entry ----

TEST_CASE("the reported priceOpen is 100 / (100 / E) and prices the PnL",
          "[engine]") {
  // Find an entry just below 100 whose round trip through the cost changes
  // its last bit (99.999 is one).
  double e = 0;
  for (int k = 1; k < 100000; ++k) {
    const double x = 100 - k / 1000.0;
    if (100 / (100 / x) != x) {
      e = x;
      break;
    }
  }
  REQUIRE(e > 99);
  INFO("E = " << e);
  // A limit short at E below the current price 100 is entered at once at E.
  market mk(40);
  mk.set(12, 97, 97, 97);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::short_, 98, 102, 60, e);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  REQUIRE(rec.kinds() == std::vector<action>{action::opened, action::closed});
  const double reported = 100 / (100 / e);
  CHECK(rec.results[0].signal.original_price_open == e);
  CHECK(rec.results[0].signal.price_open == reported);
  CHECK(rec.results[0].signal.price_open != e);
  const auto& c = rec.results[1];
  CHECK(c.signal.price_open == reported);
  CHECK(c.pnl.price_open == reported);
  CHECK(c.price_close == 98);
  CHECK(c.pnl.pnl_percentage ==
        Approx((reported - 98) / reported * 100).epsilon(1e-14));

  SECTION("with another entry cost the formula uses that cost") {
    config cfg = plain();
    cfg.position_entry_cost = 1000;
    scripted st2;
    st2.plan[at(10)] = go(side::short_, 98, 102, 60, e);
    recorder rec2;
    run_ok(*s, st2, cfg, frame(10, 30), rec2);
    REQUIRE(rec2.results.size() == 2);
    CHECK(rec2.results[0].signal.price_open == 1000 / (1000 / e));
    CHECK(rec2.results[1].pnl.pnl_entries == 1000);
  }
}

TEST_CASE("a limit entry the price has already passed opens immediately",
          "[engine]") {
  SECTION("long with priceOpen above the current price") {
    market mk(40);
    mk.set(13, 104, 104, 104);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 103, 99, 60, 101);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    REQUIRE(rec.kinds() == std::vector<action>{action::opened, action::closed});
    CHECK(rec.results[0].signal.scheduled_at == at(10));
    CHECK(rec.results[0].signal.pending_at == at(10));
    CHECK(rec.results[0].signal.original_price_open == 101);
    CHECK(rec.results[0].signal.price_open == 100 / (100 / 101.0));
    CHECK(rec.results[1].close == close_reason::take_profit);
    CHECK(rec.results[1].close_timestamp == at(13));
  }
  SECTION("long with priceOpen equal to the current price") {
    market mk(40);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::long_, 102, 98, 5, 100);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    REQUIRE(rec.results.size() == 2);
    CHECK(rec.results[0].kind == action::opened);
    CHECK(rec.results[0].signal.pending_at == at(10));
  }
  SECTION("short with priceOpen below the current price") {
    market mk(40);
    mk.set(13, 96, 96, 96);
    auto s = mk.build();
    scripted st;
    st.plan[at(10)] = go(side::short_, 97, 101, 60, 99);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30), rec);
    REQUIRE(rec.kinds() == std::vector<action>{action::opened, action::closed});
    CHECK(rec.results[0].signal.pending_at == at(10));
    CHECK(rec.results[0].signal.original_price_open == 99);
    CHECK(rec.results[1].close == close_reason::take_profit);
    CHECK(rec.results[1].price_close == 97);
    CHECK(rec.results[1].close_timestamp == at(13));
  }
}

// ---------------------------------------------------- scheduled signals ----

TEST_CASE("a scheduled long activates when the low reaches priceOpen",
          "[engine]") {
  // At tick 10 the price is 100, the limit 99: scheduled. Candle 12's low
  // 98.5 reaches 99 (its typical (101.5 + 98.5 + 100) / 3 = 100 stays below
  // TP 101). Candle 15's typical 101.5 >= 101 takes the profit.
  market mk(40);
  mk.set(12, 101.5, 98.5, 100).set(15, 101.5, 101.5, 101.5);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  REQUIRE(rec.kinds() == std::vector<action>{action::scheduled, action::opened,
                                             action::closed});
  const auto& sc = rec.results[0];
  CHECK(sc.when == at(10));
  CHECK(sc.signal.scheduled_at == at(10));
  CHECK(sc.signal.pending_at == 0);
  CHECK(sc.signal.original_price_open == 99);
  const auto& op = rec.results[1];
  CHECK(op.when == at(12));
  CHECK(op.signal.scheduled_at == at(10));
  CHECK(op.signal.pending_at == at(12));
  CHECK(op.signal.original_price_open == 99);
  CHECK(op.signal.price_open == 100 / (100 / 99.0));
  const auto& cl = rec.results[2];
  CHECK(cl.close == close_reason::take_profit);
  CHECK(cl.close_timestamp == at(15));
  CHECK(cl.price_close == 101);
  CHECK(cl.signal.pending_at == at(12));
  CHECK(cl.signal.scheduled_at == at(10));
  // (101 - 99) / 99 * 100 = 2.0202...
  CHECK(cl.pnl.pnl_percentage == Approx(200.0 / 99).epsilon(1e-12));
  // The strategy is not asked while the signal waits or is open.
  CHECK(st.calls.size() >= 2);
  CHECK(st.calls[1] == at(16));
}

TEST_CASE("a scheduled long activates when the low equals priceOpen",
          "[engine]") {
  market mk(40);
  mk.set(12, 101, 99, 100);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  const auto opened = rec.of(action::opened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].signal.pending_at == at(12));
}

TEST_CASE("a scheduled long can activate on the candle of its own tick",
          "[engine]") {
  // The price at tick 10 is candle 9's (100 > 99): scheduled. Candle 10's
  // low 98.5 reaches the limit at once; the walk starts at 11 and the
  // lifetime of 2 expires at 12 at candle 12's typical 100.5.
  market mk(40);
  mk.set(10, 101.5, 98.5, 100).set(12, 100.5, 100.5, 100.5);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 2, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  REQUIRE(rec.kinds() == std::vector<action>{action::scheduled, action::opened,
                                             action::closed});
  CHECK(rec.results[1].signal.pending_at == at(10));
  CHECK(rec.results[2].close == close_reason::time_expired);
  CHECK(rec.results[2].close_timestamp == at(12));
  CHECK(rec.results[2].price_close == 100.5);
}

TEST_CASE("a scheduled short activates when the high reaches priceOpen",
          "[engine]") {
  // Limit 101 above the price 100. Candle 12's high 101.5 reaches it;
  // candle 14's typical 98.5 <= TP 99.
  market mk(40);
  mk.set(12, 101.5, 98.5, 100).set(14, 98.5, 98.5, 98.5);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::short_, 99, 103, 60, 101);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  REQUIRE(rec.kinds() == std::vector<action>{action::scheduled, action::opened,
                                             action::closed});
  CHECK(rec.results[1].signal.pending_at == at(12));
  CHECK(rec.results[2].close == close_reason::take_profit);
  CHECK(rec.results[2].close_timestamp == at(14));
  CHECK(rec.results[2].price_close == 99);
}

TEST_CASE("the activation candle is not checked for take-profit; the walk "
          "starts at the next candle",
          "[engine]") {
  // Candle 12 activates (low 98.5 <= 99) and its typical
  // (104 + 98.5 + 102) / 3 = 101.5 is above TP 101: it must not close
  // there. Candle 14 (typical 102) closes.
  market mk(40);
  mk.set(12, 104, 98.5, 102).set(14, 102, 102, 102);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].signal.pending_at == at(12));
  CHECK(closed[0].close == close_reason::take_profit);
  CHECK(closed[0].close_timestamp == at(14));
}

TEST_CASE("a scheduled position's lifetime counts from its activation",
          "[engine]") {
  // Activated at 12 with lifetime 3: expires at 15 (15 - 12 >= 3), not at
  // 13 (10 + 3). Candle 15 typical 100.5 (N = 1).
  market mk(40);
  mk.set(12, 101.5, 98.5, 100).set(15, 100.5, 100.5, 100.5);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 3, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].close == close_reason::time_expired);
  CHECK(closed[0].close_timestamp == at(15));
  CHECK(closed[0].price_close == 100.5);
}

TEST_CASE("a scheduled long whose entry candle also reaches the stop is "
          "cancelled with price_reject at the VWAP",
          "[engine]") {
  // Candle 12: low 96.5 reaches both the limit 99 and the stop 97.
  // typical (100.5 + 96.5 + 100) / 3 = 99 (N = 1).
  market mk(40);
  mk.set(12, 100.5, 96.5, 100);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 15), rec);
  REQUIRE(rec.kinds() ==
          std::vector<action>{action::scheduled, action::cancelled});
  const auto& c = rec.results[1];
  CHECK(c.cancel == cancel_reason::price_reject);
  CHECK(c.close_timestamp == at(12));
  CHECK(c.when == at(12));
  CHECK(c.price_close == 99);
  CHECK(c.signal.pending_at == 0);
  CHECK(c.signal.scheduled_at == at(10));
  CHECK(c.signal.price_open == 99); // the planned entry
  // The next tick is the minute after the cancellation.
  CHECK(st.calls == minutes({10, 13, 14, 15}));
}

TEST_CASE("a scheduled short whose candle reaches the stop is cancelled with "
          "price_reject",
          "[engine]") {
  // Limit 101, stop 103; candle 11's high 103.5 crosses both.
  // typical (103.5 + 99 + 100.5) / 3 = 101.
  market mk(40);
  mk.set(11, 103.5, 99, 100.5);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::short_, 99, 103, 60, 101);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 15), rec);
  const auto c = rec.of(action::cancelled);
  REQUIRE(c.size() == 1);
  CHECK(c[0].cancel == cancel_reason::price_reject);
  CHECK(c[0].close_timestamp == at(11));
  CHECK(c[0].price_close == 101);
  CHECK(c[0].signal.pending_at == 0);
  CHECK(rec.of(action::opened).empty());
}

TEST_CASE("a scheduled signal times out exactly CC_SCHEDULE_AWAIT_MINUTES "
          "after its creation",
          "[engine]") {
  // Created at 10 with a 5-minute wait: candles 10..14 do not reach the
  // limit 99; candle 15 would (low 98.5) but 15 - 10 >= 5 comes first.
  // typical (102.5 + 98.5 + 102) / 3 = 101.
  market mk(40);
  mk.set(15, 102.5, 98.5, 102);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  config cfg = plain();
  SECTION("wait 5: cancelled at 15") {
    cfg.schedule_await_minutes = 5;
    run_ok(*s, st, cfg, frame(10, 30), rec);
    REQUIRE(rec.kinds() ==
            std::vector<action>{action::scheduled, action::cancelled});
    const auto& c = rec.results[1];
    CHECK(c.cancel == cancel_reason::timeout);
    CHECK(c.close_timestamp == at(15));
    CHECK(c.price_close == 101);
    CHECK(c.signal.pending_at == 0);
    REQUIRE(st.calls.size() >= 2);
    CHECK(st.calls[1] == at(16));
  }
  SECTION("wait 6: activated at 15") {
    cfg.schedule_await_minutes = 6;
    run_ok(*s, st, cfg, frame(10, 30), rec);
    const auto opened = rec.of(action::opened);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].signal.pending_at == at(15));
    CHECK(rec.of(action::cancelled).empty());
  }
}

TEST_CASE("a signal still scheduled at the end of the frame is cancelled at "
          "frameEnd + 1m at the VWAP including that candle",
          "[engine]") {
  // N = 5, frame 10..12. Candle 13 would activate (low 98.5 <= 99) but is
  // after the frame end. Its typical (102.5 + 98.5 + 102) / 3 = 101:
  // VWAP(9..13) = (4 * 100 + 101) / 5 = 100.2.
  market mk(40);
  mk.set(13, 102.5, 98.5, 102);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  run_ok(*s, st, plain(5), frame(10, 12), rec);
  REQUIRE(rec.kinds() ==
          std::vector<action>{action::scheduled, action::cancelled});
  const auto& c = rec.results[1];
  CHECK(c.cancel == cancel_reason::timeout);
  CHECK(c.close_timestamp == at(13));
  CHECK(c.price_close == 100.2);
  CHECK(c.signal.pending_at == 0);
  CHECK(st.calls == minutes({10}));
}

// ------------------------------------------------------------ throttle ----

TEST_CASE("a 5m strategy is asked once per 5-minute bucket", "[engine]") {
  market mk(40);
  auto s = mk.build();
  scripted st;
  st.iv = interval::m5;
  recorder rec;
  // Ticks every minute from 12: buckets [10,15) [15,20) ... [30,35).
  run_ok(*s, st, plain(), frame(12, 31), rec);
  CHECK(st.calls == minutes({12, 15, 20, 25, 30}));
}

TEST_CASE("the throttle bucket is consumed when get_signal returns nothing, "
          "throws or is rejected",
          "[engine]") {
  market mk(40);
  auto s = mk.build();
  scripted st;
  st.iv = interval::m5;
  st.throw_at.insert(at(15));
  // (100.1 - 100) / 100 * 100 = 0.1 % < 0.5 %: rejected.
  st.plan[at(20)] = go(side::long_, 100.1, 99, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 29), rec);
  // 10 returns nothing, 15 throws, 20 is rejected: none is asked again in
  // its bucket.
  CHECK(st.calls == minutes({10, 15, 20, 25}));
  REQUIRE(rec.errors.size() == 1);
  CHECK(rec.errors[0].first == at(15));
  CHECK(contains(rec.errors[0].second, "boom"));
  REQUIRE(rec.rejected.size() == 1);
  CHECK(rec.rejected[0].first == at(20));
  CHECK(rec.rejected[0].second == signal_rule::take_profit_too_close);
  CHECK(rec.results.empty());
}

TEST_CASE("a rejected signal leaves no result and the run goes on",
          "[engine]") {
  market mk(40);
  mk.set(16, 103, 103, 103);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 75, 60); // stop 25 % away
  st.plan[at(11)] = go(side::long_, 102, 98, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 20), rec);
  REQUIRE(rec.rejected.size() == 1);
  CHECK(rec.rejected[0].second == signal_rule::stop_loss_too_far);
  REQUIRE(rec.kinds() == std::vector<action>{action::opened, action::closed});
  CHECK(rec.results[0].signal.scheduled_at == at(11));
  CHECK(rec.results[1].close_timestamp == at(16));
}

TEST_CASE("after a close the next call is at least one minute later and "
          "respects the throttle bucket",
          "[engine]") {
  // 5m strategy. Trade 1 opens at 10 and takes profit at 12: minute 13 is
  // in the consumed bucket [10,15), so the next call is 15. Trade 2 opens at
  // 15 and takes profit at 20: bucket [20,25) has not been used, but minute
  // 20 is the closing minute, so the next call is 21, then 25 and 30.
  market mk(40);
  mk.set(12, 103, 103, 103).set(20, 103, 103, 103);
  auto s = mk.build();
  scripted st;
  st.iv = interval::m5;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  st.plan[at(15)] = go(side::long_, 102, 98, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30), rec);
  CHECK(st.calls == minutes({10, 15, 21, 25, 30}));
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 2);
  CHECK(closed[0].close_timestamp == at(12));
  CHECK(closed[1].signal.pending_at == at(15));
  CHECK(closed[1].close_timestamp == at(20));
}

TEST_CASE("no signal opens in the minute a trade closed", "[engine]") {
  // 1m strategy with a signal planned for 10, 12 and 13. The trade from 10
  // is stopped at 12 (low 97, typical 99); 12 is never asked and the next
  // trade opens at 13 at the price 99 (candle 12's typical).
  market mk(40);
  mk.set(12, 100, 97, 100);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  st.plan[at(12)] = go(side::long_, 102, 98, 60);
  st.plan[at(13)] = go(side::long_, 101, 97.5, 60);
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 16), rec);
  REQUIRE(st.calls.size() >= 2);
  CHECK(st.calls[0] == at(10));
  CHECK(st.calls[1] == at(13));
  const auto opened = rec.of(action::opened);
  REQUIRE(opened.size() == 2);
  CHECK(opened[1].signal.scheduled_at == at(13));
  CHECK(opened[1].signal.original_price_open == 99);
  const auto closed = rec.of(action::closed);
  REQUIRE(closed.size() == 2);
  CHECK(closed[0].close_timestamp == at(12));
  CHECK(closed[0].close == close_reason::stop_loss);
  // The second trade runs to the frame end (16) and closes at 17.
  CHECK(closed[1].close_timestamp == at(17));
  CHECK(closed[1].close == close_reason::time_expired);
}

// ------------------------------------------------------ frame intervals ----

TEST_CASE("a 5m frame ticks every five minutes and prices each tick from "
          "the candles before it",
          "[engine]") {
  market mk(40);
  mk.set(14, 101, 101, 101).set(19, 98, 98, 98);
  auto s = mk.build();
  scripted st;
  recorder rec;
  run_ok(*s, st, plain(), frame(10, 30, interval::m5), rec);
  CHECK(st.calls == minutes({10, 15, 20, 25, 30}));
  REQUIRE(st.prices.size() == 5);
  CHECK(st.prices[0] == 100);
  CHECK(st.prices[1] == 101); // candle 14
  CHECK(st.prices[2] == 98);  // candle 19
}

TEST_CASE("on a 5m frame the walk still runs minute by minute and the next "
          "tick after a close is the first frame tick after it",
          "[engine]") {
  // Trade from 15 closes at 20 (a frame tick): the next tick is 25, not 20.
  // The position is checked on candles 15..20, not only on frame ticks:
  // the stop wick at 17 would be missed by a walk on ticks only.
  SECTION("take-profit on a frame tick") {
    market mk(40);
    mk.set(20, 103, 103, 103);
    auto s = mk.build();
    scripted st;
    st.plan[at(15)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30, interval::m5), rec);
    CHECK(st.calls == minutes({10, 15, 25, 30}));
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close_timestamp == at(20));
  }
  SECTION("stop between frame ticks") {
    market mk(40);
    mk.set(17, 100, 97, 100);
    auto s = mk.build();
    scripted st;
    st.plan[at(15)] = go(side::long_, 102, 98, 60);
    recorder rec;
    run_ok(*s, st, plain(), frame(10, 30, interval::m5), rec);
    CHECK(st.calls == minutes({10, 15, 20, 25, 30}));
    const auto closed = rec.of(action::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].close == close_reason::stop_loss);
    CHECK(closed[0].close_timestamp == at(17));
  }
}

// -------------------------------------------------------- missing data ----

TEST_CASE("a missing VWAP window before the frame start is an error naming "
          "the symbol, interval and range",
          "[engine]") {
  market mk(40);
  auto s = mk.build();
  scripted st;
  recorder rec;
  // N = 5 before minute 3 needs minutes -2 .. 2; the data starts at 0.
  const auto msg = run_err(*s, st, plain(5), frame(3, 10), rec);
  CHECK(contains(msg, "TEST"));
  CHECK(contains(msg, "1m"));
  CHECK(contains(msg, to_iso(at(-2))));
  CHECK(st.calls.empty());
  // From minute 5 the window 0..4 is there.
  scripted ok;
  recorder rec2;
  run_ok(*s, ok, plain(5), frame(5, 10), rec2);
  CHECK(ok.calls.front() == at(5));
}

TEST_CASE("the data ending while a position is open is an error naming the "
          "symbol and the first missing minute",
          "[engine]") {
  // Candles 0..14; the frame ends at 14, so the position would close at
  // 15, which is missing.
  market mk(15);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 102, 98, 60);
  recorder rec;
  const auto msg = run_err(*s, st, plain(), frame(10, 14), rec);
  CHECK(contains(msg, "TEST"));
  CHECK(contains(msg, "1m"));
  CHECK(contains(msg, to_iso(at(15))));
  CHECK(rec.of(action::closed).empty());
}

TEST_CASE("the data ending while a signal is scheduled is an error",
          "[engine]") {
  market mk(15);
  auto s = mk.build();
  scripted st;
  st.plan[at(10)] = go(side::long_, 101, 97, 60, 99);
  recorder rec;
  const auto msg = run_err(*s, st, plain(), frame(10, 14), rec);
  CHECK(contains(msg, "TEST"));
  CHECK(contains(msg, to_iso(at(15))));
  CHECK(rec.of(action::cancelled).empty());
}

TEST_CASE("a frame reaching past the data is an error even while flat",
          "[engine]") {
  market mk(15);
  auto s = mk.build();
  scripted st;
  recorder rec;
  const auto msg = run_err(*s, st, plain(), frame(10, 20), rec);
  CHECK(contains(msg, "TEST"));
  CHECK(contains(msg, to_iso(at(15))));
}

TEST_CASE("a strategy look-back reaching before the data stops the run with "
          "an error naming the symbol, interval and range",
          "[engine]") {
  market mk(40);
  auto s = mk.build();
  scripted st;
  st.lookback = 3;
  st.lookback_iv = interval::m5;
  recorder rec;
  // At tick 12 three closed 5m candles before 10 are [-5,0) [0,5) [5,10):
  // the first is missing.
  const auto msg = run_err(*s, st, plain(), frame(12, 20), rec);
  CHECK(contains(msg, "TEST"));
  CHECK(contains(msg, "5m"));
  CHECK(contains(msg, to_iso(at(-5))));
  // From 15 on, [0,5) [5,10) [10,15) are all there.
  scripted ok;
  ok.lookback = 3;
  ok.lookback_iv = interval::m5;
  recorder rec2;
  run_ok(*s, ok, plain(), frame(15, 20), rec2);
}

TEST_CASE("a frame whose start is after its end is an error", "[engine]") {
  market mk(40);
  auto s = mk.build();
  scripted st;
  recorder rec;
  run_err(*s, st, plain(), frame(20, 10), rec);
}
