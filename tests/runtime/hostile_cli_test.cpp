// Hostile input from the command line (issue 10): flags a trader mistypes
// get an error naming the flag, the value and what is accepted, never an
// abort, undefined behaviour or an answer that is quietly wrong.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

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

TEST_CASE("a repeated flag is named in plain words, and a huge value is "
          "named by its size, not echoed") {
  scratch_dir dir{"hostile_words"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  auto r = run_btk(dir, walker(dir, {"--grid", "every-n:n=30..60:30", "--where",
                                     "n>3", "--where", "n<90"}));
  CHECK(r.code != 0);
  CHECK(has(r.err, "--where is given 2 times; it takes one value"));
  // A field just under the line limit is named by its size.
  const std::string huge(60'000, '9');
  write_file(dir / "big.csv", "timestamp,open,high,low,close,volume\n"
                              "1704067200000," +
                                  huge + ",1,1,1,1\n");
  r = run_btk(dir, {"backtest", "--data", dir / "big.csv", "--strategy",
                    "every-n", "--quiet"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "column 2 (open)"));
  CHECK(has(r.err, "...(60002 bytes)")); // the field and its quotes
  CHECK(r.err.size() < 2000);
  // A line over it is refused as a line.
  write_file(dir / "big.csv", "timestamp,open,high,low,close,volume\n"
                              "1704067200000," +
                                  huge + huge + ",1,1,1,1\n");
  r = run_btk(dir, {"backtest", "--data", dir / "big.csv", "--strategy",
                    "every-n", "--quiet"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "big.csv:2: the line is longer than 65536 bytes"));
  CHECK(r.err.size() < 2000);
  r = run_btk(dir, {"backtest", "--data", dir / "HOSTUSDT-1m.csv", "--strategy",
                    "every-n:n=" + huge.substr(0, 100'000), "--quiet"});
  CHECK(r.code == 1);
  CHECK(r.err.size() < 2000);
}

TEST_CASE("a sweep state folder that holds something else is refused and "
          "left as it was") {
  scratch_dir dir{"hostile_state"};
  write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  // A live state.
  REQUIRE(
      run_btk(dir, {"live", "--data", dir / "HOSTUSDT-1m.csv", "--strategy",
                    "every-n:n=30", "--clock", "virtual", "--from",
                    "2024-01-01T01:00:00Z", "--until", "2024-01-01T03:00:00Z",
                    "--state", dir / "live", "--quiet"})
          .code == 0);
  const auto before = run_btk(dir, {"live", "status", "--state", dir / "live"});
  REQUIRE(before.code == 0);
  auto r = run_btk(dir, walker(dir, {"--grid", "every-n:n=30..60:30", "--state",
                                     dir / "live"}));
  CHECK(r.code == 1);
  CHECK(has(r.err, "holds another database"));
  const auto after = run_btk(dir, {"live", "status", "--state", dir / "live"});
  CHECK(after.code == 0);
  CHECK(after.out == before.out);
  // A folder of the user's own files.
  std::filesystem::create_directories(std::string{dir / "notes"});
  write_file(dir / "notes/todo.txt", "keep me\n");
  r = run_btk(dir, walker(dir, {"--grid", "every-n:n=30..60:30", "--state",
                                dir / "notes"}));
  CHECK(r.code == 1);
  CHECK(has(r.err, "holds 'todo.txt' and is not a sweep state"));
  std::size_t files = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string{dir / "notes"})) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("a sweep state in use by another process is named as such") {
  scratch_dir dir{"hostile_locked"};
  write_csv(dir / "HOSTUSDT-1m.csv", 3 * 1440);
  // A sweep that takes minutes (79,600 points), holding its state; the
  // test kills it. A smaller one once finished before the second started
  // on a fast machine, which then resumed the finished state.
  const std::string grid = "sma-cross:fast=2..200:1,slow=201..600:1";
  const auto pid = start_btk(walker(
      dir, {"--grid", grid, "--state", dir / "state", "--workers", "1"}));
  for (int i = 0;
       i < 500 && !std::filesystem::exists(std::string{dir / "state/LOCK"});
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto r =
      run_btk(dir, walker(dir, {"--grid", grid, "--state", dir / "state"}));
  // The holder must still be running, or the test proved nothing.
  int status = 0;
  const bool holder_running = ::waitpid(pid, &status, WNOHANG) == 0;
  if (holder_running) {
    ::kill(pid, SIGKILL);
    reap_killed(pid);
  }
  REQUIRE(holder_running);
  CHECK(r.code == 1);
  CHECK(has(r.err, "in use by another btk walker"));
}

TEST_CASE("a device given as a candle file is refused at once") {
  scratch_dir dir{"hostile_device"};
  for (const std::string dev : {"/dev/zero", "/dev/urandom"}) {
    auto r = run_btk(dir, {"data", "check", dev});
    CHECK(r.code == 1);
    CHECK(has(r.err, dev + ": is a device, not a candle file"));
    r = run_btk(dir, {"backtest", "--data", dev, "--symbol", "ZUSDT",
                      "--strategy", "every-n", "--quiet"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "is a device"));
  }
}

TEST_CASE("the order of a grid's alternatives changes neither its frame nor "
          "any point's result") {
  // slow=200 on 15m bars needs the longest warm-up; written first or last,
  // the frame starts after it and every point runs on the same candles.
  scratch_dir dir{"hostile_grid_order"};
  const std::string data = dir / "SYN-1m.csv.gz";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", data, "--days", "10",
                        "--seed", "7"})
              .code == 0);
  std::map<std::string, std::string> by_spec[2];
  std::string frame[2];
  const char* grids[] = {"sma-cross:fast=10,slow=20..200:180,interval=15m|5m",
                         "sma-cross:fast=10,slow=20..200:180,interval=5m|15m"};
  for (int k = 0; k < 2; ++k) {
    const std::string out = dir / ("r" + std::to_string(k) + ".jsonl");
    const std::string sum = dir / ("s" + std::to_string(k) + ".json");
    const auto r =
        run_btk(dir, {"walker", "--data", data, "--grid", grids[k],
                      "--results-out", out, "--summary-out", sum, "--quiet"});
    CHECK(r.code == 0);
    frame[k] = nlohmann::json::parse(slurp(sum)).at("frame").dump();
    std::string text = slurp(out);
    std::size_t at = 0;
    while (at < text.size()) {
      const auto nl = text.find('\n', at);
      auto line = nlohmann::json::parse(text.substr(at, nl - at));
      CHECK_FALSE(line.contains("error"));
      by_spec[k][line.at("spec").get<std::string>()] = line.at("stats").dump();
      at = nl + 1;
    }
  }
  CHECK(frame[0] == frame[1]);
  CHECK(by_spec[0].size() == 4);
  CHECK(by_spec[0] == by_spec[1]);
}

TEST_CASE("an import that the disk cannot hold fails with the reason, every "
          "time, and keeps what was stored") {
  // A file-size limit stands for a full disk: writes fail with EFBIG where a
  // full disk gives ENOSPC. RocksDB's own log writer once aborted the
  // process on the second failed write, and every later import with it.
  scratch_dir dir{"hostile_full_disk"};
  const std::string store = dir / "store";
  const std::string small = write_csv(dir / "A-1m.csv", 600);
  const std::string big = dir / "B-1m.csv.gz";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", big, "--days", "20"}).code ==
          0);
  REQUIRE(
      run_btk(dir, {"data", "import", small, "--symbol", "A", "--store", store})
          .code == 0);
  const std::string limit = "trap '' XFSZ; ulimit -f 200; ";
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto r = run_btk(
        dir, {"data", "import", big, "--symbol", "B", "--store", store}, limit);
    CHECK(r.code == 1);
    CHECK(has(r.err, "the disk is full or the file too large"));
    CHECK(has(r.err, "nothing imported"));
  }
  auto ls = run_btk(dir, {"data", "ls", "--store", store, "--verify"});
  CHECK(ls.code == 0);
  CHECK(has(ls.out, "1 series"));
  CHECK(has(ls.out, "verified: every checksum and every series read back "
                    "whole (600 candles)"));
  // With room again, the same import goes through.
  CHECK(run_btk(dir, {"data", "import", big, "--symbol", "B", "--store", store})
            .code == 0);
  ls = run_btk(dir, {"data", "ls", "--store", store, "--verify"});
  CHECK(ls.code == 0);
  CHECK(has(ls.out, "2 series"));
}

