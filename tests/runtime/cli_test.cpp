// The real `btk` binary (path in BTK_BIN, set by CTest): exit codes, error
// messages that name the place and the reason, and a full run's outputs.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

namespace fs = std::filesystem;

namespace {

// Synthetic data for the backtest runs: 3 days, seed 7.
std::string synth(const scratch_dir& tmp, const std::string& name) {
  const std::string path = tmp / name;
  const auto r = run_btk(
      tmp, {"data", "synth", "--out", path, "--days", "3", "--seed", "7"});
  REQUIRE(r.code == 0);
  return path;
}

} // namespace

TEST_CASE("btk strategies lists every built-in strategy") {
  scratch_dir tmp{"cli_test"};
  const auto r = run_btk(tmp, {"strategies"});
  CHECK(r.code == 0);
  for (const char* name : {"every-n", "sma-cross", "scheduled", "rsi-reversion",
                           "donchian-breakout"})
    CHECK(has(r.out, name));
}

TEST_CASE("A CSV with a bad number fails with the file and line of the "
          "value") {
  scratch_dir tmp{"cli_test"};
  const std::string path = tmp / "bad.csv";
  {
    std::ofstream f(path);
    f << "timestamp,open,high,low,close,volume\n"
      << t0 << ",100,101,99,100,5\n"
      << t0 + 60'000 << ",100,101,abc,100,5\n"
      << t0 + 120'000 << ",100,101,99,100,5\n";
  }
  const auto r = run_btk(tmp, {"backtest", "--data", path, "--strategy",
                               "every-n", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, path + ":3"));
  CHECK(has(r.err, "abc"));
  CHECK(has(r.err, "low"));
  CHECK(r.out.empty());
}

TEST_CASE("data check reports a bad file with its line and a good one with "
          "its candle count") {
  scratch_dir tmp{"cli_test"};
  const std::string bad = tmp / "bad.csv";
  {
    std::ofstream f(bad);
    f << "timestamp,open,high,low,close,volume\n"
      << t0 << ",100,101,99,100,5\n"
      << t0 + 60'000 << ",100,101,99,1x0,5\n";
  }
  const auto r = run_btk(tmp, {"data", "check", bad});
  CHECK(r.code == 1);
  CHECK(has(r.err, bad + ":3"));
  CHECK(has(r.err, "1x0"));

  const std::string good = write_csv(tmp / "good.csv", 30);
  const auto ok = run_btk(tmp, {"data", "check", good});
  CHECK(ok.code == 0);
  CHECK(has(ok.out, "30 candles"));
}

TEST_CASE("An unknown strategy fails and lists the known ones") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                               "moon-shot:n=5", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, "moon-shot"));
  CHECK(has(r.err, "unknown strategy"));
  for (const char* name : {"every-n", "sma-cross", "scheduled", "rsi-reversion",
                           "donchian-breakout"})
    CHECK(has(r.err, name));
}

TEST_CASE("An unknown strategy parameter fails and lists the accepted ones "
          "with defaults") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                               "every-n:n=5,speed=3", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, "'speed'"));
  CHECK(has(r.err, "every-n:n=5,speed=3"));
  for (const char* p : {"n=60", "side=long", "tp=1", "sl=1", "minutes=60"})
    CHECK(has(r.err, p));
}

TEST_CASE("A bad strategy parameter value fails naming the parameter and "
          "value") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                               "sma-cross:interval=2h", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, "interval"));
  CHECK(has(r.err, "'2h'"));
}

TEST_CASE("Invalid --set values are all reported together") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  // Both break a rule on their own (fee >= 0; min TP distance > 0).
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--set", "CC_PERCENT_FEE=-1", "--set",
                    "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT=0", "--set",
                    "CC_SCHEDULE_AWAIT_MINUTES=0"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "CC_PERCENT_FEE"));
  CHECK(has(r.err, "-1"));
  CHECK(has(r.err, "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  CHECK(has(r.err, "CC_SCHEDULE_AWAIT_MINUTES"));
}

TEST_CASE("A minimum take-profit distance below twice fee plus slippage is "
          "refused unless the config is unsafe") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  // Defaults: 2 * 0.1 + 2 * 0.1 = 0.4 > 0.1. Also a non-number.
  const auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                               "every-n", "--report-dir", "", "--set",
                               "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT=0.1",
                               "--set", "CC_PERCENT_SLIPPAGE=lots"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT"));
  CHECK(has(r.err, "0.1"));
  CHECK(has(r.err, "CC_PERCENT_SLIPPAGE"));
  CHECK(has(r.err, "'lots'"));

  const auto unsafe = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                                    "every-n:n=30,minutes=10", "--report-dir",
                                    "", "--unsafe-config", "--set",
                                    "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT=0.1"});
  CHECK(unsafe.code == 0);
}

