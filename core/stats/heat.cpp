#include "core/stats/heat.hpp"

#include <algorithm>
#include <cmath>

#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"

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
  for (const auto* t : s)
    r.push_back(t->pnl.pnl_percentage);
  const auto [wins, losses] = split_by_sign(r);
  const double w = static_cast<double>(wins.size());
  const double l = static_cast<double>(losses.size());
  row.win_count = static_cast<std::int64_t>(wins.size());
  row.loss_count = static_cast<std::int64_t>(losses.size());
  if (w + l > 0)
    row.win_rate = finite((w / (w + l)) * 100);
  if (n == 0)
    return row;
  const double total = sum(r);
  const double avg = total / nd;
  row.total_pnl = finite(total);
  row.avg_pnl = finite(avg);
  const bool ratios = n >= min_n;
  if (ratios) {
    const double sd = sample_std_dev(r, avg);
    row.std_dev = finite(sd);
    row.sharpe_ratio = sharpe_ratio(avg, sd);
  }
  const auto c = by_close_time(s);
  const auto curve = walk_equity(c);
  row.max_drawdown = finite(curve.max_drawdown);
  if (!wins.empty() && !losses.empty()) {
    const double sum_wins = sum(wins);
    const double sum_losses = std::fabs(sum(losses));
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
  const auto ex = excursions_of(s);
  row.avg_peak_pnl = mean(ex.peaks);
  row.avg_fall_pnl = mean(ex.falls);
  row.peak_profit_pnl =
      finite(*std::max_element(ex.peaks.begin(), ex.peaks.end()));
  row.max_drawdown_pnl =
      finite(*std::min_element(ex.falls.begin(), ex.falls.end()));
  if (ratios)
    row.sortino_ratio = sortino(r, avg);
  const auto tpy = trades_per_year(s);
  row.trades_per_year = tpy;
  row.expected_yearly_returns = yearly_return(curve, tpy, n);
  row.calmar_ratio = calmar_ratio(curve, row.expected_yearly_returns);
  if (ratios)
    row.recovery_factor = recovery_factor(curve);
  row.annualized_sharpe_ratio = annualized_sharpe(row.sharpe_ratio, tpy);
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
  durations d;
  for (const auto& e : book.entries()) {
    for (const auto& t : e.trades) {
      pool.push_back(&t);
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
  const double avg = sum(r) / nd;
  const double sd = sample_std_dev(r, avg);
  out.portfolio_std_dev = finite(sd);
  out.portfolio_sharpe_ratio = sharpe_ratio(avg, sd);
  out.portfolio_sortino_ratio = sortino(r, avg);
  const auto [wins, losses] = split_by_sign(r);
  const double avg_win = wins.empty() ? 0 : raw_mean(wins);
  const double avg_loss = losses.empty() ? 0 : raw_mean(losses);
  if (!wins.empty() || !losses.empty())
    out.portfolio_expectancy =
        finite((static_cast<double>(wins.size()) / nd) * avg_win +
               (static_cast<double>(losses.size()) / nd) * avg_loss);
  if (!losses.empty() && std::fabs(avg_loss) > eps && avg_loss < 0)
    out.portfolio_certainty_ratio = finite(avg_win / std::fabs(avg_loss));
  const auto curve = walk_equity(c);
  const auto tpy = trades_per_year(c);
  out.portfolio_trades_per_year = tpy;
  out.portfolio_expected_yearly_returns = yearly_return(curve, tpy, n);
  out.portfolio_annualized_sharpe_ratio =
      annualized_sharpe(out.portfolio_sharpe_ratio, tpy);
  out.portfolio_calmar_ratio =
      calmar_ratio(curve, out.portfolio_expected_yearly_returns);
  out.portfolio_recovery_factor = recovery_factor(curve);
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

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_row& r) {
  using stat_math::nullable;
  std::vector<std::pair<std::string_view, stat_value>> out{
      {"symbol", r.symbol},
      {"totalPnl", nullable(r.total_pnl)},
      {"sharpeRatio", nullable(r.sharpe_ratio)},
      {"maxDrawdown", nullable(r.max_drawdown)},
      {"totalTrades", r.total_trades},
      {"winCount", r.win_count},
      {"lossCount", r.loss_count},
      {"winRate", nullable(r.win_rate)},
      {"avgPnl", nullable(r.avg_pnl)},
      {"stdDev", nullable(r.std_dev)},
      {"profitFactor", nullable(r.profit_factor)},
      {"avgWin", nullable(r.avg_win)},
      {"avgLoss", nullable(r.avg_loss)},
      {"maxWinStreak", r.max_win_streak},
      {"maxLossStreak", r.max_loss_streak},
      {"expectancy", nullable(r.expectancy)},
      {"avgPeakPnl", nullable(r.avg_peak_pnl)},
      {"avgFallPnl", nullable(r.avg_fall_pnl)},
      {"peakProfitPnl", nullable(r.peak_profit_pnl)},
      {"maxDrawdownPnl", nullable(r.max_drawdown_pnl)},
      {"avgDuration", nullable(r.avg_duration)},
      {"medianPnl", nullable(r.median_pnl)},
      {"avgConsecutiveWinPnl", nullable(r.avg_consecutive_win_pnl)},
      {"avgConsecutiveLossPnl", nullable(r.avg_consecutive_loss_pnl)},
      {"avgWinDuration", nullable(r.avg_win_duration)},
      {"avgLossDuration", nullable(r.avg_loss_duration)},
      {"sortinoRatio", nullable(r.sortino_ratio)},
      {"calmarRatio", nullable(r.calmar_ratio)},
      {"recoveryFactor", nullable(r.recovery_factor)},
      {"annualizedSharpeRatio", nullable(r.annualized_sharpe_ratio)},
      {"certaintyRatio", nullable(r.certainty_ratio)},
      {"expectedYearlyReturns", nullable(r.expected_yearly_returns)},
      {"tradesPerYear", nullable(r.trades_per_year)},
  };
  append_stat_fields(out, r.profile);
  return out;
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const heat_statistics& s) {
  using stat_math::nullable;
  return {
      {"totalSymbols", s.total_symbols},
      {"portfolioTotalPnl", nullable(s.portfolio_total_pnl)},
      {"portfolioSharpeRatio", nullable(s.portfolio_sharpe_ratio)},
      {"portfolioTotalTrades", s.portfolio_total_trades},
      {"portfolioAvgPeakPnl", nullable(s.portfolio_avg_peak_pnl)},
      {"portfolioAvgFallPnl", nullable(s.portfolio_avg_fall_pnl)},
      {"portfolioPeakProfitPnl", nullable(s.portfolio_peak_profit_pnl)},
      {"portfolioMaxDrawdownPnl", nullable(s.portfolio_max_drawdown_pnl)},
      {"portfolioStdDev", nullable(s.portfolio_std_dev)},
      {"portfolioSortinoRatio", nullable(s.portfolio_sortino_ratio)},
      {"portfolioCalmarRatio", nullable(s.portfolio_calmar_ratio)},
      {"portfolioRecoveryFactor", nullable(s.portfolio_recovery_factor)},
      {"portfolioExpectancy", nullable(s.portfolio_expectancy)},
      {"portfolioAvgDuration", nullable(s.portfolio_avg_duration)},
      {"portfolioMedianPnl", nullable(s.portfolio_median_pnl)},
      {"portfolioAvgConsecutiveWinPnl",
       nullable(s.portfolio_avg_consecutive_win_pnl)},
      {"portfolioAvgConsecutiveLossPnl",
       nullable(s.portfolio_avg_consecutive_loss_pnl)},
      {"portfolioAvgWinDuration", nullable(s.portfolio_avg_win_duration)},
      {"portfolioAvgLossDuration", nullable(s.portfolio_avg_loss_duration)},
      {"portfolioAnnualizedSharpeRatio",
       nullable(s.portfolio_annualized_sharpe_ratio)},
      {"portfolioCertaintyRatio", nullable(s.portfolio_certainty_ratio)},
      {"portfolioExpectedYearlyReturns",
       nullable(s.portfolio_expected_yearly_returns)},
      {"portfolioTradesPerYear", nullable(s.portfolio_trades_per_year)},
  };
}

namespace {

using md::or_na;

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
  return {
      md::field("Total Symbols", std::to_string(s.total_symbols)),
      md::field("Portfolio PNL", or_na(s.portfolio_total_pnl, spaced_pct)),
      md::field("Pooled Sharpe", or_na(s.portfolio_sharpe_ratio, fixed(3))),
      md::field("Annualized Sharpe",
                or_na(s.portfolio_annualized_sharpe_ratio, fixed(3))),
      md::field("Certainty Ratio",
                or_na(s.portfolio_certainty_ratio, fixed(3))),
      md::field("Expected Yearly Returns",
                or_na(s.portfolio_expected_yearly_returns, spaced_pct)),
      md::field("Trades Per Year",
                or_na(s.portfolio_trades_per_year, fixed(1))),
      md::field("Total Trades", std::to_string(s.portfolio_total_trades)),
      md::field("Avg Peak PNL", or_na(s.portfolio_avg_peak_pnl, spaced_pct)),
      md::field("Avg Max Drawdown PNL",
                or_na(s.portfolio_avg_fall_pnl, spaced_pct)),
      md::field("Peak Profit PNL",
                or_na(s.portfolio_peak_profit_pnl, spaced_pct)),
      md::field("Max Drawdown PNL",
                or_na(s.portfolio_max_drawdown_pnl, spaced_pct)),
      md::field("Median PNL", or_na(s.portfolio_median_pnl, spaced_pct)),
      md::field("Avg Duration", or_na(s.portfolio_avg_duration, minutes)),
      md::field("Avg Win Duration",
                or_na(s.portfolio_avg_win_duration, minutes)),
      md::field("Avg Loss Duration",
                or_na(s.portfolio_avg_loss_duration, minutes)),
      md::field("Avg Consecutive Win PNL",
                or_na(s.portfolio_avg_consecutive_win_pnl, spaced_pct)),
      md::field("Avg Consecutive Loss PNL",
                or_na(s.portfolio_avg_consecutive_loss_pnl, spaced_pct)),
      md::field("Standard Deviation Per Trade",
                or_na(s.portfolio_std_dev, spaced_pct)),
      md::field("Sortino Ratio", or_na(s.portfolio_sortino_ratio, fixed(3))),
      md::field("Calmar Ratio", or_na(s.portfolio_calmar_ratio, fixed(3))),
      md::field("Recovery Factor",
                or_na(s.portfolio_recovery_factor, fixed(3))),
      md::field("Expectancy", or_na(s.portfolio_expectancy, spaced_pct)),
  };
}

std::vector<std::string> portfolio_notes() {
  const auto [n, days, tpy, eyr, cl] = stat_math::limit_text();
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
  const auto lim = stat_math::limit_text();
  const std::string& n = lim.min_trades;
  const std::string& days = lim.min_span_days;
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
