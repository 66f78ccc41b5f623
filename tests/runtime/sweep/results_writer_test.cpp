// The sweep's results writer: a JSON line per result in the order pushed,
// written on its own thread; a failed write is reported with the file's
// name, and nothing is lost when the writer is far behind.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "runtime/results/json.hpp"
#include "runtime/sweep/results_writer.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;

namespace {

sweep_result numbered(std::uint64_t id) {
  sweep_result r;
  r.id = id;
  r.spec = "sma-cross:fast=" + std::to_string(id % 50) + ",slow=60";
  r.symbol = "BTCUSDT";
  r.stats = {{"sharpeRatio", 0.001 * static_cast<double>(id)},
             {"totalSignals", static_cast<std::int64_t>(id % 7)}};
  r.closed = id % 7;
  return r;
}

} // namespace

TEST_CASE("the results writer writes every pushed result's line in order, "
          "even far more than it queues") {
  test::scratch_dir dir{"results_writer"};
  const std::string path = dir / "out.jsonl.tmp";
  auto w = results_writer::open(path, "sharpeRatio", dir / "out.jsonl");
  REQUIRE(w);
  std::string want;
  const std::uint64_t n = 5 * results_writer::max_queued + 17;
  for (std::uint64_t id = 0; id < n; ++id) {
    want += sweep_result_line(numbered(id), "sharpeRatio") + "\n";
    (*w)->push(numbered(id));
  }
  REQUIRE((*w)->close());
  CHECK(test::slurp(path) == want);
  // Closing again is harmless and says the same.
  CHECK((*w)->close());
}

TEST_CASE("the results writer names the file the user asked for when a "
          "write fails, and when the file cannot be opened") {
  auto w = results_writer::open("/dev/full", "sharpeRatio", "results.jsonl");
  REQUIRE(w);
  for (std::uint64_t id = 0; id < 20000; ++id)
    (*w)->push(numbered(id));
  const auto closed = (*w)->close();
  REQUIRE_FALSE(closed);
  CHECK(closed.err().message ==
        "cannot write results.jsonl: No space left on device");
  const auto none =
      results_writer::open("/nonexistent-dir/x.jsonl", "sharpeRatio", "x");
  REQUIRE_FALSE(none);
  CHECK(none.err().message ==
        "cannot write /nonexistent-dir/x.jsonl: No such file or directory");
}

TEST_CASE("the results writer refuses a result whose text is not UTF-8, "
          "saying so at close, and writes nothing after it") {
  test::scratch_dir dir{"results_writer_utf8"};
  const std::string path = dir / "out.jsonl";
  auto w = results_writer::open(path, "sharpeRatio", path);
  REQUIRE(w);
  (*w)->push(numbered(1));
  auto bad = numbered(2);
  bad.error = "caf\xe9"; // Latin-1, not UTF-8
  (*w)->push(bad);
  (*w)->push(numbered(3));
  const auto closed = (*w)->close();
  REQUIRE_FALSE(closed);
  CHECK(closed.err().message.rfind("cannot write " + path + ": ", 0) == 0);
  CHECK(closed.err().message.find("UTF-8") != std::string::npos);
  CHECK(test::slurp(path).find("\"id\":3") == std::string::npos);
}
