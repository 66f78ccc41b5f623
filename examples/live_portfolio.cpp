// Follows backtests through listeners and prints a live portfolio table.
//
//   live_portfolio
//
// Three built-in strategies run on three symbols of generated candles, all
// at once. The host does not poll the runs: it subscribes to the engine's
// events (signals, progress, finished runs, partial milestones, risk vetoes,
// errors), keeps a portfolio from them and prints it. On a terminal the table
// is redrawn in place as the runs progress; otherwise (a pipe, a test) it is
// printed once per finished run.

#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"

namespace {

/// 2024-01-01T00:00:00Z, where the generated candles start.
constexpr btk::timestamp day0 = 1'704'067'200'000;

const std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
const std::vector<std::string> strategies = {"sma-cross", "rsi-reversion",
                                             "donchian"};

/// What the listeners know about one symbol:strategy.
struct position_book {
  bool open = false;   // a position is open now
  double realized = 0; // sum of closed PnL, %
  int wins = 0;
  int losses = 0;
  double progress = 0; // share of the frame walked, 0 .. 1
};

/// The portfolio the listeners update. The engine calls each listener on
/// its own thread, so everything is behind one mutex.
class portfolio {
public:
  std::mutex mtx;
  std::map<std::string, position_book> books; // by "symbol:strategy"
  int runs_done = 0;
  int closed = 0;
  int partial_profits = 0;
  int partial_losses = 0;
  int vetoes = 0;
  int errors = 0;

  /// Prints the table; on a terminal, over the previous one. Call it with
  /// `mtx` held.
  void print(const std::string& title) {
    if (tty_ && lines_ > 0)
      std::printf("\x1b[%dA\x1b[J", lines_); // cursor up, clear below
    std::printf("%s\n%-8s", title.c_str(), "");
    for (const auto& s : strategies)
      std::printf(" | %-22s", s.c_str());
    std::printf("\n");
    double realized = 0;
    int open = 0;
    for (const auto& symbol : symbols) {
      std::printf("%-8s", symbol.c_str());
      for (const auto& s : strategies) {
        const position_book& b = books[symbol + ":" + s];
        // "*" marks an open position; then realized PnL, wins/losses and
        // progress.
        std::printf(" | %c%+7.2f%% %3d/%-3d %3.0f%%", b.open ? '*' : ' ',
                    b.realized, b.wins, b.losses, b.progress * 100);
        realized += b.realized;
        open += b.open;
      }
      std::printf("\n");
    }
    std::printf("realized %+.2f%%, %d open, %d closed, partial +%d/-%d, "
                "%d vetoed, %d errors\n",
                realized, open, closed, partial_profits, partial_losses, vetoes,
                errors);
    std::fflush(stdout);
    lines_ = 3 + static_cast<int>(symbols.size());
  }

private:
  const bool tty_ = ::isatty(STDOUT_FILENO) != 0;
  int lines_ = 0; // lines of the last table, to redraw over it
};

} // namespace