TEST_CASE("a store with a damaged block is found by data ls --verify naming "
          "the day, and a backtest on it names the damage") {
  scratch_dir dir{"hostile_damaged_store"};
  const std::string store = dir / "store";
  const std::string data = dir / "S-1m.csv.gz";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", data, "--days", "10"}).code ==
          0);
  REQUIRE(
      run_btk(dir, {"data", "import", data, "--symbol", "S", "--store", store})
          .code == 0);
  // Flip bytes in the middle of the largest table file: a day's block.
  std::filesystem::path sst;
  for (const auto& e : std::filesystem::directory_iterator(store))
    if (e.path().extension() == ".sst" &&
        (sst.empty() || e.file_size() > std::filesystem::file_size(sst)))
      sst = e.path();
  REQUIRE_FALSE(sst.empty());
  std::string bytes = slurp(sst.string());
  for (std::size_t k = 0; k < 16; ++k)
    bytes[bytes.size() / 2 + k] ^= 0x5a;
  write_file(sst.string(), bytes);

  auto ls = run_btk(dir, {"data", "ls", "--store", store});
  CHECK(ls.code == 0);
  CHECK(has(ls.out, "--verify reads every candle back"));
  ls = run_btk(dir, {"data", "ls", "--store", store, "--verify"});
  CHECK(ls.code == 1);
  CHECK(has(ls.err, "day c/S/1m/2024"));
  CHECK(has(ls.err, "cannot be read: the store is damaged"));
  CHECK(has(ls.err, "import the candle files into a new store"));
  const auto bt = run_btk(dir, {"backtest", "--store", store, "--symbol", "S",
                                "--strategy", "every-n", "--quiet"});
  CHECK(bt.code == 1);
  CHECK(has(bt.err, "reading S failed: the store is damaged"));
  CHECK(has(bt.err, "--verify` names the damaged days"));
  // Importing into it is refused rather than building on the damage;
  // imported into a new store, the file reads back whole.
  auto again =
      run_btk(dir, {"data", "import", data, "--symbol", "S", "--store", store});
  CHECK(again.code == 1);
  CHECK(has(again.err, "the store is damaged"));
  CHECK(has(again.err, "nothing imported"));
  const std::string fresh = dir / "fresh";
  CHECK(
      run_btk(dir, {"data", "import", data, "--symbol", "S", "--store", fresh})
          .code == 0);
  ls = run_btk(dir, {"data", "ls", "--store", fresh, "--verify"});
  CHECK(ls.code == 0);
  CHECK(has(ls.out, "(14400 candles)"));
}

