// `btk fake-llm` and an `llm` spec on the command line, as the README shows
// them: a backtest against the fake model, then the same backtest with the
// model gone, answered from the cache with the same trades.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include "tests/runtime/btk_process.hpp"

using namespace btk::test;

TEST_CASE("btk fake-llm serves an llm backtest, and the rerun without it "
          "writes the same trades from the cache",
          "[llm][cli]") {
  scratch_dir dir{"llm_cli"};
  const auto csv = write_csv(dir / "ETHUSDT.csv", 3 * 1440);
  const auto prompt = write_file(dir / "prompt.txt", "Buy dips, sell rips.\n");
  const auto pid = start_btk({"fake-llm", "--listen", "127.0.0.1:0"},
                             dir / "fake.out", dir / "fake.err");
  // Killed when the test ends early; stopped by SIGTERM below otherwise.
  struct stopper {
    pid_t pid;
    ~stopper() {
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } stop_server{pid};
  REQUIRE(wait_for(dir / "fake.out", "listening on http://"));
  auto out = slurp(dir / "fake.out");
  const auto at = out.find("http://");
  const auto url = out.substr(at, out.find('\n', at) - at);
  const std::string spec = "llm:model=fake,prompt=" + prompt +
                           ",interval=15m,url=" + url +
                           ",cache=" + (dir / "cache");
  auto first = run_btk(dir, {"backtest", "--data", csv, "--strategy", spec,
                             "--trades-out", dir / "first.jsonl",
                             "--report-dir", dir / "rep", "--quiet"});
  INFO(first.err);
  REQUIRE(first.code == 0);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  stop_server.pid = 0;
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(has(slurp(dir / "fake.out"), "requests answered"));

  auto second = run_btk(dir, {"backtest", "--data", csv, "--strategy", spec,
                              "--trades-out", dir / "second.jsonl",
                              "--report-dir", dir / "rep", "--quiet"});
  INFO(second.err);
  REQUIRE(second.code == 0);
  CHECK(second.err.empty()); // no get_signal failed: nothing was asked
  CHECK(lines(slurp(dir / "first.jsonl")) > 0);
  CHECK(slurp(dir / "first.jsonl") == slurp(dir / "second.jsonl"));

  // A bad listen address is named.
  auto bad = run_btk(dir, {"fake-llm", "--listen", "127.0.0.1:99999"});
  CHECK(bad.code != 0);
  CHECK(has(bad.err, "port '99999' is not 0 .. 65535"));
}
