// Risk profiles in a live session: one book of open positions shared by the
// instances naming a profile, rebuilt from the state at a restart (the
// instances the new process runs, and the stored ones it does not).

#include <catch2/catch.hpp>

#include <set>

#include "core/risk/risk_limits.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/live/live_store.hpp"
#include "runtime/live/session.hpp"
#include "strategies/spec.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

constexpr timestamp start = 1'704'067'200'000; // 2024-01-01, a 5m boundary
const std::string symbol = "RISKUSDT";

std::map<std::string, std::shared_ptr<const series>> candles() {
  synth_options o;
  o.seed = 11;
  o.start = start;
  o.minutes = 600;
  o.annual_vol = 1.0;
  auto s = series::make(symbol, generate_candles(o));
  REQUIRE(s);
  return {{symbol, *s}};
}

live_instance_def def(const std::string& name, const std::string& spec,
                      std::vector<std::string> risks) {
  auto made = builtin_strategies().make(spec);
  REQUIRE(made);
  live_instance_def d;
  d.symbol = symbol;
  d.name = name;
  d.spec = spec;
  d.strat = std::move(*made);
  d.risks = std::move(risks);
  return d;
}

risk_schema cap(std::int64_t n) {
  risk_limits l;
  l.name = "cap";
  l.max_positions = n;
  return make_risk_schema(l);
}

std::unique_ptr<live_session> open_session(live_session_options so) {
  so.from = start + 10 * minute_ms;
  auto s = live_session::open(std::move(so),
                              std::make_unique<replay_feed>(candles()),
                              std::make_unique<virtual_clock>());
  REQUIRE(s);
  return std::move(*s);
}

const std::string often = "every-n:n=7,side=alt,tp=0.8,sl=0.8,minutes=40";
const std::string every = "every-n:n=1,side=long,tp=0.8,sl=0.8,minutes=40";

} // namespace

TEST_CASE("instances sharing a risk profile never hold more positions than "
          "it allows, and each rejection is heard with its reason") {
  scratch_dir dir{"live_risk_shared"};
  live_session_options so;
  so.state_dir = dir / "state";
  so.until = start + 400 * minute_ms;
  // What the validations see: the open positions, never the asker's own
  // (it is flat when it asks).
  auto profile = cap(1);
  std::size_t checks = 0;
  profile.validations.insert(profile.validations.begin(),
                             {[&](const risk_args& a) {
                                ++checks;
                                CHECK(a.active_position_count ==
                                      a.active_positions.size());
                                for (const auto& p : a.active_positions)
                                  CHECK(p.strategy != a.strategy);
                                return true;
                              },
                              ""});
  so.risks.push_back(profile);
  so.instances.push_back(def("a#1", often, {"cap"}));
  so.instances.push_back(def("b#2", every, {"cap"}));
  so.instances.push_back(def("free#3", every, {}));
  auto s = open_session(std::move(so));
  std::set<std::string> open;
  std::size_t most = 0, opened_capped = 0, opened_free = 0;
  std::vector<std::string> comments;
  live_session::hooks h;
  h.on_result = [&](const auto& v, const live_result& r) {
    if (v.name == "free#3") {
      opened_free += r.kind == action::opened;
      return;
    }
    if (r.kind == action::opened) {
      open.insert(v.name);
      ++opened_capped;
    }
    if (r.kind == action::closed)
      open.erase(v.name);
    most = std::max(most, open.size());
  };
  h.on_risk = [&](const auto& v, const std::string& risk, const risk_args& a,
                  const risk_decision& d) {
    CHECK(risk == "cap");
    CHECK(a.active_position_count == 1);
    CHECK(a.strategy == v.name);
    comments.push_back(d.comment);
  };
  s->set_hooks(h);
  std::atomic<bool> no{false};
  auto stats = s->run(no, no);
  REQUIRE(stats);
  CHECK(most == 1);
  CHECK(opened_capped >= 4);
  CHECK(stats->risk_rejected > 0);
  CHECK(checks > stats->risk_rejected);
  REQUIRE(comments.size() == stats->risk_rejected);
  CHECK(comments.front() == "max_positions 1");
  // The instance outside the profile opens whenever it is flat.
  CHECK(opened_free > opened_capped / 2);
  std::uint64_t per_instance = 0;
  for (const auto& v : s->view())
    per_instance += v.risk_rejected;
  CHECK(per_instance == stats->risk_rejected);
}

