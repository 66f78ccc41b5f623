#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/stats/stat_math.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// The closed trades of backtest-kit's `HeatmapStorage` (statistics.md
/// §4.2): one newest-first list per symbol, each capped on its own, with the
/// symbols in first-seen order. The reference keys the storage by exchange,
/// frame and mode only, so every strategy run there is pooled into one book;
/// the strategy name appears only in the report title.
class heat_book {
public:
  /// One symbol and its stored trades, newest first.
  struct entry {
    /// The symbol, as pushed.
    std::string symbol;
    /// Its closed trades, newest first, at most the book's cap.
    closed_trade_list trades;
  };

  /// Creates an empty book that keeps at most `cap` trades per symbol; pass
  /// `config::max_heatmap_markdown_rows`. Default: 250.
  explicit heat_book(std::int64_t cap = 250)
      : cap_(cap) {}

  /// Stores `x` as the newest trade of `symbol` if it is a `closed` result
  /// (every other action is ignored), then drops that symbol's oldest trade
  /// beyond the cap. A new symbol is appended to the symbol order.
  void push(std::string_view symbol, const tick_result& x);

  /// Removes every symbol and trade.
  void clear() noexcept;

  /// The symbols in first-seen order, each with its trades.
  const std::vector<entry>& entries() const noexcept { return entries_; }

  /// Number of symbols seen.
  std::size_t size() const noexcept { return entries_.size(); }

  /// True before the first closed trade.
  bool empty() const noexcept { return entries_.empty(); }

