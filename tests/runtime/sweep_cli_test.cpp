// `btk walker --grid ...`: parameter sweeps on the 7-symbol Bybit data —
// the same results whatever the number of workers, a resume after kill -9
// that ends with the same results file and ranking, and walk-forward.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/runtime/btk_process.hpp"
#include "tests/runtime/bybit_data.hpp"

using namespace btk::test;

namespace {

std::vector<std::string> sweep_args(const std::string& store,
                                    const std::string& grid) {
  return {"walker",          "--store", store,   "--symbols",
          "BTCUSDT,ETHUSDT", "--grid",  grid,    "--where",
          "fast<slow",       "--quiet", "--top", "5"};
}

std::vector<std::string> with(std::vector<std::string> a,
                              const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

} // namespace

TEST_CASE("a sweep gives the same results file and ranking with 1, 2 and 4 "
          "workers",
          "[cli][sweep]") {
  if (!have_data())
    return;
  scratch_dir dir{"sweep_workers"};
  const auto store = make_store(dir);
  const auto base = sweep_args(
      store, "sma-cross:fast=5..30:5,slow=20..120:20,interval=5m|15m");
  std::string first_file;
  nlohmann::json first_top;
  for (const std::string n : {"1", "2", "4"}) {
    INFO("workers " << n);
    const auto r = run_btk(
        dir, with(base, {"--workers", n, "--results-out", dir / ("r" + n),
                         "--summary-out", dir / ("s" + n)}));
    REQUIRE(r.code == 0);
    const auto file = slurp(dir / ("r" + n));
    const auto summary = nlohmann::json::parse(slurp(dir / ("s" + n)));
    // 6 x 6 x 2 points, 31 of each 36 with fast < slow... counted: fast in
    // 5..30 step 5, slow in 20..120 step 20: pairs with fast < slow = 6*6
    // minus (fast=20: slow 20; fast=25: 20; fast=30: 20) = 33, times 2
    // intervals, times 2 symbols = 132 jobs.
    CHECK(summary.at("jobs").at("total") == 132);
    CHECK(lines(file) == 132);
    CHECK(summary.at("top").size() == 5);
    if (first_file.empty()) {
      first_file = file;
      first_top = summary.at("top");
    } else {
      CHECK(file == first_file);
      CHECK(summary.at("top") == first_top);
    }
  }
  // Every line has the job's spec, symbol and statistics, in id order.
  std::istringstream in(first_file);
  std::string line;
  std::uint64_t id = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j.at("id") == id++);
    CHECK(j.at("spec").get<std::string>().rfind("sma-cross:fast=", 0) == 0);
    CHECK(j.at("stats").contains("sharpeRatio"));
    CHECK_FALSE(j.at("symbol").get<std::string>().empty());
  }
  // The top table is sorted by the metric.
  for (std::size_t i = 1; i < first_top.size(); ++i)
    CHECK(first_top[i - 1].at("metric").get<double>() >=
          first_top[i].at("metric").get<double>());
}

TEST_CASE("a sweep killed mid-run resumes from its state and ends as an "
          "uninterrupted run",
          "[cli][sweep]") {
  if (!have_data())
    return;
  scratch_dir dir{"sweep_resume"};
  const auto store = make_store(dir);
  const auto base =
      with(sweep_args(store,
                      "sma-cross:fast=3..30:1,slow=20..120:10,interval=1m|5m"),
           {"--workers", "2"});
  // The uninterrupted run, timed.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_btk(dir, with(base,
                            {"--state", dir / "state-a", "--results-out",
                             dir / "a.jsonl", "--summary-out", dir / "a.json"}))
              .code == 0);
  const auto took = std::chrono::steady_clock::now() - t0;
  const auto want = nlohmann::json::parse(slurp(dir / "a.json"));
  const auto total = want.at("jobs").at("total").get<std::uint64_t>();
  REQUIRE(total > 500);
  // Kill a second run part way (shorter delays if it finished first).
  bool killed = false;
  for (double part : {0.5, 0.3, 0.15, 0.05}) {
    std::filesystem::remove_all(dir / "state-b");
    const auto pid = start_btk(with(
        base, {"--state", dir / "state-b", "--results-out", dir / "b.jsonl"}));
    std::this_thread::sleep_for(
        std::chrono::duration_cast<std::chrono::milliseconds>(took * part));
    ::kill(pid, SIGKILL);
    if (reap_killed(pid)) {
      killed = true;
      break;
    }
  }
  REQUIRE(killed);
  // Resume: the same command.
  REQUIRE(run_btk(dir, with(base,
                            {"--state", dir / "state-b", "--results-out",
                             dir / "b.jsonl", "--summary-out", dir / "b.json"}))
              .code == 0);
  const auto got = nlohmann::json::parse(slurp(dir / "b.json"));
  const auto resumed = got.at("jobs").at("resumed").get<std::uint64_t>();
  const auto run = got.at("jobs").at("run").get<std::uint64_t>();
  CHECK(resumed > 0);
  CHECK(resumed < total);
  // No job ran twice after it finished, none is lost.
  CHECK(resumed + run == total);
  CHECK(slurp(dir / "b.jsonl") == slurp(dir / "a.jsonl"));
  CHECK(got.at("top") == want.at("top"));
  // A third run finds everything done.
  REQUIRE(run_btk(dir, with(base, {"--state", dir / "state-b", "--summary-out",
                                   dir / "c.json"}))
              .code == 0);
  const auto again = nlohmann::json::parse(slurp(dir / "c.json"));
  CHECK(again.at("jobs").at("resumed") == total);
  CHECK(again.at("jobs").at("run") == 0);
  CHECK(again.at("top") == want.at("top"));
  // A different command refuses that state.
  const auto other = run_btk(
      dir, with(sweep_args(store, "sma-cross:fast=3..9:3,slow=20..40:10"),
                {"--state", dir / "state-b"}));
  CHECK(other.code == 1);
  CHECK(has(other.err, "belongs to another sweep"));
}

