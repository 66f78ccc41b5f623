#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace btk {

/// The storage behind backtest-kit's `ReportStorage`s (statistics.md §1.1,
/// §4): every entry goes to the front, so iteration runs newest first, and
/// when the list grows beyond the cap the oldest entry is dropped. The
/// reference drops one entry per insert, which keeps `size() <= cap()` for a
/// fixed cap; a cap of 0 (or less) drops the entry just inserted, so nothing
/// is kept. Push is O(1).
template <class T>
class capped_list {
public:
  /// Iterates the stored entries newest first.
  using const_iterator = typename std::deque<T>::const_iterator;

  /// Creates an empty list that keeps at most `cap` entries.
  explicit capped_list(std::int64_t cap = 250)
      : cap_(cap) {}

  /// Stores `x` as the newest entry and drops the oldest beyond the cap.
  void push(T x) {
    rows_.push_front(std::move(x));
    if (static_cast<std::int64_t>(rows_.size()) > cap_)
      rows_.pop_back();
  }

  /// Removes every entry (a new run of the same key starts empty).
  void clear() noexcept { rows_.clear(); }

  /// The newest entry; the list must not be empty.
  const T& front() const { return rows_.front(); }

  /// First entry in newest-first order.
  const_iterator begin() const noexcept { return rows_.begin(); }

  /// Past-the-end of the newest-first order.
  const_iterator end() const noexcept { return rows_.end(); }

  /// Number of stored entries (at most the cap).
  std::size_t size() const noexcept { return rows_.size(); }

  /// True when no entry is stored.
  bool empty() const noexcept { return rows_.empty(); }

  /// The cap given at construction.
  std::int64_t cap() const noexcept { return cap_; }

private:
  std::int64_t cap_;
  std::deque<T> rows_;
};

} // namespace btk
