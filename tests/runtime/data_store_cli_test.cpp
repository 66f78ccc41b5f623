// `btk data import`, `btk data ls` and `btk backtest --store` through the
// real binary (path in BTK_BIN, set by CTest).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/data/candle_reader.hpp"
#include "runtime/store/candle_store.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

namespace fs = std::filesystem;

TEST_CASE("data import stores a file and data ls lists its symbol, range "
          "and gaps") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string day1 = write_csv(tmp / "day1.csv", 1440);
  const auto r = run_btk(
      tmp, {"data", "import", day1, "--symbol", "BTCUSDT", "--store", store});
  CHECK(r.code == 0);
  CHECK(has(r.out, "1440 rows"));
  CHECK(has(r.out, "1 day written, 1440 minutes added, 0 replaced"));
  CHECK(has(r.out, "2024-01-01T00:00:00.000Z .. 2024-01-01T23:59:00.000Z"));

  // Jan 3: leaves Jan 2 missing.
  const std::string day3 =
      write_csv(tmp / "day3.csv", 1440, t0 + 2 * 86'400'000LL);
  REQUIRE(run_btk(tmp, {"data", "import", day3, "--symbol", "BTCUSDT",
                        "--store", store})
              .code == 0);
  REQUIRE(run_btk(tmp, {"data", "import", day1, "--symbol", "ETHUSDT",
                        "--store", store})
              .code == 0);

  const auto ls = run_btk(tmp, {"data", "ls", "--store", store});
  CHECK(ls.code == 0);
  CHECK(has(ls.out, "2 series"));
  CHECK(has(ls.out, "BTCUSDT  1m        2024-01-01T00:00:00.000Z  "
                    "2024-01-03T23:59:00.000Z       2880      2      1"));
  CHECK(has(ls.out, "ETHUSDT  1m        2024-01-01T00:00:00.000Z  "
                    "2024-01-01T23:59:00.000Z       1440      1      0"));
  CHECK(has(ls.out, "BTCUSDT 1m: 1440 missing candles in 1 gap:"));
  CHECK(has(ls.out, "2024-01-02T00:00:00.000Z .. 2024-01-02T23:59:00.000Z "
                    "(1440)"));
}

TEST_CASE("data import of a bad file fails naming the file and line and "
          "leaves the store as it was") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string bad = tmp / "bad.csv";
  {
    std::ofstream f(bad);
    f << "timestamp,open,high,low,close,volume\n"
      << t0 << ",100,101,99,100,5\n"
      << t0 + 60'000 << ",100,101,abc,100,5\n";
  }
  const auto first = run_btk(
      tmp, {"data", "import", bad, "--symbol", "SYM", "--store", store});
  CHECK(first.code == 1);
  CHECK(has(first.err, bad + ":3"));
  CHECK(has(first.err, "abc"));
  CHECK_FALSE(fs::exists(store)); // a bad file never creates a store

  const std::string good = write_csv(tmp / "good.csv", 300);
  REQUIRE(run_btk(tmp,
                  {"data", "import", good, "--symbol", "SYM", "--store", store})
              .code == 0);
  const auto again = run_btk(
      tmp, {"data", "import", bad, "--symbol", "SYM", "--store", store});
  CHECK(again.code == 1);
  CHECK(has(again.err, bad + ":3"));
  const auto ls = run_btk(tmp, {"data", "ls", "--store", store});
  CHECK(has(ls.out, "2024-01-01T04:59:00.000Z        300"));
}

TEST_CASE("data import of a file with a gap fails naming it unless "
          "--fill-gaps is given") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string gap = write_csv(tmp / "gap.csv", 400, t0, {100, 101, 102});
  const auto r = run_btk(
      tmp, {"data", "import", gap, "--symbol", "SYM", "--store", store});
  CHECK(r.code == 1);
  CHECK(has(r.err, gap));
  CHECK(has(r.err, "2024-01-01T01:40:00.000Z .. 2024-01-01T01:42:00.000Z"));
  CHECK(has(r.err, "--fill-gaps"));
  const auto filled = run_btk(tmp, {"data", "import", gap, "--symbol", "SYM",
                                    "--store", store, "--fill-gaps"});
  CHECK(filled.code == 0);
  CHECK(has(filled.out, "397 rows (3 filled in 1 gap)"));
  CHECK(has(filled.out, "400 candles in 1 day, 0 gaps"));
}

