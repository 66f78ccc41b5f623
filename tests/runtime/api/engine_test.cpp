// The public C++ API: registration, the backtest facade and listeners,
// checked against the plain core loop on the same candles.

#include "runtime/api/engine.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/report.hpp"
#include "tests/runtime/api/engine_fixture.hpp"

using namespace btk;
using namespace btk::test;

namespace {

bool same(const tick_result& a, const tick_result& b) {
  return a.kind == b.kind && a.signal.id == b.signal.id &&
         a.signal.pending_at == b.signal.pending_at &&
         a.signal.scheduled_at == b.signal.scheduled_at && a.when == b.when &&
         a.price_close == b.price_close &&
         a.pnl.pnl_percentage == b.pnl.pnl_percentage &&
         a.close_timestamp == b.close_timestamp;
}

const backtest_context ctx1{"every-n#1", "synth", "f"};

} // namespace

TEST_CASE("backtest run streams the same results as the plain core loop",
          "[api]") {
  auto e = make_engine({"every-n:n=90,side=alt"});
  const auto expected = plain_run("BTCUSDT", "every-n:n=90,side=alt");
  REQUIRE(expected.size() > 20);
  std::vector<tick_result> got;
  auto stream = e->backtest().run("BTCUSDT", ctx1);
  for (const auto& ev : stream) {
    CHECK(ev.source.symbol == "BTCUSDT");
    CHECK(ev.source.strategy == "every-n#1");
    CHECK(ev.source.exchange == "synth");
    CHECK(ev.source.frame == "f");
    got.push_back(ev.result);
  }
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(same(got[i], expected[i]));
  CHECK(stream.result().error.empty());
  CHECK(stream.result().counters.closed * 2 == expected.size());
}
