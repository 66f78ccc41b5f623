// Defects found by using `btk` as a new user would; each test failed before
// its fix.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

namespace {

// 12 days of synthetic candles (seed 3) in `tmp`.
std::string twelve_days(const scratch_dir& tmp) {
  const std::string path = tmp / "SYN-1m.csv.gz";
  REQUIRE(run_btk(tmp, {"data", "synth", "--out", path, "--days", "12",
                        "--seed", "3"})
              .code == 0);
  return path;
}

} // namespace

TEST_CASE("btk --version names the version and the reference it follows") {
  scratch_dir tmp{"cli_defects"};
  const auto r = run_btk(tmp, {"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("btk 0.1.0", 0) == 0);
  CHECK(has(r.out, "backtest-kit 19.5.0"));
}

TEST_CASE("btk walker refuses an unknown metric and lists the accepted "
          "ones") {
  scratch_dir tmp{"cli_defects"};
  const auto data = twelve_days(tmp);
  for (const auto& grid : {false, true}) {
    std::vector<std::string> args{"walker", "--data",       data, "--metric",
                                  "sharpe", "--report-dir", ""};
    if (grid) {
      args.insert(args.end(), {"--grid", "every-n:n=60|120"});
    } else {
      args.insert(args.end(),
                  {"--strategy", "every-n", "--strategy", "sma-cross"});
    }
    const auto r = run_btk(tmp, args);
    CHECK(r.code == 1);
    CHECK(has(r.err, "metric 'sharpe'"));
    CHECK(has(r.err, "sharpeRatio, annualizedSharpeRatio"));
    CHECK(r.out.empty());
  }
}

TEST_CASE("statistics cut by CC_MAX_BACKTEST_MARKDOWN_ROWS say so in the "
          "summary, the JSON and the sweep's top table, and how to lift the "
          "cap") {
  scratch_dir tmp{"cli_defects"};
  const auto data = twelve_days(tmp);
  // every-n:n=5,minutes=10 closes about 5 trades an hour: far more than 250.
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy",
                    "every-n:n=5,minutes=10", "--strategy", "donchian-breakout",
                    "--summary-out", tmp / "s.json", "--report-dir", ""});
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "note: statistics cover the newest 250 of "));
  CHECK(has(r.out, "--set CC_MAX_BACKTEST_MARKDOWN_ROWS="));
  const auto s = nlohmann::json::parse(slurp(tmp / "s.json"));
  const auto& capped = s.at("strategies").at(0).at("coverage");
  CHECK(capped.at("capped") == true);
  CHECK(capped.at("inStats") == 250);
  CHECK(capped.at("closed").get<int>() > 250);
  CHECK(has(capped.at("note").get<std::string>(), "newest 250 of"));
  // donchian-breakout closes few trades: nothing to say.
  const auto& whole = s.at("strategies").at(1).at("coverage");
  CHECK(whole.at("capped") == false);
  CHECK_FALSE(whole.contains("note"));

  // Lifting the cap covers every trade, and the note goes.
  const auto lifted = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                                    "every-n:n=5,minutes=10", "--set",
                                    "CC_MAX_BACKTEST_MARKDOWN_ROWS=100000",
                                    "--report-dir", ""});
  REQUIRE(lifted.code == 0);
  CHECK_FALSE(has(lifted.out, "note:"));

  const auto sweep =
      run_btk(tmp, {"walker", "--data", data, "--grid",
                    "every-n:n=5|600,minutes=10", "--summary-out",
                    tmp / "sw.json", "--results-out", tmp / "r.jsonl"});
  REQUIRE(sweep.code == 0);
  CHECK(has(sweep.out, "every-n:n=5,minutes=10  *"));
  CHECK(has(sweep.out, "1 of 2 jobs are ranked on their newest 250 closed "
                       "trades only"));
  const auto sw = nlohmann::json::parse(slurp(tmp / "sw.json"));
  CHECK(sw.at("jobs").at("capped") == 1);
  CHECK(has(sw.at("note").get<std::string>(), "CC_MAX_BACKTEST_MARKDOWN_ROWS"));
}

TEST_CASE("btk walker refuses flags its mode would ignore") {
  scratch_dir tmp{"cli_defects"};
  const auto data = twelve_days(tmp);
  const auto ranked =
      run_btk(tmp, {"walker", "--data", data, "--strategy", "every-n",
                    "--walk-forward", "train=5d,test=2d"});
  CHECK(ranked.code == 1);
  CHECK(has(ranked.err, "--walk-forward applies to a sweep: add --grid"));
  const auto swept =
      run_btk(tmp, {"walker", "--data", data, "--grid", "every-n:n=60|120",
                    "--trades-out", tmp / "t.jsonl"});
  CHECK(swept.code == 1);
  CHECK(has(swept.err, "--trades-out does not apply to a sweep"));
}