TEST_CASE("Re-importing changed candles reports the replaced minutes and "
          "keeps the newer values") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string a = write_csv(tmp / "a.csv", 200);
  // Minutes 100..299: 100 overlap with different prices, 100 new.
  const std::string b =
      write_csv(tmp / "b.csv", 200, t0 + 100 * 60'000LL, {}, 5);
  REQUIRE(
      run_btk(tmp, {"data", "import", a, "--symbol", "SYM", "--store", store})
          .code == 0);
  const auto r =
      run_btk(tmp, {"data", "import", b, "--symbol", "SYM", "--store", store});
  CHECK(r.code == 0);
  CHECK(has(r.out, "100 minutes added, 100 replaced, 0 unchanged"));
  CHECK(has(r.out, "300 candles in 1 day, 0 gaps"));
  CHECK(has(r.err, "100 stored minutes of SYM had different values"));
  CHECK(has(r.err, "newer import wins"));
}

TEST_CASE("btk backtest --store gives byte-identical trades to --data on "
          "every parity scenario's candles") {
  const std::string suite = std::string(BTK_SHARED_DIR) + "/parity";
  std::ifstream mf(suite + "/manifest.json");
  REQUIRE(mf);
  const auto manifest = nlohmann::json::parse(mf);
  int compared = 0;
  for (const auto& entry : manifest.at("scenarios")) {
    if (entry.value("mode", "") != "backtest")
      continue;
    const std::string name = entry.contains("dir")
                                 ? entry.at("dir").get<std::string>()
                                 : entry.at("name").get<std::string>();
    INFO("scenario " << name);
    const std::string dir = suite + "/" + name;
    std::ifstream sf(dir + "/scenario.json");
    REQUIRE(sf);
    const auto sc = nlohmann::json::parse(sf);
    const std::string candles =
        dir + "/" + sc.value("candles", "candles.csv.gz");
    const std::string symbol = sc.at("symbol");

    scratch_dir tmp{"store_cli_test"};
    const std::string store = tmp / "store";
    REQUIRE(run_btk(tmp, {"data", "import", candles, "--symbol", symbol,
                          "--store", store})
                .code == 0);
    std::vector<std::string> common = {
        "backtest",      "--quiet",
        "--symbol",      symbol,
        "--frame-start", std::to_string(sc.at("frameStart").get<long long>()),
        "--frame-end",   std::to_string(sc.at("frameEnd").get<long long>()),
        "--report-dir",  ""};
    for (const auto& spec : sc.at("strategies"))
      common.insert(common.end(), {"--strategy", spec.get<std::string>()});
    if (sc.contains("config"))
      for (const auto& [key, value] : sc.at("config").items())
        common.insert(common.end(), {"--set", key + "=" + value.dump()});
    if (sc.value("unsafeConfig", false))
      common.push_back("--unsafe-config");

    auto from_file = common;
    from_file.insert(from_file.end(),
                     {"--data", candles, "--trades-out", tmp / "file.jsonl",
                      "--summary-out", tmp / "file.json"});
    auto from_store = common;
    from_store.insert(from_store.end(),
                      {"--store", store, "--trades-out", tmp / "store.jsonl",
                       "--summary-out", tmp / "store.json"});
    REQUIRE(run_btk(tmp, from_file).code == 0);
    REQUIRE(run_btk(tmp, from_store).code == 0);
    const auto trades = slurp(tmp / "file.jsonl");
    CHECK(trades.size() > 0);
    CHECK(trades == slurp(tmp / "store.jsonl"));

    auto fs_json = nlohmann::json::parse(slurp(tmp / "file.json"));
    auto st_json = nlohmann::json::parse(slurp(tmp / "store.json"));
    CHECK(fs_json.at("strategies") == st_json.at("strategies"));
    CHECK(fs_json.at("frame") == st_json.at("frame"));
    CHECK(st_json.at("data").at("store") == store);
    CHECK(st_json.at("data").at("symbol") == symbol);
    // The scenarios give the frame, so the store is read only around it
    // (the frame plus the warm-up and look-ahead): within the file's range.
    const auto first = st_json.at("data").at("first").get<long long>();
    const auto last = st_json.at("data").at("last").get<long long>();
    CHECK(first >= fs_json.at("data").at("first").get<long long>());
    CHECK(last <= fs_json.at("data").at("last").get<long long>());
    CHECK(st_json.at("data").at("candles") == (last - first) / 60'000 + 1);
    ++compared;
  }
  CHECK(compared >= 5);
}

TEST_CASE("btk backtest takes exactly one of --data and --store and names "
          "what is missing") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string csv = write_csv(tmp / "x.csv", 600);
  REQUIRE(run_btk(tmp, {"data", "import", csv, "--symbol", "ETHUSDT", "--store",
                        store})
              .code == 0);
  const std::vector<std::string> run = {
      "backtest", "--strategy", "every-n:n=30,minutes=10", "--report-dir", ""};
  auto with = [&](std::vector<std::string> extra) {
    auto args = run;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_btk(tmp, args);
  };

  const auto neither = with({});
  CHECK(neither.code == 1);
  CHECK(has(neither.err, "--data FILE, or --store DIR --symbol S"));

  const auto both = with({"--data", csv, "--store", store});
  CHECK(both.code == 1);
  CHECK(has(both.err, "either --data FILE or --store DIR, not both"));

  const auto no_symbol = with({"--store", store});
  CHECK(no_symbol.code == 1);
  CHECK(has(no_symbol.err, "give the symbols to load (stored: ETHUSDT)"));

  const auto unknown = with({"--store", store, "--symbol", "BTCUSDT"});
  CHECK(unknown.code == 1);
  CHECK(has(unknown.err,
            "store " + store + ": symbol BTCUSDT not found (stored: ETHUSDT)"));

  const auto missing =
      with({"--store", tmp / "nowhere", "--symbol", "ETHUSDT"});
  CHECK(missing.code == 1);
  CHECK(has(missing.err, "store " + (tmp / "nowhere") + ": not found"));

  const auto ok = with({"--store", store, "--symbol", "ETHUSDT"});
  CHECK(ok.code == 0);
  CHECK(has(ok.out, "ETHUSDT: 600 candles"));
}

