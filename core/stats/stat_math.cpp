#include "core/stats/stat_math.hpp"

#include <algorithm>
#include <cmath>

namespace btk::stat_math {

namespace {

constexpr std::size_t min_n = stats_limits::min_trades;
constexpr double min_span_days = stats_limits::min_span_days;
constexpr double max_trades_per_year = stats_limits::max_trades_per_year;
constexpr double max_yearly_return = stats_limits::max_yearly_return;
constexpr double ratio_clamp = stats_limits::ratio_clamp;
constexpr double eps = stats_limits::eps;

} // namespace

std::optional<double> finite(double x) {
  if (std::isfinite(x))
    return x;
  return std::nullopt;
}

double clamp_ratio(double v) {
  if (std::isnan(v))
    return v;
  return std::max(-ratio_clamp, std::min(ratio_clamp, v));
}

double median(std::vector<double> xs) {
  std::stable_sort(xs.begin(), xs.end(),
                   [](double a, double b) { return a < b; });
  const std::size_t m = xs.size() >> 1;
  if (xs.size() % 2 == 0)
    return (xs[m - 1] + xs[m]) / 2;
  return xs[m];
}

double sum(const std::vector<double>& xs) {
  double out = 0;
  for (double v : xs)
    out += v;
  return out;
}

double raw_mean(const std::vector<double>& xs) {
  return sum(xs) / static_cast<double>(xs.size());
}

std::optional<double> mean(const std::vector<double>& xs) {
  if (xs.empty())
    return std::nullopt;
  return finite(raw_mean(xs));
}

double sample_std_dev(const std::vector<double>& r, double avg) {
  double sq = 0;
  for (double v : r)
    sq += (v - avg) * (v - avg);
  return std::sqrt(sq / (static_cast<double>(r.size()) - 1));
}

std::optional<double> sharpe_ratio(double avg, double sd) {
  if (!(sd > eps))
    return std::nullopt;
  return finite(avg / sd);
}

std::optional<double> annualized_sharpe(const std::optional<double>& sharpe,
                                        const std::optional<double>& tpy) {
  if (!sharpe || !tpy)
    return std::nullopt;
  return finite(*sharpe * std::sqrt(*tpy));
}

sign_split split_by_sign(const std::vector<double>& r) {
  sign_split out;
  for (double v : r) {
    if (v > 0)
      out.wins.push_back(v);
    else if (v < 0)
      out.losses.push_back(v);
  }
  return out;
}

void durations::add(const tick_result& t) {
  if (!(t.signal.pending_at > 0) || !(t.close_timestamp > 0))
    return;
  const double minutes =
      static_cast<double>(t.close_timestamp - t.signal.pending_at) / 60000;
  all.push_back(minutes);
  if (t.pnl.pnl_percentage > 0)
    wins.push_back(minutes);
  else if (t.pnl.pnl_percentage < 0)
    losses.push_back(minutes);
}

excursions excursions_of(const std::vector<const tick_result*>& trades) {
  excursions out;
  for (const auto* t : trades) {
    out.peaks.push_back(t->peak_pnl);
    out.falls.push_back(t->max_drawdown_pnl);
  }
  return out;
}

std::optional<double> sortino(const std::vector<double>& r, double avg) {
  double sq = 0;
  bool any = false;
  for (double v : r) {
    if (v < 0) {
      sq += v * v;
      any = true;
    }
  }
  if (!any)
    return std::nullopt;
  const double dd = std::sqrt(sq / static_cast<double>(r.size()));
  if (!(dd > eps))
    return std::nullopt;
  return finite(avg / dd);
}

equity_curve walk_equity(const std::vector<const tick_result*>& chronological) {
  double equity = 1;
  double peak_eq = 1;
  double max_dd = 0;
  bool blown = false;
  for (const auto* t : chronological) {
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
  return {max_dd, blown ? 0 : equity, blown};
}

std::vector<const tick_result*>
by_close_time(std::vector<const tick_result*> trades) {
  std::stable_sort(trades.begin(), trades.end(),
                   [](const tick_result* a, const tick_result* b) {
                     return a->close_timestamp < b->close_timestamp;
                   });
  return trades;
}

std::optional<double> trades_per_year(std::size_t n, timestamp first,
                                      timestamp last) {
  if (n < min_n)
    return std::nullopt;
  const double span_days = static_cast<double>(last - first) / day;
  if (!(span_days >= min_span_days))
    return std::nullopt;
  const double raw = (static_cast<double>(n) / span_days) * 365;
  if (!(raw > 0 && raw <= max_trades_per_year))
    return std::nullopt;
  return raw;
}

std::optional<double>
trades_per_year(const std::vector<const tick_result*>& trades) {
  if (trades.size() < min_n)
    return std::nullopt;
  timestamp first = trades.front()->signal.pending_at;
  timestamp last = trades.front()->close_timestamp;
  for (const auto* t : trades) {
    first = std::min(first, t->signal.pending_at);
    last = std::max(last, t->close_timestamp);
  }
  return trades_per_year(trades.size(), first, last);
}

std::optional<double> yearly_return(const equity_curve& curve,
                                    const std::optional<double>& tpy,
                                    std::size_t n) {
  if (!tpy || curve.blown)
    return std::nullopt;
  const double raw =
      (std::pow(curve.equity_final, *tpy / static_cast<double>(n)) - 1) * 100;
  if (std::fabs(raw) > max_yearly_return)
    return std::nullopt;
  return finite(raw);
}

std::optional<double> calmar_ratio(const equity_curve& curve,
                                   const std::optional<double>& eyr) {
  if (!(curve.max_drawdown > 0) || !eyr)
    return std::nullopt;
  return finite(clamp_ratio(*eyr / curve.max_drawdown));
}

std::optional<double> recovery_factor(const equity_curve& curve) {
  if (!(curve.max_drawdown > 0) || curve.blown)
    return std::nullopt;
  return finite(
      clamp_ratio(((curve.equity_final - 1) * 100) / curve.max_drawdown));
}

price_profile_stats
price_profile(const std::vector<std::pair<double, double>>& raw) {
  price_profile_stats out;
  std::vector<std::pair<double, double>> pts;
  for (const auto& [t, p] : raw)
    if (std::isfinite(t) && t > 0 && std::isfinite(p) && p > 0)
      pts.emplace_back(t, p);
  const std::size_t n = pts.size();
  if (n < min_n)
    return out;
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
    return out;
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
    return out;
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
  return out;
}

price_profile_stats
price_profile(const std::vector<const tick_result*>& chronological) {
  std::vector<std::pair<double, double>> points;
  points.reserve(chronological.size());
  for (const auto* t : chronological)
    points.emplace_back(static_cast<double>(t->close_timestamp),
                        t->price_close);
  return price_profile(points);
}

streak_stats streaks(const std::vector<double>& walk) {
  streak_stats out;
  std::int64_t win_len = 0;
  std::int64_t loss_len = 0;
  double win_sum = 0;
  double loss_sum = 0;
  auto close_win = [&] {
    if (win_len > 0)
      out.win_runs.push_back(win_sum);
    win_len = 0;
    win_sum = 0;
  };
  auto close_loss = [&] {
    if (loss_len > 0)
      out.loss_runs.push_back(loss_sum);
    loss_len = 0;
    loss_sum = 0;
  };
  for (double v : walk) {
    if (v > 0) {
      close_loss();
      ++win_len;
      win_sum += v;
      out.max_win = std::max(out.max_win, win_len);
    } else if (v < 0) {
      close_win();
      ++loss_len;
      loss_sum += v;
      out.max_loss = std::max(out.max_loss, loss_len);
    } else {
      close_win();
      close_loss();
    }
  }
  close_win();
  close_loss();
  return out;
}

limit_texts limit_text() {
  return {std::to_string(stats_limits::min_trades),
          std::to_string(stats_limits::min_span_days),
          std::to_string(stats_limits::max_trades_per_year),
          std::to_string(stats_limits::max_yearly_return),
          std::to_string(stats_limits::ratio_clamp)};
}

} // namespace btk::stat_math
