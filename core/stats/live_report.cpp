#include "core/stats/live_report.hpp"

#include <limits>

namespace btk {

void live_event_book::add(const live_result& r) {
  const auto n = rows_.size();
  if (r.kind == action::idle) {
    // The oldest idle, unless an opened or active event is older still.
    for (std::size_t k = n; k-- > 0;) {
      if (rows_[k].kind != action::idle)
        continue;
      bool busy_after = false;
      for (std::size_t j = k + 1; j < n && !busy_after; ++j)
        busy_after = rows_[j].kind == action::opened ||
                     rows_[j].kind == action::active;
      if (!busy_after) {
        rows_[k] = r;
        return;
      }
      break;
    }
  } else if (r.kind == action::active || r.kind == action::waiting) {
    for (std::size_t k = n; k-- > 0;)
      if (rows_[k].kind == r.kind && rows_[k].signal.id == r.signal.id) {
        rows_[k] = r;
        return;
      }
  }
  rows_.push_front(r);
  if (static_cast<std::int64_t>(rows_.size()) > cap_)
    rows_.pop_back();
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

} // namespace btk