TEST_CASE("btk backtest --store over a gap fails naming it unless "
          "--fill-gaps is given") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string a = write_csv(tmp / "a.csv", 300);
  const std::string b = write_csv(tmp / "b.csv", 300, t0 + 400 * 60'000LL);
  for (const auto& f : {a, b})
    REQUIRE(
        run_btk(tmp, {"data", "import", f, "--symbol", "SYM", "--store", store})
            .code == 0);
  const std::vector<std::string> args = {"backtest",
                                         "--store",
                                         store,
                                         "--symbol",
                                         "SYM",
                                         "--strategy",
                                         "every-n:n=30,minutes=10",
                                         "--report-dir",
                                         ""};
  const auto r = run_btk(tmp, args);
  CHECK(r.code == 1);
  CHECK(has(r.err, "store " + store +
                       ": SYM: 100 missing 1-minute candles "
                       "in 1 gap: 2024-01-01T05:00:00.000Z .. "
                       "2024-01-01T06:39:00.000Z (100)"));
  CHECK(has(r.err, "--fill-gaps"));

  auto filled_args = args;
  filled_args.insert(filled_args.end(),
                     {"--fill-gaps", "--summary-out", tmp / "s.json"});
  const auto filled = run_btk(tmp, filled_args);
  CHECK(filled.code == 0);
  CHECK(has(filled.err, "filled 100"));
  const auto summary = nlohmann::json::parse(slurp(tmp / "s.json"));
  CHECK(summary.at("data").at("rows") == 600);
  CHECK(summary.at("data").at("filled") == 100);
  CHECK(summary.at("data").at("candles") == 700);
}

