// Hostile input from the command line (issue 10): flags a trader mistypes
// get an error naming the flag, the value and what is accepted, never an
// abort, undefined behaviour or an answer that is quietly wrong.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

namespace {

std::vector<std::string> walker(const scratch_dir& dir,
                                std::vector<std::string> more) {
  std::vector<std::string> a{"walker",  "--data",       dir / "HOSTUSDT-1m.csv",
                             "--quiet", "--report-dir", ""};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("a sweep of several grids and a strategy runs every point of "
          "each") {
  // The grids' cursors once pointed into a vector that moved them as it
  // grew (a use after free under ASan, wrong points without it).
  scratch_dir dir{"hostile_grids"};
  write_csv(dir / "HOSTUSDT-1m.csv", 3 * 1440);
  auto r = run_btk(
      dir, walker(dir, {"--grid", "every-n:n=30..60:30", "--grid",
                        "every-n:n=90|120,side=short", "--strategy",
                        "every-n:n=45", "--results-out", dir / "jobs.jsonl"}));
  REQUIRE(r.code == 0);
  const auto jobs = slurp(dir / "jobs.jsonl");
  CHECK(lines(jobs) == 5);
  for (const std::string spec :
       {"every-n:n=30", "every-n:n=60", "every-n:n=90,side=short",
        "every-n:n=120,side=short", "every-n:n=45"})
    CHECK(has(jobs, spec));
}

TEST_CASE("sweep sizes out of range, and a seed without a sample, are "
          "refused naming the flag") {
  scratch_dir dir{"hostile_sweep_flags"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  const std::vector<std::string> grid{"--grid", "every-n:n=30..60:30"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), grid.begin(), grid.end());
    return run_btk(dir, walker(dir, more));
  };
  for (const std::string top : {"-1", "0", "100001"}) {
    auto r = with({"--top", top});
    CHECK(r.code != 0);
    CHECK(has(r.err, "--top"));
  }
  for (const std::string n : {"-1", "0", "100000001"}) {
    auto r = with({"--sample", n});
    CHECK(r.code != 0);
    CHECK(has(r.err, "--sample"));
  }
  auto r = with({"--seed", "5"});
  CHECK(r.code != 0);
  CHECK(has(r.err, "--seed requires --sample"));
  CHECK(with({"--sample", "1", "--seed", "5", "--top", "1"}).code == 0);
}

TEST_CASE("times outside 1970 .. 9999 are refused, never overflowed") {
  scratch_dir dir{"hostile_times"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  for (const std::string t : {"-9223372036854775808", "-1", "253402300800000",
                              "99999999999999999999"}) {
    auto r = run_btk(dir, {"backtest", "--data", dir / "HOSTUSDT-1m.csv",
                           "--strategy", "every-n:n=60", "--frame-start", t,
                           "--quiet", "--report-dir", ""});
    CHECK(r.code == 1);
    CHECK(has(r.err, "--frame-start '" + t + "'"));
    CHECK(has(r.err, "from 1970-01-01 to 9999-12-31"));
  }
}

TEST_CASE("walk-forward spans longer than 100 years are refused") {
  scratch_dir dir{"hostile_walk_forward"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  for (const std::string wf :
       {"train=99999999999999999w,test=1d",
        "train=1d,test=1d,step=15250284452471w", "train=1d,test=5300000w"}) {
    auto r = run_btk(dir, walker(dir, {"--grid", "every-n:n=30..60:30",
                                       "--walk-forward", wf}));
    CHECK(r.code == 1);
    CHECK(has(r.err, "--walk-forward '" + wf + "'"));
    CHECK(has(r.err, "longer than 100 years"));
  }
}

TEST_CASE("a symbol or a name that would leave its folder or break a file "
          "name is refused in every mode") {
  scratch_dir dir{"hostile_names"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  for (const std::string sym : {"../escaped", "a/b", "new\nline", ".."}) {
    for (const std::string mode : {"backtest", "live"}) {
      std::vector<std::string> args{mode,
                                    "--data",
                                    dir / "HOSTUSDT-1m.csv",
                                    "--symbol",
                                    sym,
                                    "--strategy",
                                    "every-n:n=60",
                                    "--report-dir",
                                    dir / "reports",
                                    "--quiet"};
      if (mode == "live")
        args = {mode,         "--data",     dir / "HOSTUSDT-1m.csv", "--symbol",
                sym,          "--strategy", "every-n:n=60",          "--clock",
                "virtual",    "--from",     "2024-01-01T01:00:00Z",  "--state",
                dir / "state"};
      auto r = run_btk(dir, args);
      INFO(mode << " " << sym);
      CHECK(r.code == 1);
      CHECK(has(r.err, "symbol '"));
    }
  }
  // No report was written, inside the folder or out of it.
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(dir / "").parent_path()))
    CHECK(e.path().extension() != ".md");
}

TEST_CASE("a sweep whose results cannot be written, or whose every job "
          "fails, exits non-zero and says why") {
  scratch_dir dir{"hostile_sweep_out"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  const std::vector<std::string> grid{"--grid", "every-n:n=30..60:30"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), grid.begin(), grid.end());
    return run_btk(dir, walker(dir, more));
  };
  auto r = with({"--results-out", "/dev/full"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "cannot write /dev/full: No space left on device"));
  // A complete run replaces the file at once; no temporary is left.
  REQUIRE(with({"--results-out", dir / "out/jobs.jsonl"}).code == 0);
  CHECK(lines(slurp(dir / "out/jobs.jsonl")) == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "out/jobs.jsonl.tmp"));
  // No VWAP window before the first tick: every job fails.
  r = with({"--frame-start", "2024-01-01T00:00:00Z"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "every job of the sweep failed (2); the first: "));
  CHECK(has(r.err, "VWAP window"));
}
