// `btk backtest --store DIR --symbols ...`: every symbol x strategy pair
// runs as a concurrent actor, and each pair's trades and statistics are
// exactly those of running that symbol alone, on the 7 Bybit symbols that
// share one time grid.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>

#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

namespace {

const std::vector<std::string> symbols = {"ADAUSDT",  "BNBUSDT", "BTCUSDT",
                                          "DOGEUSDT", "DOTUSDT", "ETHUSDT",
                                          "SOLUSDT"};

const std::vector<std::string> strategy_args = {
    "--strategy", "sma-cross:fast=5,slow=30,interval=5m",
    "--strategy", "every-n:n=240,side=alt,tp=1.5",
    "--strategy", "scheduled:n=180,offset=0.2"};

std::string bybit_file(const std::string& symbol) {
  return std::string{BTK_SHARED_DIR} + "/data/bybit-linear/" + symbol +
         "-1m-2025-05-31-2025-06-28.csv.gz";
}

// Trade lines grouped by symbol, in file order.
std::map<std::string, std::string> lines_by_symbol(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out[nlohmann::json::parse(line).at("symbol").get<std::string>()] +=
        line + "\n";
  return out;
}

} // namespace

TEST_CASE("a multi-symbol run gives every pair the trades and statistics of "
          "running its symbol alone",
          "[cli][multi]") {
  if (!std::filesystem::exists(bybit_file("BTCUSDT"))) {
    WARN("skipped: " << bybit_file("BTCUSDT") << " is missing");
    return;
  }
  scratch_dir dir{"multi"};
  const std::string store = dir / "store";
  for (const auto& s : symbols)
    REQUIRE(run_btk(dir, {"data", "import", bybit_file(s), "--symbol", s,
                          "--store", store})
                .code == 0);
  std::string list;
  for (const auto& s : symbols)
    list += (list.empty() ? "" : ",") + s;
  std::vector<std::string> multi = {
      "backtest",     "--store",         store, "--symbols", list,
      "--report-dir", dir / "reports/bt"};
  multi.insert(multi.end(), strategy_args.begin(), strategy_args.end());
  auto two = multi;
  two.insert(two.end(), {"--workers", "2", "--trades-out", dir / "multi.jsonl",
                         "--summary-out", dir / "multi.json"});
  const auto r = run_btk(dir, two);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("portfolio: 7 symbols") != std::string::npos);
  const auto summary = nlohmann::json::parse(slurp(dir / "multi.json"));
  REQUIRE(summary.at("strategies").size() == 21);
  CHECK(summary.at("heat").at("totalSymbols") == 7);
  CHECK(std::filesystem::exists(
      summary.at("heat").at("report").get<std::string>()));
  const auto multi_lines = lines_by_symbol(slurp(dir / "multi.jsonl"));
  REQUIRE(multi_lines.size() == 7);

  // One worker thread: the same bytes.
  auto one = multi;
  one.insert(one.end(), {"--workers", "1", "--trades-out", dir / "one.jsonl"});
  REQUIRE(run_btk(dir, one).code == 0);
  CHECK(slurp(dir / "one.jsonl") == slurp(dir / "multi.jsonl"));

  for (const auto& s : symbols) {
    std::vector<std::string> alone = {"backtest",
                                      "--store",
                                      store,
                                      "--symbol",
                                      s,
                                      "--trades-out",
                                      dir / "a.jsonl",
                                      "--summary-out",
                                      dir / "a.json",
                                      "--report-dir",
                                      ""};
    alone.insert(alone.end(), strategy_args.begin(), strategy_args.end());
    REQUIRE(run_btk(dir, alone).code == 0);
    CHECK(slurp(dir / "a.jsonl") == multi_lines.at(s));
    const auto a = nlohmann::json::parse(slurp(dir / "a.json"));
    for (const auto& st : a.at("strategies")) {
      bool found = false;
      for (const auto& m : summary.at("strategies")) {
        if (m.at("symbol") != s ||
            m.at("strategyName") != st.at("strategyName"))
          continue;
        found = true;
        CHECK(m.at("stats") == st.at("stats"));
        CHECK(m.at("counts") == st.at("counts"));
      }
      CHECK(found);
    }
  }
}

TEST_CASE("a multi-symbol run needs a store and each symbol once",
          "[cli][multi]") {
  scratch_dir dir{"multi_args"};
  auto r = run_btk(dir, {"backtest", "--data", "x.csv", "--symbols", "A,B",
                         "--strategy", "every-n"});
  CHECK(r.code == 1);
  CHECK(r.err.find("--symbols needs --store DIR") != std::string::npos);
  r = run_btk(dir, {"backtest", "--store", dir / "s", "--symbols", "A,A",
                    "--strategy", "every-n"});
  CHECK(r.code == 1);
  CHECK(r.err.find("--symbols lists A twice") != std::string::npos);
}
