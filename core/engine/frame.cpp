#include "core/engine/frame.hpp"

#include <algorithm>
#include <string>

namespace btk {

frame_margins frame_margins_for(const std::vector<frame_needs>& needs,
                                const config& cfg) {
  frame_margins m;
  m.warmup_minutes = cfg.avg_price_candles_count;
  for (const auto& n : needs) {
    m.warmup_minutes = std::max(m.warmup_minutes, n.lookback_minutes);
    std::int64_t life = n.max_lifetime_minutes;
    if (life <= 0)
      life = cfg.max_signal_lifetime_minutes;
    if (n.may_schedule)
      life += cfg.schedule_await_minutes;
    m.lookahead_minutes = std::max(m.lookahead_minutes, life + 1);
  }
  return m;
}

expected<backtest_frame> resolve_frame(timestamp first, timestamp last,
                                       const frame_margins& margins,
                                       std::optional<timestamp> start,
                                       std::optional<timestamp> end,
                                       interval iv) {
  backtest_frame f;
  f.iv = iv;
  f.start = start ? *start : first + margins.warmup_minutes * minute_ms;
  f.end = end ? *end : last - margins.lookahead_minutes * minute_ms;
  if (f.end < f.start)
    return error{"the frame is empty: start " + to_iso(f.start) +
                 " is after end " + to_iso(f.end) + " (the data covers " +
                 to_iso(first) + " .. " + to_iso(last) + "; warm-up " +
                 std::to_string(margins.warmup_minutes) + " min, look-ahead " +
                 std::to_string(margins.lookahead_minutes) + " min)"};
  return f;
}

} // namespace btk
