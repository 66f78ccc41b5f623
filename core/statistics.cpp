#include "core/statistics.hpp"
#include "core/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

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

namespace {

constexpr std::size_t min_n = stats_limits::min_trades;
constexpr double min_span_days = stats_limits::min_span_days;
constexpr double max_trades_per_year = stats_limits::max_trades_per_year;
constexpr double max_yearly_return = stats_limits::max_yearly_return;
constexpr double ratio_clamp = stats_limits::ratio_clamp;
constexpr double eps = stats_limits::eps;
constexpr double day = static_cast<double>(day_ms);

/// The reference's "finite-or-null".
std::optional<double> finite(double x) {
  if (std::isfinite(x))
    return x;
  return std::nullopt;
}

/// `Math.max(-1000, Math.min(1000, v))`, NaN staying NaN.
double clamp_ratio(double v) {
  if (std::isnan(v))
    return v;
  return std::max(-ratio_clamp, std::min(ratio_clamp, v));
}

/// Median by an ascending stable sort of a copy; `xs` must not be empty.
double median(std::vector<double> xs) {
  std::stable_sort(xs.begin(), xs.end(),
                   [](double a, double b) { return a < b; });
  const std::size_t m = xs.size() >> 1;
  if (xs.size() % 2 == 0)
    return (xs[m - 1] + xs[m]) / 2;
  return xs[m];
}

/// Mean of a non-empty `xs` by a left-to-right sum.
double raw_mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double v : xs)
    sum += v;
  return sum / static_cast<double>(xs.size());
}

/// Finite mean of `xs`, or nothing for an empty list.
std::optional<double> mean(const std::vector<double>& xs) {
  if (xs.empty())
    return std::nullopt;
  return finite(raw_mean(xs));
}

