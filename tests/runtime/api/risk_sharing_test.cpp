// Risk profiles shared by strategies and symbols: the position book, the
// validations, merged profiles, rejection events, and decisions that do not
// depend on how many threads run the actors.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>

#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

struct trade {
  std::string who;
  timestamp open;
  timestamp close;
  bool operator==(const trade& o) const {
    return who == o.who && open == o.open && close == o.close;
  }
};

risk_schema at_most(std::string name, std::size_t n) {
  risk_schema r;
  r.name = std::move(name);
  r.validations.push_back(
      {[n](const risk_args& a) { return a.active_position_count < n; },
       "at most " + std::to_string(n) + " open positions"});
  return r;
}

// Runs every pair in one batch and returns the closed trades of all, in
// pair order.
std::vector<trade>
run_batch(engine& e,
          const std::vector<std::pair<std::string, backtest_context>>& runs) {
  auto handles = e.backtest().background(runs);
  for (auto& h : handles)
    REQUIRE(h.wait().error.empty());
  std::vector<trade> out;
  for (const auto& [symbol, ctx] : runs) {
    const auto list = e.backtest().get_trades(symbol, ctx.strategy);
    std::vector<trade> mine;
    for (const auto& r : list)
      mine.push_back({symbol + ":" + ctx.strategy, r.signal.pending_at,
                      r.close_timestamp});
    std::reverse(mine.begin(), mine.end());
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

// The largest number of positions open at the same moment.
std::size_t max_concurrent(const std::vector<trade>& ts) {
  std::vector<std::pair<timestamp, int>> edges;
  for (const auto& t : ts) {
    edges.emplace_back(t.open, +1);
    edges.emplace_back(t.close, -1);
  }
  // A close at t frees its slot before an open at t.
  std::sort(edges.begin(), edges.end());
  int now = 0;
  int most = 0;
  for (const auto& [at, d] : edges) {
    now += d;
    most = std::max(most, now);
  }
  return static_cast<std::size_t>(most);
}

std::unique_ptr<engine> shared_risk_engine(std::size_t threads,
                                           std::size_t limit) {
  engine_options o;
  o.threads = threads;
  auto e = make_engine({}, o);
  e->add_risk(at_most("book", limit));
  for (const auto& [name, spec] :
       std::vector<std::pair<std::string, std::string>>{
           {"long", "every-n:n=37,minutes=180"},
           {"short", "every-n:n=53,side=short,minutes=240"},
           {"alt", "every-n:n=29,side=alt,minutes=120"}}) {
    auto s = strategy_schema::from_spec(name, spec);
    s.risk_name = "book";
    e->add_strategy(s);
  }
  return e;
}

const std::vector<std::pair<std::string, backtest_context>> batch = {
    {"BTCUSDT", {"long", "synth", "f"}},  {"BTCUSDT", {"short", "synth", "f"}},
    {"ETHUSDT", {"alt", "synth", "f"}},   {"ETHUSDT", {"long", "synth", "f"}},
    {"SOLUSDT", {"short", "synth", "f"}},
};

} // namespace

TEST_CASE("a shared risk keeps the number of open positions across "
          "strategies and symbols within its validation",
          "[api][risk]") {
  auto e = shared_risk_engine(2, 2);
  std::mutex mtx;
  std::vector<risk_event> rejections;
  e->listen_risk([&](const risk_event& ev) {
    std::lock_guard<std::mutex> guard{mtx};
    rejections.push_back(ev);
  });
  const auto trades = run_batch(*e, batch);
  e->flush_events();
  CHECK(trades.size() > 50);
  CHECK(max_concurrent(trades) == 2);
  REQUIRE_FALSE(rejections.empty());
  for (const auto& r : rejections) {
    CHECK(r.risk == "book");
    CHECK(r.comment == "at most 2 open positions");
    CHECK(r.active_position_count == 2);
    CHECK(r.source.exchange == "synth");
    CHECK(r.current_price > 0);
  }
  // Without the limit the same strategies overlap far more.
  auto free = make_engine({});
  for (const auto& [name, spec] :
       std::vector<std::pair<std::string, std::string>>{
           {"long", "every-n:n=37,minutes=180"},
           {"short", "every-n:n=53,side=short,minutes=240"},
           {"alt", "every-n:n=29,side=alt,minutes=120"}})
    free->add_strategy(strategy_schema::from_spec(name, spec));
  CHECK(max_concurrent(run_batch(*free, batch)) > 2);
}

TEST_CASE("shared risk decisions are identical with 1, 2 and 4 scheduler "
          "threads",
          "[api][risk]") {
  auto reference = run_batch(*shared_risk_engine(1, 1), batch);
  CHECK(max_concurrent(reference) == 1);
  for (std::size_t threads : {2, 4, 2}) {
    const auto got = run_batch(*shared_risk_engine(threads, 1), batch);
    CHECK(got == reference);
  }
}

TEST_CASE("a merged risk needs every profile to allow and each rejecting "
          "profile reports",
          "[api][risk]") {
  auto e = make_engine({});
  e->add_risk(at_most("wide", 3));
  risk_schema no_shorts;
  no_shorts.name = "no-shorts";
  no_shorts.validations.push_back(
      {[](const risk_args& a) { return a.pending.position == side::long_; },
       "longs only"});
  e->add_risk(no_shorts);
  auto s = strategy_schema::from_spec("alt", "every-n:n=60,side=alt");
  s.risk_name = "wide";
  s.risk_list = {"no-shorts"};
  e->add_strategy(s);
  std::mutex mtx;
  std::vector<risk_event> rejections;
  e->listen_risk([&](const risk_event& ev) {
    std::lock_guard<std::mutex> guard{mtx};
    rejections.push_back(ev);
  });
  auto h = e->backtest().background("BTCUSDT", {"alt", "synth", "f"});
  REQUIRE(h.wait().error.empty());
  e->flush_events();
  const auto trades = e->backtest().get_trades("BTCUSDT", "alt");
  REQUIRE(trades.size() > 10);
  for (const auto& t : trades)
    CHECK(t.signal.position == side::long_);
  REQUIRE_FALSE(rejections.empty());
  for (const auto& r : rejections) {
    CHECK(r.risk == "no-shorts");
    CHECK(r.comment == "longs only");
    CHECK(r.pending.position == side::short_);
  }
}

TEST_CASE("a risk without validations allows everything and does not hold "
          "runs back",
          "[api][risk]") {
  auto e = make_engine({});
  risk_schema open;
  open.name = "open";
  e->add_risk(open);
  auto s = strategy_schema::from_spec("n", "every-n:n=90");
  s.risk_name = "open";
  e->add_strategy(s);
  e->set_config({{"CC_MAX_BACKTEST_MARKDOWN_ROWS", "100000"}});
  e->backtest().background("BTCUSDT", {"n", "synth", "f"}).wait();
  const auto plain = plain_run("BTCUSDT", "every-n:n=90");
  CHECK(e->backtest().get_trades("BTCUSDT", "n").size() * 2 == plain.size());
}
