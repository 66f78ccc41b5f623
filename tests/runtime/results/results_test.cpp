// The result models and the one JSON encoder every front end shares.

#include "runtime/results/json.hpp"
#include "runtime/results/results.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <variant>

using namespace btk;
using json = nlohmann::ordered_json;

namespace {

// A closed long trade of `pnl` percent, closed at `t`.
tick_result closed_at(timestamp t, double pnl) {
  tick_result r;
  r.kind = action::closed;
  r.signal.id = "s" + std::to_string(t);
  r.signal.position = side::long_;
  r.signal.pending_at = t - minute_ms;
  r.signal.scheduled_at = t - minute_ms;
  r.close_timestamp = t;
  r.price_close = 100;
  r.pnl.pnl_percentage = pnl;
  return r;
}

} // namespace

TEST_CASE("walk-forward specs read train, test and step with units") {
  auto w = parse_walk_forward("train=30d,test=7d");
  REQUIRE(w);
  CHECK(w->train == 30 * day_ms);
  CHECK(w->test == 7 * day_ms);
  CHECK(w->step == 7 * day_ms);
  w = parse_walk_forward("train=2w,test=12h,step=900m");
  REQUIRE(w);
  CHECK(w->train == 14 * day_ms);
  CHECK(w->test == 12 * 60 * minute_ms);
  CHECK(w->step == 900 * minute_ms);
  CHECK_THAT(parse_walk_forward("train=30d").err().message,
             Catch::Contains("train and test are required"));
  CHECK_THAT(parse_walk_forward("train=30x,test=1d").err().message,
             Catch::Contains("unknown unit"));
  CHECK_THAT(parse_walk_forward("train=0d,test=1d").err().message,
             Catch::Contains("not a positive whole number"));
  CHECK_THAT(parse_walk_forward("train=1d,test=1d,size=2d").err().message,
             Catch::Contains("unknown key 'size'"));
  // Overlapping test spans would count their trades more than once.
  CHECK_THAT(parse_walk_forward("train=10d,test=5d,step=1h").err().message,
             Catch::Contains("step is shorter than test"));
}

TEST_CASE("a run's statistics say when the row cap left trades out") {
  strategy_run r;
  closed_trade_list list{3};
  for (int k = 1; k <= 5; ++k)
    list.push(closed_at(k * minute_ms, 1));
  r.stats = compute_backtest_statistics(list);
  r.outcome.counters.closed = 5;
  CHECK(r.capped());
  r.outcome.counters.closed = 3;
  CHECK_FALSE(r.capped());
  CHECK(capped_note(250, 5242) ==
        "statistics cover the newest 250 of 5242 closed trades "
        "(CC_MAX_BACKTEST_MARKDOWN_ROWS=250, as in backtest-kit); --set "
        "CC_MAX_BACKTEST_MARKDOWN_ROWS=5242 covers them all");
}

TEST_CASE("a batch summary lists data, frame, config and every run in "
          "order, with the coverage of its statistics") {
  batch_report rep;
  rep.data.push_back(
      {"AAAUSDT", "", "st", "store", 10, 0, 0, 10, 0, 9 * minute_ms});
  rep.data.push_back(
      {"BBBUSDT", "", "st", "store", 10, 2, 1, 12, 0, 11 * minute_ms});
  rep.frame = {2 * minute_ms, 5 * minute_ms, interval::m1};
  for (const auto& sym : {"AAAUSDT", "BBBUSDT"}) {
    strategy_run r;
    r.symbol = sym;
    r.strategy = "every-n#1";
    r.spec = "every-n";
    r.outcome.counters.closed = 1;
    r.outcome.rejected["tp_too_close"] = {2, "first"};
    closed_trade_list list;
    list.push(closed_at(3 * minute_ms, 2));
    r.stats = compute_backtest_statistics(list);
    r.results.push_back(closed_at(3 * minute_ms, 2));
    rep.runs.push_back(std::move(r));
  }
  rep.heat = heat_summary{};
  const auto s = batch_summary_json(rep);
  CHECK(s.at("mode") == "backtest");
  CHECK(s.at("symbol") == "AAAUSDT");
  CHECK(s.at("symbols") == json::array({"AAAUSDT", "BBBUSDT"}));
  CHECK(s.at("data").at(1).at("store") == "st");
  CHECK(s.at("data").at(1).at("filled") == 2);
  CHECK(s.at("frame").at("startIso") == "1970-01-01T00:02:00.000Z");
  CHECK(s.at("config").at("CC_MAX_BACKTEST_MARKDOWN_ROWS") == 250);
  const auto& run = s.at("strategies").at(1);
  CHECK(run.at("symbol") == "BBBUSDT");
  CHECK(run.at("rejected").at("tp_too_close").at("count") == 2);
  CHECK(run.at("stats").at("totalSignals") == 1);
  CHECK(run.at("coverage").at("capped") == false);
  CHECK(s.contains("heat"));
  CHECK_FALSE(s.contains("walker"));
  // The trades file: one line per result, run by run.
  const auto lines = batch_trades_jsonl(rep);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 2);
  CHECK(json::parse(lines.substr(0, lines.find('\n'))).at("symbol") ==
        "AAAUSDT");
}

