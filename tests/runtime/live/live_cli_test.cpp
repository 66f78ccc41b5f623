// `btk live` from the command line: a replay on a virtual clock, a restart
// that continues it, and errors that name the flag, the folder or the key.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

std::vector<std::string> live_args(const scratch_dir& dir,
                                   const std::string& until,
                                   const std::string& spec) {
  return {"live",
          "--data",
          dir / "LIVEUSDT-1m.csv",
          "--clock",
          "virtual",
          "--from",
          "2024-01-01T00:10:00Z",
          "--until",
          until,
          "--strategy",
          spec,
          "--state",
          dir / "state",
          "--events-out",
          dir / "events.jsonl",
          "--quiet"};
}

const std::string spec = "every-n:n=30,side=alt,tp=0.6,sl=0.6,minutes=20";

} // namespace

TEST_CASE("btk live run in two parts on one state writes what one run "
          "writes") {
  scratch_dir one{"live_one"}, two{"live_two"};
  write_csv(one / "LIVEUSDT-1m.csv", 600);
  write_csv(two / "LIVEUSDT-1m.csv", 600);
  auto r = run_btk(one, live_args(one, "2024-01-01T09:00:00Z", spec));
  REQUIRE(r.code == 0);
  r = run_btk(two, live_args(two, "2024-01-01T04:07:00Z", spec));
  REQUIRE(r.code == 0);
  r = run_btk(two, live_args(two, "2024-01-01T09:00:00Z", spec));
  REQUIRE(r.code == 0);
  const auto events = slurp(one / "events.jsonl");
  CHECK(has(events, "\"action\":\"opened\""));
  CHECK(has(events, "\"action\":\"closed\""));
  CHECK(events == slurp(two / "events.jsonl"));
  r = run_btk(two, {"live", "status", "--state", two / "state"});
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "LIVEUSDT"));
  CHECK(has(r.out, "every-n#1"));
}

TEST_CASE("btk live names a missing state flag, a bad clock, and a restart "
          "with another spec") {
  scratch_dir dir{"live_errors"};
  write_csv(dir / "LIVEUSDT-1m.csv", 300);
  auto r = run_btk(dir, {"live", "--data", dir / "LIVEUSDT-1m.csv",
                         "--strategy", spec, "--clock", "virtual", "--from",
                         "2024-01-01T00:10:00Z"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "--state DIR is required"));
  auto args = live_args(dir, "2024-01-01T01:00:00Z", spec);
  args[4] = "fast";
  r = run_btk(dir, args);
  CHECK(r.code == 1);
  CHECK(has(r.err, "--clock fast"));
  REQUIRE(run_btk(dir, live_args(dir, "2024-01-01T01:00:00Z", spec)).code == 0);
  r = run_btk(dir, live_args(dir, "2024-01-01T02:00:00Z",
                             "every-n:n=60,side=alt,tp=0.6,sl=0.6"));
  CHECK(r.code == 1);
  CHECK(has(r.err, "i/LIVEUSDT/every-n#1"));
  CHECK(has(r.err, "another --state"));
  r = run_btk(dir, {"live", "status", "--state", dir / "nothing"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "no live state"));
}

TEST_CASE("a TOML run file sets every flag the command line leaves out, and "
          "names the line of a key it does not know") {
  scratch_dir dir{"live_config"};
  write_csv(dir / "LIVEUSDT-1m.csv", 600);
  write_file(dir / "fleet.toml", "# a fleet of one\n"
                                 "data = \"" +
                                     dir / "LIVEUSDT-1m.csv" +
                                     "\"\n"
                                     "strategies = [\"" +
                                     spec +
                                     "\"]\n"
                                     "clock = \"virtual\"\n"
                                     "from = 2024-01-01T00:10:00Z\n"
                                     "until = \"2024-01-01T09:00:00Z\"\n"
                                     "state = \"" +
                                     dir / "state" +
                                     "\"\n"
                                     "events_out = \"" +
                                     dir / "events.jsonl" +
                                     "\"\n"
                                     "quiet = true\n"
                                     "[config]\n"
                                     "CC_PERCENT_FEE = 0.1\n");
  auto r = run_btk(dir, {"live", "--config", dir / "fleet.toml"});
  REQUIRE(r.code == 0);
  scratch_dir flags{"live_config_flags"};
  write_csv(flags / "LIVEUSDT-1m.csv", 600);
  r = run_btk(flags, live_args(flags, "2024-01-01T09:00:00Z", spec));
  REQUIRE(r.code == 0);
  CHECK(slurp(dir / "events.jsonl") == slurp(flags / "events.jsonl"));
  // A flag given on the command line wins over the file.
  r = run_btk(dir, {"live", "--config", dir / "fleet.toml", "--state",
                    dir / "state2", "--events-out", dir / "short.jsonl",
                    "--until", "2024-01-01T02:00:00Z"});
  REQUIRE(r.code == 0);
  CHECK(slurp(dir / "short.jsonl").size() < slurp(dir / "events.jsonl").size());
  write_file(dir / "bad.toml", "data = \"x.csv\"\nstrategys = [\"every-n\"]\n");
  r = run_btk(dir, {"backtest", "--config", dir / "bad.toml"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "bad.toml:2: unknown key 'strategys'"));
  write_file(dir / "broken.toml", "data = [1,\n");
  r = run_btk(dir, {"walker", "--config", dir / "broken.toml"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "broken.toml:"));
}

