#include "core/stats/partial_report.hpp"

#include "core/stats/markdown.hpp"

namespace btk {

partial_statistics compute_partial(const partial_book& book) {
  partial_statistics out;
  out.events.assign(book.begin(), book.end());
  out.total_events = static_cast<std::int64_t>(out.events.size());
  for (const auto& e : out.events) {
    if (e.profit)
      ++out.total_profit;
    else
      ++out.total_loss;
  }
  return out;
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const partial_statistics& s) {
  return {
      {"totalEvents", s.total_events},
      {"totalProfit", s.total_profit},
      {"totalLoss", s.total_loss},
  };
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const partial_record& e) {
  return {
      {"action", std::string(e.profit ? "profit" : "loss")},
      {"symbol", e.symbol},
      {"strategyName", e.strategy},
      {"signalId", e.signal_id},
      {"position", std::string(to_string(e.position))},
      {"level", static_cast<std::int64_t>(e.level)},
      {"currentPrice", e.current_price},
      {"timestamp", e.when},
      {"backtest", static_cast<std::int64_t>(e.backtest ? 1 : 0)},
  };
}

std::string render_partial_report(std::string_view symbol,
                                  std::string_view strategy,
                                  const partial_statistics& stats) {
  std::vector<std::string> lines;
  lines.push_back("# Partial Profit/Loss Report: " + std::string(symbol) + ":" +
                  std::string(strategy));
  lines.emplace_back();
  if (stats.total_events == 0) {
    lines.emplace_back("No partial profit/loss events recorded yet.");
    return md::join_lines(lines);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : stats.events) {
    const std::string level = std::to_string(e.level) + "%";
    rows.push_back({e.profit ? "PROFIT" : "LOSS", e.symbol, e.strategy,
                    e.signal_id, md::upper(to_string(e.position)),
                    (e.profit ? "+" : "-") + level, md::usd(e.current_price),
                    to_iso(e.when), e.backtest ? "Backtest" : "Live"});
  }
  lines.push_back(
      md::table({"Action", "Symbol", "Strategy", "Signal ID", "Position",
                 "Level %", "Current Price", "Timestamp", "Mode"},
                rows));
  lines.emplace_back();
  lines.push_back("**Total events:** " + std::to_string(stats.total_events));
  lines.push_back("**Profit events:** " + std::to_string(stats.total_profit));
  lines.push_back("**Loss events:** " + std::to_string(stats.total_loss));
  return md::join_lines(lines);
}

} // namespace btk
