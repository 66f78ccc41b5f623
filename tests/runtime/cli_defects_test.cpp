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
