#include "core/heat.hpp"

#include <algorithm>
#include <cmath>

#include "core/markdown.hpp"
#include "core/number_format.hpp"

namespace btk {

void heat_book::push(std::string_view symbol, const tick_result& x) {
  if (x.kind != action::closed)
    return;
  auto it = index_.find(symbol);
  if (it == index_.end()) {
    it = index_.emplace(std::string(symbol), entries_.size()).first;
    entries_.push_back(entry{std::string(symbol), closed_trade_list{cap_}});
  }
  entries_[it->second].trades.push(x);
}

void heat_book::clear() noexcept {
  entries_.clear();
  index_.clear();
}

namespace {

using namespace stat_math;

constexpr std::size_t min_n = stats_limits::min_trades;
constexpr double eps = stats_limits::eps;

/// Minutes from start to close of the trades with both timestamps, overall
/// and split by the sign of the PnL.
struct durations {
  std::vector<double> all;
  std::vector<double> wins;
  std::vector<double> losses;

  void add(const tick_result& t) {
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
};

/// `calculateSymbolStats`: one symbol's row over its newest-first trades.
heat_row symbol_row(const heat_book::entry& e) {
  heat_row row;
  row.symbol = e.symbol;
  std::vector<const tick_result*> s;
  for (const auto& t : e.trades)
    s.push_back(&t);
  const std::size_t n = s.size();
  const auto nd = static_cast<double>(n);
  row.total_trades = static_cast<std::int64_t>(n);
  std::vector<double> r;
  std::vector<double> wins;
  std::vector<double> losses;
  for (const auto* t : s) {
    const double v = t->pnl.pnl_percentage;
    r.push_back(v);
    if (v > 0)
      wins.push_back(v);
    else if (v < 0)
      losses.push_back(v);
  }
  const double w = static_cast<double>(wins.size());
  const double l = static_cast<double>(losses.size());
  row.win_count = static_cast<std::int64_t>(wins.size());
  row.loss_count = static_cast<std::int64_t>(losses.size());
  if (w + l > 0)
    row.win_rate = finite((w / (w + l)) * 100);
  if (n == 0)
    return row;
  double total = 0;
  for (double v : r)
    total += v;
  const double avg = total / nd;
  row.total_pnl = finite(total);
  row.avg_pnl = finite(avg);
  const bool ratios = n >= min_n;
  std::optional<double> sharpe;
  if (ratios) {
    const double sd = sample_std_dev(r, avg);
    row.std_dev = finite(sd);
    if (sd > eps)
      sharpe = finite(avg / sd);
  }
  row.sharpe_ratio = sharpe;
  const auto c = by_close_time(s);
  const auto curve = walk_equity(c);
  row.max_drawdown = finite(curve.max_drawdown);
  if (!wins.empty() && !losses.empty()) {
    double sum_wins = 0;
    for (double v : wins)
      sum_wins += v;
    double sum_losses = 0;
    for (double v : losses)
      sum_losses += v;
    sum_losses = std::fabs(sum_losses);
    if (sum_losses > eps)
      row.profit_factor = finite(sum_wins / sum_losses);
  }
  std::optional<double> avg_win;
  std::optional<double> avg_loss;
  if (!wins.empty())
    avg_win = raw_mean(wins);
  if (!losses.empty())
    avg_loss = raw_mean(losses);
  row.avg_win = avg_win ? finite(*avg_win) : std::nullopt;
  row.avg_loss = avg_loss ? finite(*avg_loss) : std::nullopt;
  // The reference walks the streaks newest to oldest.
  const auto runs = streaks(r);
  row.max_win_streak = runs.max_win;
  row.max_loss_streak = runs.max_loss;
  row.avg_consecutive_win_pnl = mean(runs.win_runs);
  row.avg_consecutive_loss_pnl = mean(runs.loss_runs);
  durations d;
  for (const auto* t : s)
    d.add(*t);
  row.avg_duration = mean(d.all);
  row.avg_win_duration = mean(d.wins);
  row.avg_loss_duration = mean(d.losses);
  row.median_pnl = finite(median(r));
  if (ratios) {
    if (avg_win && avg_loss)
      row.expectancy = finite((w / nd) * *avg_win + (l / nd) * *avg_loss);
    else if (avg_win)
      row.expectancy = finite((w / nd) * *avg_win);
    else if (avg_loss)
      row.expectancy = finite((l / nd) * *avg_loss);
  }
  std::vector<double> peaks;
  std::vector<double> falls;
  for (const auto* t : s) {
    peaks.push_back(t->peak_pnl);
    falls.push_back(t->max_drawdown_pnl);
  }
  row.avg_peak_pnl = mean(peaks);
  row.avg_fall_pnl = mean(falls);
  row.peak_profit_pnl = finite(*std::max_element(peaks.begin(), peaks.end()));
  row.max_drawdown_pnl = finite(*std::min_element(falls.begin(), falls.end()));
  if (ratios)
    row.sortino_ratio = sortino(r, avg);
  timestamp first = s.front()->signal.pending_at;
  timestamp last = s.front()->close_timestamp;
  for (const auto* t : s) {
    first = std::min(first, t->signal.pending_at);
    last = std::max(last, t->close_timestamp);
  }
  const auto tpy = trades_per_year(n, first, last);
  row.trades_per_year = tpy;
  std::optional<double> eyr;
  if (tpy)
    eyr = yearly_return(curve, *tpy, n);
  row.expected_yearly_returns = eyr;
  if (curve.max_drawdown > 0) {
    if (eyr)
      row.calmar_ratio = finite(clamp_ratio(*eyr / curve.max_drawdown));
    if (!curve.blown && ratios)
      row.recovery_factor = finite(
          clamp_ratio(((curve.equity_final - 1) * 100) / curve.max_drawdown));
  }
  if (sharpe && tpy && *tpy > 0)
    row.annualized_sharpe_ratio = finite(*sharpe * std::sqrt(*tpy));
  if (ratios && avg_win && avg_loss && *avg_loss < 0 &&
      std::fabs(*avg_loss) > eps)
    row.certainty_ratio = finite(*avg_win / std::fabs(*avg_loss));
  row.profile = price_profile(c);
  return row;
}

/// Trade-count-weighted mean of a row field over the rows that have it.
std::optional<double> weighted(const std::vector<heat_row>& rows,
                               std::optional<double> heat_row::*field) {
  double weight = 0;
  double sum = 0;
  bool any = false;
  for (const auto& r : rows) {
    if (!(r.*field))
      continue;
    any = true;
    weight += static_cast<double>(r.total_trades);
  }
  if (!any || !(weight > 0))
    return std::nullopt;
  for (const auto& r : rows)
    if (r.*field)
      sum += *(r.*field) * static_cast<double>(r.total_trades);
  return finite(sum / weight);
}

/// The pooled portfolio fields over every trade of every symbol.
void pooled(const heat_book& book, heat_statistics& out) {
  std::vector<const tick_result*> pool;
  timestamp first = 0;
  timestamp last = 0;
  durations d;
  for (const auto& e : book.entries()) {
    for (const auto& t : e.trades) {
      if (pool.empty()) {
        first = t.signal.pending_at;
        last = t.close_timestamp;
      }
      pool.push_back(&t);
      first = std::min(first, t.signal.pending_at);
      last = std::max(last, t.close_timestamp);
      d.add(t);
    }
  }
  out.portfolio_avg_duration = mean(d.all);
  out.portfolio_avg_win_duration = mean(d.wins);
  out.portfolio_avg_loss_duration = mean(d.losses);
  const auto c = by_close_time(std::move(pool));
  std::vector<double> r;
  r.reserve(c.size());
  for (const auto* t : c)
    r.push_back(t->pnl.pnl_percentage);
  if (!r.empty())
    out.portfolio_median_pnl = finite(median(r));
  const std::size_t n = r.size();
  if (n < min_n)
    return;
  const auto nd = static_cast<double>(n);
  double sum = 0;
  for (double v : r)
    sum += v;
  const double avg = sum / nd;
  const double sd = sample_std_dev(r, avg);
  out.portfolio_std_dev = finite(sd);
  std::optional<double> sharpe;
  if (sd > eps)
    sharpe = finite(avg / sd);
  out.portfolio_sharpe_ratio = sharpe;
  out.portfolio_sortino_ratio = sortino(r, avg);
  std::vector<double> wins;
  std::vector<double> losses;
  for (double v : r) {
    if (v > 0)
      wins.push_back(v);
    else if (v < 0)
      losses.push_back(v);
  }
  const double avg_win = wins.empty() ? 0 : raw_mean(wins);
  const double avg_loss = losses.empty() ? 0 : raw_mean(losses);
  if (!wins.empty() || !losses.empty())
    out.portfolio_expectancy =
        finite((static_cast<double>(wins.size()) / nd) * avg_win +
               (static_cast<double>(losses.size()) / nd) * avg_loss);
  if (!losses.empty() && std::fabs(avg_loss) > eps && avg_loss < 0)
    out.portfolio_certainty_ratio = finite(avg_win / std::fabs(avg_loss));
  const auto curve = walk_equity(c);
  const auto tpy = trades_per_year(n, first, last);
  out.portfolio_trades_per_year = tpy;
  std::optional<double> eyr;
  if (tpy)
    eyr = yearly_return(curve, *tpy, n);
  out.portfolio_expected_yearly_returns = eyr;
  if (sharpe && tpy && *tpy > 0)
    out.portfolio_annualized_sharpe_ratio = finite(*sharpe * std::sqrt(*tpy));
  if (curve.max_drawdown > 0 && eyr)
    out.portfolio_calmar_ratio = finite(clamp_ratio(*eyr / curve.max_drawdown));
  if (curve.max_drawdown > 0 && !curve.blown)
    out.portfolio_recovery_factor = finite(
        clamp_ratio(((curve.equity_final - 1) * 100) / curve.max_drawdown));
}

} // namespace

heat_statistics compute_heat(const heat_book& book) {
  heat_statistics out;
  for (const auto& e : book.entries())
    out.rows.push_back(symbol_row(e));
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const heat_row& a, const heat_row& b) {
                     if (!a.sharpe_ratio || !b.sharpe_ratio)
                       return a.sharpe_ratio.has_value() &&
                              !b.sharpe_ratio.has_value();
                     return *a.sharpe_ratio > *b.sharpe_ratio;
                   });
  out.total_symbols = static_cast<std::int64_t>(out.rows.size());
  bool any_pnl = false;
  double total = 0;
  for (const auto& r : out.rows) {
    out.portfolio_total_trades += r.total_trades;
    if (r.total_pnl) {
      any_pnl = true;
      total += *r.total_pnl;
    }
  }
  if (any_pnl)
    out.portfolio_total_pnl = finite(total);
  out.portfolio_avg_peak_pnl = weighted(out.rows, &heat_row::avg_peak_pnl);
  out.portfolio_avg_fall_pnl = weighted(out.rows, &heat_row::avg_fall_pnl);
  out.portfolio_avg_consecutive_win_pnl =
      weighted(out.rows, &heat_row::avg_consecutive_win_pnl);
  out.portfolio_avg_consecutive_loss_pnl =
      weighted(out.rows, &heat_row::avg_consecutive_loss_pnl);
  for (const auto& r : out.rows) {
    if (r.peak_profit_pnl)
      out.portfolio_peak_profit_pnl =
          out.portfolio_peak_profit_pnl
              ? std::max(*out.portfolio_peak_profit_pnl, *r.peak_profit_pnl)
              : *r.peak_profit_pnl;
    if (r.max_drawdown_pnl)
      out.portfolio_max_drawdown_pnl =
          out.portfolio_max_drawdown_pnl
              ? std::min(*out.portfolio_max_drawdown_pnl, *r.max_drawdown_pnl)
              : *r.max_drawdown_pnl;
  }
  pooled(book, out);
  return out;
}

