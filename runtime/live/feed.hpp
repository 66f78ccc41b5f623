#pragma once

// Where a live session's candles come from. A feed hands the session, for
// a tick at `t`, the 1-minute candles of a symbol that closed before `t`.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/market/series.hpp"
#include "runtime/live/clock.hpp"

namespace btk {

/// The market data of a live session.
class market_feed {
public:
  virtual ~market_feed() = default;

  /// The candles of `symbol` up to and including the candle opening at
  /// `t - 1m`, or an error naming what is missing (the tick then fails and
  /// is tried again at the next minute, as the reference does). A feed
  /// whose candles arrive over the network may wait for it, reading
  /// `clock` to know how long, and returns early once `cancel` is set.
  virtual expected<std::shared_ptr<const series>>
  candles_before(const std::string& symbol, timestamp t, live_clock& clock,
                 const std::atomic<bool>& cancel) = 0;

  /// True when no tick at or after `t` can ever get its candles (a replay
  /// past the end of its data): the session then ends. Default: false
  virtual bool exhausted(timestamp) const { return false; }
};

/// `s` when it holds the candle opening at `t - 1m` (recorded candles are
/// released once the clock has passed their close), else an error naming
/// what is missing. Shared by every feed that replays a series.
inline expected<std::shared_ptr<const series>>
replay_candles(const std::string& symbol, std::shared_ptr<const series> s,
               timestamp t) {
  if (!s)
    return error{"no candles for symbol " + symbol};
  if (s->index_of(t - minute_ms) < 0)
    return error{"no " + symbol + " candle opening at " +
                 to_iso(t - minute_ms) + " (the data covers " +
                 to_iso(s->first()) + " .. " + to_iso(s->last()) + ")"};
  return s;
}

/// Replays recorded candles (a candle file or the store): the candle
/// opening at `c` is released once the clock reaches `c + 1m`, i.e. only
/// for ticks after its close. The series handed out may hold later
/// candles; the live tick reads none at or after `t` (core/live).
class replay_feed final : public market_feed {
public:
  explicit replay_feed(std::map<std::string, std::shared_ptr<const series>> d)
      : data_(std::move(d)) {}

  expected<std::shared_ptr<const series>>
  candles_before(const std::string& symbol, timestamp t, live_clock&,
                 const std::atomic<bool>&) override {
    const auto it = data_.find(symbol);
    return replay_candles(symbol, it == data_.end() ? nullptr : it->second, t);
  }

  /// Past the last candle of every symbol.
  bool exhausted(timestamp t) const override {
    for (const auto& [symbol, s] : data_)
      if (t - minute_ms <= s->last())
        return false;
    return true;
  }

private:
  std::map<std::string, std::shared_ptr<const series>> data_;
};

} // namespace btk
