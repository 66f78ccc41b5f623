// A host program that embeds btk with a strategy written in C++.
//
//   embed_engine [DUMP_DIR]      (default ./dump/example)
//
// Everything a run needs is registered by name on one btk::engine: an
// exchange serving generated candles, a frame, the host's own strategy, a
// risk profile and a sizing profile. One symbol then runs in the foreground,
// its closed trades printed as they happen; the other symbols run together in
// the background; the statistics and reports are read at the end.

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/market/time.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"

namespace {

/// 2024-01-01T00:00:00Z, where the generated candles start.
constexpr btk::timestamp day0 = 1'704'067'200'000;
constexpr int days = 60;

/// Breakout: when the last closed 15-minute bar closes outside the channel of
/// the `bars` bars before it, follow it (long above the highest high, short
/// below the lowest low). Deriving from inline_strategy<breakout> lets the
/// engine call get_signal directly instead of through the vtable.
class breakout final : public btk::inline_strategy<breakout> {
public:
  explicit breakout(std::size_t bars)
      : bars_(bars) {}

  /// The engine asks for a signal at most once per 15-minute bucket (at its
  /// first tick while flat), and never while this symbol:strategy has a
  /// position open.
  btk::interval signal_interval() const override { return btk::interval::m15; }

  /// History read by get_signal; the frame must start at least this late.
  std::int64_t lookback_minutes() const override {
    return static_cast<std::int64_t>(bars_ + 2) * 15;
  }

