#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/stats/capped_list.hpp"

namespace btk {

/// The closed trades a strategy's statistics and report cover: backtest-kit's
/// `ReportStorage` of `BacktestMarkdownService` (statistics.md §1.1), newest
/// first and capped at `CC_MAX_BACKTEST_MARKDOWN_ROWS`, so statistics only
/// see the newest `cap` trades; only `closed` results are stored.
class closed_trade_list : public capped_list<tick_result> {
public:
  /// Creates an empty list that keeps at most `cap` trades.
  explicit closed_trade_list(std::int64_t cap = 250)
      : capped_list(cap) {}

  /// Stores `x` as the newest trade if it is a `closed` result (the
  /// reference ignores every other action, cancellations included), then
  /// drops the oldest trade when the cap is exceeded.
  void push(const tick_result& x);
};

/// The nine price-profile fields of statistics.md §1.4, computed from the
/// chronological exit points of a set of trades. Shared by the backtest
/// statistics and every Heat row so both follow one order of operations.
struct price_profile_stats {
  /// Median absolute relative change between consecutive exit prices, %.
  std::optional<double> median_step_size;
  /// Share of rising steps among the non-flat ones.
  std::optional<double> buyer_pressure;
  /// Share of falling steps among the non-flat ones.
  std::optional<double> seller_pressure;
  /// Share of the total step magnitude that went up.
  std::optional<double> buyer_strength;
  /// Share of the total step magnitude that went down.
  std::optional<double> seller_strength;
  /// buyer_strength - seller_strength.
  std::optional<double> pressure_imbalance;
  /// "bullish", "bearish", "neutral" or "sideways" from the log-price fit.
  std::optional<std::string> trend;
  /// Slope of ln(exit price) per day, times 100.
  std::optional<double> trend_strength;
  /// R² of that fit, within [0, 1].
  std::optional<double> trend_confidence;
};

/// `Backtest.getData` without its signal list (backtest-kit 19.5.0
/// `BacktestStatisticsModel`, statistics.md §1.3-1.5). Every optional field is
/// empty where the reference reports `null`: below the gates, or when the
/// value would not be finite.
struct backtest_statistics {
  /// Valid closed trades (pendingAt > 0 and closeTimestamp > 0), N.
  std::int64_t total_signals = 0;
  /// Trades with PnL > 0.
  std::int64_t win_count = 0;
  /// Trades with PnL < 0.
  std::int64_t loss_count = 0;
  /// Wins over decisive trades, in percent; 0 without decisive trades.
  std::optional<double> win_rate;
  /// Mean PnL % per trade.
  std::optional<double> avg_pnl;
  /// Sum of PnL %, newest first.
  std::optional<double> total_pnl;
  /// Sample standard deviation of PnL % (N >= 10).
  std::optional<double> std_dev;
  /// avgPnl / stdDev per trade (N >= 10, stdDev > 1e-9).
  std::optional<double> sharpe_ratio;
  /// sharpeRatio * sqrt(trades per year), when annualisable.
  std::optional<double> annualized_sharpe_ratio;
  /// Average win over the magnitude of the average loss (N >= 10, losses).
  std::optional<double> certainty_ratio;
  /// Geometric yearly return of the compounded equity, percent, within ±100.
  std::optional<double> expected_yearly_returns;
  /// Mean best PnL % seen while open.
  std::optional<double> avg_peak_pnl;
  /// Mean worst PnL % seen while open.
  std::optional<double> avg_fall_pnl;
  /// avgPnl over the downside deviation (MAR 0, divided by all N).
  std::optional<double> sortino_ratio;
  /// expectedYearlyReturns over the equity drawdown, clamped to ±1000.
  std::optional<double> calmar_ratio;
  /// Compounded return over the equity drawdown, clamped to ±1000.
  std::optional<double> recovery_factor;
  /// Win share × avg win + loss share × avg loss (N >= 10).
  std::optional<double> expectancy;
  /// Mean holding time in minutes, activation to close.
  std::optional<double> avg_duration;
  /// Median PnL %.
  std::optional<double> median_pnl;
  /// Mean PnL sum of the winning streaks.
  std::optional<double> avg_consecutive_win_pnl;
  /// Mean PnL sum of the losing streaks.
  std::optional<double> avg_consecutive_loss_pnl;
  /// Mean holding time of winning trades, minutes.
  std::optional<double> avg_win_duration;
  /// Mean holding time of losing trades, minutes.
  std::optional<double> avg_loss_duration;
  /// The price profile of the exits (statistics.md §1.4).
  price_profile_stats profile;
  /// Number of stored trades, valid or not (the reference's
  /// `signalList.length`).
  std::size_t signal_list_length = 0;
};

/// The gates of the statistics (statistics.md §1.3), shared by the
/// computation and the report's footnotes so the two cannot drift apart.
namespace stats_limits {
/// Fewest valid trades for ratios, annualisation and the price profile.
constexpr int min_trades = 10;
/// Shortest calendar span, in days, that may be annualised.
constexpr int min_span_days = 14;
/// Most trades per year that may be annualised.
constexpr int max_trades_per_year = 365;
/// Largest |expected yearly return| in percent that is reported.
constexpr int max_yearly_return = 100;
/// Calmar and recovery factor are clamped to +/- this.
constexpr int ratio_clamp = 1000;
/// Dispersions at or below this count as zero.
constexpr double eps = 1e-9;
} // namespace stats_limits

/// One statistics value as a writer sees it: `std::monostate` for `null`, an
/// integer for the counts, a double, or the trend text.
using stat_value =
    std::variant<std::monostate, std::int64_t, double, std::string>;

/// `v` as a ranking value: a finite number (integers included), else
/// nothing (null, text, NaN, infinities).
std::optional<double> numeric_value(const stat_value& v) noexcept;

/// The fields of `s` under the reference's JSON key names (`"totalSignals"`,
/// `"winCount"`, …, `"trendConfidence"`, `"signalListLength"`), in the order
/// of the parity summary, so a JSON writer elsewhere can emit them without
/// knowing the model.
std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const backtest_statistics& s);

/// Appends the nine price-profile fields of `p` under the reference's key
/// names (`"medianStepSize"` … `"trendConfidence"`), as every model that
/// carries a profile lists them.
void append_stat_fields(
    std::vector<std::pair<std::string_view, stat_value>>& out,
    const price_profile_stats& p);

/// Computes `Backtest.getData` over the stored trades exactly like
/// backtest-kit 19.5.0 (statistics.md §1.3-1.5, §5), including its summation
/// orders, so the numbers match the reference bit for bit up to `pow`/`log`
/// last-bit differences.
backtest_statistics compute_backtest_statistics(const closed_trade_list& list);

} // namespace btk