TEST_CASE("a live session whose state the disk cannot hold stops with the "
          "reason, and resumes to the same events once it can") {
  scratch_dir dir{"hostile_live_full_disk"};
  const std::string data = dir / "D-1m.csv";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", data, "--days", "2"}).code ==
          0);
  auto live = [&](const std::string& name) {
    return std::vector<std::string>{"live",
                                    "--exchange",
                                    "replay",
                                    "--data",
                                    data,
                                    "--symbols",
                                    "D",
                                    "--clock",
                                    "virtual",
                                    "--from",
                                    "2024-01-01T02:00:00Z",
                                    "--strategy",
                                    "every-n:n=5,tp=0.2,sl=0.2,minutes=10",
                                    "--state",
                                    dir / (name + "-state"),
                                    "--events-out",
                                    dir / (name + ".jsonl"),
                                    "--all-ticks",
                                    "--quiet"};
  };
  const auto whole = run_btk(dir, live("whole"));
  REQUIRE(whole.code == 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto r = run_btk(dir, live("cut"), "trap '' XFSZ; ulimit -f 100; ");
    CHECK(r.code == 1);
    CHECK(has(r.err, "the disk is full or the file too large"));
  }
  CHECK(run_btk(dir, live("cut")).code == 0);
  CHECK(slurp(dir / "cut.jsonl") == slurp(dir / "whole.jsonl"));
}