namespace {

stat_value opt(const std::optional<double>& x) {
  if (x)
    return *x;
  return std::monostate{};
}

stat_value opt_text(const std::optional<std::string>& x) {
  if (x)
    return *x;
  return std::monostate{};
}

} // namespace

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_row& r) {
  return {
      {"symbol", r.symbol},
      {"totalPnl", opt(r.total_pnl)},
      {"sharpeRatio", opt(r.sharpe_ratio)},
      {"maxDrawdown", opt(r.max_drawdown)},
      {"totalTrades", r.total_trades},
      {"winCount", r.win_count},
      {"lossCount", r.loss_count},
      {"winRate", opt(r.win_rate)},
      {"avgPnl", opt(r.avg_pnl)},
      {"stdDev", opt(r.std_dev)},
      {"profitFactor", opt(r.profit_factor)},
      {"avgWin", opt(r.avg_win)},
      {"avgLoss", opt(r.avg_loss)},
      {"maxWinStreak", r.max_win_streak},
      {"maxLossStreak", r.max_loss_streak},
      {"expectancy", opt(r.expectancy)},
      {"avgPeakPnl", opt(r.avg_peak_pnl)},
      {"avgFallPnl", opt(r.avg_fall_pnl)},
      {"peakProfitPnl", opt(r.peak_profit_pnl)},
      {"maxDrawdownPnl", opt(r.max_drawdown_pnl)},
      {"avgDuration", opt(r.avg_duration)},
      {"medianPnl", opt(r.median_pnl)},
      {"avgConsecutiveWinPnl", opt(r.avg_consecutive_win_pnl)},
      {"avgConsecutiveLossPnl", opt(r.avg_consecutive_loss_pnl)},
      {"avgWinDuration", opt(r.avg_win_duration)},
      {"avgLossDuration", opt(r.avg_loss_duration)},
      {"sortinoRatio", opt(r.sortino_ratio)},
      {"calmarRatio", opt(r.calmar_ratio)},
      {"recoveryFactor", opt(r.recovery_factor)},
      {"annualizedSharpeRatio", opt(r.annualized_sharpe_ratio)},
      {"certaintyRatio", opt(r.certainty_ratio)},
      {"expectedYearlyReturns", opt(r.expected_yearly_returns)},
      {"tradesPerYear", opt(r.trades_per_year)},
      {"medianStepSize", opt(r.profile.median_step_size)},
      {"buyerPressure", opt(r.profile.buyer_pressure)},
      {"sellerPressure", opt(r.profile.seller_pressure)},
      {"buyerStrength", opt(r.profile.buyer_strength)},
      {"sellerStrength", opt(r.profile.seller_strength)},
      {"pressureImbalance", opt(r.profile.pressure_imbalance)},
      {"trend", opt_text(r.profile.trend)},
      {"trendStrength", opt(r.profile.trend_strength)},
      {"trendConfidence", opt(r.profile.trend_confidence)},
  };
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_statistics& s) {
  return {
      {"totalSymbols", s.total_symbols},
      {"portfolioTotalPnl", opt(s.portfolio_total_pnl)},
      {"portfolioSharpeRatio", opt(s.portfolio_sharpe_ratio)},
      {"portfolioTotalTrades", s.portfolio_total_trades},
      {"portfolioAvgPeakPnl", opt(s.portfolio_avg_peak_pnl)},
      {"portfolioAvgFallPnl", opt(s.portfolio_avg_fall_pnl)},
      {"portfolioPeakProfitPnl", opt(s.portfolio_peak_profit_pnl)},
      {"portfolioMaxDrawdownPnl", opt(s.portfolio_max_drawdown_pnl)},
      {"portfolioStdDev", opt(s.portfolio_std_dev)},
      {"portfolioSortinoRatio", opt(s.portfolio_sortino_ratio)},
      {"portfolioCalmarRatio", opt(s.portfolio_calmar_ratio)},
      {"portfolioRecoveryFactor", opt(s.portfolio_recovery_factor)},
      {"portfolioExpectancy", opt(s.portfolio_expectancy)},
      {"portfolioAvgDuration", opt(s.portfolio_avg_duration)},
      {"portfolioMedianPnl", opt(s.portfolio_median_pnl)},
      {"portfolioAvgConsecutiveWinPnl",
       opt(s.portfolio_avg_consecutive_win_pnl)},
      {"portfolioAvgConsecutiveLossPnl",
       opt(s.portfolio_avg_consecutive_loss_pnl)},
      {"portfolioAvgWinDuration", opt(s.portfolio_avg_win_duration)},
      {"portfolioAvgLossDuration", opt(s.portfolio_avg_loss_duration)},
      {"portfolioAnnualizedSharpeRatio",
       opt(s.portfolio_annualized_sharpe_ratio)},
      {"portfolioCertaintyRatio", opt(s.portfolio_certainty_ratio)},
      {"portfolioExpectedYearlyReturns",
       opt(s.portfolio_expected_yearly_returns)},
      {"portfolioTradesPerYear", opt(s.portfolio_trades_per_year)},
  };
}

