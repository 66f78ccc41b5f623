#include "core/stats/risk_report.hpp"

#include <algorithm>

#include "core/stats/markdown.hpp"

namespace btk {

namespace {

/// Adds one to `name`'s count, appending it on first sight.
void count(std::vector<std::pair<std::string, std::int64_t>>& counts,
           const std::string& name) {
  auto it = std::find_if(counts.begin(), counts.end(),
                         [&](const auto& p) { return p.first == name; });
  if (it == counts.end())
    counts.emplace_back(name, 1);
  else
    ++it->second;
}

} // namespace

risk_statistics compute_risk(const risk_report_book& book) {
  risk_statistics out;
  out.events.assign(book.begin(), book.end());
  out.total_rejections = static_cast<std::int64_t>(out.events.size());
  for (const auto& e : out.events) {
    count(out.by_symbol, e.symbol);
    count(out.by_strategy, e.strategy);
  }
  return out;
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const risk_statistics& s) {
  return {{"totalRejections", s.total_rejections}};
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const risk_rejection& e) {
  stat_value id = std::monostate{};
  if (!e.signal_id.empty())
    id = e.signal_id;
  return {
      {"symbol", e.symbol},
      {"strategyName", e.strategy},
      {"exchangeName", e.exchange},
      {"signalId", std::move(id)},
      {"position", std::string(to_string(e.position))},
      {"currentPrice", e.current_price},
      {"activePositionCount",
       static_cast<std::int64_t>(e.active_position_count)},
      {"rejectionNote", e.comment},
      {"timestamp", e.when},
  };
}

std::string render_risk_report(std::string_view symbol,
                               std::string_view strategy,
                               const risk_statistics& stats) {
  std::vector<std::string> lines;
  lines.push_back("# Risk Rejection Report: " + std::string(symbol) + ":" +
                  std::string(strategy));
  lines.emplace_back();
  if (stats.total_rejections == 0) {
    lines.emplace_back("No risk rejections recorded yet.");
    return md::join_lines(lines);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : stats.events)
    rows.push_back(
        {e.symbol, e.strategy, e.signal_id.empty() ? "N/A" : e.signal_id,
         md::upper(to_string(e.position)), e.exchange, md::usd(e.current_price),
         std::to_string(e.active_position_count),
         e.comment.empty() ? "N/A" : e.comment, to_iso(e.when)});
  lines.push_back(md::table({"Symbol", "Strategy", "Signal ID", "Position",
                             "Exchange", "Current Price", "Active Positions",
                             "Rejection Reason", "Timestamp"},
                            rows));
  lines.emplace_back();
  lines.push_back("**Total rejections:** " +
                  std::to_string(stats.total_rejections));
  lines.emplace_back();
  lines.emplace_back("## Rejections by Symbol");
  for (const auto& [name, n] : stats.by_symbol)
    lines.push_back("- " + name + ": " + std::to_string(n));
  lines.emplace_back();
  lines.emplace_back("## Rejections by Strategy");
  for (const auto& [name, n] : stats.by_strategy)
    lines.push_back("- " + name + ": " + std::to_string(n));
  return md::join_lines(lines);
}

} // namespace btk
