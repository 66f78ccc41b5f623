#include "core/risk/risk.hpp"

#include <exception>

namespace btk {

risk_decision check_risk(const std::vector<risk_validation>& validations,
                         const risk_args& args) {
  risk_decision out;
  for (std::size_t i = 0; i < validations.size(); ++i) {
    const risk_validation& v = validations[i];
    bool ok = false;
    std::string what;
    if (!v.validate) {
      what = "validation " + std::to_string(i) + " has no function";
    } else {
      try {
        ok = v.validate(args);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
        what = "unknown exception";
      }
    }
    if (!ok) {
      out.allowed = false;
      out.failed = i;
      out.comment = v.note.empty() ? "N/A" : v.note;
      out.error = std::move(what);
      return out;
    }
  }
  return out;
}

void risk_book::open(std::string_view strategy, std::string_view symbol,
                     std::string_view exchange, timestamp at,
                     std::uint32_t rank) {
  key k{std::string{strategy}, std::string{symbol}};
  auto it = by_key_.find(k);
  if (it != by_key_.end()) {
    entries_.erase(it->second);
    by_key_.erase(it);
  }
  const order o{at, rank, arrivals_++};
  entry e;
  e.position = {k.first, k.second, std::string{exchange}, at};
  e.rank = rank;
  e.k = k;
  entries_.emplace(o, std::move(e));
  by_key_.emplace(std::move(k), o);
}

void risk_book::close(std::string_view strategy, std::string_view symbol,
                      timestamp at) {
  auto it = by_key_.find(key{std::string{strategy}, std::string{symbol}});
  if (it == by_key_.end())
    return;
  entry& e = entries_.at(it->second);
  if (e.close_timestamp == still_open)
    e.close_timestamp = at;
}

std::vector<risk_position> risk_book::active_at(timestamp t,
                                                std::uint32_t rank) const {
  std::vector<risk_position> out;
  for (const auto& [o, e] : entries_) {
    const timestamp opened = std::get<0>(o);
    // Ordered by open time: nothing later can be visible.
    if (opened > t)
      break;
    if (opened == t && !(e.rank < rank))
      continue;
    if (e.close_timestamp != still_open && e.close_timestamp <= t)
      continue;
    out.push_back(e.position);
  }
  return out;
}

void risk_book::forget_closed_before(timestamp t) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const entry& e = it->second;
    if (e.close_timestamp != still_open && e.close_timestamp <= t) {
      by_key_.erase(e.k);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

} // namespace btk