namespace {

using stats_limits::max_trades_per_year;
using stats_limits::max_yearly_return;
using stats_limits::min_span_days;
using stats_limits::min_trades;
using stats_limits::ratio_clamp;

/// `value` through `fmt`, or `N/A` when it is null.
template <class F>
std::string or_na(const std::optional<double>& value, F fmt) {
  return value ? fmt(*value) : std::string("N/A");
}

/// `x.toFixed(d)`.
auto fixed(int d) {
  return [d](double x) { return to_fixed(x, d); };
}

/// `` `${x.toFixed(d)}%` `` (table cells).
auto pct(int d) {
  return [d](double x) { return to_fixed(x, d) + "%"; };
}

/// `x.toFixed(2) + " %"` (summary lines: a space before the sign).
std::string spaced_pct(double x) {
  return to_fixed(x, 2) + " %";
}

/// A share in [0, 1] as a percentage with one decimal.
std::string share(double x) {
  return to_fixed(x * 100, 1) + "%";
}

/// `x.toFixed(1) + " min"`.
std::string minutes(double x) {
  return to_fixed(x, 1) + " min";
}

std::vector<std::string> header() {
  return {"Symbol",
          "Total PNL",
          "Sharpe",
          "Ann Sharpe",
          "Certainty",
          "Exp Yearly",
          "Trades/Yr",
          "PF",
          "Expect",
          "WR",
          "Avg Win",
          "Avg Loss",
          "Max DD",
          "W Streak",
          "L Streak",
          "Trades",
          "Avg Peak PNL",
          "Avg DD PNL",
          "Peak Profit PNL",
          "Max DD PNL",
          "Median PNL",
          "Avg Dur (min)",
          "Avg Win Dur",
          "Avg Loss Dur",
          "Avg Win Streak PNL",
          "Avg Loss Streak PNL",
          "Trend",
          "Trend %/d",
          "Trend R²",
          "Buyer Pres",
          "Seller Pres",
          "Buyer Str",
          "Seller Str",
          "Pres Imb",
          "Median Step",
          "Sortino",
          "Calmar",
          "Recovery"};
}

std::vector<std::string> cells(const heat_row& r) {
  const auto& p = r.profile;
  std::optional<double> neg_dd;
  if (r.max_drawdown)
    neg_dd = -*r.max_drawdown;
  return {
      r.symbol,
      or_na(r.total_pnl, pct(2)),
      or_na(r.sharpe_ratio, fixed(3)),
      or_na(r.annualized_sharpe_ratio, fixed(3)),
      or_na(r.certainty_ratio, fixed(3)),
      or_na(r.expected_yearly_returns, pct(2)),
      or_na(r.trades_per_year, fixed(1)),
      or_na(r.profit_factor, fixed(3)),
      or_na(r.expectancy, pct(2)),
      or_na(r.win_rate, pct(2)),
      or_na(r.avg_win, pct(2)),
      or_na(r.avg_loss, pct(2)),
      // `(-maxDrawdown).toFixed(2)`: a zero drawdown prints "0.00".
      or_na(neg_dd, pct(2)),
      std::to_string(r.max_win_streak),
      std::to_string(r.max_loss_streak),
      std::to_string(r.total_trades),
      or_na(r.avg_peak_pnl, pct(2)),
      or_na(r.avg_fall_pnl, pct(2)),
      or_na(r.peak_profit_pnl, pct(2)),
      or_na(r.max_drawdown_pnl, pct(2)),
      or_na(r.median_pnl, pct(2)),
      or_na(r.avg_duration, fixed(1)),
      or_na(r.avg_win_duration, fixed(1)),
      or_na(r.avg_loss_duration, fixed(1)),
      or_na(r.avg_consecutive_win_pnl, pct(2)),
      or_na(r.avg_consecutive_loss_pnl, pct(2)),
      p.trend ? *p.trend : std::string("N/A"),
      or_na(p.trend_strength, pct(2)),
      or_na(p.trend_confidence, fixed(3)),
      or_na(p.buyer_pressure, share),
      or_na(p.seller_pressure, share),
      or_na(p.buyer_strength, share),
      or_na(p.seller_strength, share),
      or_na(p.pressure_imbalance,
            [](double x) { return (x > 0 ? "+" : "") + to_fixed(x, 3); }),
      or_na(p.median_step_size, pct(2)),
      or_na(r.sortino_ratio, fixed(3)),
      or_na(r.calmar_ratio, fixed(3)),
      or_na(r.recovery_factor, fixed(3)),
  };
}

std::vector<std::string> summary(const heat_statistics& s) {
  auto line = [](std::string_view label, std::string value) {
    std::string out = "**";
    out += label;
    out += ":** ";
    out += value;
    return out;
  };
  return {
      line("Total Symbols", std::to_string(s.total_symbols)),
      line("Portfolio PNL", or_na(s.portfolio_total_pnl, spaced_pct)),
      line("Pooled Sharpe", or_na(s.portfolio_sharpe_ratio, fixed(3))),
      line("Annualized Sharpe",
           or_na(s.portfolio_annualized_sharpe_ratio, fixed(3))),
      line("Certainty Ratio", or_na(s.portfolio_certainty_ratio, fixed(3))),
      line("Expected Yearly Returns",
           or_na(s.portfolio_expected_yearly_returns, spaced_pct)),
      line("Trades Per Year", or_na(s.portfolio_trades_per_year, fixed(1))),
      line("Total Trades", std::to_string(s.portfolio_total_trades)),
      line("Avg Peak PNL", or_na(s.portfolio_avg_peak_pnl, spaced_pct)),
      line("Avg Max Drawdown PNL", or_na(s.portfolio_avg_fall_pnl, spaced_pct)),
      line("Peak Profit PNL", or_na(s.portfolio_peak_profit_pnl, spaced_pct)),
      line("Max Drawdown PNL", or_na(s.portfolio_max_drawdown_pnl, spaced_pct)),
      line("Median PNL", or_na(s.portfolio_median_pnl, spaced_pct)),
      line("Avg Duration", or_na(s.portfolio_avg_duration, minutes)),
      line("Avg Win Duration", or_na(s.portfolio_avg_win_duration, minutes)),
      line("Avg Loss Duration", or_na(s.portfolio_avg_loss_duration, minutes)),
      line("Avg Consecutive Win PNL",
           or_na(s.portfolio_avg_consecutive_win_pnl, spaced_pct)),
      line("Avg Consecutive Loss PNL",
           or_na(s.portfolio_avg_consecutive_loss_pnl, spaced_pct)),
      line("Standard Deviation Per Trade",
           or_na(s.portfolio_std_dev, spaced_pct)),
      line("Sortino Ratio", or_na(s.portfolio_sortino_ratio, fixed(3))),
      line("Calmar Ratio", or_na(s.portfolio_calmar_ratio, fixed(3))),
      line("Recovery Factor", or_na(s.portfolio_recovery_factor, fixed(3))),
      line("Expectancy", or_na(s.portfolio_expectancy, spaced_pct)),
  };
}

std::vector<std::string> portfolio_notes() {
  const std::string n = std::to_string(min_trades);
  const std::string days = std::to_string(min_span_days);
  const std::string tpy = std::to_string(max_trades_per_year);
  const std::string eyr = std::to_string(max_yearly_return);
  const std::string cl = std::to_string(ratio_clamp);
  return {
      "*Total Symbols: symbols with at least one closed trade; each keeps "
      "only its newest trades up to the heatmap row cap.*",
      "*Portfolio PNL: plain sum of every symbol's Total PNL, in percent; "
      "not compounded.*",
      "*Pooled Sharpe: mean over sample standard deviation of the PnL of all "
      "trades of all symbols taken as one sample (correlations between "
      "symbols are ignored); needs at least " +
          n + " trades in the pool.*",
      "*Annualized Sharpe: Pooled Sharpe times the square root of the pooled "
      "Trades Per Year.*",
      "*Certainty Ratio: average pooled win over the size of the average "
      "pooled loss; needs at least " +
          n + " trades and one loss.*",
      "*Expected Yearly Returns: growth of the pooled equity curve (every "
      "trade compounded in close order) projected to one year; shown only "
      "within ±" +
          eyr + "% and while the account is not blown.*",
      "*Trades Per Year: pooled trade count per year between the first start "
      "and the last close; needs at least " +
          n + " trades over at least " + days + " days and at most " + tpy +
          " a year.*",
      "*Total Trades: stored trades over all symbols.*",
      "*Avg Peak PNL / Avg Max Drawdown PNL: the symbols' mean best and worst "
      "open PnL, weighted by their trade counts.*",
      "*Peak Profit PNL / Max Drawdown PNL: the best and the worst open PnL "
      "of any single trade.*",
      "*Median PNL: middle PnL of the pooled trades.*",
      "*Avg Duration / Avg Win Duration / Avg Loss Duration: mean minutes "
      "from start to close over all, winning and losing pooled trades.*",
      "*Avg Consecutive Win PNL / Avg Consecutive Loss PNL: the symbols' "
      "mean summed PnL of a winning or losing run, weighted by trade "
      "counts.*",
      "*Standard Deviation Per Trade: sample spread of the pooled per-trade "
      "PnL; needs at least " +
          n + " trades.*",
      "*Sortino Ratio: pooled mean PnL over the downside deviation (losses "
      "only, averaged over all pooled trades).*",
      "*Calmar Ratio: Expected Yearly Returns over the largest drawdown of "
      "the pooled equity curve, limited to ±" +
          cl + ".*",
      "*Recovery Factor: compounded pooled return over that drawdown, "
      "limited to ±" +
          cl + "; undefined once the account is blown.*",
      "*Expectancy: win share times average win plus loss share times "
      "average loss over the pool.*",
  };
}

std::vector<std::string> column_notes() {
  const std::string n = std::to_string(min_trades);
  const std::string days = std::to_string(min_span_days);
  return {
      "*Per-symbol columns: each row covers one symbol's stored trades of "
      "every strategy; rows are sorted by Sharpe, best first, N/A last.*",
      "*Total PNL / Trades / WR: summed PnL, trade count and wins as a share "
      "of decisive trades.*",
      "*Sharpe / Ann Sharpe / Sortino: per-trade risk-adjusted return, its "
      "yearly projection and its downside-only variant; need at least " +
          n + " trades (the projection also " + days + " days).*",
      "*Certainty / PF / Expect: average win over average loss, summed wins "
      "over summed losses, and the expected PnL per trade.*",
      "*Exp Yearly / Trades/Yr / Calmar / Recovery: the symbol's compounded "
      "equity curve projected to a year, the trade frequency behind it, and "
      "the return over the largest equity drawdown.*",
      "*Max DD: largest drawdown of the symbol's equity curve, each trade "
      "marked at its worst open PnL, shown as a loss.*",
      "*Avg Win / Avg Loss / Median PNL: mean winning PnL, mean losing PnL "
      "and the middle PnL.*",
      "*W Streak / L Streak / Avg Win Streak PNL / Avg Loss Streak PNL: "
      "longest winning and losing runs and the mean PnL summed over a run.*",
      "*Avg Peak PNL / Avg DD PNL / Peak Profit PNL / Max DD PNL: mean and "
      "extreme best and worst PnL seen while trades were open.*",
      "*Avg Dur (min) / Avg Win Dur / Avg Loss Dur: mean minutes from start "
      "to close over all, winning and losing trades.*",
      "*Trend / Trend %/d / Trend R²: direction, slope per day and fit of a "
      "straight line through the log exit prices.*",
      "*Buyer Pres / Seller Pres / Buyer Str / Seller Str / Pres Imb / "
      "Median Step: how often and how strongly consecutive exit prices rose "
      "or fell, and the median step size; need at least " +
          n + " trades.*",
  };
}

std::vector<std::string> general_notes() {
  return {
      "*N/A: the metric is undefined here (too few trades, too short a span, "
      "too many trades a year to project, a blown account or a value that is "
      "not finite).*",
      "*Every equity curve assumes the whole capital in each position; with "
      "smaller positions the returns and drawdowns shrink in proportion.*",
  };
}

} // namespace

std::string render_heat_report(std::string_view strategy_name,
                               const heat_statistics& stats) {
  std::vector<std::string> lines;
  lines.push_back("# Portfolio Heatmap: " + std::string(strategy_name));
  lines.emplace_back();
  if (stats.rows.empty()) {
    lines.emplace_back("*No data available*");
    return md::join_lines(lines);
  }
  for (auto& l : summary(stats))
    lines.push_back(std::move(l));
  lines.emplace_back();
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : stats.rows)
    rows.push_back(cells(r));
  lines.push_back(md::table(header(), rows));
  lines.emplace_back();
  for (auto& l : portfolio_notes())
    lines.push_back(std::move(l));
  lines.emplace_back();
  for (auto& l : column_notes())
    lines.push_back(std::move(l));
  lines.emplace_back();
  for (auto& l : general_notes())
    lines.push_back(std::move(l));
  return md::join_lines(lines);
}

} // namespace btk
