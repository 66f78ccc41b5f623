#include "core/stats/report.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "core/market/time.hpp"
#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"
#include "core/stats/stat_math.hpp"

namespace btk {

namespace {

/// `"+"` for a strictly positive value (negatives carry their own `-`).
std::string plus(double x) {
  return x > 0 ? "+" : "";
}

/// JavaScript's `Math.round`: nearest integer, ties toward +infinity.
double js_round(double x) {
  if (!std::isfinite(x))
    return x;
  double r = std::floor(x);
  if (x - r >= 0.5)
    r += 1;
  return r;
}

std::vector<std::string> table_header(bool note) {
  std::vector<std::string> h = {"Signal ID", "Symbol", "Position"};
  if (note)
    h.emplace_back("Note");
  for (const char* label : {"Open Price",     "Close Price",
                            "Take Profit",    "Stop Loss",
                            "Original TP",    "Original SL",
                            "Original Entry", "DCA Entries",
                            "Partial Closes", "Multiplier",
                            "Margin",         "PNL (net)",
                            "PNL (USD)",      "Partial Executed %",
                            "Partial Closes", "Close Reason",
                            "Duration (min)", "Open Time",
                            "Close Time",     "Peak PNL",
                            "Max DD PNL"})
    h.emplace_back(label);
  return h;
}

std::vector<std::string> table_row(const tick_result& t,
                                   std::string_view symbol, const config& cfg) {
  const auto& sig = t.signal;
  std::vector<std::string> c;
  c.emplace_back(sig.id);
  c.emplace_back(symbol);
  c.emplace_back(sig.position == side::long_ ? "LONG" : "SHORT");
  if (cfg.report_show_signal_note)
    c.emplace_back(sig.note.empty() ? "N/A" : sig.note);
  c.push_back(md::usd(sig.price_open));
  c.push_back(md::usd(t.price_close));
  c.push_back(md::usd(sig.price_take_profit));
  c.push_back(md::usd(sig.price_stop_loss));
  // Nothing moves TP/SL after creation, so the originals are the current
  // levels.
  c.push_back(md::usd(sig.price_take_profit));
  c.push_back(md::usd(sig.price_stop_loss));
  c.push_back(md::usd(sig.original_price_open));
  c.emplace_back("1"); // DCA entries: one entry per signal
  c.emplace_back("0"); // partial closes
  c.push_back(js_number(cfg.signal_leverage_multiplier) + "x");
  c.emplace_back("isolated");
  c.push_back(plus(t.pnl.pnl_percentage) + to_fixed(t.pnl.pnl_percentage, 2) +
              "%");
  c.push_back(plus(t.pnl.pnl_cost) + md::usd(t.pnl.pnl_cost));
  c.emplace_back("0.0%");
  c.emplace_back("N/A");
  c.emplace_back(to_string(t.close));
  if (sig.pending_at != 0 && t.close_timestamp != 0)
    c.push_back(js_number(js_round(
        static_cast<double>(t.close_timestamp - sig.pending_at) / 60000)));
  else
    c.emplace_back("N/A");
  c.push_back(sig.pending_at != 0 ? to_iso(sig.pending_at) : "N/A");
  c.push_back(to_iso(t.close_timestamp));
  c.push_back(plus(t.peak_pnl) + to_fixed(t.peak_pnl, 2) + "%");
  c.push_back(to_fixed(t.max_drawdown_pnl, 2) + "%");
  return c;
}

std::string fixed1(double x) {
  return to_fixed(x, 1);
}
std::string fixed3(double x) {
  return to_fixed(x, 3);
}
std::string signed_pct2(double x) {
  return plus(x) + to_fixed(x, 2) + "%";
}
std::string signed_pct3(double x) {
  return plus(x) + to_fixed(x, 3) + "%";
}
std::string pct3(double x) {
  return to_fixed(x, 3) + "%";
}
std::string pct2(double x) {
  return to_fixed(x, 2) + "%";
}
std::string share(double x) {
  return to_fixed(x * 100, 1) + "%";
}

} // namespace

std::vector<std::string> backtest_footer(const backtest_statistics& s) {
  const std::string higher = " (higher is better)";
  const std::string closer = " (closer to 0 is better)";
  auto with = [](std::string (*f)(double), const std::string& suffix) {
    return [f, suffix](double x) { return f(x) + suffix; };
  };
  auto line = [](std::string_view label, const std::optional<double>& v,
                 const auto& fmt) {
    return md::field(label, md::or_na(v, fmt));
  };
  const std::string total = std::to_string(s.total_signals);
  std::vector<std::string> f;
  f.push_back("**Total signals:** " + total);
  f.push_back("**Closed signals:** " + total);
  f.push_back(line("Win rate", s.win_rate, [&](double x) {
    return to_fixed(x, 2) + "% (" + std::to_string(s.win_count) + "W / " +
           std::to_string(s.loss_count) + "L)" + higher;
  }));
  f.push_back(line("Average PNL", s.avg_pnl, with(signed_pct2, higher)));
  f.push_back(line("Total PNL", s.total_pnl, with(signed_pct2, higher)));
  f.push_back(line("Standard Deviation Per Trade", s.std_dev,
                   with(pct3, " (lower is better)")));
  f.push_back(line("Sharpe Ratio", s.sharpe_ratio, with(fixed3, higher)));
  f.push_back(line("Annualized Sharpe Ratio", s.annualized_sharpe_ratio,
                   with(fixed3, higher)));
  f.push_back(line("Certainty Ratio", s.certainty_ratio, with(fixed3, higher)));
  f.push_back(line("Expected Yearly Returns", s.expected_yearly_returns,
                   with(signed_pct2, higher)));
  f.push_back(line("Avg Peak PNL", s.avg_peak_pnl, with(signed_pct2, higher)));
  f.push_back(line("Avg Max Drawdown PNL", s.avg_fall_pnl, with(pct2, closer)));
  f.push_back(line("Sortino Ratio", s.sortino_ratio, with(fixed3, higher)));
  f.push_back(line("Calmar Ratio", s.calmar_ratio, with(fixed3, higher)));
  f.push_back(line("Recovery Factor", s.recovery_factor, with(fixed3, higher)));
  f.push_back(line("Expectancy", s.expectancy, with(signed_pct3, higher)));
  f.push_back(
      line("Median PNL", s.median_pnl,
           with(signed_pct3, " (closer to avgPnl = symmetric distribution)")));
  f.push_back(line("Avg Duration", s.avg_duration, with(fixed1, " min")));
  f.push_back(
      line("Avg Win Duration", s.avg_win_duration, with(fixed1, " min")));
  f.push_back(
      line("Avg Loss Duration", s.avg_loss_duration, with(fixed1, " min")));
  f.push_back(line("Avg Consecutive Win PNL", s.avg_consecutive_win_pnl,
                   with(signed_pct3, higher)));
  f.push_back(line("Avg Consecutive Loss PNL", s.avg_consecutive_loss_pnl,
                   with(pct3, closer)));
  f.push_back("**Trend:** " +
              (s.profile.trend ? *s.profile.trend : std::string("N/A")));
  f.push_back(line("Trend Strength", s.profile.trend_strength,
                   with(signed_pct3, "/day")));
  f.push_back(line("Trend Confidence (R²)", s.profile.trend_confidence,
                   with(fixed3, "")));
  f.push_back(
      line("Buyer Pressure", s.profile.buyer_pressure, with(share, "")));
  f.push_back(
      line("Seller Pressure", s.profile.seller_pressure, with(share, "")));
  f.push_back(
      line("Buyer Strength", s.profile.buyer_strength, with(share, "")));
  f.push_back(
      line("Seller Strength", s.profile.seller_strength, with(share, "")));
  f.push_back(line("Pressure Imbalance", s.profile.pressure_imbalance,
                   [](double x) { return plus(x) + to_fixed(x, 3); }));
  f.push_back(
      line("Median Step Size", s.profile.median_step_size, with(pct3, "")));
  return f;
}

std::vector<std::string> backtest_footnotes() {
  // Gates of the statistics, interpolated into the footnotes.
  const auto [n, days, tpy, eyr, cl] = stat_math::limit_text();
  return {
      "*Win Rate: winning trades as a share of the trades that won or lost; "
      "break-even trades are left out.*",
      "*Average PNL: mean net PNL per trade, after fees, slippage and "
      "leverage.*",
      "*Total PNL: plain sum of the per-trade PNL percentages (not "
      "compounded).*",
      "*Standard Deviation Per Trade: sample spread of the per-trade PNL; "
      "needs at least " +
          n + " trades.*",
      "*Sharpe Ratio: average PNL over its standard deviation, per trade, with "
      "a zero risk-free rate; needs at least " +
          n + " trades.*",
      "*Annualized Sharpe Ratio: Sharpe Ratio times the square root of the "
      "trades per year; needs at least " +
          n + " trades over at least " + days + " days and at most " + tpy +
          " trades per year.*",
      "*Certainty Ratio: average win over the size of the average loss; needs "
      "at least " +
          n + " trades and one loss.*",
      "*Expected Yearly Returns: growth of the compounded equity projected to "
      "one year; shown only within ±" +
          eyr +
          "% and while the account is not "
          "blown.*",
      "*Avg Peak PNL: mean of the best PNL each trade reached while open.*",
      "*Avg Max Drawdown PNL: mean of the worst PNL each trade reached while "
      "open.*",
      "*Sortino Ratio: average PNL over the downside deviation (losses only, "
      "averaged over all trades); needs at least " +
          n + " trades.*",
      "*Calmar Ratio: Expected Yearly Returns over the largest equity "
      "drawdown, limited to ±" +
          cl + ".*",
      "*Recovery Factor: compounded total return over the largest equity "
      "drawdown, limited to ±" +
          cl + "; needs at least " + n + " trades.*",
      "*Expectancy: win share times average win plus loss share times average "
      "loss; needs at least " +
          n + " trades.*",
      "*Median PNL: the middle per-trade PNL; far from the average it points "
      "to "
      "a skewed distribution.*",
      "*Avg Duration: mean minutes from the position's start to its close.*",
      "*Avg Win Duration: mean holding time of winning trades, in minutes.*",
      "*Avg Loss Duration: mean holding time of losing trades, in minutes.*",
      "*Avg Consecutive Win PNL: mean summed PNL of an unbroken run of winning "
      "trades, oldest to newest.*",
      "*Avg Consecutive Loss PNL: mean summed PNL of an unbroken run of losing "
      "trades, oldest to newest.*",
      "*Equity Drawdown: the equity curve compounds the trades in close order "
      "and marks each one at its worst intra-trade PNL; it feeds Calmar and "
      "Recovery.*",
      "*Trend: direction of a straight-line fit of the log exit price over "
      "time: bullish, bearish, neutral (slope small next to the median step) "
      "or sideways (weak fit).*",
      "*Trend Strength: slope of that fit, in percent per day.*",
      "*Trend Confidence (R²): how much of the exit-price movement the fit "
      "explains, from 0 to 1.*",
      "*Buyer Pressure: share of rising steps between consecutive exit "
      "prices.*",
      "*Seller Pressure: share of falling steps between consecutive exit "
      "prices.*",
      "*Buyer Strength: share of the total step size that went up.*",
      "*Seller Strength: share of the total step size that went down.*",
      "*Pressure Imbalance: Buyer Strength minus Seller Strength, between -1 "
      "and +1.*",
      "*Median Step Size: median absolute percent change between consecutive "
      "exit prices; the price profile needs at least " +
          n + " trades.*",
      "*N/A: the metric is undefined here: fewer than " + n +
          " trades, less "
          "than " +
          days + " days, more than " + tpy +
          " trades per year, a blown "
          "account or a value that is not finite.*",
      "*Negative values are losses or falling prices; a leading + marks a "
      "positive value.*",
  };
}

std::string render_backtest_report(std::string_view strategy_name,
                                   std::string_view symbol,
                                   const closed_trade_list& trades,
                                   const backtest_statistics& stats,
                                   const config& cfg) {
  std::string out = "# Backtest Report: ";
  out += strategy_name;
  out += "\n\n";
  if (stats.total_signals == 0) {
    out += "No signals closed yet.";
    return out;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : trades)
    rows.push_back(table_row(t, symbol, cfg));
  out += md::table(table_header(cfg.report_show_signal_note), rows);
  out += '\n';
  for (const auto& line : backtest_footer(stats)) {
    out += '\n';
    out += line;
  }
  out += '\n';
  for (const auto& line : backtest_footnotes()) {
    out += '\n';
    out += line;
  }
  return out;
}

} // namespace btk
