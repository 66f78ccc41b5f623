// Listeners: every topic of the backtest facade, the *_once variants with a
// filter, unsubscribe, and the order in which a listener sees events.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <stdexcept>

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
  const auto& r = e->backtest().background("BTCUSDT", {"flaky", "synth", "f"})
                      .wait();
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