TEST_CASE("A --set with an unknown key or without '=' fails naming it") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--set", "CC_FEE_PERCENT=0.2"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "CC_FEE_PERCENT"));
  CHECK(has(r.err, "unknown"));
  CHECK(has(r.err, "CC_PERCENT_FEE"));

  const auto noeq =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--set", "CC_PERCENT_FEE"});
  CHECK(noeq.code == 1);
  CHECK(has(noeq.err, "CC_PERCENT_FEE"));
  CHECK(has(noeq.err, "KEY=VALUE"));
}

TEST_CASE("An unparsable --frame-start fails naming the option and value") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--frame-start", "next tuesday"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "--frame-start"));
  CHECK(has(r.err, "next tuesday"));

  const auto end =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--frame-end", "2024-13-45"});
  CHECK(end.code == 1);
  CHECK(has(end.err, "--frame-end"));
  CHECK(has(end.err, "2024-13-45"));
}

TEST_CASE("A frame after the data fails with a missing-candles error naming "
          "the time range") {
  scratch_dir tmp{"cli_test"};
  // 300 minutes: 2024-01-01T00:00 .. 04:59.
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--frame-start", "2024-01-02T00:00:00Z",
                    "--frame-end", "2024-01-02T01:00:00Z"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "missing"));
  CHECK(has(r.err, "2024-01-02T00:00:00.000Z"));
  CHECK(has(r.err, "2024-01-01T04:59:00.000Z"));
}

TEST_CASE("A frame starting before the data fails naming the VWAP window "
          "it needs") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 300);
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-dir", "", "--frame-start", "2024-01-01T00:02:00Z",
                    "--frame-end", "2024-01-01T01:00:00Z"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "missing"));
  // 5 one-minute candles before 00:02 start at 23:57 the day before.
  CHECK(has(r.err, "2023-12-31T23:57:00.000Z"));
  CHECK(has(r.err, "2024-01-01T00:00:00.000Z"));
}

TEST_CASE("A strategy look-back reaching before the data fails naming the "
          "interval and range") {
  scratch_dir tmp{"cli_test"};
  const std::string data = write_csv(tmp / "x.csv", 600);
  // sma-cross slow=30 on 5m needs 31 bars (155 min) before 01:00.
  const auto r =
      run_btk(tmp, {"backtest", "--data", data, "--strategy", "sma-cross",
                    "--report-dir", "", "--frame-start", "2024-01-01T01:00:00Z",
                    "--frame-end", "2024-01-01T02:00:00Z"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "5m"));
  CHECK(has(r.err, "sma-cross#1"));
  CHECK(has(r.err, "2023-12-31T22:25:00.000Z"));
}

TEST_CASE("A file with a gap fails naming the gap unless --fill-gaps is "
          "given") {
  scratch_dir tmp{"cli_test"};
  // Minutes 100..102 (01:40 .. 01:42) are missing.
  const std::string data = write_csv(tmp / "gap.csv", 400, t0, {100, 101, 102});
  const auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                               "every-n:n=30,minutes=10", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, data));
  CHECK(has(r.err, "2024-01-01T01:40:00.000Z"));
  CHECK(has(r.err, "2024-01-01T01:42:00.000Z"));
  CHECK(has(r.err, "--fill-gaps"));

  const std::string trades = tmp / "t.jsonl";
  const auto filled = run_btk(tmp, {"backtest", "--data", data, "--strategy",
                                    "every-n:n=30,minutes=10", "--report-dir",
                                    "", "--fill-gaps", "--trades-out", trades});
  CHECK(filled.code == 0);
  CHECK(has(filled.err, "filled 3"));
  CHECK(fs::exists(trades));

  const auto check = run_btk(tmp, {"data", "check", data, "--fill-gaps"});
  CHECK(check.code == 0);
  CHECK(has(check.out, "400 candles"));
}

