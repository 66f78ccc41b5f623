// Listeners: every topic of the backtest facade, the *_once variants with a
// filter, unsubscribe, and the order in which a listener sees events.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <stdexcept>

#include "core/risk/partial.hpp"
#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

template <class E>
struct recorder {
  std::mutex mtx;
  std::vector<E> events;
  std::function<void(const E&)> fn() {
    return [this](const E& e) {
      std::lock_guard<std::mutex> guard{mtx};
      events.push_back(e);
    };
  }
};

const backtest_context ctx1{"every-n#1", "synth", "f"};

} // namespace

TEST_CASE("signal listeners see every result in engine order", "[api]") {
  auto e = make_engine({"every-n:n=90,side=alt"});
  recorder<signal_event> all;
  recorder<signal_event> backtest;
  e->listen_signal(all.fn());
  e->listen_signal_backtest(backtest.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->flush_events();
  const auto plain = plain_run("BTCUSDT", "every-n:n=90,side=alt");
  REQUIRE(all.events.size() == plain.size());
  REQUIRE(backtest.events.size() == plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    CHECK(all.events[i].result.kind == plain[i].kind);
    CHECK(all.events[i].result.when == plain[i].when);
    CHECK(backtest.events[i].result.signal.id == plain[i].signal.id);
    CHECK(backtest.events[i].source.backtest);
  }
}

TEST_CASE("done and progress listeners see each run's progress up to its end",
          "[api]") {
  auto e = make_engine({"every-n:n=90"});
  recorder<done_event> done;
  recorder<progress_event> progress;
  e->listen_done_backtest(done.fn());
  e->listen_progress(progress.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->backtest().background("ETHUSDT", ctx1).wait();
  e->flush_events();
  REQUIRE(done.events.size() == 2);
  CHECK(done.events[0].source.symbol == "BTCUSDT");
  CHECK(done.events[1].source.symbol == "ETHUSDT");
  CHECK_FALSE(done.events[0].stopped);
  CHECK(done.events[0].error.empty());
  // Progress grows per instance and reaches the whole frame.
  double last = 0;
  std::size_t btc = 0;
  for (const auto& p : progress.events) {
    if (p.source.symbol != "BTCUSDT")
      continue;
    ++btc;
    CHECK(p.progress >= last);
    last = p.progress;
    CHECK(p.total_frames == 24 * 1440 + 1);
  }
  CHECK(btc >= 24);
  CHECK(last == 1.0);
}

TEST_CASE("once listeners fire for the first matching event only", "[api]") {
  auto e = make_engine({"every-n:n=90"});
  recorder<signal_event> first_closed;
  auto sub = e->listen_signal_once(
      [](const signal_event& ev) { return ev.result.kind == action::closed; },
      first_closed.fn());
  recorder<done_event> done;
  e->listen_done_backtest_once(
      [](const done_event& ev) { return ev.source.symbol == "ETHUSDT"; },
      done.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->backtest().background("ETHUSDT", ctx1).wait();
  e->flush_events();
  REQUIRE(first_closed.events.size() == 1);
  CHECK(first_closed.events[0].result.kind == action::closed);
  CHECK(first_closed.events[0].source.symbol == "BTCUSDT");
  CHECK(first_closed.events[0].result.signal.id == "1");
  REQUIRE(done.events.size() == 1);
  CHECK(done.events[0].source.symbol == "ETHUSDT");
  sub.unsubscribe(); // already gone: harmless
}

TEST_CASE("an unsubscribed listener receives nothing more", "[api]") {
  auto e = make_engine({"every-n:n=90"});
  recorder<signal_event> r;
  auto sub = e->listen_signal(r.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->flush_events();
  const auto seen = r.events.size();
  CHECK(seen > 0);
  sub.unsubscribe();
  e->backtest().background("ETHUSDT", ctx1).wait();
  e->flush_events();
  CHECK(r.events.size() == seen);
}

TEST_CASE("performance listeners get each run's total time", "[api]") {
  auto e = make_engine({"every-n:n=90"});
  recorder<performance_event> perf;
  e->listen_performance(perf.fn());
  recorder<performance_event> once;
  e->listen_performance_once(nullptr, once.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->flush_events();
  REQUIRE(perf.events.size() == 1);
  CHECK(perf.events[0].type == "backtest_total");
  CHECK(perf.events[0].duration_ms >= 0);
  CHECK(perf.events[0].when > 0);
  CHECK(once.events.size() == 1);
}

namespace {

// Throws on every third call, otherwise asks for nothing.
class flaky final : public strategy {
public:
  interval signal_interval() const override { return interval::h1; }
  std::optional<signal_request> get_signal(const signal_context&) override {
    if (++calls_ % 3 == 0)
      throw std::runtime_error("flaky failed");
    return std::nullopt;
  }

private:
  int calls_ = 0;
};

} // namespace

TEST_CASE("error listeners get strategy exceptions and exit listeners get "
          "failed runs",
          "[api]") {
  auto e = make_engine({});
  strategy_schema s;
  s.name = "flaky";
  s.make = [] { return std::make_unique<flaky>(); };
  e->add_strategy(s);
  recorder<error_event> errors;
  recorder<error_event> first;
  recorder<error_event> exits;
  e->listen_error(errors.fn());
  e->listen_error_once(nullptr, first.fn());
  e->listen_exit(exits.fn());
  recorder<error_event> exit_once;
  e->listen_exit_once(nullptr, exit_once.fn());
  const auto& r =
      e->backtest().background("BTCUSDT", {"flaky", "synth", "f"}).wait();
  CHECK(r.error.empty());
  // 24 days of hourly calls plus the first tick: 577 calls, every third
  // throws.
  CHECK(r.errors == 577 / 3);
  CHECK_THAT(r.first_error, Catch::Contains("flaky failed"));
  // A frame beyond the data fails the run.
  frame_schema late;
  late.name = "late";
  late.start = day0 + 29 * day_ms;
  late.end = day0 + 40 * day_ms;
  e->add_frame(late);
  const auto& bad =
      e->backtest().background("BTCUSDT", {"flaky", "synth", "late"}).wait();
  CHECK_THAT(bad.error, Catch::Contains("missing BTCUSDT 1m candles"));
  e->flush_events();
  CHECK(errors.events.size() >= r.errors);
  CHECK(errors.events.at(0).message == "flaky failed");
  CHECK(first.events.size() == 1);
  REQUIRE(exits.events.size() == 1);
  CHECK_THAT(exits.events[0].message, Catch::Contains("missing BTCUSDT"));
  CHECK(exit_once.events.size() == 1);
}

TEST_CASE("partial listeners get the milestones of every closed position",
          "[api]") {
  auto e = make_engine({"every-n:n=90,side=alt,tp=2,sl=2,minutes=600"});
  recorder<partial_event> profit;
  recorder<partial_event> loss;
  e->listen_partial_profit(profit.fn());
  e->listen_partial_loss(loss.fn());
  recorder<partial_event> first_loss;
  e->listen_partial_loss_once(
      [](const partial_event& p) { return p.level == 50; }, first_loss.fn());
  recorder<partial_event> first_profit;
  e->listen_partial_profit_once(nullptr, first_profit.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->flush_events();
  // The same milestones, computed from the plain core run's trades.
  auto data = series::make("BTCUSDT", synth_days("BTCUSDT", 30));
  const auto avg = (*data)->vwap(config{}.avg_price_candles_count);
  std::vector<partial_hit> want_profit;
  std::vector<partial_hit> want_loss;
  for (const auto& r :
       plain_run("BTCUSDT", "every-n:n=90,side=alt,tp=2,sl=2,minutes=600"))
    if (r.kind == action::closed)
      for (const auto& h : partial_milestones(**data, avg->data(), r))
        (h.profit ? want_profit : want_loss).push_back(h);
  REQUIRE(want_profit.size() > 10);
  REQUIRE(want_loss.size() > 10);
  REQUIRE(profit.events.size() == want_profit.size());
  REQUIRE(loss.events.size() == want_loss.size());
  for (std::size_t i = 0; i < want_profit.size(); ++i) {
    CHECK(profit.events[i].profit);
    CHECK(profit.events[i].level == want_profit[i].level);
    CHECK(profit.events[i].when == want_profit[i].when);
    CHECK(profit.events[i].current_price == want_profit[i].price);
  }
  for (std::size_t i = 0; i < want_loss.size(); ++i) {
    CHECK_FALSE(loss.events[i].profit);
    CHECK(loss.events[i].level == want_loss[i].level);
  }
  REQUIRE(first_loss.events.size() == 1);
  CHECK(first_loss.events[0].level == 50);
  REQUIRE(first_profit.events.size() == 1);
  CHECK(first_profit.events[0].level == 10);
}

namespace {

// Opens a long every hour; at `stop_at` it asks the engine to stop itself
// (a user calling stop while the run goes on).
class self_stopping final : public strategy {
public:
  self_stopping(engine* e, timestamp stop_at)
      : engine_(e)
      , stop_at_(stop_at) {}
  interval signal_interval() const override { return interval::h1; }
  std::optional<signal_request> get_signal(const signal_context& ctx) override {
    if (ctx.when() >= stop_at_ && !asked_) {
      asked_ = true;
      engine_->backtest().stop("BTCUSDT", "stopper");
      engine_->backtest().stop("BTCUSDT", "stopper"); // idempotent
    }
    signal_request r;
    r.position = side::long_;
    set_levels(r, ctx.current_price(), 1, 1);
    r.minute_estimated_time = 600;
    return r;
  }

private:
  engine* engine_;
  timestamp stop_at_;
  bool asked_ = false;
};

} // namespace

TEST_CASE("a stopped backtest opens nothing new, closes its open position "
          "and ends",
          "[api]") {
  auto e = make_engine({});
  const timestamp stop_at = day0 + 5 * day_ms;
  strategy_schema s;
  s.name = "stopper";
  s.make = [&] { return std::make_unique<self_stopping>(e.get(), stop_at); };
  e->add_strategy(s);
  e->backtest().stop("BTCUSDT", "nobody"); // unknown: a no-op
  recorder<done_event> done;
  e->listen_done_backtest(done.fn());
  auto stream = e->backtest().run("BTCUSDT", {"stopper", "synth", "f"});
  std::size_t opened = 0;
  std::size_t closed = 0;
  timestamp last_open = 0;
  for (const auto& ev : stream) {
    if (ev.result.kind == action::opened) {
      ++opened;
      last_open = ev.result.signal.pending_at;
    }
    if (ev.result.kind == action::closed)
      ++closed;
  }
  CHECK(stream.result().stopped);
  CHECK(stream.result().error.empty());
  CHECK(opened == closed);
  CHECK(opened > 10);
  // The stop lands between two chunks (a simulated day each): nothing opens
  // later than a day after it was asked for (plus one position's life).
  CHECK(last_open <= stop_at + day_ms + 600 * minute_ms);
  e->flush_events();
  REQUIRE(done.events.size() == 1);
  CHECK(done.events[0].stopped);
  CHECK(e->backtest().list().at(0).status == "done");
}

TEST_CASE("signal_backtest, progress and risk once listeners fire once for "
          "their filter",
          "[api]") {
  auto e = make_engine({"every-n:n=90,side=alt"});
  risk_schema longs;
  longs.name = "longs";
  longs.validations.push_back(
      {[](const risk_args& a) { return a.pending.position == side::long_; },
       "longs only"});
  e->add_risk(longs);
  auto s = strategy_schema::from_spec("gated", "every-n:n=90,side=alt");
  s.risk_name = "longs";
  e->add_strategy(s);
  recorder<signal_event> opened;
  e->listen_signal_backtest_once(
      [](const signal_event& ev) { return ev.result.kind == action::opened; },
      opened.fn());
  recorder<progress_event> half;
  e->listen_progress_once(
      [](const progress_event& p) { return p.progress >= 0.5; }, half.fn());
  recorder<risk_event> vetoed;
  e->listen_risk_once(nullptr, vetoed.fn());
  e->backtest().background("BTCUSDT", ctx1).wait();
  e->backtest().background("BTCUSDT", {"gated", "synth", "f"}).wait();
  e->flush_events();
  REQUIRE(opened.events.size() == 1);
  CHECK(opened.events[0].result.kind == action::opened);
  CHECK(opened.events[0].source.strategy == "every-n#1");
  REQUIRE(half.events.size() == 1);
  CHECK(half.events[0].progress >= 0.5);
  CHECK(half.events[0].progress < 0.6);
  REQUIRE(vetoed.events.size() == 1);
  CHECK(vetoed.events[0].comment == "longs only");
  CHECK(vetoed.events[0].source.strategy == "gated");
}
