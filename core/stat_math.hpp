#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/signal.hpp"
#include "core/time.hpp"

namespace btk {

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

/// The building blocks of the statistics models (statistics.md §0-§1, §4.2),
/// each in the reference's order of operations so every model that uses them
/// reproduces backtest-kit's bits. Internal to core: the public models are
/// `backtest_statistics`, `heat_statistics` and friends.
namespace stat_math {

/// One day in milliseconds, as a double (calendar spans are in days).
constexpr double day = static_cast<double>(day_ms);

/// The reference's "finite-or-null": `x` unless it is NaN or infinite.
std::optional<double> finite(double x);

/// `Math.max(-1000, Math.min(1000, v))` (Calmar and recovery factor); NaN
/// stays NaN.
double clamp_ratio(double v);

/// Median by an ascending stable sort of a copy: the middle value, or the
/// mean of the two middle values for an even count. `xs` must not be empty.
double median(std::vector<double> xs);

/// Mean of a non-empty `xs` by a left-to-right sum from 0.
double raw_mean(const std::vector<double>& xs);

/// Finite mean of `xs`, or nothing for an empty list.
std::optional<double> mean(const std::vector<double>& xs);

/// Sample standard deviation (N - 1) of `r` around `avg`, summing
/// `(v - avg) * (v - avg)` in list order. `r` needs at least two values.
double sample_std_dev(const std::vector<double>& r, double avg);

/// Sortino ratio with MAR 0: `avg` over `sqrt(Σ v*v for v < 0 / N)`, the sum
/// in list order and N the size of all of `r`. Nothing without a loss, when
/// the downside deviation is at most `stats_limits::eps`, or not finite.
/// The caller applies the trade-count gate.
std::optional<double> sortino(const std::vector<double>& r, double avg);

/// The compounded, mark-to-market equity curve of statistics.md §1.3 step
/// 10.
struct equity_curve {
  /// Largest drawdown from a peak, percent (100 when blown).
  double max_drawdown = 0;
  /// Equity after the last trade from a start of 1; 0 when blown.
  double equity_final = 1;
  /// The equity (or a trade's trough) reached zero or less.
  bool blown = false;
};

/// Walks the equity curve over `chronological` (trades sorted by close
/// time): each trade first dips to its worst excursion, then books its PnL.
equity_curve walk_equity(const std::vector<const tick_result*>& chronological);

/// `trades` stably sorted by close time: ties keep their input order.
std::vector<const tick_result*>
by_close_time(std::vector<const tick_result*> trades);

/// Raw trades per year `(n / spanDays) * 365` when it may be annualised: at
/// least `stats_limits::min_trades` trades spanning at least
/// `stats_limits::min_span_days` days from `first` (earliest start) to
/// `last` (latest close), and at most `stats_limits::max_trades_per_year`.
std::optional<double> trades_per_year(std::size_t n, timestamp first,
                                      timestamp last);

/// Geometric yearly return `(equity_final ^ (tpy / n) - 1) * 100` of a
/// curve, or nothing when it is blown, beyond `±max_yearly_return` or not
/// finite.
std::optional<double> yearly_return(const equity_curve& curve, double tpy,
                                    std::size_t n);

/// The price profile (statistics.md §1.4) of chronological `(time, price)`
/// points; all fields empty below `stats_limits::min_trades` usable points.
price_profile_stats
price_profile(const std::vector<std::pair<double, double>>& points);

/// The price profile of `chronological` trades from their close times and
/// exit prices.
price_profile_stats
price_profile(const std::vector<const tick_result*>& chronological);

/// Runs of same-signed PnL values and their sums.
struct streak_stats {
  /// PnL sum of each winning run, in the order the runs ended.
  std::vector<double> win_runs;
  /// PnL sum of each losing run, in the order the runs ended.
  std::vector<double> loss_runs;
  /// Length of the longest winning run.
  std::int64_t max_win = 0;
  /// Length of the longest losing run.
  std::int64_t max_loss = 0;
};

/// Splits `walk` (PnL values in walking order) into runs: a positive value
/// extends the win run and ends a loss run, a negative one the reverse, and
/// a zero ends both. Sums accumulate in walking order.
streak_stats streaks(const std::vector<double>& walk);

} // namespace stat_math

} // namespace btk