TEST_CASE("data synth with the same seed writes identical bytes") {
  scratch_dir tmp{"cli_test"};
  const std::string a = synth(tmp, "a.csv.gz");
  const std::string b = synth(tmp, "b.csv.gz");
  const std::string x = slurp(a);
  const std::string y = slurp(b);
  REQUIRE(x.size() > 1000);
  CHECK(x == y);
  // .gz output is gzip (magic 1f 8b).
  CHECK(static_cast<unsigned char>(x[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(x[1]) == 0x8b);

  const auto other = run_btk(tmp, {"data", "synth", "--out", tmp / "c.csv.gz",
                                   "--days", "3", "--seed", "8"});
  REQUIRE(other.code == 0);
  CHECK(slurp(tmp / "c.csv.gz") != x);
}

TEST_CASE("A backtest or walker with --report-format html writes "
          "self-contained HTML reports with "
          "charts, both writes Markdown too, and another format is "
          "refused") {
  scratch_dir tmp{"cli_html"};
  const std::string data = synth(tmp, "x.csv.gz");
  auto files = [](const std::string& dir, const std::string& ext) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ext)
        out.push_back(e.path().string());
    return out;
  };
  auto r = run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                         "--report-dir", tmp / "both", "--report-format",
                         "both", "--quiet"});
  REQUIRE(r.code == 0);
  REQUIRE(files(tmp / "both", ".md").size() == 1);
  REQUIRE(files(tmp / "both", ".html").size() == 1);
  const auto page = slurp(files(tmp / "both", ".html")[0]);
  CHECK(has(page, "<h1>Backtest Report: every-n#1</h1>"));
  CHECK(has(page, "Cumulative PNL"));
  CHECK(has(page, "<table>"));
  r = run_btk(tmp, {"walker", "--data", data, "--strategy", "every-n",
                    "--strategy", "every-n:n=30", "--report-dir",
                    tmp / "walker", "--report-format", "html", "--quiet"});
  REQUIRE(r.code == 0);
  CHECK(files(tmp / "walker", ".md").empty());
  REQUIRE(files(tmp / "walker", ".html").size() == 1);
  const auto walker = slurp(files(tmp / "walker", ".html")[0]);
  CHECK(has(walker, "<title>every-n#1</title>"));
  CHECK(has(walker, "<title>every-n#2</title>"));
  r = run_btk(tmp, {"backtest", "--data", data, "--strategy", "every-n",
                    "--report-format", "pdf"});
  CHECK(r.code != 0);
  CHECK(has(r.err, "--report-format: pdf not in {md,html,both}"));
}

TEST_CASE("A sweep with --report-format html draws the heatmap of its "
          "results over two parameters, and asks for the results file") {
  scratch_dir tmp{"cli_heatmap"};
  const std::string data = synth(tmp, "x.csv.gz");
  auto r = run_btk(tmp, {"walker", "--data", data, "--grid",
                         "sma-cross:fast=3..9:3,slow=20..40:10", "--metric",
                         "totalPnl", "--results-out", tmp / "results.jsonl",
                         "--report-dir", tmp / "heat", "--report-format",
                         "html", "--quiet"});
  REQUIRE(r.code == 0);
  const auto page = slurp(tmp / "heat/sweep-heatmap.html");
  CHECK(has(page, "<b>fast</b> × <b>slow</b>"));
  CHECK(!has(page, "<script"));
  // One cell per (fast, slow), each holding its job's metric.
  std::size_t cells = 0;
  for (auto at = page.find("<rect"); at != std::string::npos;
       at = page.find("<rect", at + 1))
    ++cells;
  CHECK(cells == 9);
  std::istringstream lines{slurp(tmp / "results.jsonl")};
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    const auto spec = j["spec"].get<std::string>();
    const auto fast =
        spec.substr(spec.find("fast=") + 5, spec.find(',', spec.find("fast=")) -
                                                spec.find("fast=") - 5);
    INFO(spec);
    CHECK(has(page, "<title>fast=" + fast));
  }
  r = run_btk(tmp, {"walker", "--data", data, "--grid", "every-n:n=30..60:30",
                    "--report-format", "html"});
  CHECK(r.code != 0);
  CHECK(has(r.err, "--results-out"));
  r = run_btk(tmp, {"walker", "--data", data, "--grid", "every-n:n=30..60:30",
                    "--report-dir", tmp / "md"});
  CHECK(r.code != 0);
  CHECK(has(r.err, "--report-format html"));
}