/// §1.4: the price profile of chronological exit points `(t, p)`.
void price_profile(const std::vector<std::pair<double, double>>& raw,
                   backtest_statistics& out) {
  std::vector<std::pair<double, double>> pts;
  for (const auto& [t, p] : raw)
    if (std::isfinite(t) && t > 0 && std::isfinite(p) && p > 0)
      pts.emplace_back(t, p);
  const std::size_t n = pts.size();
  if (n < min_n)
    return;
  std::vector<double> steps;
  double up = 0;
  double down = 0;
  double up_mag = 0;
  double down_mag = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const double ret = (pts[i].second - pts[i - 1].second) / pts[i - 1].second;
    const double a = std::fabs(ret);
    steps.push_back(a);
    if (ret > 0) {
      up += 1;
      up_mag += a;
    } else if (ret < 0) {
      down += 1;
      down_mag += a;
    }
  }
  const double median_step = median(steps) * 100;
  out.median_step_size = finite(median_step);
  if (up + down > 0) {
    out.buyer_pressure = finite(up / (up + down));
    out.seller_pressure = finite(down / (up + down));
  }
  if (up_mag + down_mag > 0) {
    const double buyer = up_mag / (up_mag + down_mag);
    const double seller = down_mag / (up_mag + down_mag);
    out.buyer_strength = finite(buyer);
    out.seller_strength = finite(seller);
    out.pressure_imbalance = finite(buyer - seller);
  }
  std::vector<double> xs(n);
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = (pts[i].first - pts[0].first) / day;
    ys[i] = std::log(pts[i].second);
  }
  if (!(xs[n - 1] - xs[0] > 0))
    return;
  double sum_x = 0;
  double sum_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_x += xs[i];
    sum_y += ys[i];
  }
  const double mx = sum_x / static_cast<double>(n);
  const double my = sum_y / static_cast<double>(n);
  double sxx = 0;
  double sxy = 0;
  double syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = xs[i] - mx;
    const double dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0))
    return;
  const double strength = (sxy / sxx) * 100;
  const double r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  const double confidence = std::max(0.0, std::min(1.0, r2));
  const char* trend;
  if (confidence < 0.30)
    trend = "sideways";
  else if (std::fabs(strength) < median_step * 0.25)
    trend = "neutral";
  else if (strength > 0)
    trend = "bullish";
  else
    trend = "bearish";
  out.trend = trend;
  out.trend_strength = finite(strength);
  out.trend_confidence = finite(confidence);
}

} // namespace

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
  const double span_days = static_cast<double>(last - first) / day;
  const bool ratios = n_count >= min_n;
  const double raw_tpy =
      (ratios && span_days >= min_span_days) ? (n / span_days) * 365 : 0;
  const bool annualise = raw_tpy > 0 && raw_tpy <= max_trades_per_year;
  const double tpy = annualise ? raw_tpy : 0;
  // Steps 7-9: dispersion and Sharpe.
  std::optional<double> sharpe;
  if (ratios) {
    double sq = 0;
    for (double v : r)
      sq += (v - avg_pnl) * (v - avg_pnl);
    const double std_dev = std::sqrt(sq / (n - 1));
    out.std_dev = finite(std_dev);
    if (std_dev > eps)
      sharpe = finite(avg_pnl / std_dev);
  }
  out.sharpe_ratio = sharpe;
  if (annualise && sharpe)
    out.annualized_sharpe_ratio = finite(*sharpe * std::sqrt(tpy));
  // Step 10: compounded, mark-to-market equity walk in close order (ties keep
  // the newest-first order).
  std::vector<const tick_result*> c = s;
  std::stable_sort(c.begin(), c.end(),
                   [](const tick_result* a, const tick_result* b) {
                     return a->close_timestamp < b->close_timestamp;
                   });
  double equity = 1;
  double peak_eq = 1;
  double max_dd = 0;
  bool blown = false;
  for (const auto* t : c) {
    const double fall = t->max_drawdown_pnl;
    if (fall < 0) {
      const double trough = equity * (1 + fall / 100);
      if (trough <= 0) {
        max_dd = 100;
        blown = true;
        break;
      }
      max_dd = std::max(max_dd, (peak_eq - trough) / peak_eq * 100);
    }
    equity = equity * (1 + t->pnl.pnl_percentage / 100);
    if (equity <= 0) {
      max_dd = 100;
      blown = true;
      break;
    }
    if (equity > peak_eq)
      peak_eq = equity;
    max_dd = std::max(max_dd, (peak_eq - equity) / peak_eq * 100);
  }
  const double equity_final = blown ? 0 : equity;
  // Step 11: geometric yearly return.
  std::optional<double> eyr;
  if (annualise && !blown) {
    const double raw = (std::pow(equity_final, tpy / n) - 1) * 100;
    if (!(std::fabs(raw) > max_yearly_return))
      eyr = finite(raw);
  }
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
  std::vector<double> win_runs;
  std::vector<double> loss_runs;
  bool in_win = false;
  bool in_loss = false;
  double win_sum = 0;
  double loss_sum = 0;
  auto close_win = [&] {
    if (in_win)
      win_runs.push_back(win_sum);
    in_win = false;
    win_sum = 0;
  };
  auto close_loss = [&] {
    if (in_loss)
      loss_runs.push_back(loss_sum);
    in_loss = false;
    loss_sum = 0;
  };
  for (auto it = r.rbegin(); it != r.rend(); ++it) {
    const double v = *it;
    if (v > 0) {
      close_loss();
      in_win = true;
      win_sum += v;
    } else if (v < 0) {
      close_win();
      in_loss = true;
      loss_sum += v;
    } else {
      close_win();
      close_loss();
    }
  }
  close_win();
  close_loss();
  out.avg_consecutive_win_pnl = mean(win_runs);
  out.avg_consecutive_loss_pnl = mean(loss_runs);
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
  if (ratios && !losses.empty()) {
    double sq = 0;
    for (double v : losses)
      sq += v * v;
    const double dd = std::sqrt(sq / n);
    if (dd > eps)
      out.sortino_ratio = finite(avg_pnl / dd);
  }
  // Steps 20-21: Calmar and recovery.
  if (max_dd > 0 && eyr)
    out.calmar_ratio = finite(clamp_ratio(*eyr / max_dd));
  if (ratios && !blown && max_dd > 0)
    out.recovery_factor =
        finite(clamp_ratio(((equity_final - 1) * 100) / max_dd));
  // Step 22: price profile over the chronological exits.
  std::vector<std::pair<double, double>> points;
  points.reserve(c.size());
  for (const auto* t : c)
    points.emplace_back(static_cast<double>(t->close_timestamp),
                        t->price_close);
  price_profile(points, out);
  return out;
}

} // namespace btk