TEST_CASE("outputs that cannot be written and inputs that are not what they "
          "claim are refused naming the path and the reason, writing nothing") {
  scratch_dir dir{"hostile_paths"};
  const std::string data = write_csv(dir / "HOSTUSDT-1m.csv", 1440);
  const std::string file = write_file(dir / "a-file", "x");
  auto bt = [&](std::vector<std::string> more) {
    std::vector<std::string> a{"backtest",   "--data",  data,
                               "--strategy", "every-n", "--quiet"};
    a.insert(a.end(), more.begin(), more.end());
    return run_btk(dir, a);
  };
  auto r = bt({"--report-dir", file});
  CHECK(r.code == 1);
  CHECK(has(r.err, "cannot create " + file + ": Not a directory"));
  r = bt({"--summary-out", dir / "", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, "Is a directory"));
  r = bt({"--trades-out", "/dev/full", "--report-dir", ""});
  CHECK(r.code == 1);
  CHECK(has(r.err, "cannot write /dev/full: No space left on device"));
  // A run file with an unknown key and one that is not TOML name the line.
  write_file(dir / "bad.toml", "strategy = \"every-n\"\nworkerz = 2\n");
  r = run_btk(dir, {"backtest", "--config", dir / "bad.toml", "--data", data});
  CHECK(r.code == 1);
  CHECK(has(r.err, "bad.toml:2: unknown key 'workerz'"));
  write_file(dir / "broken.toml", "strategy = \"every-n\n");
  r = run_btk(dir,
              {"backtest", "--config", dir / "broken.toml", "--data", data});
  CHECK(r.code == 1);
  CHECK(has(r.err, "broken.toml:1:"));
  // Random bytes as candles: one short error, not a screenful per byte.
  std::string noise;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20'000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    noise += static_cast<char>(x & 0xff);
  }
  write_file(dir / "noise.csv", noise);
  r = run_btk(
      dir, {"backtest", "--data", dir / "noise.csv", "--strategy", "every-n"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "noise.csv:"));
  CHECK(r.err.size() < 4000);
  // Two rows a year apart with --fill-gaps: refused, not a year of filler.
  write_file(dir / "far.csv", "1704067200000,1,1,1,1,1\n"
                              "1735689600000,1,1,1,1,1\n");
  r = run_btk(dir, {"data", "check", dir / "far.csv", "--fill-gaps"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "far.csv:2: the 527039 missing minutes before this row"));
  // A grid range beyond what a number can hold.
  r = run_btk(dir, {"walker", "--data", data, "--grid",
                    "every-n:n=1..9223372036854775807:1", "--quiet"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "range values need at most 18 digits"));
  // Nothing but the inputs and the captured stderr is left behind.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir / ""))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"HOSTUSDT-1m.csv", "a-file",
                                          "bad.toml", "broken.toml", "far.csv",
                                          "noise.csv", "stderr.txt"});
}

TEST_CASE("a sweep whose state the disk cannot hold stops with the reason, and "
          "resumes to the results of an uninterrupted run") {
  scratch_dir dir{"hostile_sweep_full_disk"};
  const std::string data = dir / "W-1m.csv";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", data, "--days", "10"}).code ==
          0);
  auto sweep = [&](const std::string& out, bool with_state) {
    std::vector<std::string> a{"walker",
                               "--data",
                               data,
                               "--grid",
                               "every-n:n=10..400:5,tp=0.5|1",
                               "--results-out",
                               out,
                               "--quiet"};
    if (with_state) {
      a.push_back("--state");
      a.push_back(dir / "state");
    }
    return a;
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto r = run_btk(dir, sweep(dir / "cut.jsonl", true),
                           "trap '' XFSZ; ulimit -f 40; ");
    CHECK(r.code == 1);
    CHECK(has(r.err, "sweep state " + (dir / "state") +
                         ": the disk is full or the file too large"));
  }
  CHECK(run_btk(dir, sweep(dir / "cut.jsonl", true)).code == 0);
  CHECK(run_btk(dir, sweep(dir / "whole.jsonl", false)).code == 0);
  CHECK(slurp(dir / "cut.jsonl") == slurp(dir / "whole.jsonl"));
}