namespace {

// What a results line was when nlohmann built it: the reference its direct
// writer must equal byte for byte.
std::string line_by_document(const btk::sweep_result& r,
                             const std::string& metric) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["spec"] = r.spec;
  j["symbol"] = r.symbol;
  j["window"] = r.window;
  const auto m = btk::stat_number(r.stats, metric);
  j["metric"] = m ? nlohmann::ordered_json(*m) : nlohmann::ordered_json();
  j["stats"] = btk::stats_json(r.stats);
  j["closed"] = r.closed;
  if (!r.error.empty())
    j["error"] = r.error;
  return j.dump();
}

} // namespace

TEST_CASE("a sweep's results line is byte for byte what a JSON document of "
          "it dumps, for any number and text") {
  std::mt19937_64 rng{42};
  const std::vector<double> special{0.0,           -0.0,
                                    1.0,           -1.0,
                                    0.1,           1e15,
                                    1e16,          1e17,
                                    1e-4,          1e-5,
                                    1e300,         -1e-300,
                                    5e-324,        1.7976931348623157e308,
                                    123456789.125, std::nan(""),
                                    INFINITY,      -INFINITY,
                                    2.5e-7,        100.0};
  const std::vector<std::string> texts{"",
                                       "sma-cross:fast=3,slow=20",
                                       "a\"b\\c",
                                       "tab\there\nline",
                                       std::string{"nul\0x", 5},
                                       "\x01\x1f\x7f",
                                       "caf\xc3\xa9 \xe2\x82\xac",
                                       "up"};
  for (int round = 0; round < 2000; ++round) {
    btk::sweep_result r;
    r.id = rng();
    r.spec = texts[rng() % texts.size()];
    r.symbol = texts[rng() % texts.size()];
    r.window = static_cast<std::uint32_t>(rng());
    r.closed = rng() % 1000;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      btk::stat_value v;
      switch (rng() % 5) {
      case 0:
        break; // null
      case 1:
        v = static_cast<std::int64_t>(rng());
        break;
      case 2:
        v = special[rng() % special.size()];
        break;
      case 3: {
        double d;
        std::uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof d);
        v = d;
        break;
      }
      default:
        v = texts[rng() % texts.size()];
      }
      r.stats.emplace_back("s" + std::to_string(k), v);
    }
    if (rng() % 4 == 0)
      r.error = texts[rng() % texts.size()];
    const std::string metric = "s" + std::to_string(rng() % 40);
    INFO("round " << round);
    REQUIRE(sweep_result_line(r, metric) == line_by_document(r, metric));
  }
}

TEST_CASE("a sweep's results line carries the metric, the statistics and "
          "the closed trades") {
  sweep_result r;
  r.id = 7;
  r.spec = "every-n:n=60";
  r.symbol = "AAAUSDT";
  r.stats = {{"sharpeRatio", 0.25}, {"signalListLength", std::int64_t{250}}};
  r.closed = 300;
  const auto j = json::parse(sweep_result_line(r, "sharpeRatio"));
  CHECK(j.at("id") == 7);
  CHECK(j.at("metric") == 0.25);
  CHECK(j.at("closed") == 300);
  CHECK(j.at("stats").at("signalListLength") == 250);
  CHECK_FALSE(j.contains("error"));
  CHECK(r.capped());
  r.closed = 250;
  CHECK_FALSE(r.capped());
  sweep_report rep;
  rep.jobs = 4;
  rep.capped = 1;
  CHECK(sweep_capped_note(rep).rfind("1 of 4 jobs are ranked on their newest "
                                     "250 closed trades only",
                                     0) == 0);
  rep.capped = 0;
  CHECK(sweep_capped_note(rep).empty());
}
