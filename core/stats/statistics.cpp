#include "core/stats/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/market/time.hpp"
#include "core/stats/stat_math.hpp"

namespace btk {

void closed_trade_list::push(const tick_result& x) {
  if (x.kind == action::closed)
    capped_list::push(x);
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const backtest_statistics& s) {
  using stat_math::nullable;
  std::vector<std::pair<std::string_view, stat_value>> out{
      {"totalSignals", s.total_signals},
      {"winCount", s.win_count},
      {"lossCount", s.loss_count},
      {"winRate", nullable(s.win_rate)},
      {"avgPnl", nullable(s.avg_pnl)},
      {"totalPnl", nullable(s.total_pnl)},
      {"stdDev", nullable(s.std_dev)},
      {"sharpeRatio", nullable(s.sharpe_ratio)},
      {"annualizedSharpeRatio", nullable(s.annualized_sharpe_ratio)},
      {"certaintyRatio", nullable(s.certainty_ratio)},
      {"expectedYearlyReturns", nullable(s.expected_yearly_returns)},
      {"avgPeakPnl", nullable(s.avg_peak_pnl)},
      {"avgFallPnl", nullable(s.avg_fall_pnl)},
      {"sortinoRatio", nullable(s.sortino_ratio)},
      {"calmarRatio", nullable(s.calmar_ratio)},
      {"recoveryFactor", nullable(s.recovery_factor)},
      {"expectancy", nullable(s.expectancy)},
      {"avgDuration", nullable(s.avg_duration)},
      {"medianPnl", nullable(s.median_pnl)},
      {"avgConsecutiveWinPnl", nullable(s.avg_consecutive_win_pnl)},
      {"avgConsecutiveLossPnl", nullable(s.avg_consecutive_loss_pnl)},
      {"avgWinDuration", nullable(s.avg_win_duration)},
      {"avgLossDuration", nullable(s.avg_loss_duration)},
  };
  append_stat_fields(out, s.profile);
  out.emplace_back("signalListLength",
                   static_cast<std::int64_t>(s.signal_list_length));
  return out;
}

void append_stat_fields(
    std::vector<std::pair<std::string_view, stat_value>>& out,
    const price_profile_stats& p) {
  using stat_math::nullable;
  out.emplace_back("medianStepSize", nullable(p.median_step_size));
  out.emplace_back("buyerPressure", nullable(p.buyer_pressure));
  out.emplace_back("sellerPressure", nullable(p.seller_pressure));
  out.emplace_back("buyerStrength", nullable(p.buyer_strength));
  out.emplace_back("sellerStrength", nullable(p.seller_strength));
  out.emplace_back("pressureImbalance", nullable(p.pressure_imbalance));
  out.emplace_back("trend", nullable(p.trend));
  out.emplace_back("trendStrength", nullable(p.trend_strength));
  out.emplace_back("trendConfidence", nullable(p.trend_confidence));
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
  const auto [wins, losses] = split_by_sign(r);
  out.total_signals = static_cast<std::int64_t>(n_count);
  out.win_count = static_cast<std::int64_t>(wins.size());
  out.loss_count = static_cast<std::int64_t>(losses.size());
  const double total = sum(r);
  const double avg_pnl = total / n;
  out.total_pnl = finite(total);
  out.avg_pnl = finite(avg_pnl);
  const double w = static_cast<double>(wins.size());
  const double l = static_cast<double>(losses.size());
  out.win_rate = finite(w + l > 0 ? (w / (w + l)) * 100 : 0);
  // Steps 5-6: calendar span and annualisation gate.
  const bool ratios = n_count >= min_n;
  const auto tpy = trades_per_year(s);
  // Steps 7-9: dispersion and Sharpe.
  if (ratios) {
    const double std_dev = sample_std_dev(r, avg_pnl);
    out.std_dev = finite(std_dev);
    out.sharpe_ratio = sharpe_ratio(avg_pnl, std_dev);
  }
  out.annualized_sharpe_ratio = annualized_sharpe(out.sharpe_ratio, tpy);
  // Step 10: compounded, mark-to-market equity walk in close order (ties keep
  // the newest-first order).
  const auto c = by_close_time(s);
  const auto curve = walk_equity(c);
  // Step 11: geometric yearly return.
  out.expected_yearly_returns = yearly_return(curve, tpy, n_count);
  // Steps 12-14: win/loss averages.
  const double avg_win = wins.empty() ? 0 : raw_mean(wins);
  const double avg_loss = losses.empty() ? 0 : raw_mean(losses);
  if (ratios && std::fabs(avg_loss) > eps && avg_loss < 0)
    out.certainty_ratio = finite(avg_win / std::fabs(avg_loss));
  if (ratios)
    out.expectancy = finite((w / n) * avg_win + (l / n) * avg_loss);
  // Step 15: median.
  out.median_pnl = finite(median(r));
  // Step 16: durations in minutes (every valid trade has both times).
  durations d;
  for (const auto* t : s)
    d.add(*t);
  out.avg_duration = mean(d.all);
  out.avg_win_duration = mean(d.wins);
  out.avg_loss_duration = mean(d.losses);
  // Step 17: streaks, oldest to newest.
  const auto runs = streaks(std::vector<double>(r.rbegin(), r.rend()));
  out.avg_consecutive_win_pnl = mean(runs.win_runs);
  out.avg_consecutive_loss_pnl = mean(runs.loss_runs);
  // Step 18: intra-trade excursions (always present for closed trades).
  const auto ex = excursions_of(s);
  out.avg_peak_pnl = mean(ex.peaks);
  out.avg_fall_pnl = mean(ex.falls);
  // Step 19: Sortino, downside deviation over all N.
  if (ratios)
    out.sortino_ratio = sortino(r, avg_pnl);
  // Steps 20-21: Calmar and recovery.
  out.calmar_ratio = calmar_ratio(curve, out.expected_yearly_returns);
  if (ratios)
    out.recovery_factor = recovery_factor(curve);
  // Step 22: price profile over the chronological exits.
  out.profile = price_profile(c);
  return out;
}

std::optional<double> numeric_value(const stat_value& v) noexcept {
  if (const auto* d = std::get_if<double>(&v))
    return std::isfinite(*d) ? std::optional<double>{*d} : std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&v))
    return static_cast<double>(*i);
  return std::nullopt;
}

} // namespace btk