TEST_CASE("a sweep state is not resumed over other candles, and the refusal "
          "names what differs") {
  scratch_dir tmp{"cli_defects"};
  const std::string a = tmp / "a.csv", b = tmp / "b.csv";
  for (const auto& [path, seed] : {std::pair{a, "3"}, std::pair{b, "4"}})
    REQUIRE(run_btk(tmp, {"data", "synth", "--out", path, "--days", "6",
                          "--seed", seed})
                .code == 0);
  const std::vector<std::string> sweep{
      "walker",  "--symbol",    "X",       "--grid", "sma-cross:fast=5|10",
      "--state", tmp / "state", "--quiet", "--data"};
  auto with = [&](const std::string& data) {
    auto args = sweep;
    args.push_back(data);
    return run_btk(tmp, args);
  };
  REQUIRE(with(a).code == 0);
  REQUIRE(with(a).code == 0); // the same sweep resumes
  const auto other = with(b);
  CHECK(other.code == 1);
  CHECK(has(other.err, "belongs to another sweep (it differs in: data.X)"));
}

TEST_CASE("a sweep's default frame fits every point it runs, and a point "
          "the constraint leaves out never stops it") {
  scratch_dir tmp{"cli_defects"};
  const auto data = twelve_days(tmp);
  // fast=40,slow=30 is refused by sma-cross, but --where leaves it out.
  const auto kept =
      run_btk(tmp, {"walker", "--data", data, "--grid",
                    "sma-cross:fast=10..40:10,slow=30", "--where", "fast<slow",
                    "--results-out", tmp / "r.jsonl"});
  CHECK(kept.code == 0);
  CHECK(has(kept.out, "2 jobs (2 run, 0 resumed, 0 failed)"));
  // The middle point (slow=200 on 1h bars) needs the longest warm-up: the
  // frame starts after it, so no job fails for want of candles.
  const auto middle = run_btk(tmp, {"walker", "--data", data, "--grid",
                                    "sma-cross:fast=10,slow=200|100,interval="
                                    "5m|1h",
                                    "--results-out", tmp / "m.jsonl"});
  CHECK(middle.code == 0);
  CHECK(has(middle.out, "4 jobs (4 run, 0 resumed, 0 failed)"));
}

TEST_CASE("walk-forward stitches every test trade, and refuses test spans "
          "that overlap") {
  scratch_dir tmp{"cli_defects"};
  const auto data = twelve_days(tmp);
  const auto r =
      run_btk(tmp, {"walker", "--data", data, "--grid",
                    "every-n:n=5|10,minutes=5", "--walk-forward",
                    "train=3d,test=3d", "--summary-out", tmp / "wf.json"});
  REQUIRE(r.code == 0);
  const auto s = nlohmann::json::parse(slurp(tmp / "wf.json"));
  const auto& windows = s.at("walkForward").at("windows");
  REQUIRE(windows.size() >= 2);
  // Each 3-day test span closes far more than 250 trades; the stitched
  // result covers all of them, not 250 per window.
  const auto stitched =
      s.at("walkForward").at("outOfSample").at("SYN").at("totalSignals");
  CHECK(stitched.get<long>() > 250 * static_cast<long>(windows.size()));
  const auto overlap =
      run_btk(tmp, {"walker", "--data", data, "--grid", "every-n:n=5|10",
                    "--walk-forward", "train=3d,test=2d,step=1h"});
  CHECK(overlap.code == 1);
  CHECK(has(overlap.err, "step is shorter than test"));
}

TEST_CASE("the Heat report keeps its own row cap and says when it bites") {
  scratch_dir tmp{"cli_defects"};
  for (const auto& [sym, seed] :
       {std::pair{"AAA", "3"}, std::pair{"BBB", "4"}}) {
    const std::string file = tmp / (std::string{sym} + ".csv");
    REQUIRE(run_btk(tmp, {"data", "synth", "--out", file, "--days", "6",
                          "--seed", seed})
                .code == 0);
    REQUIRE(run_btk(tmp, {"data", "import", file, "--symbol", sym, "--store",
                          tmp / "store"})
                .code == 0);
  }
  const std::vector<std::string> base{"backtest",
                                      "--store",
                                      tmp / "store",
                                      "--symbols",
                                      "AAA,BBB",
                                      "--strategy",
                                      "every-n:n=5,minutes=10",
                                      "--report-dir",
                                      ""};
  auto with = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return run_btk(tmp, args);
  };
  const auto capped = with({"--summary-out", tmp / "c.json"});
  REQUIRE(capped.code == 0);
  CHECK(has(capped.out, "portfolio: 2 symbols, 500 trades"));
  CHECK(has(capped.out, "note: portfolio figures cover the newest 250 closed "
                        "trades of each symbol"));
  const auto c = nlohmann::json::parse(slurp(tmp / "c.json"));
  CHECK(c.at("heat").at("coverage").at("capped") == true);
  // A heatmap cap above the backtest's keeps every trade of both symbols.
  const auto lifted = with({"--set", "CC_MAX_HEATMAP_MARKDOWN_ROWS=100000",
                            "--summary-out", tmp / "l.json"});
  REQUIRE(lifted.code == 0);
  const auto l = nlohmann::json::parse(slurp(tmp / "l.json"));
  const auto closed = l.at("heat").at("coverage").at("closed").get<long>();
  CHECK(closed > 500);
  CHECK(l.at("heat").at("portfolioTotalTrades").get<long>() == closed);
  CHECK(l.at("heat").at("coverage").at("capped") == false);
  CHECK_FALSE(has(lifted.out, "note: portfolio figures"));
}