TEST_CASE("a restart counts the open position of a stored instance it does "
          "not run in the profiles its record names") {
  for (const std::string profile : {"cap", "other"}) {
    scratch_dir dir{"live_risk_stored_" + profile};
    {
      auto st = live_store::open(dir / "state");
      REQUIRE(st);
      live_commit c;
      c.minute = start + 9 * minute_ms;
      live_instance_record r;
      r.symbol = symbol;
      r.name = "ghost#1";
      r.spec = often;
      r.state.phase = live_phase::pending;
      r.state.signal.id = "1";
      r.state.signal.pending_at = start + 5 * minute_ms;
      r.written_at = c.minute;
      r.risks = {profile};
      c.instances.push_back(r);
      REQUIRE(st->commit(c));
    }
    live_session_options so;
    so.state_dir = dir / "state";
    so.until = start + 40 * minute_ms;
    so.risks.push_back(cap(1));
    so.instances.push_back(def("b#2", every, {"cap"}));
    auto s = open_session(std::move(so));
    std::atomic<bool> no{false};
    auto stats = s->run(no, no);
    REQUIRE(stats);
    const auto v = s->view().front();
    if (profile == "cap") {
      // The ghost holds the only place: every signal is rejected.
      CHECK(stats->risk_rejected == stats->ticks);
      CHECK(v.counts[static_cast<std::size_t>(action::opened)] == 0);
    } else {
      CHECK(stats->risk_rejected == 0);
      CHECK(v.counts[static_cast<std::size_t>(action::opened)] >= 1);
    }
  }
}

TEST_CASE("an instance whose last signals were rejected asks again after a "
          "restart, however its throttle would have held it") {
  for (const bool rejected : {true, false}) {
    scratch_dir dir{"live_risk_bucket"};
    const std::string spec = "sma-cross:fast=5,slow=20,interval=5m";
    {
      auto st = live_store::open(dir / "state");
      REQUIRE(st);
      live_commit c;
      c.minute = start + 32 * minute_ms;
      live_instance_record r;
      r.symbol = symbol;
      r.name = "sma-cross#1";
      r.spec = spec;
      r.state.last_tick = start + 30 * minute_ms;
      r.state.last_bucket =
          rejected ? no_bucket
                   : floor_div(start + 30 * minute_ms, 5 * minute_ms);
      r.written_at = start + 30 * minute_ms;
      r.risks = {"cap"};
      c.instances.push_back(r);
      c.running = std::vector<std::string>{symbol + "/sma-cross#1"};
      REQUIRE(st->commit(c));
    }
    live_session_options so;
    so.state_dir = dir / "state";
    so.risks.push_back(cap(1));
    so.instances.push_back(def("sma-cross#1", spec, {"cap"}));
    auto s = open_session(std::move(so));
    const auto* st = s->view().front().state;
    // Minutes 31 and 32 ran without a write: the last tick is derived.
    CHECK(st->last_tick == start + 32 * minute_ms);
    if (rejected)
      CHECK(st->last_bucket == no_bucket);
    else
      CHECK(st->last_bucket ==
            floor_div(start + 32 * minute_ms, 5 * minute_ms));
  }
}

TEST_CASE("a session refuses an instance naming a risk profile it does not "
          "know, and two profiles of one name") {
  scratch_dir dir{"live_risk_unknown"};
  live_session_options so;
  so.state_dir = dir / "state";
  so.risks.push_back(cap(1));
  so.instances.push_back(def("b#2", every, {"capp"}));
  so.from = start + 10 * minute_ms;
  auto s = live_session::open(std::move(so),
                              std::make_unique<replay_feed>(candles()),
                              std::make_unique<virtual_clock>());
  REQUIRE_FALSE(s);
  CHECK_THAT(s.err().message,
             Catch::Contains("'capp', which is not registered (known: cap)"));
  live_session_options two;
  two.state_dir = dir / "state2";
  two.risks = {cap(1), cap(2)};
  two.instances.push_back(def("b#2", every, {"cap"}));
  two.from = start + 10 * minute_ms;
  s = live_session::open(std::move(two),
                         std::make_unique<replay_feed>(candles()),
                         std::make_unique<virtual_clock>());
  REQUIRE_FALSE(s);
  CHECK_THAT(s.err().message, Catch::Contains("two risk profiles are named"));
}