TEST_CASE("walk-forward picks the best point on each train span and tests "
          "it on the next span of real data",
          "[cli][sweep]") {
  if (!have_data())
    return;
  scratch_dir dir{"sweep_wf"};
  const auto store = make_store(dir);
  const std::string grid =
      "sma-cross:fast=5..20:5,slow=30..90:30,interval=5m|15m";
  const auto r =
      run_btk(dir, {"walker", "--store", store, "--symbols", "BTCUSDT",
                    "--grid", grid, "--walk-forward", "train=8d,test=4d",
                    "--frame-start", "2025-06-01T00:00:00Z", "--frame-end",
                    "2025-06-26T23:59:00Z", "--summary-out", dir / "wf.json",
                    "--results-out", dir / "wf.jsonl"});
  REQUIRE(r.code == 0);
  const auto s = nlohmann::json::parse(slurp(dir / "wf.json"));
  const auto& windows = s.at("walkForward").at("windows");
  // 26 days: windows start on days 1, 5, 9, 13 (+ 8 + 4 <= 26): 4 windows.
  REQUIRE(windows.size() == 4);
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const auto& w = windows[k];
    CHECK(w.at("window") == k + 1);
    CHECK(w.at("testStart").get<std::int64_t>() ==
          w.at("trainEnd").get<std::int64_t>() + 60000);
    if (k > 0)
      CHECK(w.at("trainStart").get<std::int64_t>() -
                windows[k - 1].at("trainStart").get<std::int64_t>() ==
            4 * 86400000LL);
    // The chosen spec is the train span's best: rerun that span as a plain
    // sweep and compare with its top row.
    if (w.at("bestSpec").get<std::string>().empty())
      continue;
    const auto one = run_btk(
        dir,
        {"walker", "--store", store, "--symbols", "BTCUSDT", "--grid", grid,
         "--frame-start",
         std::to_string(w.at("trainStart").get<std::int64_t>()), "--frame-end",
         std::to_string(w.at("trainEnd").get<std::int64_t>()), "--top", "1",
         "--summary-out", dir / "train.json", "--quiet"});
    REQUIRE(one.code == 0);
    const auto t = nlohmann::json::parse(slurp(dir / "train.json"));
    CHECK(t.at("top").at(0).at("spec") == w.at("bestSpec"));
    CHECK(t.at("top").at(0).at("metric") == w.at("trainMetric"));
    CHECK(w.at("testStats").contains("totalSignals"));
  }
  // The stitched out-of-sample statistics cover every test span's trades.
  const auto& oos = s.at("walkForward").at("outOfSample").at("BTCUSDT");
  std::int64_t sum = 0;
  for (const auto& w : windows)
    sum += w.at("testStats").value("totalSignals", 0);
  CHECK(oos.at("totalSignals") == sum);
  CHECK(sum > 0);
  // 2 * 3 * 4 points (all fast < slow) x 4 windows.
  CHECK(lines(slurp(dir / "wf.jsonl")) == 24 * 4);
}
