#include "core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/stat_math.hpp"
#include "core/time.hpp"

namespace btk {

void closed_trade_list::push(const tick_result& x) {
  if (x.kind != action::closed)
    return;
  rows_.push_front(x);
  // The reference drops one entry per insert, which keeps size() <= cap for
  // a fixed cap; a cap of 0 or less drops the entry just inserted.
  if (static_cast<std::int64_t>(rows_.size()) > cap_)
    rows_.pop_back();
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const backtest_statistics& s) {
  auto opt = [](const std::optional<double>& x) -> stat_value {
    if (x)
      return *x;
    return std::monostate{};
  };
  stat_value trend = std::monostate{};
  if (s.trend)
    trend = *s.trend;
  return {
      {"totalSignals", s.total_signals},
      {"winCount", s.win_count},
      {"lossCount", s.loss_count},
      {"winRate", opt(s.win_rate)},
      {"avgPnl", opt(s.avg_pnl)},
      {"totalPnl", opt(s.total_pnl)},
      {"stdDev", opt(s.std_dev)},
      {"sharpeRatio", opt(s.sharpe_ratio)},
      {"annualizedSharpeRatio", opt(s.annualized_sharpe_ratio)},
      {"certaintyRatio", opt(s.certainty_ratio)},
      {"expectedYearlyReturns", opt(s.expected_yearly_returns)},
      {"avgPeakPnl", opt(s.avg_peak_pnl)},
      {"avgFallPnl", opt(s.avg_fall_pnl)},
      {"sortinoRatio", opt(s.sortino_ratio)},
      {"calmarRatio", opt(s.calmar_ratio)},
      {"recoveryFactor", opt(s.recovery_factor)},
      {"expectancy", opt(s.expectancy)},
      {"avgDuration", opt(s.avg_duration)},
      {"medianPnl", opt(s.median_pnl)},
      {"avgConsecutiveWinPnl", opt(s.avg_consecutive_win_pnl)},
      {"avgConsecutiveLossPnl", opt(s.avg_consecutive_loss_pnl)},
      {"avgWinDuration", opt(s.avg_win_duration)},
      {"avgLossDuration", opt(s.avg_loss_duration)},
      {"medianStepSize", opt(s.median_step_size)},
      {"buyerPressure", opt(s.buyer_pressure)},
      {"sellerPressure", opt(s.seller_pressure)},
      {"buyerStrength", opt(s.buyer_strength)},
      {"sellerStrength", opt(s.seller_strength)},
      {"pressureImbalance", opt(s.pressure_imbalance)},
      {"trend", std::move(trend)},
      {"trendStrength", opt(s.trend_strength)},
      {"trendConfidence", opt(s.trend_confidence)},
      {"signalListLength", static_cast<std::int64_t>(s.signal_list_length)},
  };
}

backtest_statistics compute_backtest_statistics(const closed_trade_list& list) {
  using namespace stat_math;
  constexpr std::size_t min_n = stats_limits::min_trades;
  constexpr double eps = stats_limits::eps;
  backtest_statistics out;
  out.signal_list_length = list.size();
  // Step 1: the valid trades, newest first.
  std::vector<const tick_result*> s;
  for (const auto& t : list)
    if (t.signal.pending_at > 0 && t.close_timestamp > 0)
      s.push_back(&t);
  if (s.empty())
    return out;
  const std::size_t n_count = s.size();
  const auto n = static_cast<double>(n_count);
  std::vector<double> r;
  r.reserve(n_count);
  for (const auto* t : s)
    r.push_back(t->pnl.pnl_percentage);
  // Steps 2-4: counts, sums, win rate.
  std::vector<double> wins;
  std::vector<double> losses;
  for (double v : r) {
    if (v > 0)
      wins.push_back(v);
    else if (v < 0)
      losses.push_back(v);
  }
  out.total_signals = static_cast<std::int64_t>(n_count);
  out.win_count = static_cast<std::int64_t>(wins.size());
  out.loss_count = static_cast<std::int64_t>(losses.size());
  double sum = 0;
  for (double v : r)
    sum += v;
  const double avg_pnl = sum / n;
  out.total_pnl = finite(sum);
  out.avg_pnl = finite(avg_pnl);
  const double w = static_cast<double>(wins.size());
  const double l = static_cast<double>(losses.size());
  out.win_rate = finite(w + l > 0 ? (w / (w + l)) * 100 : 0);
  // Steps 5-6: calendar span and annualisation gate.
  timestamp first = s.front()->signal.pending_at;
  timestamp last = s.front()->close_timestamp;
  for (const auto* t : s) {
    first = std::min(first, t->signal.pending_at);
    last = std::max(last, t->close_timestamp);
  }
  const bool ratios = n_count >= min_n;
  const auto tpy = trades_per_year(n_count, first, last);
  // Steps 7-9: dispersion and Sharpe.
  std::optional<double> sharpe;
  if (ratios) {
    const double std_dev = sample_std_dev(r, avg_pnl);
    out.std_dev = finite(std_dev);
    if (std_dev > eps)
      sharpe = finite(avg_pnl / std_dev);
  }
  out.sharpe_ratio = sharpe;
  if (tpy && sharpe)
    out.annualized_sharpe_ratio = finite(*sharpe * std::sqrt(*tpy));
  // Step 10: compounded, mark-to-market equity walk in close order (ties keep
  // the newest-first order).
  const auto c = by_close_time(s);
  const auto curve = walk_equity(c);
  // Step 11: geometric yearly return.
  std::optional<double> eyr;
  if (tpy)
    eyr = yearly_return(curve, *tpy, n_count);
  out.expected_yearly_returns = eyr;
  // Steps 12-14: win/loss averages.
  const double avg_win = wins.empty() ? 0 : raw_mean(wins);
  const double avg_loss = losses.empty() ? 0 : raw_mean(losses);
  if (ratios && std::fabs(avg_loss) > eps && avg_loss < 0)
    out.certainty_ratio = finite(avg_win / std::fabs(avg_loss));
  if (ratios)
    out.expectancy = finite((w / n) * avg_win + (l / n) * avg_loss);
  // Step 15: median.
  out.median_pnl = finite(median(r));
  // Step 16: durations in minutes.
  double dur_sum = 0;
  std::vector<double> win_durations;
  std::vector<double> loss_durations;
  for (const auto* t : s) {
    const double d =
        static_cast<double>(t->close_timestamp - t->signal.pending_at) / 60000;
    dur_sum += d;
    if (t->pnl.pnl_percentage > 0)
      win_durations.push_back(d);
    else if (t->pnl.pnl_percentage < 0)
      loss_durations.push_back(d);
  }
  out.avg_duration = finite(dur_sum / n);
  out.avg_win_duration = mean(win_durations);
  out.avg_loss_duration = mean(loss_durations);
  // Step 17: streaks, oldest to newest.
  const auto runs = streaks(std::vector<double>(r.rbegin(), r.rend()));
  out.avg_consecutive_win_pnl = mean(runs.win_runs);
  out.avg_consecutive_loss_pnl = mean(runs.loss_runs);
  // Step 18: intra-trade excursions (always present for closed trades).
  std::vector<double> peaks;
  std::vector<double> falls;
  for (const auto* t : s) {
    peaks.push_back(t->peak_pnl);
    falls.push_back(t->max_drawdown_pnl);
  }
  out.avg_peak_pnl = mean(peaks);
  out.avg_fall_pnl = mean(falls);
  // Step 19: Sortino, downside deviation over all N.
  if (ratios)
    out.sortino_ratio = sortino(r, avg_pnl);
  // Steps 20-21: Calmar and recovery.
  if (curve.max_drawdown > 0 && eyr)
    out.calmar_ratio = finite(clamp_ratio(*eyr / curve.max_drawdown));
  if (ratios && !curve.blown && curve.max_drawdown > 0)
    out.recovery_factor = finite(
        clamp_ratio(((curve.equity_final - 1) * 100) / curve.max_drawdown));
  // Step 22: price profile over the chronological exits.
  auto profile = price_profile(c);
  out.median_step_size = profile.median_step_size;
  out.buyer_pressure = profile.buyer_pressure;
  out.seller_pressure = profile.seller_pressure;
  out.buyer_strength = profile.buyer_strength;
  out.seller_strength = profile.seller_strength;
  out.pressure_imbalance = profile.pressure_imbalance;
  out.trend = std::move(profile.trend);
  out.trend_strength = profile.trend_strength;
  out.trend_confidence = profile.trend_confidence;
  return out;
}

} // namespace btk
