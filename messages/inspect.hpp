#pragma once

// CAF 0.17 `inspect` overloads for every record btk actors exchange, so the
// messages are typed and serializable (CAF refuses a message type without
// one). Included only by actor translation units.

#include <caf/meta/type_name.hpp>

#include "core/engine/backtest.hpp"
#include "core/engine/signal.hpp"
#include "messages/events.hpp"

namespace btk {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_request& x) {
  return f(caf::meta::type_name("signal_request"), x.position,
           x.price_take_profit, x.price_stop_loss, x.minute_estimated_time,
           x.price_open, x.id, x.note);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_row& x) {
  return f(caf::meta::type_name("signal_row"), x.id, x.note, x.position,
           x.price_open, x.original_price_open, x.price_take_profit,
           x.price_stop_loss, x.minute_estimated_time, x.scheduled_at,
           x.pending_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pnl_result& x) {
  return f(caf::meta::type_name("pnl_result"), x.pnl_percentage, x.pnl_cost,
           x.pnl_entries, x.price_open, x.price_close);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tick_result& x) {
  return f(caf::meta::type_name("tick_result"), x.kind, x.signal, x.when,
           x.close, x.cancel, x.close_timestamp, x.price_close, x.pnl,
           x.peak_pnl, x.max_drawdown_pnl);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, backtest_frame& x) {
  return f(caf::meta::type_name("backtest_frame"), x.start, x.end, x.iv);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_source& x) {
  return f(caf::meta::type_name("event_source"), x.symbol, x.strategy,
           x.exchange, x.frame, x.backtest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_event& x) {
  return f(caf::meta::type_name("signal_event"), x.source, x.result);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_event& x) {
  return f(caf::meta::type_name("progress_event"), x.source, x.total_frames,
           x.processed_frames, x.progress);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, done_event& x) {
  return f(caf::meta::type_name("done_event"), x.source, x.stopped, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_event& x) {
  return f(caf::meta::type_name("risk_event"), x.source, x.risk, x.pending,
           x.current_price, x.active_position_count, x.comment, x.when);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partial_event& x) {
  return f(caf::meta::type_name("partial_event"), x.source, x.profit, x.level,
           x.signal, x.current_price, x.when);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, performance_event& x) {
  return f(caf::meta::type_name("performance_event"), x.source, x.type,
           x.duration_ms, x.when, x.previous);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, error_event& x) {
  return f(caf::meta::type_name("error_event"), x.source, x.message, x.when);
}

} // namespace btk
