// A strategy written in C++ by a user of the library, run over generated
// candles, with its statistics printed.
//
//   custom_strategy [DAYS]
//
// The strategy buys a dip: when the last 1-minute close is more than
// `dip_percent` below the mean close of the previous hour, it opens a long at
// the current price. It derives from btk::inline_strategy, so the engine calls
// its get_signal directly (no virtual call).

#include <cstdio>
#include <cstdlib>

#include "core/stats/statistics.hpp"
#include "runtime/data/synth.hpp"
#include "strategies/strategy.hpp"

namespace {

class dip_buyer final : public btk::inline_strategy<dip_buyer> {
public:
  explicit dip_buyer(double dip_percent)
      : dip_percent_(dip_percent) {}

  btk::interval signal_interval() const override { return btk::interval::m1; }

  std::int64_t lookback_minutes() const override { return 61; }

  std::optional<btk::signal_request>
  get_signal(const btk::signal_context& ctx) override {
    // 61 closed 1-minute candles before the tick: 60 for the mean, 1 last.
    const btk::bar_window w = ctx.candles(btk::interval::m1, 61);
    if (w.size == 0)
      return std::nullopt;
    double sum = 0;
    for (std::size_t k = 0; k < 60; ++k)
      sum += w.close[k];
    const double mean = sum / 60;
    if (w.close[60] > mean * (1 - dip_percent_ / 100))
      return std::nullopt;
    btk::signal_request r;
    r.position = btk::side::long_;
    btk::set_levels(r, ctx.current_price(), 1.0, 0.8);
    r.minute_estimated_time = 120;
    r.note = "dip below the hourly mean";
    return r;
  }

private:
  double dip_percent_;
};

// Keeps the closed trades the statistics are computed from.
class stats_sink final : public btk::result_sink {
public:
  void on_result(const btk::tick_result& r) override { trades_.push(r); }
  const btk::closed_trade_list& trades() const { return trades_; }

private:
  btk::closed_trade_list trades_{1'000'000};
};

} // namespace

int main(int argc, char** argv) {
  const double days = argc > 1 ? std::atof(argv[1]) : 30;
  btk::synth_options so;
  so.seed = 9;
  so.minutes = static_cast<std::int64_t>(days * 1440);
  so.price = 2500;
  so.annual_vol = 0.9;
  auto s = btk::series::make("ETHUSDT", btk::generate_candles(so));
  if (!s) {
    std::fprintf(stderr, "%s\n", s.err().message.c_str());
    return 1;
  }
  dip_buyer strat{0.6};
  btk::backtest_frame frame{(*s)->first() + 61 * btk::minute_ms,
                            (*s)->last() - 121 * btk::minute_ms};
  stats_sink sink;
  auto run = strat.backtest(**s, btk::config{}, frame, sink);
  if (!run) {
    std::fprintf(stderr, "%s\n", run.err().message.c_str());
    return 1;
  }
  const auto st = btk::compute_backtest_statistics(sink.trades());
  std::printf("dip_buyer on %s: %llu signals asked, %llu closed, win rate "
              "%.2f%%, total PnL %.2f%%\n",
              (*s)->symbol().c_str(),
              static_cast<unsigned long long>(run->signal_calls),
              static_cast<unsigned long long>(run->closed),
              st.win_rate.value_or(0), st.total_pnl.value_or(0));
  return run->closed > 0 ? 0 : 1;
}