int main() {
  // Declared before the engine, so that it outlives the listeners using it.
  portfolio pf;
  btk::engine engine;

  // An exchange of 30 days of generated 1-minute candles per symbol, and a
  // frame from day 2 (history for the indicators) to day 28 (room for the
  // last positions to close).
  btk::exchange_schema exchange;
  exchange.name = "synth";
  exchange.get_candles =
      [](const std::string& symbol) -> btk::expected<std::vector<btk::candle>> {
    btk::synth_options o;
    o.seed = std::hash<std::string>{}(symbol) % 1000 + 1;
    o.start = day0;
    o.minutes = 30 * 1440;
    o.annual_vol = 0.9;
    return btk::generate_candles(o);
  };
  engine.add_exchange(std::move(exchange));
  btk::frame_schema frame;
  frame.name = "january";
  frame.start = day0 + btk::day_ms;
  frame.end = day0 + 28 * btk::day_ms;
  engine.add_frame(frame);

  // One risk profile shared by every strategy: at most 2 positions open on
  // the same symbol. `active_positions` lists the positions open under the
  // profile, on every symbol.
  btk::risk_schema risk;
  risk.name = "per-symbol";
  risk.validations.push_back({[](const btk::risk_args& a) {
                                int same = 0;
                                for (const btk::risk_position& p :
                                     a.active_positions)
                                  same += p.symbol == a.symbol;
                                return same < 2;
                              },
                              "at most 2 positions per symbol"});
  engine.add_risk(std::move(risk));

  // The Heat report keeps the newest CC_MAX_HEATMAP_MARKDOWN_ROWS trades per
  // symbol (250 by default) and computes its figures from those only: keep
  // them all so that its portfolio PnL covers every trade.
  engine.set_config({{"CC_MAX_HEATMAP_MARKDOWN_ROWS", "100000"}});

  // Built-in strategies from spec strings (`btk strategies` lists them).
  const std::vector<std::string> specs = {
      "sma-cross:fast=5,slow=20,interval=15m", "rsi-reversion:interval=15m",
      "donchian-breakout:period=24,interval=15m,minutes=720"};
  for (std::size_t k = 0; k < specs.size(); ++k) {
    btk::strategy_schema s =
        btk::strategy_schema::from_spec(strategies[k], specs[k]);
    s.risk_name = "per-symbol";
    engine.add_strategy(std::move(s));
  }

  // Listeners. Each receives its topic's events one at a time, in order, on
  // a thread of its own; events of different topics are not ordered with
  // each other.
  engine.listen_signal_backtest([&](const btk::signal_event& ev) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    position_book& b = pf.books[ev.source.symbol + ":" + ev.source.strategy];
    if (ev.result.kind == btk::action::opened)
      b.open = true;
    if (ev.result.kind == btk::action::closed) {
      const double pnl = ev.result.pnl.pnl_percentage;
      b.open = false;
      b.realized += pnl;
      b.wins += pnl > 0;
      b.losses += pnl < 0;
      ++pf.closed;
    }
  });
  engine.listen_done_backtest([&](const btk::done_event& ev) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    ++pf.runs_done;
    pf.books[ev.source.symbol + ":" + ev.source.strategy].progress = 1;
    pf.print("done " + std::to_string(pf.runs_done) + "/" +
             std::to_string(symbols.size() * strategies.size()) + ": " +
             ev.source.symbol + ":" + ev.source.strategy +
             (ev.error.empty() ? "" : " failed: " + ev.error));
  });
  // About once per simulated day and run; redrawn only on a terminal, so
  // that piped output stays short.
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  btk::subscription progress =
      engine.listen_progress([&](const btk::progress_event& ev) {
        std::lock_guard<std::mutex> lock{pf.mtx};
        pf.books[ev.source.symbol + ":" + ev.source.strategy].progress =
            ev.progress;
        if (tty)
          pf.print("running");
      });
  // Milestones of open positions: 10 %, 20 % ... of the way to TP or SL.
  engine.listen_partial_profit([&](const btk::partial_event&) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    ++pf.partial_profits;
  });
  engine.listen_partial_loss([&](const btk::partial_event&) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    ++pf.partial_losses;
  });
  engine.listen_risk([&](const btk::risk_event&) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    ++pf.vetoes;
  });
  // A strategy threw; the run goes on.
  engine.listen_error([&](const btk::error_event& ev) {
    std::lock_guard<std::mutex> lock{pf.mtx};
    if (pf.errors++ == 0)
      std::fprintf(stderr, "error: %s\n", ev.message.c_str());
  });

  // Every symbol:strategy in one batch: runs that share the risk profile
  // then decide in simulated-time order, whatever the thread scheduling.
  std::vector<std::pair<std::string, btk::backtest_context>> runs;
  for (const auto& symbol : symbols)
    for (const auto& s : strategies)
      runs.push_back({symbol, {s, "synth", "january"}});
  for (btk::run_handle& h : engine.backtest().background(runs))
    h.wait();
  // The runs have ended, but listeners may still be handling their last
  // events: wait for them before reading the portfolio.
  progress.unsubscribe();
  engine.flush_events();

  std::lock_guard<std::mutex> lock{pf.mtx};
  pf.print("final");
  // The Heat report pools the closed trades of every strategy per symbol for
  // one exchange and frame; `strategy` only titles the report.
  const btk::heat_statistics heat =
      engine.heat().get_data({"portfolio", "synth", "january"});
  // Figures that need enough trades are optionals.
  const double pnl = heat.portfolio_total_pnl.value_or(0);
  std::printf("heat: %lld symbols, %lld trades, portfolio PnL %+.2f%%, "
              "Sharpe %.3f\n",
              static_cast<long long>(heat.total_symbols),
              static_cast<long long>(heat.portfolio_total_trades), pnl,
              heat.portfolio_sharpe_ratio.value_or(0));
  std::printf("live_portfolio: %d runs done, %d closed trades, portfolio PnL "
              "%.2f%%\n",
              pf.runs_done, pf.closed, pnl);
  return pf.runs_done == static_cast<int>(runs.size()) && pf.closed > 0 ? 0 : 1;
}
