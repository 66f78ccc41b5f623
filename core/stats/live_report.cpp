#include "core/stats/live_report.hpp"

#include <limits>

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

} // namespace btk
