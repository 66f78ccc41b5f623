// The `llm` strategy's pieces: the prompt it sends (seed-era.md §16), how it
// reads answers, its answer cache, and a backtest against the fake server
// that a rerun repeats exactly without asking anything.

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/engine/config.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/llm/fake_llm_server.hpp"
#include "runtime/llm/llm_cache.hpp"
#include "runtime/llm/llm_prompt.hpp"
#include "runtime/llm/llm_strategy.hpp"
#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

using namespace btk;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with its contents.
struct temp_dir {
  temp_dir() {
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() /
           ("btk_llm_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(n++));
    fs::remove_all(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
  fs::path path;
};

constexpr timestamp day0 = 1'704'067'200'000; // 2024-01-01T00:00:00Z

std::shared_ptr<const series> three_days() {
  synth_options so;
  so.seed = 9;
  so.start = day0;
  so.minutes = 3 * 1440;
  so.price = 42000;
  auto s = series::make("BTCUSDT", generate_candles(so));
  REQUIRE(s);
  return *s;
}

std::shared_ptr<llm_client> client_for(const std::string& url) {
  llm_options o;
  o.url = url;
  o.model = "fake-model";
  o.schema = signal_answer_schema();
  o.timeout = 2000ms;
  o.attempts = 2;
  o.backoff = 1ms;
  auto c = llm_client::make(o);
  REQUIRE(c);
  return std::shared_ptr<llm_client>{std::move(*c)};
}

struct collect final : result_sink {
  std::vector<std::string> lines;
  std::vector<std::string> errors;
  void on_result(const tick_result& r) override {
    lines.push_back(std::string{to_string(r.kind)} + " " + to_iso(r.when) +
                    " " + r.signal.id + " " +
                    std::string{to_string(r.signal.position)} + " " +
                    json(r.signal.price_open).dump() + " " +
                    json(r.signal.price_take_profit).dump() + " " +
                    json(r.pnl.pnl_percentage).dump() + " " + r.signal.note);
  }
  void on_error(timestamp t, const std::string& what) override {
    errors.push_back(to_iso(t) + " " + what);
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a candle is one line in the seeds' format: ISO time, the "
          "timeframe, prices with 2 decimals and the volume with 8, rounded "
          "as JavaScript's toFixed",
          "[llm]") {
  const candle c{
      day0 + 90 * minute_ms, 42000.5, 42100.125, 41900, 42050.004, 3.5};
  CHECK(candle_line(c, interval::m15) ==
        "2024-01-01T01:30:00.000Z[15m]: O:42000.50 H:42100.13 L:41900.00 "
        "C:42050.00 V:3.50000000");
}

TEST_CASE("the prompt of a tick holds 24 1h, 24 15m, 24 5m and 30 1m "
          "candles before the tick, each acknowledged, and the strategy",
          "[llm]") {
  const auto s = three_days();
  signal_context ctx{*s};
  const timestamp tick = day0 + 2 * day_ms + 37 * minute_ms;
  ctx.set_tick(tick, 42000);
  const auto m = signal_messages(ctx, "Buy the dip.");
  REQUIRE(m.size() == 10);
  CHECK(m[0].role == "system");
  CHECK(has(m[0].content, "LONG: priceTakeProfit > priceOpen > priceStopLoss"));
  const std::vector<std::pair<std::string, std::size_t>> want{
      {"1h", 24}, {"15m", 24}, {"5m", 24}, {"1m", 30}};
  for (std::size_t k = 0; k < want.size(); ++k) {
    const auto& user = m[1 + 2 * k];
    CHECK(user.role == "user");
    CHECK(user.content.rfind("BTCUSDT\nAnalyse the " + want[k].first, 0) == 0);
    CHECK(std::count(user.content.begin(), user.content.end(), '\n') ==
          static_cast<long>(want[k].second + 2));
    CHECK(m[2 + 2 * k].role == "assistant");
  }
  // The last 1m candle is the minute before the tick; the last 1h candle
  // the hour before the forming one.
  CHECK(has(m[7].content, to_iso(tick - minute_ms) + "[1m]"));
  CHECK_FALSE(has(m[7].content, to_iso(tick) + "[1m]"));
  CHECK(has(m[1].content, to_iso(day0 + 2 * day_ms - 3'600'000) + "[1h]"));
  CHECK_FALSE(has(m[1].content, to_iso(day0 + 2 * day_ms) + "[1h]"));
  CHECK(has(m[9].content, "Buy the dip."));
  CHECK(has(m[9].content, "position: wait"));

  // Too early for 24 hours of 1h candles: no prompt, the gap is named.
  signal_context early{*s};
  early.set_tick(day0 + 3 * 3'600'000, 42000);
  CHECK(signal_messages(early, "x").empty());
  CHECK_FALSE(early.missing().empty());
}

TEST_CASE("an answer becomes a signal, or idle with the reason", "[llm]") {
  const auto good = read_signal_answer(
      R"({"position":"short","note":"top","priceOpen":101,)"
      R"("priceTakeProfit":99,"priceStopLoss":102,"minuteEstimatedTime":120})");
  REQUIRE(good.signal);
  CHECK(good.signal->position == side::short_);
  CHECK(good.signal->price_open == 101);
  CHECK(good.signal->price_take_profit == 99);
  CHECK(good.signal->price_stop_loss == 102);
  CHECK(good.signal->minute_estimated_time == 120);
  CHECK(good.signal->note == "top");
  const auto market = read_signal_answer(
      R"({"position":"long","priceTakeProfit":110,"priceStopLoss":90,)"
      R"("minuteEstimatedTime":60})");
  REQUIRE(market.signal);
  CHECK_FALSE(market.signal->has_price_open());

  const std::vector<std::pair<std::string, std::string>> idle{
      {R"({"position":"wait","note":"flat"})", "wait"},
      {"not json at all", "not a JSON object"},
      {R"(["long"])", "not a JSON object"},
      {R"({"note":"x"})", "position missing"},
      {R"({"position":"maybe"})", "position 'maybe'"},
      {R"({"position":"long","priceStopLoss":90,"minuteEstimatedTime":5})",
       "priceTakeProfit missing"},
      {R"({"position":"long","priceTakeProfit":-1,"priceStopLoss":90})",
       "priceTakeProfit -1 is not a positive number"},
      {R"({"position":"long","priceTakeProfit":110,"priceStopLoss":"90"})",
       R"(priceStopLoss "90" is not a positive number)"},
      {R"({"position":"long","priceTakeProfit":110,"priceStopLoss":90})",
       "minuteEstimatedTime missing"},
      {R"({"position":"long","priceTakeProfit":110,"priceStopLoss":90,)"
       R"("minuteEstimatedTime":361})",
       "minuteEstimatedTime 361 is not a whole number of minutes in 1..360"},
      {R"({"position":"long","priceTakeProfit":110,"priceStopLoss":90,)"
       R"("minuteEstimatedTime":12.5})",
       "minuteEstimatedTime 12.5 is not a whole number of minutes in 1..360"},
  };
  for (const auto& [text, why] : idle) {
    INFO(text);
    const auto r = read_signal_answer(text);
    CHECK_FALSE(r.signal);
    CHECK(r.idle_reason == why);
  }
}

TEST_CASE("the answer cache keeps answers across reopening, under a key of "
          "the model and the request",
          "[llm]") {
  temp_dir dir;
  const std::vector<llm_message> m{{"user", "hello"}};
  auto a = client_for("http://127.0.0.1:1");
  llm_options other = a->options();
  other.model = "another-model";
  auto b = llm_client::make(other);
  REQUIRE(b);
  const auto key = llm_cache::key_of(*a, m);
  CHECK(key.size() == 64);
  CHECK(key == llm_cache::key_of(*client_for("http://10.0.0.1:2"), m));
  CHECK(key != llm_cache::key_of(**b, m));
  CHECK(key != llm_cache::key_of(*a, {{"user", "hello!"}}));
  {
    auto cache = llm_cache::open(dir.str());
    REQUIRE(cache);
    auto none = (*cache)->get(key);
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
    REQUIRE((*cache)->put(key, "the answer"));
    auto busy = llm_cache::open(dir.str());
    REQUIRE_FALSE(busy);
    CHECK(has(busy.err().message, "in use by another btk process"));
  }
  auto cache = llm_cache::open(dir.str());
  REQUIRE(cache);
  auto got = (*cache)->get(key);
  REQUIRE(got);
  REQUIRE(got->has_value());
  CHECK(**got == "the answer");
}

TEST_CASE("a backtest of the llm strategy against the fake server, run again "
          "with the server gone, asks nothing and gives the same results",
          "[llm]") {
  const auto s = three_days();
  temp_dir dir;
  config cfg;
  backtest_frame f;
  f.start = day0 + day_ms + 2 * 3'600'000; // after the 25 hours it reads
  f.end = day0 + 2 * day_ms + 12 * 3'600'000;
  collect first;
  llm_strategy_stats first_stats;
  std::string url;
  {
    auto srv = fake_llm_server::start();
    REQUIRE(srv);
    url = (*srv)->url();
    auto cache = llm_cache::open(dir.str());
    REQUIRE(cache);
    llm_strategy strat{client_for(url), *cache, "Trade the trend.",
                       interval::m15};
    REQUIRE(strat.backtest(*s, cfg, f, first));
    first_stats = strat.stats();
    CHECK((*srv)->requests() == first_stats.requested);
  }
  CHECK(first.errors.empty());
  CHECK(first_stats.requested > 10);
  CHECK(first_stats.cached == 0);
  CHECK(first_stats.signals > 0);
  CHECK(first_stats.idle.count("wait") == 1);
  CHECK(first.lines.size() >= 2 * first_stats.signals - 2);

  // The server is gone: every answer must come from the cache.
  auto cache = llm_cache::open(dir.str());
  REQUIRE(cache);
  auto client = client_for(url);
  llm_strategy again{client, *cache, "Trade the trend.", interval::m15};
  collect second;
  REQUIRE(again.backtest(*s, cfg, f, second));
  CHECK(second.errors.empty());
  CHECK(client->requests() == 0);
  CHECK(again.stats().requested == 0);
  CHECK(again.stats().cached == first_stats.requested);
  CHECK(second.lines == first.lines);

  // Another strategy text is another question: with the server gone, the
  // first tick fails naming the server, and later ticks fail at once.
  llm_strategy other{client, *cache, "Trade against the trend.", interval::m15};
  collect third;
  REQUIRE(other.backtest(*s, cfg, f, third));
  REQUIRE_FALSE(third.errors.empty());
  CHECK(has(third.errors.front(), "POST " + url + "/api/chat: connect failed"));
  CHECK(client->requests() == 2); // one chat, two attempts, then no more
}

TEST_CASE("an llm grid takes text values with dots and alternatives, as "
          "prompt files in a folder above",
          "[llm]") {
  add_host_strategies();
  auto g = parse_grid("llm:model=m,prompt=../a.txt|../b.txt,interval=5m|15m",
                      builtin_strategies());
  INFO((g ? std::string{} : g.err().message));
  REQUIRE(g);
  REQUIRE(g->size() == 4);
  CHECK(has(g->spec_at(0), "prompt=../a.txt"));
  CHECK(has(g->spec_at(3), "prompt=../b.txt"));
  // An interval is still no range.
  auto bad = parse_grid("llm:model=m,interval=1m..5m:1", builtin_strategies());
  REQUIRE_FALSE(bad);
  CHECK(has(bad.err().message, "cannot be a range"));
}