TEST_CASE("btk backtest --store over a frame reads only around it, so a gap "
          "elsewhere does not matter, and trades as --data does") {
  scratch_dir tmp{"store_cli_test"};
  const std::string store = tmp / "store";
  const std::string a = write_csv(tmp / "a.csv", 600);
  // A second import 30 days later: a gap of a month in the store.
  const std::string b = write_csv(tmp / "b.csv", 300, t0 + 30 * 86'400'000LL);
  for (const auto& f : {a, b})
    REQUIRE(
        run_btk(tmp, {"data", "import", f, "--symbol", "SYM", "--store", store})
            .code == 0);
  auto run = [&](std::vector<std::string> source, const std::string& out) {
    std::vector<std::string> args{"backtest",
                                  "--strategy",
                                  "every-n:n=30,minutes=10",
                                  "--frame-start",
                                  "2024-01-01T01:00:00Z",
                                  "--frame-end",
                                  "2024-01-01T08:00:00Z",
                                  "--trades-out",
                                  out,
                                  "--report-dir",
                                  ""};
    args.insert(args.end(), source.begin(), source.end());
    return run_btk(tmp, args);
  };
  const auto stored =
      run({"--store", store, "--symbol", "SYM"}, tmp / "store.jsonl");
  REQUIRE(stored.code == 0);
  REQUIRE(run({"--data", a, "--symbol", "SYM"}, tmp / "file.jsonl").code == 0);
  CHECK_FALSE(slurp(tmp / "store.jsonl").empty());
  CHECK(slurp(tmp / "store.jsonl") == slurp(tmp / "file.jsonl"));
}

TEST_CASE("data ls on a missing store fails naming the directory") {
  scratch_dir tmp{"store_cli_test"};
  const auto r = run_btk(tmp, {"data", "ls", "--store", tmp / "none"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "store " + (tmp / "none") + ": not found"));
  CHECK(has(r.err, "btk data import"));
}

TEST_CASE("An import killed at any moment leaves the store with all of it "
          "or none of it") {
  scratch_dir tmp{"store_cli_test"};
  // A: Jan 1..10; B: Jan 6..Feb 29 (overlapping A, other prices).
  const std::string a = tmp / "a.csv";
  const std::string b = tmp / "b.csv";
  REQUIRE(
      run_btk(tmp, {"data", "synth", "--out", a, "--days", "10", "--seed", "1"})
          .code == 0);
  REQUIRE(run_btk(tmp, {"data", "synth", "--out", b, "--days", "55", "--seed",
                        "2", "--start", "2024-01-06"})
              .code == 0);
  auto ca = btk::read_candles(a);
  auto cb = btk::read_candles(b);
  REQUIRE(ca);
  REQUIRE(cb);
  // A then B, the newer import winning on the overlap.
  std::vector<btk::candle> both(ca->candles.begin(),
                                ca->candles.begin() + 5 * 1440);
  both.insert(both.end(), cb->candles.begin(), cb->candles.end());

  btk_bin(); // fails early when BTK_BIN is not set
  int none = 0;
  int all = 0;
  for (int delay_ms : {5, 30, 80, 150, 250, 400, 700, 1200}) {
    INFO("killed after " << delay_ms << " ms");
    const std::string store = tmp / ("store" + std::to_string(delay_ms));
    REQUIRE(
        run_btk(tmp, {"data", "import", a, "--symbol", "SYM", "--store", store})
            .code == 0);
    const auto pid =
        start_btk({"data", "import", b, "--symbol", "SYM", "--store", store});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);

    auto st = btk::candle_store::open_read_only(store);
    REQUIRE(st);
    auto got = st->load("SYM"); // checks the info record against the days
    REQUIRE(got);
    const bool is_a = got->size() == ca->candles.size() &&
                      std::memcmp(got->data(), ca->candles.data(),
                                  got->size() * sizeof(btk::candle)) == 0;
    const bool is_both = got->size() == both.size() &&
                         std::memcmp(got->data(), both.data(),
                                     got->size() * sizeof(btk::candle)) == 0;
    CHECK((is_a || is_both));
    none += is_a;
    all += is_both;
  }
  // Which side each kill lands on depends on the machine; both are fine.
  CHECK(none + all == 8);
}
