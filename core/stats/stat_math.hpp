#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/market/time.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

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

/// Sum of `xs` from left to right, starting at 0.
double sum(const std::vector<double>& xs);

/// Mean of a non-empty `xs` by a left-to-right sum from 0.
double raw_mean(const std::vector<double>& xs);

/// Finite mean of `xs`, or nothing for an empty list.
std::optional<double> mean(const std::vector<double>& xs);

/// Sample standard deviation (N - 1) of `r` around `avg`, summing
/// `(v - avg) * (v - avg)` in list order. `r` needs at least two values.
double sample_std_dev(const std::vector<double>& r, double avg);

/// Per-trade Sharpe ratio `avg / sd`: nothing when the spread `sd` is at
/// most `stats_limits::eps` or the ratio is not finite.
std::optional<double> sharpe_ratio(double avg, double sd);

/// `sharpe * sqrt(tpy)`, or nothing when either is missing or the product is
/// not finite.
std::optional<double> annualized_sharpe(const std::optional<double>& sharpe,
                                        const std::optional<double>& tpy);

/// PnL values split by sign, each part in input order.
struct sign_split {
  /// The values above 0.
  std::vector<double> wins;
  /// The values below 0.
  std::vector<double> losses;
};

/// Splits `r` into its wins and losses; zeros go to neither.
sign_split split_by_sign(const std::vector<double>& r);

/// Minutes from start to close of the trades with both timestamps, overall
/// and split by the sign of the PnL, each in the order added.
struct durations {
  /// Every trade with both timestamps.
  std::vector<double> all;
  /// Those with PnL > 0.
  std::vector<double> wins;
  /// Those with PnL < 0.
  std::vector<double> losses;

  /// Adds `t` unless its start or close time is missing (0 or less).
  void add(const tick_result& t);
};

/// The best and worst PnL each trade reached while open, in input order.
struct excursions {
  /// `peak_pnl` of each trade.
  std::vector<double> peaks;
  /// `max_drawdown_pnl` of each trade.
  std::vector<double> falls;
};

/// The excursions of `trades`.
excursions excursions_of(const std::vector<const tick_result*>& trades);

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

/// `trades_per_year` of `trades`: n is their count, the span runs from the
/// earliest `pending_at` to the latest `close_timestamp`.
std::optional<double>
trades_per_year(const std::vector<const tick_result*>& trades);

/// Geometric yearly return `(equity_final ^ (tpy / n) - 1) * 100` of a
/// curve, or nothing without `tpy`, when it is blown, beyond
/// `±max_yearly_return` or not finite.
std::optional<double> yearly_return(const equity_curve& curve,
                                    const std::optional<double>& tpy,
                                    std::size_t n);

/// Calmar ratio: the yearly return `eyr` over the curve's drawdown, clamped
/// by `clamp_ratio`; nothing without `eyr`, without a drawdown or when not
/// finite.
std::optional<double> calmar_ratio(const equity_curve& curve,
                                   const std::optional<double>& eyr);

/// Recovery factor: the compounded return `(equity_final - 1) * 100` over the
/// curve's drawdown, clamped by `clamp_ratio`; nothing for a blown curve,
/// without a drawdown or when not finite. The caller applies the trade-count
/// gate.
std::optional<double> recovery_factor(const equity_curve& curve);

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

/// `x` as a statistics value: the value, or `null` when empty.
template <class T>
stat_value nullable(const std::optional<T>& x) {
  if (x)
    return *x;
  return std::monostate{};
}

/// The gates of `stats_limits` as decimal text, for the reports' footnotes.
struct limit_texts {
  /// `stats_limits::min_trades`.
  std::string min_trades;
  /// `stats_limits::min_span_days`.
  std::string min_span_days;
  /// `stats_limits::max_trades_per_year`.
  std::string max_trades_per_year;
  /// `stats_limits::max_yearly_return`.
  std::string max_yearly_return;
  /// `stats_limits::ratio_clamp`.
  std::string ratio_clamp;
};

/// The gates as text.
limit_texts limit_text();

} // namespace stat_math

} // namespace btk
