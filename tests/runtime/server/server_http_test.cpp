// `btk serve` over real sockets, driven by btk's own client: the REST
// routes, their errors, the token, the limits and the event stream.

#include <sys/stat.h>

#include <filesystem>

#include "tests/runtime/server/server_fixture.hpp"

using namespace btk;
using namespace btk::test;
using nlohmann::json;

namespace {

const std::string sma = "sma-cross:fast=10,slow=30,interval=15m";

std::string start_backtest(served& s) {
  auto r =
      s.call("POST", "/api/backtests",
             json{{"symbols", "DEMOUSDT"}, {"strategies", {sma}}}.dump(), true);
  INFO(r.body);
  REQUIRE(r.status == 202);
  CHECK(r.location.rfind("/api/runs/", 0) == 0);
  return json::parse(r.body)["id"];
}

} // namespace

TEST_CASE("serve: health answers with the version and the uptime", "[server]") {
  served s;
  auto j = s.get_json("/api/health");
  CHECK(j["status"] == "ok");
  CHECK(j["version"].get<std::string>().rfind("0.", 0) == 0);
  CHECK(j["uptimeSeconds"].get<double>() >= 0);
}

TEST_CASE("serve: a random token is written to a file only its owner reads",
          "[server]") {
  served s;
  struct stat st {};
  REQUIRE(::stat((s.dir / "token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(s.server->token().size() == 64);
  CHECK(slurp(s.dir / "token") == s.server->token() + "\n");
}

TEST_CASE("serve: a token file others can read is refused, naming it",
          "[server]") {
  scratch_dir d{"serve_token"};
  write_file(d / "token", "0123456789abcdef0123\n");
  ::chmod((d / "token").c_str(), 0644);
  server_options o;
  o.listen = "127.0.0.1:0";
  o.token_file = d / "token";
  try {
    api_server s{o};
    FAIL("a world-readable token file was accepted");
  } catch (const api_error& e) {
    CHECK(has(e.what(), d / "token"));
    CHECK(has(e.what(), "644"));
  }
  ::chmod((d / "token").c_str(), 0600);
  api_server s{o};
  CHECK(s.token() == "0123456789abcdef0123");
}

TEST_CASE("serve: a bad listen address is an error naming it", "[server]") {
  scratch_dir d{"serve_addr"};
  server_options o;
  o.token_file = d / "token";
  for (const auto* bad : {"localhost", "127.0.0.1:99999", "nohost:80"}) {
    o.listen = bad;
    try {
      api_server s{o};
      FAIL("accepted " << bad);
    } catch (const api_error& e) {
      CHECK(has(e.what(), bad));
    }
  }
}

TEST_CASE("serve: requests that change state need the bearer token",
          "[server]") {
  served s;
  const auto body = json{{"symbols", "DEMOUSDT"}, {"strategies", {sma}}}.dump();
  auto r = s.call("POST", "/api/backtests", body);
  CHECK(r.status == 401);
  CHECK(has(json::parse(r.body)["error"], "Bearer"));
  auto wrong = http_call(s.address, "POST", "/api/backtests", body,
                         s.server->token() + "x");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto runs = s.get_json("/api/runs");
  CHECK(runs.empty());
}

TEST_CASE("serve: a backtest started over HTTP runs and serves its data, "
          "report and trades",
          "[server]") {
  served s;
  const auto id = start_backtest(s);
  auto run = s.wait_run(id);
  REQUIRE(run["status"] == "done");
  REQUIRE(run["instances"].size() == 1);
  const auto& inst = run["instances"][0];
  CHECK(inst["symbol"] == "DEMOUSDT");
  CHECK(inst["strategy"] == "sma-cross#1");
  const auto closed = inst["closed"].get<int>();
  CHECK(closed > 10);

  const std::string q = "?symbol=DEMOUSDT&strategy=sma-cross%231";
  auto data = s.get_json("/api/runs/" + id + "/data" + q);
  CHECK(data["stats"]["totalSignals"] == closed);
  auto summary = s.get_json("/api/runs/" + id + "/data");
  CHECK(summary["strategies"][0]["stats"]["totalSignals"] == closed);

  auto md = s.call("GET", "/api/runs/" + id + "/report" + q);
  CHECK(md.status == 200);
  CHECK(has(md.content_type, "text/markdown"));
  CHECK(md.body.rfind("# Backtest Report: sma-cross#1", 0) == 0);
  auto html = s.call("GET", "/api/runs/" + id + "/report" + q + "&format=html");
  CHECK(has(html.content_type, "text/html"));
  CHECK(has(html.body, "<svg"));

  auto trades = s.get_json("/api/runs/" + id + "/trades" + q);
  REQUIRE(trades.size() == static_cast<std::size_t>(closed));
  double sum = 0;
  for (std::size_t k = 0; k < trades.size(); ++k) {
    sum += trades[k]["pnl"].get<double>();
    if (k > 0)
      CHECK(trades[k]["time"] >= trades[k - 1]["time"]);
  }
  CHECK(sum == Approx(data["stats"]["totalPnl"].get<double>()));

  // The same numbers as the command line's backtest of the same candles.
  backtest_options o;
  o.source.store = s.dir / "store";
  o.source.symbols = {"DEMOUSDT"};
  o.strategies = {sma};
  auto rep = run_backtests(o);
  CHECK(rep.runs[0].outcome.counters.closed ==
        static_cast<std::uint64_t>(closed));
  CHECK(*rep.runs[0].stats.total_pnl ==
        data["stats"]["totalPnl"].get<double>());
}

TEST_CASE("serve: report files are served from the run's folder and never "
          "from outside it",
          "[server]") {
  served s;
  const auto id = start_backtest(s);
  s.wait_run(id);
  namespace fs = std::filesystem;
  std::string name;
  for (const auto& e : fs::directory_iterator{s.dir / ("dump/" + id)})
    if (e.path().extension() == ".md")
      name = e.path().filename().string();
  REQUIRE(!name.empty());
  std::string escaped;
  for (char c : name)
    escaped += c == '#' ? std::string{"%23"} : std::string(1, c);
  auto ok = s.call("GET", "/api/runs/" + id + "/files/" + escaped);
  CHECK(ok.status == 200);
  CHECK(ok.body.rfind("# Backtest Report", 0) == 0);

  // The token file is never served, even from inside a report folder.
  std::filesystem::copy_file(s.dir / "token",
                             s.dir / ("dump/" + id + "/token"));
  server_options o2;
  o2.listen = "127.0.0.1:0";
  o2.token_file = s.dir / ("dump/" + id + "/token");
  o2.dump_dir = s.dir / "dump2";
  {
    api_server inside{o2};
    backtest_options bo;
    auto run = inside.attach_batch(bo, run_kind::backtest, "host");
    {
      std::lock_guard<std::mutex> g{run->mtx};
      run->report_dir = s.dir / ("dump/" + id);
    }
    auto leak = http_call(inside.url().substr(7), "GET",
                          "/api/runs/" + run->id + "/files/token");
    REQUIRE(leak);
    CHECK(leak->status == 403);
    CHECK(!has(leak->body, inside.token()));
  }

  write_file(s.dir / "secret.txt", "secret");
  fs::create_symlink(s.dir / "secret.txt", s.dir / ("dump/" + id + "/link"));
  for (const auto* bad :
       {"/files/../../secret.txt", "/files/%2e%2e/%2e%2e/secret.txt",
        "/files/..%2f..%2fsecret.txt", "/files//etc/passwd", "/files/link"}) {
    auto r = s.call("GET", "/api/runs/" + id + bad);
    INFO(bad << " answered " << r.status << ": " << r.body);
    CHECK((r.status == 403 || r.status == 404));
    CHECK(!has(r.body, "secret\""));
    CHECK(json::parse(r.body).contains("error"));
  }
}

TEST_CASE("serve: malformed or unknown requests get a 4xx with a JSON error",
          "[server]") {
  served s;
  struct want {
    std::string method, target, body;
    int status;
    std::string says;
  };
  const std::vector<want> cases{
      {"GET", "/api/nothing", "", 404, "no route /api/nothing"},
      {"DELETE", "/api/health", "", 405, "DELETE"},
      {"GET", "/api/runs/backtest-9", "", 404, "no run 'backtest-9'"},
      {"GET", "/api/runs/x%zz", "", 400, "%-escape"},
      {"POST", "/api/backtests", "{not json", 400, "not JSON"},
      {"POST", "/api/backtests", "[1,2]", 400, "JSON object"},
      {"POST", "/api/backtests",
       R"({"symbols":"DEMOUSDT","strategies":["sma-cross"],"trades_out":"/tmp/x"})",
       400, "unknown key 'trades_out'"},
      {"POST", "/api/backtests",
       R"({"symbols":"DEMOUSDT","strategies":["nope:x=1"]})", 400, "nope"},
      {"POST", "/api/backtests", R"({"symbols":"DEMOUSDT","strategies":[]})",
       400, "strategies"},
      {"POST", "/api/backtests",
       R"({"symbols":"DEMOUSDT","strategies":"sma-cross","frame_start":"yesterday"})",
       400, "frame_start"},
      {"POST", "/api/backtests",
       R"({"symbols":"DEMOUSDT","strategies":"sma-cross","data":"../../etc/passwd"})",
       400, "'data'"},
      {"POST", "/api/live",
       R"({"symbols":"DEMOUSDT","strategies":"sma-cross","clock":"virtual"})",
       400, "'from'"},
      {"GET", "/api/candles", "", 400, "symbol"},
      {"GET", "/api/candles?symbol=NOPE", "", 404, "NOPE"},
      {"GET", "/api/candles?symbol=DEMOUSDT&interval=7m", "", 400, "7m"},
      {"GET", "/api/candles?symbol=DEMOUSDT&from=later", "", 400, "from"},
  };
  for (const auto& c : cases) {
    auto r = s.call(c.method, c.target, c.body, true);
    INFO(c.method << " " << c.target << " " << c.body << " -> " << r.status
                  << " " << r.body);
    CHECK(r.status == c.status);
    CHECK(has(r.content_type, "application/json"));
    const auto j = json::parse(r.body);
    REQUIRE(j.contains("error"));
    CHECK(has(j["error"].get<std::string>(), c.says));
  }
  // A failing run (bad spec found only when it starts) reads as failed.
  auto runs = s.get_json("/api/runs");
  for (const auto& r : runs)
    CHECK(r["status"] != "running");
}

TEST_CASE("serve: bodies, headers and bytes it cannot read are refused",
          "[server]") {
  server_options o;
  o.max_body = 1024;
  o.max_header = 2048;
  served s{o};
  auto big = s.call("POST", "/api/backtests", std::string(4096, ' '), true);
  CHECK(big.status == 413);
  CHECK(json::parse(big.body).contains("error"));
  auto raw =
      http_raw(s.address, "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                              std::string(4096, 'a') + "\r\n\r\n");
  REQUIRE(raw);
  CHECK(raw->rfind("HTTP/1.1 431", 0) == 0);
  auto junk = http_raw(s.address, "\x16\x03\x01 hello\r\n\r\n");
  REQUIRE(junk);
  CHECK(junk->rfind("HTTP/1.1 400", 0) == 0);
  CHECK(has(*junk, "\"error\""));
  // The server still serves.
  CHECK(s.call("GET", "/api/health").status == 200);
}

TEST_CASE("serve: a client over the request rate gets 429 with Retry-After",
          "[server]") {
  server_options o;
  o.rate_per_second = 5;
  o.rate_burst = 10;
  served s{o};
  int ok = 0, limited = 0;
  std::string retry;
  for (int i = 0; i < 30; ++i) {
    auto r = s.call("GET", "/api/health");
    if (r.status == 200)
      ++ok;
    else if (r.status == 429) {
      ++limited;
      retry = r.retry_after;
      CHECK(has(json::parse(r.body)["error"], "too many requests"));
    }
  }
  CHECK(ok >= 10);
  CHECK(ok < 20);
  CHECK(limited == 30 - ok);
  CHECK(retry == "1");
}

TEST_CASE("serve: metrics are in the Prometheus text format", "[server]") {
  served s;
  s.call("GET", "/api/health");
  s.call("GET", "/nothing");
  auto r = s.call("GET", "/metrics");
  REQUIRE(r.status == 200);
  CHECK(has(r.content_type, "text/plain; version=0.0.4"));
  CHECK(has(r.body, "# TYPE btk_http_responses_total counter\n"));
  CHECK(has(r.body, "btk_http_responses_total{class=\"2xx\"} "));
  CHECK(has(r.body, "btk_http_responses_total{class=\"4xx\"} 1\n"));
  // Every sample line is `name{labels} value` or `name value`.
  std::istringstream in{r.body};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    INFO(line);
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    CHECK_NOTHROW(std::stod(line.substr(space + 1)));
  }
}

TEST_CASE("serve: the dashboard is one page with nothing loaded from "
          "elsewhere",
          "[server]") {
  served s;
  auto r = s.call("GET", "/");
  REQUIRE(r.status == 200);
  CHECK(has(r.content_type, "text/html"));
  CHECK(has(r.body, "<title>btk dashboard</title>"));
  // The only address in it is the SVG namespace's name, which is never
  // fetched.
  auto page = r.body;
  const std::string ns = "http://www.w3.org/2000/svg";
  for (auto at = page.find(ns); at != std::string::npos; at = page.find(ns))
    page.erase(at, ns.size());
  CHECK(!has(page, "http://"));
  CHECK(!has(page, "https://"));
  CHECK(!has(page, "src="));
  CHECK(!has(page, "<link"));
  CHECK(!has(page, "@import"));
}

TEST_CASE("serve: a sweep started over HTTP serves its top table, its "
          "results and its heatmap page",
          "[server]") {
  served s;
  auto r = s.call("POST", "/api/walkers",
                  json{{"symbols", "DEMOUSDT"},
                       {"grids",
                        {"sma-cross:fast=5..15:5,slow=20..40:10,"
                         "interval=15m"}},
                       {"metric", "totalPnl"},
                       {"top", 3}}
                      .dump(),
                  true);
  INFO(r.body);
  REQUIRE(r.status == 202);
  const std::string id = json::parse(r.body)["id"];
  CHECK(id.rfind("sweep-", 0) == 0);
  auto run = s.wait_run(id);
  REQUIRE(run["status"] == "done");
  REQUIRE(run["summary"]["top"].size() == 3);
  auto results = s.call("GET", "/api/runs/" + id + "/results");
  REQUIRE(results.status == 200);
  CHECK(lines(results.body) == 9);
  auto page = s.call("GET", "/api/runs/" + id + "/files/sweep-heatmap.html");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<b>fast</b> × <b>slow</b>"));
  // A sweep cannot be stopped part way; it says so.
  auto stop = s.call("POST", "/api/runs/" + id + "/stop", "", true);
  CHECK(stop.status == 409);
}