TEST_CASE("A backtest writes trades, a summary whose counts match them, and "
          "a Markdown report") {
  scratch_dir tmp{"cli_test"};
  const std::string data = synth(tmp, "x.csv.gz");
  const std::string trades = tmp / "out/trades.jsonl";
  const std::string summary = tmp / "out/summary.json";
  const std::string reports = tmp / "reports";
  const auto r = run_btk(
      tmp, {"backtest", "--data", data, "--strategy", "every-n", "--trades-out",
            trades, "--summary-out", summary, "--report-dir", reports});
  REQUIRE(r.code == 0);

  // -- trades: JSON lines, every-n#1, long, on the hour, TP/SL 1 % --------
  std::ifstream tin(trades);
  REQUIRE(tin);
  std::string line;
  std::size_t closed = 0;
  std::size_t lines = 0;
  while (std::getline(tin, line)) {
    ++lines;
    const auto j = nlohmann::json::parse(line);
    CHECK(j.at("strategy") == "every-n#1");
    CHECK(j.at("symbol") == "X");
    CHECK(j.at("position") == "long");
    if (j.at("action") != "closed")
      continue;
    ++closed;
    const long long scheduled = j.at("scheduledAt");
    const long long pending = j.at("pendingAt");
    const long long close_ts = j.at("closeTimestamp");
    CHECK(scheduled % 3'600'000 == 0);
    CHECK(pending == scheduled);
    CHECK(close_ts > pending);
    CHECK(close_ts - pending <= 60 * 60'000);
    CHECK(j.at("minuteEstimatedTime") == 60);
    const std::string reason = j.at("closeReason");
    CHECK((reason == "take_profit" || reason == "stop_loss" ||
           reason == "time_expired"));
    const double entry = j.at("originalPriceOpen");
    CHECK(j.at("priceTakeProfit").get<double>() == entry * (1 + 1.0 / 100));
    CHECK(j.at("priceStopLoss").get<double>() == entry * (1 - 1.0 / 100));
    if (reason == "take_profit")
      CHECK(j.at("priceClose").get<double>() ==
            j.at("priceTakeProfit").get<double>());
    if (reason == "stop_loss")
      CHECK(j.at("priceClose").get<double>() ==
            j.at("priceStopLoss").get<double>());
    CHECK(j.contains("pnlPercentage"));
  }
  CHECK(closed == lines);
  // 3 days, one hourly signal at most: between a few and 72.
  CHECK(closed >= 10);
  CHECK(closed <= 72);

  // -- summary -------------------------------------------------------------
  std::ifstream sin(summary);
  REQUIRE(sin);
  const auto s = nlohmann::json::parse(sin);
  REQUIRE(s.at("strategies").size() == 1);
  const auto& st = s.at("strategies")[0];
  CHECK(st.at("strategyName") == "every-n#1");
  CHECK(st.at("stats").at("totalSignals").get<std::size_t>() == closed);
  CHECK(st.at("counts").at("closed").get<std::size_t>() == closed);
  const auto& timing = s.at("timing");
  for (const char* key : {"load_ms", "engine_ms", "candles_per_second"}) {
    INFO(key);
    REQUIRE(timing.contains(key));
    CHECK(timing.at(key).is_number());
    CHECK(timing.at(key).get<double>() >= 0);
  }
  CHECK(timing.at("candles_per_second").get<double>() > 0);
  CHECK(s.at("frame").at("start").get<long long>() <
        s.at("frame").at("end").get<long long>());
  CHECK(s.at("config").at("CC_PERCENT_FEE").get<double>() == 0.1);

  // -- report ----------------------------------------------------------------
  std::vector<fs::path> md;
  for (const auto& e : fs::directory_iterator(reports))
    if (e.path().extension() == ".md")
      md.push_back(e.path());
  REQUIRE(md.size() == 1);
  const std::string text = slurp(md[0].string());
  CHECK(text.rfind("# Backtest Report: every-n#1", 0) == 0);
  CHECK(st.at("report").get<std::string>() == md[0].string());
}

TEST_CASE("Several strategies in one backtest are numbered in order") {
  scratch_dir tmp{"cli_test"};
  const std::string data = synth(tmp, "x.csv.gz");
  const std::string summary = tmp / "summary.json";
  const auto r = run_btk(
      tmp, {"backtest", "--data", data, "--strategy", "every-n:n=120",
            "--strategy", "scheduled:n=240", "--strategy", "every-n:side=short",
            "--summary-out", summary, "--report-dir", "", "--quiet"});
  REQUIRE(r.code == 0);
  CHECK(r.out.empty());
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  REQUIRE(s.at("strategies").size() == 3);
  CHECK(s.at("strategies")[0].at("strategyName") == "every-n#1");
  CHECK(s.at("strategies")[1].at("strategyName") == "scheduled#2");
  CHECK(s.at("strategies")[2].at("strategyName") == "every-n#3");
}
