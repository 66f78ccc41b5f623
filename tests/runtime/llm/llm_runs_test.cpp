// The `llm` strategy through the public API, as `btk backtest --strategy
// llm:...` runs it: against the fake server once, then again with the
// server gone, from the answer cache alone, with the same trades.

#include <catch2/catch.hpp>

#include <fstream>

#include "runtime/api/runs.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/llm/fake_llm_server.hpp"
#include "runtime/store/candle_store.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

TEST_CASE("btk backtest of an llm spec, rerun with the model server gone, "
          "asks nothing and writes the same trades",
          "[llm]") {
  scratch_dir tmp{"llm_runs"};
  const std::string store = tmp / "store";
  {
    auto s = candle_store::open(store, true);
    REQUIRE(s);
    synth_options o;
    o.seed = 21;
    o.minutes = 3 * 1440;
    o.price = 1800;
    REQUIRE(s->put("ETHUSDT", generate_candles(o)));
  }
  const std::string prompt = tmp / "prompt.txt";
  std::ofstream{prompt} << "Follow the 1h trend; stay out of ranges.\n";
  auto srv = fake_llm_server::start();
  REQUIRE(srv);
  const std::string url = (*srv)->url();
  backtest_options o;
  o.source.store = store;
  o.source.symbols = {"ETHUSDT"};
  o.strategies = {"llm:model=fake,prompt=" + prompt +
                  ",interval=15m,url=" + url + ",cache=" + (tmp / "cache")};
  o.trades_out = tmp / "first.jsonl";
  o.report_dir = tmp / "reports";
  run_backtests(o);
  const auto asked = (*srv)->requests();
  CHECK(asked > 20);
  srv->reset(); // the server is gone

  o.trades_out = tmp / "second.jsonl";
  run_backtests(o);
  const auto first = slurp(tmp / "first.jsonl");
  CHECK_FALSE(first.empty());
  CHECK(first == slurp(tmp / "second.jsonl"));

  // A spec without a model or with an unreadable prompt fails naming it.
  o.strategies = {"llm:prompt=" + prompt};
  CHECK_THROWS_WITH(run_backtests(o), Catch::Contains("give model=NAME"));
  o.strategies = {"llm:model=fake,prompt=" + (tmp / "nope.txt")};
  CHECK_THROWS_WITH(run_backtests(o),
                    Catch::Contains("prompt file '" + (tmp / "nope.txt") +
                                    "' cannot be read"));
}
