// The command line's server: `btk serve`, `btk walker --serve` and `btk
// live --serve`, as real processes stopped with SIGINT.

#include <signal.h>

#include "tests/runtime/server/server_fixture.hpp"

using namespace btk;
using namespace btk::test;
using nlohmann::json;

namespace {

// Waits until `out` says where it serves; returns `HOST:PORT`.
std::string served_address(const std::string& out, const std::string& err,
                           pid_t pid) {
  for (int i = 0; i < 600; ++i) {
    const auto text = slurp(out);
    const auto at = text.find("serving http://");
    if (at != std::string::npos) {
      const auto start = at + std::string{"serving http://"}.size();
      const auto end = text.find('/', start);
      if (end != std::string::npos)
        return text.substr(start, end - start);
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      FAIL("btk ended before serving:\n" << text << slurp(err));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("btk did not say where it serves:\n" << slurp(out) << slurp(err));
  return {};
}

// Kills the btk it holds when a test leaves early (a failed REQUIRE).
struct reaper {
  pid_t pid;
  ~reaper() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

int interrupt(pid_t pid) {
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

json get(const std::string& address, const std::string& target) {
  auto r = http_call(address, "GET", target);
  REQUIRE(r);
  INFO(target << ": " << r->body);
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

} // namespace

TEST_CASE("serve cli: btk serve answers, starts a backtest with the token "
          "from its file and stops on SIGINT",
          "[server][cli]") {
  scratch_dir d{"serve_cli"};
  make_store(d / "store", 10);
  const auto pid =
      start_btk({"serve", "--listen", "127.0.0.1:0", "--store", d / "store",
                 "--token-file", d / "token", "--dump-dir", d / "dump"},
                d / "out", d / "err");
  reaper guard{pid};
  const auto addr = served_address(d / "out", d / "err", pid);
  CHECK(get(addr, "/api/health")["status"] == "ok");
  auto token = slurp(d / "token");
  token.pop_back();
  auto r = http_call(
      addr, "POST", "/api/backtests",
      R"({"symbols":"DEMOUSDT","strategies":"sma-cross:interval=15m"})", token);
  REQUIRE(r);
  CHECK(r->status == 202);
  json run;
  for (int i = 0; i < 200; ++i) {
    run = get(addr, "/api/runs/backtest-1");
    if (run["status"] != "running")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(run["status"] == "done");
  CHECK(interrupt(pid) == 0);
  guard.pid = 0;
  CHECK(has(slurp(d / "out"), "btk serve: stopping"));
}

TEST_CASE("serve cli: btk serve refuses a missing store and a bad address, "
          "naming them",
          "[server][cli]") {
  scratch_dir d{"serve_cli_bad"};
  auto r =
      run_btk(d, {"serve", "--store", d / "nope", "--token-file", d / "token"});
  CHECK(r.code == 1);
  CHECK(has(r.err, d / "nope"));
  r = run_btk(
      d, {"serve", "--listen", "example.com:80", "--token-file", d / "token"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "example.com"));
}

TEST_CASE("serve cli: btk walker --serve shows the ranking and keeps "
          "serving until SIGINT",
          "[server][cli]") {
  scratch_dir d{"serve_cli_walker"};
  make_store(d / "store", 10);
  const auto pid =
      start_btk({"walker", "--store", d / "store", "--symbol", "DEMOUSDT",
                 "--strategy", "sma-cross:fast=10,slow=30,interval=15m",
                 "--strategy", "rsi-reversion:period=14,interval=15m",
                 "--metric", "totalPnl", "--report-dir", d / "reports",
                 "--serve", "127.0.0.1:0", "--token-file", d / "token", "-q"},
                d / "out", d / "err");
  reaper guard{pid};
  const auto addr = served_address(d / "out", d / "err", pid);
  json run;
  for (int i = 0; i < 200; ++i) {
    run = get(addr, "/api/runs/walker-1");
    if (run["status"] != "running")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(run["status"] == "done");
  REQUIRE(run["walkers"].size() == 1);
  const auto& w = run["walkers"][0];
  CHECK(w["metric"] == "totalPnl");
  REQUIRE(w["ranking"].size() == 2);
  CHECK(w["ranking"][0]["metric"] >= w["ranking"][1]["metric"]);
  CHECK(w["best"] == w["ranking"][0]["strategy"]);
  auto trades = get(addr, "/api/runs/walker-1/trades?symbol=DEMOUSDT&"
                          "strategy=sma-cross%231");
  CHECK(!trades.empty());
  CHECK(has(slurp(d / "out"), "still serving"));
  CHECK(interrupt(pid) == 0);
  guard.pid = 0;
}

TEST_CASE("serve cli: btk live --serve shows the instances and stops "
          "gracefully through the API",
          "[server][cli]") {
  scratch_dir d{"serve_cli_live"};
  make_store(d / "store", 10);
  const auto pid = start_btk(
      {"live", "--store", d / "store", "--symbols", "DEMOUSDT", "--strategy",
       "sma-cross:fast=10,slow=30,interval=15m", "--clock", "x600", "--from",
       "2024-01-03T00:00:00Z", "--state", d / "state", "--serve", "127.0.0.1:0",
       "--token-file", d / "token", "-q"},
      d / "out", d / "err");
  reaper guard{pid};
  const auto addr = served_address(d / "out", d / "err", pid);
  // The server answers before the session has opened its state.
  json run;
  for (int i = 0; i < 200; ++i) {
    run = get(addr, "/api/runs/live-1");
    if (!run["instances"].empty())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(run["status"] == "running");
  REQUIRE(run["instances"].size() == 1);
  CHECK(run["instances"][0]["symbol"] == "DEMOUSDT");
  auto token = slurp(d / "token");
  token.pop_back();
  auto stop = http_call(addr, "POST", "/api/runs/live-1/stop", "", token);
  REQUIRE(stop);
  CHECK(stop->status == 202);
  for (int i = 0; i < 400; ++i) {
    run = get(addr, "/api/runs/live-1");
    if (run["status"] != "running" && run["status"] != "stopping")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(run["status"] == "stopped");
  CHECK(interrupt(pid) == 0);
  guard.pid = 0;
  // The state it wrote is a live state folder `btk live status` reads.
  auto status = run_btk(d, {"live", "status", "--state", d / "state"});
  CHECK(status.code == 0);
  CHECK(has(status.out, "sma-cross#1"));
}
