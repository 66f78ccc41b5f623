// The live tick (live.md §4) and btk's two deliberate differences: missed
// minutes are caught up, and the whole state survives a restart.

#include "core/live/live_machine.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <vector>

using namespace btk;

namespace {

constexpr timestamp t0 = 1'700'000'040'000 - 1'700'000'040'000 % minute_ms;

// Flat candles at 100 (volume 1), with `edit` applied to each.
std::shared_ptr<const series>
make_series(int minutes, const std::function<void(int, candle&)>& edit = {}) {
  std::vector<candle> cs;
  for (int k = 0; k < minutes; ++k) {
    candle c{t0 + k * minute_ms, 100, 100.05, 99.95, 100, 1};
    if (edit)
      edit(k, c);
    cs.push_back(c);
  }
  auto s = series::make("TESTUSDT", cs);
  REQUIRE(s);
  return *s;
}

// Asks for a long at the current price (or a limit `offset` % below) at
// the given minutes after t0, counting its calls.
struct scripted {
  std::vector<int> at;
  double offset = 0;
  int calls = 0;
  interval signal_interval() const { return interval::m1; }
  std::optional<signal_request> get_signal(const signal_context& ctx) {
    ++calls;
    const int k = static_cast<int>((ctx.when() - t0) / minute_ms);
    if (std::find(at.begin(), at.end(), k) == at.end())
      return std::nullopt;
    signal_request r;
    r.position = side::long_;
    const double p = ctx.current_price() * (1 - offset / 100);
    if (offset > 0)
      r.price_open = p;
    r.price_take_profit = p * 1.02;
    r.price_stop_loss = p * 0.99;
    r.minute_estimated_time = 60;
    return r;
  }
};

std::vector<live_result> run(live_machine& m, const series& s, scripted& st,
                             int from, int to, live_risk* risk = nullptr) {
  live_output out;
  for (int k = from; k < to; ++k) {
    auto r = m.tick(s, st, t0 + k * minute_ms, out, risk);
    REQUIRE(r);
  }
  return out.results;
}

const live_result* find(const std::vector<live_result>& rs, action a) {
  for (const auto& r : rs)
    if (r.kind == a)
      return &r;
  return nullptr;
}

} // namespace

TEST_CASE("a live stop-loss closes on the last closed candle's wick, one tick "
          "after that candle, at the stop price") {
  // Candle 20 dips below the stop (100 * 0.99).
  auto s = make_series(40, [](int k, candle& c) {
    if (k == 20)
      c.low = 98.5;
  });
  config cfg;
  scripted st{{10}};
  live_machine m{cfg, interval::m1};
  const auto rs = run(m, *s, st, 5, 30);
  const auto* opened = find(rs, action::opened);
  const auto* closed = find(rs, action::closed);
  REQUIRE(opened);
  REQUIRE(closed);
  CHECK(opened->when == t0 + 10 * minute_ms);
  CHECK(closed->close == close_reason::stop_loss);
  CHECK(closed->when == t0 + 21 * minute_ms);
  CHECK(closed->close_timestamp == t0 + 21 * minute_ms);
  CHECK(closed->price_close == closed->signal.price_stop_loss);
  // One result per tick: idle, opened, active ..., closed, idle ...
  CHECK(rs.size() == 25);
  CHECK(m.state().phase == live_phase::flat);
}

TEST_CASE("a machine restored from its state continues exactly as one that "
          "never stopped, and asks for no signal twice in a bucket") {
  auto s = make_series(200, [](int k, candle& c) {
    c.close = 100 + (k % 17) * 0.1;
    c.open = c.close;
    c.high = c.close + 0.3;
    c.low = c.close - 0.3;
  });
  config cfg;
  scripted whole{{10, 50, 90, 130}, 0.2};
  live_machine a{cfg, interval::m1};
  const auto all = run(a, *s, whole, 5, 180);

  scripted first{{10, 50, 90, 130}, 0.2};
  live_machine b{cfg, interval::m1};
  auto part = run(b, *s, first, 5, 97);
  const live_state saved = b.state(); // what a host persists
  scripted second{{10, 50, 90, 130}, 0.2};
  live_machine c{cfg, interval::m1, saved};
  // The restarted machine may see the last tick again: it is refused.
  live_output none;
  CHECK_FALSE(c.tick(*s, second, t0 + 96 * minute_ms, none));
  const auto rest = run(c, *s, second, 97, 180);
  part.insert(part.end(), rest.begin(), rest.end());
  REQUIRE(part.size() == all.size());
  for (std::size_t k = 0; k < all.size(); ++k) {
    CHECK(part[k].kind == all[k].kind);
    CHECK(part[k].when == all[k].when);
    CHECK(part[k].current_price == all[k].current_price);
    CHECK(part[k].signal.id == all[k].signal.id);
  }
  CHECK(first.calls + second.calls == whole.calls);
}

