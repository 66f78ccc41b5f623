// The live clocks: wall time, sped-up wall time from an origin, and the
// virtual clock.

#include "runtime/live/clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <signal.h>
#include <sys/wait.h>

#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

// 2024-01-02T02:00:00Z
constexpr timestamp from = 1'704'160'800'000;

} // namespace

TEST_CASE("x1 from a given minute runs at real speed from that minute, and "
          "real runs on the system time") {
  // x1 once ignored its origin and read the system time, so a replay
  // --clock x1 --from T jumped to today and ended after one tick.
  auto x1 = make_clock("x1", from);
  REQUIRE(x1);
  const timestamp t = (*x1)->now();
  CHECK(t >= from);
  CHECK(t < from + 1000);
  auto real = make_clock("real", from);
  REQUIRE(real);
  const auto sys = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  CHECK((*real)->now() >= sys - 1000);
  auto x60 = make_clock("x60", std::nullopt);
  REQUIRE(x60);
  CHECK((*x60)->now() % minute_ms < 1000); // from the current minute
}

TEST_CASE("a replay on x1 keeps ticking in real time from --from instead of "
          "ending") {
  scratch_dir dir{"clock_x1"};
  const std::string data = dir / "D-1m.csv";
  REQUIRE(run_btk(dir, {"data", "synth", "--out", data, "--days", "2"}).code ==
          0);
  // --until one minute on: the tick at 02:00 runs, then the clock must wait
  // a real minute for 02:01; --until stops it first. On x600 ten minutes
  // take about a second.
  const auto r =
      run_btk(dir, {"live", "--exchange", "replay", "--data", data, "--symbols",
                    "D", "--clock", "x600", "--from", "2024-01-02T02:00:00Z",
                    "--until", "2024-01-02T02:10:00Z", "--strategy", "every-n",
                    "--state", dir / "state"});
  CHECK(r.code == 0);
  CHECK(has(r.err, "10 minutes, 10 ticks"));
  // On x1 the session waits a real minute for 02:01 instead of jumping to
  // today, past the data, and ending after one tick.
  const pid_t pid =
      start_btk({"live", "--exchange", "replay", "--data", data, "--symbols",
                 "D", "--clock", "x1", "--from", "2024-01-02T03:00:00Z",
                 "--strategy", "every-n", "--state", dir / "state1"});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  int status = 0;
  CHECK(::waitpid(pid, &status, WNOHANG) == 0); // still running
  ::kill(pid, SIGKILL);
  CHECK(reap_killed(pid));
}
