#include "core/stats/live_report.hpp"

#include <cmath>
#include <limits>

#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"
#include "core/stats/report.hpp"

namespace btk {

void live_event_book::forget(std::uint64_t number, const live_result& r) {
  if (r.kind == action::idle)
    idle_.erase(number);
  if (r.kind == action::opened || r.kind == action::active)
    busy_.erase(number);
  if (r.kind == action::active || r.kind == action::waiting) {
    const auto it = ticks_.find({static_cast<int>(r.kind), r.signal.id});
    if (it != ticks_.end()) {
      it->second.erase(number);
      if (it->second.empty())
        ticks_.erase(it);
    }
  }
}

void live_event_book::add(const live_result& r) {
  if (r.kind == action::idle && !idle_.empty()) {
    // The oldest idle, unless an opened or active event is older still.
    const auto oldest = *idle_.begin();
    if (busy_.empty() || *busy_.begin() > oldest) {
      row(oldest) = r;
      return;
    }
  } else if (r.kind == action::active || r.kind == action::waiting) {
    const auto it = ticks_.find({static_cast<int>(r.kind), r.signal.id});
    if (it != ticks_.end()) {
      row(*it->second.begin()) = r;
      return;
    }
  }
  const auto number = ++newest_;
  rows_.push_front(r);
  if (r.kind == action::idle)
    idle_.insert(number);
  if (r.kind == action::opened || r.kind == action::active)
    busy_.insert(number);
  if (r.kind == action::active || r.kind == action::waiting)
    ticks_[{static_cast<int>(r.kind), r.signal.id}].insert(number);
  if (static_cast<std::int64_t>(rows_.size()) > cap_) {
    forget(newest_ - (rows_.size() - 1), rows_.back());
    rows_.pop_back();
  }
}

closed_trade_list live_event_book::closed() const {
  closed_trade_list out{std::numeric_limits<std::int64_t>::max()};
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it)
    if (it->kind == action::closed) {
      tick_result t = *it;
      t.when = it->close_timestamp;
      out.push(t);
    }
  return out;
}

live_statistics compute_live_statistics(const live_event_book& book) {
  live_statistics s;
  s.total_events = static_cast<std::int64_t>(book.events().size());
  const auto closed = book.closed();
  s.total_closed = static_cast<std::int64_t>(closed.size());
  if (s.total_closed > 0)
    s.metrics = compute_backtest_statistics(closed);
  return s;
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const live_statistics& s) {
  std::vector<std::pair<std::string_view, stat_value>> out{
      {"totalEvents", s.total_events}, {"totalClosed", s.total_closed}};
  for (auto& f : stat_fields(s.metrics)) {
    if (f.first == "totalSignals" || f.first == "signalListLength")
      continue;
    out.push_back(f);
  }
  out.emplace_back("eventListLength", s.total_events);
  return out;
}