  /// The per-symbol cap given at construction.
  std::int64_t cap() const noexcept { return cap_; }

private:
  std::int64_t cap_;
  std::vector<entry> entries_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

/// One symbol's row of the heatmap (`IHeatmapRow`, statistics.md §4.2) over
/// all of its stored trades (no validity filter except for durations).
/// Every optional is empty where the reference reports `null`.
struct heat_row {
  /// The symbol.
  std::string symbol;
  /// Sum of PnL %, newest first; empty without trades.
  std::optional<double> total_pnl;
  /// avgPnl / stdDev per trade (n >= 10, stdDev > 1e-9).
  std::optional<double> sharpe_ratio;
  /// Largest drawdown of the compounded mark-to-market equity curve, %.
  std::optional<double> max_drawdown;
  /// Stored trades, n.
  std::int64_t total_trades = 0;
  /// Trades with PnL > 0.
  std::int64_t win_count = 0;
  /// Trades with PnL < 0.
  std::int64_t loss_count = 0;
  /// Wins over decisive trades, %; empty without decisive trades.
  std::optional<double> win_rate;
  /// totalPnl / n.
  std::optional<double> avg_pnl;
  /// Sample standard deviation of PnL % (n >= 10).
  std::optional<double> std_dev;
  /// Sum of wins over the magnitude of the sum of losses (both present).
  std::optional<double> profit_factor;
  /// Mean winning PnL %; empty without wins.
  std::optional<double> avg_win;
  /// Mean losing PnL %; empty without losses.
  std::optional<double> avg_loss;
  /// Longest run of winning trades.
  std::int64_t max_win_streak = 0;
  /// Longest run of losing trades.
  std::int64_t max_loss_streak = 0;
  /// Expected PnL % per trade from the win/loss shares (n >= 10).
  std::optional<double> expectancy;
  /// Mean best PnL % seen while open.
  std::optional<double> avg_peak_pnl;
  /// Mean worst PnL % seen while open.
  std::optional<double> avg_fall_pnl;
  /// Best PnL % any trade reached while open.
  std::optional<double> peak_profit_pnl;
  /// Worst PnL % any trade reached while open.
  std::optional<double> max_drawdown_pnl;
  /// Mean holding time, minutes, over trades with both timestamps.
  std::optional<double> avg_duration;
  /// Median PnL %.
  std::optional<double> median_pnl;
  /// Mean PnL sum of the winning runs, walked newest to oldest.
  std::optional<double> avg_consecutive_win_pnl;
  /// Mean PnL sum of the losing runs, walked newest to oldest.
  std::optional<double> avg_consecutive_loss_pnl;
  /// Mean holding time of winning trades, minutes.
  std::optional<double> avg_win_duration;
  /// Mean holding time of losing trades, minutes.
  std::optional<double> avg_loss_duration;
  /// avgPnl over the downside deviation (n >= 10).
  std::optional<double> sortino_ratio;
  /// Expected yearly returns over the equity drawdown, clamped to ±1000.
  std::optional<double> calmar_ratio;
  /// Compounded return over the equity drawdown, clamped (n >= 10).
  std::optional<double> recovery_factor;
  /// sharpeRatio * sqrt(tradesPerYear).
  std::optional<double> annualized_sharpe_ratio;
  /// avgWin / |avgLoss| (n >= 10, both present).
  std::optional<double> certainty_ratio;
  /// Geometric yearly return of the equity curve, %, within ±100.
  std::optional<double> expected_yearly_returns;
  /// Trades per year when annualisable (n >= 10, >= 14 days, <= 365).
  std::optional<double> trades_per_year;
  /// The nine price-profile fields of the symbol's exits.
  price_profile_stats profile;
};

/// `Heat.getData` (`HeatmapStatisticsModel`, statistics.md §4.2): the rows,
/// sorted by Sharpe descending with null last (ties keep the symbol order),
/// and the portfolio fields. Every optional is empty where the reference
/// reports `null`.
struct heat_statistics {
  /// One row per symbol, best Sharpe first.
  std::vector<heat_row> rows;
  /// Number of symbols.
  std::int64_t total_symbols = 0;
  /// Sum of the rows' total PnL in row order; empty if none has one.
  std::optional<double> portfolio_total_pnl;
  /// Pooled Sharpe over every trade of every symbol (pool >= 10).
  std::optional<double> portfolio_sharpe_ratio;
  /// Sum of the rows' trade counts.
  std::int64_t portfolio_total_trades = 0;
  /// Trade-weighted mean of the rows' avg peak PnL.
  std::optional<double> portfolio_avg_peak_pnl;
  /// Trade-weighted mean of the rows' avg fall PnL.
  std::optional<double> portfolio_avg_fall_pnl;
  /// Largest of the rows' peak profit PnL.
  std::optional<double> portfolio_peak_profit_pnl;
  /// Smallest of the rows' max drawdown PnL.
  std::optional<double> portfolio_max_drawdown_pnl;
  /// Sample standard deviation of the pool (pool >= 10).
  std::optional<double> portfolio_std_dev;
  /// Pooled Sortino ratio (pool >= 10).
  std::optional<double> portfolio_sortino_ratio;
  /// Pooled Calmar ratio (pool >= 10, annualisable, drawdown > 0).
  std::optional<double> portfolio_calmar_ratio;
  /// Pooled recovery factor (pool >= 10, not blown, drawdown > 0).
  std::optional<double> portfolio_recovery_factor;
  /// Pooled expectancy (pool >= 10, some win or loss).
  std::optional<double> portfolio_expectancy;
  /// Mean holding time over every trade, minutes.
  std::optional<double> portfolio_avg_duration;
  /// Median PnL % of the pool.
  std::optional<double> portfolio_median_pnl;
  /// Trade-weighted mean of the rows' avg winning-run PnL.
  std::optional<double> portfolio_avg_consecutive_win_pnl;
  /// Trade-weighted mean of the rows' avg losing-run PnL.
  std::optional<double> portfolio_avg_consecutive_loss_pnl;
  /// Mean holding time of every winning trade, minutes.
  std::optional<double> portfolio_avg_win_duration;
  /// Mean holding time of every losing trade, minutes.
  std::optional<double> portfolio_avg_loss_duration;
  /// Pooled Sharpe * sqrt(pooled trades per year).
  std::optional<double> portfolio_annualized_sharpe_ratio;
  /// Pooled avg win over |avg loss| (pool >= 10, some loss).
  std::optional<double> portfolio_certainty_ratio;
  /// Geometric yearly return of the pooled equity curve, %, within ±100.
  std::optional<double> portfolio_expected_yearly_returns;
  /// Pooled trades per year when annualisable.
  std::optional<double> portfolio_trades_per_year;
};

/// Computes `Heat.getData` over `book` exactly like backtest-kit 19.5.0
/// (statistics.md §4.2), including its summation orders: per-symbol sums
/// newest first, pooled sums in close order.
heat_statistics compute_heat(const heat_book& book);

/// The fields of a row under the reference's JSON key names (`"symbol"`,
/// `"totalPnl"`, …, `"trendConfidence"`), so a JSON writer elsewhere can
/// emit them without knowing the model.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_row& row);

/// The portfolio fields under the reference's JSON key names
/// (`"totalSymbols"`, `"portfolioTotalPnl"`, …); the `"symbols"` array is
/// `s.rows`, each through `stat_fields(const heat_row&)`.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_statistics& s);

/// Renders `Heat.getReport` (statistics.md §4.2): `# Portfolio Heatmap:
/// {strategy_name}`, 23 bold portfolio lines, the 38-column table in row
/// order and the footnotes explaining the metrics. Without rows the report
/// is the title and `*No data available*`. Lines are joined with `\n`,
/// without a trailing newline.
std::string render_heat_report(std::string_view strategy_name,
                               const heat_statistics& stats);

} // namespace btk