TEST_CASE("minutes an open position missed are caught up candle by candle, "
          "with no new signal for them") {
  // The stop is touched by candle 14 only; the machine misses ticks 12..29.
  auto s = make_series(40, [](int k, candle& c) {
    if (k == 14)
      c.low = 98.5;
  });
  config cfg;
  scripted st{{10, 20}};
  live_machine m{cfg, interval::m1};
  auto rs = run(m, *s, st, 5, 12);
  REQUIRE(find(rs, action::opened));
  const int calls = st.calls;
  live_output out;
  REQUIRE(m.tick(*s, st, t0 + 30 * minute_ms, out));
  const auto* closed = find(out.results, action::closed);
  REQUIRE(closed);
  CHECK(closed->close == close_reason::stop_loss);
  CHECK(closed->when == t0 + 15 * minute_ms); // the tick after candle 14
  // Minute 20's signal is not asked for after the fact; minute 30 is.
  CHECK(st.calls == calls + 1);
  CHECK(out.results.back().kind == action::idle);
}

TEST_CASE("stop cancels a scheduled signal on the next tick and ends the loop "
          "the tick after; an open position runs to its close") {
  auto s = make_series(200);
  config cfg;
  scripted sched{{10}, 1.0}; // a limit 1 % below: never reached
  live_machine a{cfg, interval::m1};
  auto rs = run(a, *s, sched, 5, 20);
  REQUIRE(a.state().phase == live_phase::scheduled);
  a.stop();
  a.stop(); // idempotent
  rs = run(a, *s, sched, 20, 25);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].kind == action::cancelled);
  CHECK(rs[0].cancel == cancel_reason::user);
  CHECK(rs[1].kind == action::idle);
  CHECK(a.ended());

  scripted now{{10}};
  live_machine b{cfg, interval::m1};
  run(b, *s, now, 5, 20);
  REQUIRE(b.state().phase == live_phase::pending);
  b.stop();
  rs = run(b, *s, now, 20, 100);
  const auto* closed = find(rs, action::closed);
  REQUIRE(closed);
  CHECK(closed->close == close_reason::time_expired);
  CHECK(closed->when == t0 + 70 * minute_ms); // pendingAt + 60 minutes
  CHECK(rs.back().kind == action::closed);    // nothing after it
  CHECK(b.ended());
}

TEST_CASE("a tick whose candles are missing fails, names them, and changes "
          "nothing") {
  auto s = make_series(30);
  config cfg;
  scripted st{{10}};
  live_machine m{cfg, interval::m1};
  run(m, *s, st, 5, 8);
  const auto before = m.state();
  live_output out;
  const auto r = m.tick(*s, st, t0 + 40 * minute_ms, out);
  REQUIRE_FALSE(r);
  CHECK(r.err().message.find("missing TESTUSDT 1m candles") !=
        std::string::npos);
  CHECK(out.results.empty());
  CHECK(m.state().last_tick == before.last_tick);
}