namespace {

std::string signed_pct(double x) {
  return (x > 0 ? "+" : "") + to_fixed(x, 2) + "%";
}

std::vector<std::string> live_header(bool note) {
  std::vector<std::string> h = {"Timestamp", "Action", "Symbol", "Signal ID",
                                "Position"};
  if (note)
    h.emplace_back("Note");
  for (const char* label :
       {"Current Price", "Open Price",     "Multiplier",
        "Margin",        "Take Profit",    "Stop Loss",
        "Original TP",   "Original SL",    "Original Entry",
        "DCA Entries",   "Partial Closes", "Partial Executed %",
        "% to TP",       "% to SL",        "PNL (net)",
        "PNL (USD)",     "Close Reason",   "Duration (min)",
        "Pending At",    "Scheduled At",   "Peak PNL",
        "Max DD PNL"})
    h.emplace_back(label);
  return h;
}

// One event as the reference's live table prints it; `N/A` where the event
// kind carries no value.
std::vector<std::string> live_row(const live_result& r, std::string_view symbol,
                                  const config& cfg) {
  const auto& s = r.signal;
  const bool has_signal = r.kind != action::idle;
  const bool open_or_closed = r.kind == action::opened ||
                              r.kind == action::active ||
                              r.kind == action::closed;
  auto na = [](bool ok, std::string text) {
    return ok ? std::move(text) : std::string{"N/A"};
  };
  const timestamp at = r.kind == action::closed   ? r.close_timestamp
                       : r.kind == action::opened ? s.pending_at
                                                  : r.when;
  std::vector<std::string> c;
  c.push_back(to_iso(at));
  c.push_back(md::upper(to_string(r.kind)));
  c.emplace_back(symbol);
  c.push_back(na(has_signal, s.id));
  c.push_back(na(has_signal, s.position == side::long_ ? "LONG" : "SHORT"));
  if (cfg.report_show_signal_note)
    c.push_back(na(has_signal && !s.note.empty(), s.note));
  c.push_back(md::usd(r.current_price));
  c.push_back(na(has_signal, md::usd(s.price_open)));
  c.push_back(na(has_signal, js_number(cfg.signal_leverage_multiplier) + "x"));
  c.push_back(na(has_signal, "isolated"));
  c.push_back(na(has_signal, md::usd(s.price_take_profit)));
  c.push_back(na(has_signal, md::usd(s.price_stop_loss)));
  c.push_back(na(has_signal, md::usd(s.price_take_profit)));
  c.push_back(na(has_signal, md::usd(s.price_stop_loss)));
  c.emplace_back("N/A"); // Original Entry: events do not carry it
  c.emplace_back("N/A"); // DCA Entries: idem
  c.push_back(na(has_signal, "0"));
  c.push_back(na(has_signal, "0.0%"));
  c.push_back(na(r.kind == action::active, to_fixed(r.percent_tp, 2) + "%"));
  c.push_back(na(r.kind == action::active, to_fixed(r.percent_sl, 2) + "%"));
  c.push_back(na(open_or_closed && r.kind != action::opened,
                 signed_pct(r.pnl.pnl_percentage)));
  c.push_back(na(open_or_closed && r.kind != action::opened,
                 (r.pnl.pnl_cost > 0 ? "+" : "") + md::usd(r.pnl.pnl_cost)));
  c.push_back(na(r.kind == action::closed, std::string{to_string(r.close)}));
  c.push_back(
      na(r.kind == action::closed && s.pending_at > 0,
         js_number(static_cast<double>(r.close_timestamp - s.pending_at) /
                   60000)));
  c.push_back(na(s.pending_at > 0, to_iso(s.pending_at)));
  c.push_back(na(has_signal && s.scheduled_at > 0, to_iso(s.scheduled_at)));
  c.push_back(
      na(open_or_closed && r.kind != action::opened, signed_pct(r.peak_pnl)));
  c.push_back(na(open_or_closed && r.kind != action::opened,
                 to_fixed(r.max_drawdown_pnl, 2) + "%"));
  return c;
}

} // namespace

std::string render_live_report(std::string_view strategy_name,
                               std::string_view symbol,
                               const live_event_book& book,
                               const live_statistics& stats,
                               const config& cfg) {
  std::string out = "# Live Trading Report: ";
  out += strategy_name;
  out += "\n\n";
  if (book.events().empty()) {
    out += "No events recorded yet.";
    return out;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : book.events())
    rows.push_back(live_row(r, symbol, cfg));
  out += md::table(live_header(cfg.report_show_signal_note), rows);
  out += "\n\n**Total events:** " + std::to_string(stats.total_events);
  out += "\n**Closed signals:** " + std::to_string(stats.total_closed);
  const auto lines = backtest_footer(stats.metrics);
  for (std::size_t k = 2; k < lines.size(); ++k)
    out += "\n" + lines[k];
  out += '\n';
  for (const auto& line : backtest_footnotes())
    out += "\n" + line;
  return out;
}

} // namespace btk