  std::optional<btk::signal_request>
  get_signal(const btk::signal_context& ctx) override {
    // The bars closed before the current bucket, oldest first: no look-ahead
    // is possible. The last one is the bar that may break out.
    const btk::bar_window w = ctx.candles(btk::interval::m15, bars_ + 1);
    if (w.size == 0)
      return std::nullopt; // not enough history: the run ends with an error
    double high = w.high[0];
    double low = w.low[0];
    for (std::size_t k = 1; k < bars_; ++k) {
      high = std::max(high, w.high[k]);
      low = std::min(low, w.low[k]);
    }
    const double last = w.close[bars_];
    btk::signal_request r;
    if (last > high)
      r.position = btk::side::long_;
    else if (last < low)
      r.position = btk::side::short_;
    else
      return std::nullopt;
    // The entry is priced at the current price: the VWAP of the last few
    // 1-minute candles (CC_AVG_PRICE_CANDLES_COUNT).
    const double price = ctx.current_price();
    btk::set_levels(r, price, 3, 2); // TP 3 %, SL 2 % from the entry
    r.minute_estimated_time = 720;   // closed after 12 hours at the latest
    r.note = "channel breakout";
    return r;
  }

private:
  std::size_t bars_;
};

/// "2024-01-03T04:15" from a timestamp.
std::string hhmm(btk::timestamp t) {
  return btk::to_iso(t).substr(0, 16);
}

/// An optional statistic with 2 decimals, or "-" when it is not defined.
std::string opt(const std::optional<double>& x) {
  char buf[32] = "-";
  if (x)
    std::snprintf(buf, sizeof buf, "%.2f", *x);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  const std::string dump_dir = argc > 1 ? argv[1] : "./dump/example";
  btk::engine engine; // owns the actor system; one scheduler thread per core

  // The exchange: where a symbol's 1-minute candles come from. Called once
  // per symbol; the series is then shared by every run on the exchange.
  const std::map<std::string, std::pair<std::uint64_t, double>> markets = {
      {"BTCUSDT", {11, 42000}},
      {"ETHUSDT", {12, 2300}},
      {"SOLUSDT", {13, 100}},
      {"BNBUSDT", {14, 310}}};
  btk::exchange_schema exchange;
  exchange.name = "synth";
  exchange.get_candles = [markets](const std::string& symbol)
      -> btk::expected<std::vector<btk::candle>> {
    auto m = markets.find(symbol);
    if (m == markets.end())
      return btk::error{"no market " + symbol};
    btk::synth_options o; // deterministic: same options, same candles
    o.seed = m->second.first;
    o.price = m->second.second;
    o.start = day0;
    o.minutes = days * 1440;
    o.annual_vol = 0.9;
    return btk::generate_candles(o);
  };
  engine.add_exchange(std::move(exchange));

  // The frame: the ticks a run walks (one a minute). It starts a day in, for
  // the strategy's look-back, and ends a day early, so that a position open
  // at the end still has candles to close on.
  btk::frame_schema frame;
  frame.name = "jan-feb";
  frame.start = day0 + btk::day_ms;
  frame.end = day0 + (days - 1) * btk::day_ms;
  engine.add_frame(frame);

  // A risk profile shared by every symbol:strategy that names it. Its
  // validations see the positions open under the profile and veto a signal
  // by returning false; the note becomes the rejection's comment.
  btk::risk_schema risk;
  risk.name = "two-at-a-time";
  risk.validations.push_back(
      {[](const btk::risk_args& a) { return a.active_position_count < 2; },
       "at most 2 positions open across symbols"});
  engine.add_risk(std::move(risk));

  // The strategy: `make` builds one object per symbol:strategy instance,
  // so each symbol's breakout keeps its own state.
  btk::strategy_schema strategy;
  strategy.name = "breakout";
  strategy.note = "12-hour channel breakout on 15m bars";
  strategy.make = [] { return std::make_unique<breakout>(48); };
  strategy.risk_name = "two-at-a-time";
  engine.add_strategy(std::move(strategy));

  // A sizing profile: a utility for the host (the engine does not size).
  btk::sizing_schema sizing;
  sizing.name = "risk-1pct";
  sizing.options.method = btk::sizing_method::fixed_percentage;
  sizing.options.risk_percentage = 1;
  sizing.options.max_position_percentage = 50; // never more than half
  engine.add_sizing(sizing);

  // 1. One symbol in the foreground: run() returns a range of results
  //    (scheduled, opened, closed, cancelled) that yields each one as soon as
  //    the engine produces it and ends with the run.
  const btk::backtest_context ctx{"breakout", "synth", "jan-feb"};
  std::uint64_t closed = 0;
  std::printf("BTCUSDT trades as they close:\n");
  auto stream = engine.backtest().run("BTCUSDT", ctx);
  for (const btk::signal_event& ev : stream) {
    const btk::tick_result& r = ev.result;
    if (r.kind != btk::action::closed)
      continue;
    std::printf(
        "  %s %-5s %s -> %s %-12s %+6.2f%%\n", ev.source.symbol.c_str(),
        std::string{btk::to_string(r.signal.position)}.c_str(),
        hhmm(r.signal.pending_at).c_str(), hhmm(r.close_timestamp).c_str(),
        std::string{btk::to_string(r.close)}.c_str(), r.pnl.pnl_percentage);
  }
  if (!stream.result().error.empty()) {
    std::fprintf(stderr, "BTCUSDT: %s\n", stream.result().error.c_str());
    return 1;
  }
  closed += stream.result().counters.closed;

  // 2. The other symbols at once, in the background. Started as one batch,
  //    they consult the shared risk profile in simulated-time order, so the
  //    results do not depend on thread scheduling.
  const std::vector<std::string> others = {"ETHUSDT", "SOLUSDT", "BNBUSDT"};
  std::vector<std::pair<std::string, btk::backtest_context>> runs;
  for (const auto& symbol : others)
    runs.push_back({symbol, ctx});
  std::vector<btk::run_handle> handles = engine.backtest().background(runs);
  for (auto& h : handles) {
    const btk::run_result r = h.wait(); // blocks until that run ended
    if (!r.error.empty()) {
      std::fprintf(stderr, "%s\n", r.error.c_str());
      return 1;
    }
    closed += r.counters.closed;
  }

  // 3. Statistics of each symbol's last run. Figures that need enough trades
  //    (Sharpe needs 10) are optionals; they cover the newest
  //    CC_MAX_BACKTEST_MARKDOWN_ROWS trades (250 by default). BTCUSDT ran
  //    alone, so the risk profile never had 2 other positions open to veto it.
  std::printf("\n%-8s %6s %8s %9s %7s %9s\n", "symbol", "trades", "win %",
              "PnL %", "Sharpe", "vetoed");
  std::vector<std::string> symbols = {"BTCUSDT"};
  symbols.insert(symbols.end(), others.begin(), others.end());
  for (const auto& symbol : symbols) {
    const btk::backtest_statistics s =
        engine.backtest().get_data(symbol, "breakout");
    // The Risk report counts the signals the risk profile vetoed.
    const auto vetoed = engine.risk().get_data(symbol, "breakout");
    std::printf("%-8s %6lld %8s %9s %7s %9lld\n", symbol.c_str(),
                static_cast<long long>(s.total_signals),
                opt(s.win_rate).c_str(), opt(s.total_pnl).c_str(),
                opt(s.sharpe_ratio).c_str(),
                static_cast<long long>(vetoed.total_rejections));
  }

  // 4. Size a position like the newest BTCUSDT trade with the sizing
  //    profile: risk 1 % of a 10,000 USDT balance between entry and stop.
  const btk::closed_trade_list trades =
      engine.backtest().get_trades("BTCUSDT", "breakout");
  if (trades.size() > 0) {
    const btk::signal_row& last = trades.front().signal; // newest first
    btk::sizing_input in;
    in.balance = 10'000;
    in.price_open = last.price_open;
    in.price_stop_loss = last.price_stop_loss;
    std::printf("\nposition_size(risk-1pct): %s at %.2f, stop %.2f -> %.6f "
                "BTC\n",
                std::string{btk::to_string(last.position)}.c_str(),
                in.price_open, in.price_stop_loss,
                engine.position_size("risk-1pct", in));
  }

  // 5. The Markdown reports. dump() names the file after the strategy only,
  //    so each symbol gets its own directory.
  for (const auto& symbol : symbols)
    std::printf("report: %s\n",
                engine.backtest()
                    .dump(symbol, "breakout", dump_dir + "/" + symbol)
                    .c_str());

  std::printf("embed_engine: %zu symbols, %llu closed trades\n", symbols.size(),
              static_cast<unsigned long long>(closed));
  return closed > 0 ? 0 : 1;
}