TEST_CASE("an open position reports each partial level once, and the levels "
          "are part of its state") {
  // The price climbs steadily towards the take-profit after the entry.
  auto s = make_series(80, [](int k, candle& c) {
    if (k >= 10) {
      c.close = 100 + (k - 10) * 0.05;
      c.open = c.close;
      c.high = c.close + 0.01;
      c.low = c.close - 0.01;
    }
  });
  config cfg;
  scripted st{{10}};
  live_machine m{cfg, interval::m1};
  live_output out;
  std::vector<int> levels;
  for (int k = 5; k < 40; ++k) {
    out.clear();
    REQUIRE(m.tick(*s, st, t0 + k * minute_ms, out));
    for (const auto& p : out.partials) {
      CHECK(p.profit);
      levels.push_back(p.level);
    }
    if (k == 20) {
      // A restart in the middle keeps the levels already reported.
      live_machine again{cfg, interval::m1, m.state()};
      CHECK(again.state().profit_level == m.state().profit_level);
    }
  }
  REQUIRE(levels.size() >= 3);
  for (std::size_t k = 0; k < levels.size(); ++k)
    CHECK(levels[k] == 10 * static_cast<int>(k + 1));
}

namespace {

// A risk gate that rejects while `block` is set and records what it hears.
struct fake_risk final : live_risk {
  bool block = false;
  std::vector<timestamp> asked, opened_at, closed_at;
  std::vector<double> prices;
  bool allow(const signal_request&, timestamp t, double price) override {
    asked.push_back(t);
    prices.push_back(price);
    return !block;
  }
  void opened(timestamp t) override { opened_at.push_back(t); }
  void closed(timestamp t) override { closed_at.push_back(t); }
};

} // namespace

TEST_CASE("a signal the risk profiles reject is asked for again at the next "
          "tick, and the profiles hear the open and the close") {
  // Candle 30 dips below the stop of the position opened at 12.
  auto s = make_series(50, [](int k, candle& c) {
    if (k == 30)
      c.low = 98.5;
  });
  config cfg;
  // t0 + 11m starts a 5-minute bucket.
  REQUIRE(floor_div(t0 + 11 * minute_ms, 5 * minute_ms) * 5 * minute_ms ==
          t0 + 11 * minute_ms);
  scripted st{{11, 12, 13}};
  live_machine m{cfg, interval::m5};
  fake_risk risk;
  risk.block = true;
  auto rs = run(m, *s, st, 5, 13, &risk);
  // Rejected at 11 and 12: the 5-minute throttle does not hold the retry.
  CHECK(risk.asked ==
        std::vector<timestamp>{t0 + 11 * minute_ms, t0 + 12 * minute_ms});
  CHECK(m.state().last_bucket == no_bucket);
  CHECK(find(rs, action::opened) == nullptr);
  CHECK(risk.opened_at.empty());
  risk.block = false;
  rs = run(m, *s, st, 13, 40, &risk);
  REQUIRE(find(rs, action::opened) != nullptr);
  CHECK(find(rs, action::opened)->when == t0 + 13 * minute_ms);
  CHECK(risk.opened_at == std::vector<timestamp>{t0 + 13 * minute_ms});
  REQUIRE(find(rs, action::closed) != nullptr);
  CHECK(risk.closed_at == std::vector<timestamp>{t0 + 31 * minute_ms});
  CHECK(st.calls > 3);
}

TEST_CASE("a scheduled signal whose activation the risk profiles reject is "
          "dropped, and the check sees its entry price") {
  // A limit 0.5 % below; the price falls to it from minute 20 on.
  auto s = make_series(60, [](int k, candle& c) {
    if (k >= 20)
      c = {c.ts, 99.4, 99.45, 99.35, 99.4, 1};
  });
  config cfg;
  scripted st{{10}, 0.5};
  live_machine m{cfg, interval::m1};
  fake_risk risk;
  auto rs = run(m, *s, st, 5, 20, &risk);
  REQUIRE(find(rs, action::scheduled) != nullptr);
  REQUIRE(risk.asked.size() == 1); // at the signal, before validation
  risk.block = true;
  rs = run(m, *s, st, 20, 40, &risk);
  CHECK(find(rs, action::opened) == nullptr);
  CHECK(find(rs, action::cancelled) == nullptr);
  CHECK(m.state().phase == live_phase::flat);
  REQUIRE(risk.asked.size() >= 2);
  CHECK(risk.prices[1] == Approx(100 * (1 - 0.005)));
  CHECK(risk.opened_at.empty());
}
