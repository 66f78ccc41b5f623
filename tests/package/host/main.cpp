// A host program built against btk outside its tree: writes synthetic
// candles, backtests two strategies on them through btk::api, then runs its
// own copy of `every-n` (an inline_strategy, so the engine loop compiles in
// this program, under this program's flags) next to the built-in one and
// checks that every trade is the same to the bit.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "runtime/api/engine.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/api/version.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"

namespace {

// backtest-kit's every-n:n=60 (alternating sides), written by a host.
class every_hour final : public btk::inline_strategy<every_hour> {
public:
  btk::interval signal_interval() const override { return btk::interval::m1; }
  std::optional<btk::signal_request>
  get_signal(const btk::signal_context& ctx) override {
    const std::int64_t m = btk::floor_div(ctx.when(), btk::minute_ms);
    if (m % 60 != 0)
      return std::nullopt;
    btk::signal_request r;
    r.position = (m / 60) % 2 == 0 ? btk::side::long_ : btk::side::short_;
    btk::set_levels(r, ctx.current_price(), 0.8, 0.6);
    r.minute_estimated_time = 90;
    return r;
  }
  std::int64_t max_lifetime_minutes() const override { return 90; }
};

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "host-run";
  std::filesystem::create_directories(dir);
  btk::synth_options so;
  so.minutes = 10 * 1440;
  const auto candles = btk::generate_candles(so);
  const auto file = (dir / "HOST-1m.csv").string();
  if (!btk::write_candles_csv(file, candles)) {
    std::fprintf(stderr, "host: cannot write %s\n", file.c_str());
    return 1;
  }
  try {
    btk::backtest_options o;
    o.source.file = file;
    o.strategies = {"every-n:n=120", "sma-cross:fast=5,slow=20"};
    o.summary_out = (dir / "summary.json").string();
    const auto rep = btk::run_backtests(o);
    std::uint64_t closed = 0;
    for (const auto& r : rep.runs)
      closed += r.outcome.counters.closed;

    btk::engine e;
    btk::exchange_schema x;
    x.name = "synth";
    x.get_candles =
        [&](const std::string&) -> btk::expected<std::vector<btk::candle>> {
      return candles;
    };
    e.add_exchange(x);
    btk::frame_schema f;
    f.name = "f";
    f.start = candles.front().ts + 10 * btk::minute_ms;
    f.end = candles.back().ts - 200 * btk::minute_ms;
    e.add_frame(f);
    e.add_strategy(btk::strategy_schema::from_spec(
        "builtin", "every-n:n=60,side=alt,tp=0.8,sl=0.6,minutes=90"));
    btk::strategy_schema mine;
    mine.name = "mine";
    mine.make = [] { return std::make_unique<every_hour>(); };
    e.add_strategy(mine);
    e.set_config({{"CC_MAX_BACKTEST_MARKDOWN_ROWS", "100000"}});
    e.backtest().background("HOST", {"builtin", "synth", "f"}).wait();
    e.backtest().background("HOST", {"mine", "synth", "f"}).wait();
    const auto a = e.backtest().get_trades("HOST", "builtin");
    const auto b = e.backtest().get_trades("HOST", "mine");
    std::size_t differ = a.size() == b.size() ? 0 : 1;
    for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();
         ++i, ++j)
      if (!same_bits(i->pnl.pnl_percentage, j->pnl.pnl_percentage) ||
          !same_bits(i->price_close, j->price_close))
        ++differ;
    std::printf("host: btk %s: %zu runs, %llu closed trades; its own "
                "strategy: %zu trades, %zu differ from the built-in's\n",
                btk::version().c_str(), rep.runs.size(),
                static_cast<unsigned long long>(closed), b.size(), differ);
    return differ == 0 && !b.empty() ? 0 : 1;
  } catch (const btk::api_error& e) {
    std::fprintf(stderr, "host: %s\n", e.what());
    return 1;
  }
}