TEST_CASE("risk profiles from a TOML file's [risk.NAME] tables run as the "
          "same --risk flags, in live and in backtests") {
  scratch_dir dir{"live_risk_toml"};
  write_csv(dir / "LIVEUSDT-1m.csv", 900);
  const std::string other = "every-n:n=20,side=long,tp=0.6,sl=0.6,minutes=40";
  write_file(dir / "fleet.toml",
             "data = \"" + dir / "LIVEUSDT-1m.csv" +
                 "\"\n"
                 "strategies = [\"" +
                 spec + "\", \"" + other +
                 "\"]\n"
                 "clock = \"virtual\"\n"
                 "from = 2024-01-01T00:10:00Z\n"
                 "until = \"2024-01-01T14:00:00Z\"\n"
                 "state = \"" +
                 dir / "state" +
                 "\"\n"
                 "events_out = \"" +
                 dir / "events.jsonl" +
                 "\"\n"
                 "summary_out = \"" +
                 dir / "summary.json" +
                 "\"\n"
                 "quiet = true\n"
                 "[risk.cap]\n"
                 "max_positions = 1\n"
                 "strategies = [\"every-n#1\", \"every-n#2\"]\n");
  auto r = run_btk(dir, {"live", "--config", dir / "fleet.toml"});
  REQUIRE(r.code == 0);
  auto flags = live_args(dir, "2024-01-01T14:00:00Z", spec);
  flags[12] = dir / "state-flags";
  flags[14] = dir / "events-flags.jsonl";
  flags.insert(flags.end(),
               {"--strategy", other, "--risk",
                "cap:max_positions=1,strategies=every-n#1|every-n#2"});
  REQUIRE(run_btk(dir, flags).code == 0);
  CHECK(slurp(dir / "events.jsonl") == slurp(dir / "events-flags.jsonl"));
  const auto summary = nlohmann::json::parse(slurp(dir / "summary.json"));
  CHECK(summary["riskRejected"].get<int>() > 0);
  // The profile changes what a backtest trades too.
  const std::vector<std::string> bt{"backtest",
                                    "--data",
                                    dir / "LIVEUSDT-1m.csv",
                                    "--strategy",
                                    spec,
                                    "--strategy",
                                    other,
                                    "--quiet",
                                    "--report-dir",
                                    ""};
  auto free_run = bt, capped = bt;
  free_run.insert(free_run.end(), {"--trades-out", dir / "free.jsonl"});
  capped.insert(capped.end(), {"--trades-out", dir / "capped.jsonl", "--risk",
                               "cap:max_positions=1"});
  REQUIRE(run_btk(dir, free_run).code == 0);
  REQUIRE(run_btk(dir, capped).code == 0);
  CHECK(slurp(dir / "capped.jsonl").size() < slurp(dir / "free.jsonl").size());
  // Mistakes name the line, or the strategy that is not there.
  write_file(dir / "bad.toml",
             "data = \"x.csv\"\n[risk.cap]\nmax_positons = 1\n");
  r = run_btk(dir, {"live", "--config", dir / "bad.toml"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "bad.toml:2"));
  CHECK(has(r.err, "unknown key 'max_positons'"));
  capped.back() = "cap:max_positions=1,strategies=sma-cross";
  r = run_btk(dir, capped);
  CHECK(r.code == 1);
  CHECK(has(r.err, "'sma-cross', which is not a strategy of this run"));
}

TEST_CASE("btk live --report-format both writes each instance's Live report "
          "as Markdown and as a page with charts") {
  scratch_dir d{"live_reports"};
  write_csv(d / "LIVEUSDT-1m.csv", 600);
  auto args = live_args(d, "2024-01-01T09:00:00Z", spec);
  args.insert(args.end(),
              {"--report-dir", d / "reports", "--report-format", "both"});
  auto r = run_btk(d, args);
  REQUIRE(r.code == 0);
  const auto md = slurp(d / "reports/LIVEUSDT_every-n#1.md");
  const auto html = slurp(d / "reports/LIVEUSDT_every-n#1.html");
  CHECK(has(md, "every-n#1"));
  CHECK(has(md, "**Closed signals:**"));
  CHECK(has(html, "<svg"));
  CHECK(has(html, "Closed signals:"));
  CHECK(!has(html, "<script"));
  args.back() = "pdf";
  r = run_btk(d, args);
  CHECK(r.code == 1);
  CHECK(has(r.err, "--report-format"));
  CHECK(has(r.err, "pdf"));
}
