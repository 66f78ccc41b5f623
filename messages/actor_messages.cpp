#include "messages/actor_messages.hpp"

#include <caf/actor_system_config.hpp>

namespace btk {

risk_event rejection_event(const event_source& source, const risk_check& c,
                           const risk_verdict& v) {
  risk_event e;
  e.source = source;
  e.risk = v.risk;
  e.pending = c.args.pending;
  e.current_price = c.args.current_price;
  e.active_position_count = v.active_position_count;
  e.comment = v.comment;
  e.when = c.args.when;
  return e;
}

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<signal_request>("btk::signal_request");
  cfg.add_message_type<signal_row>("btk::signal_row");
  cfg.add_message_type<tick_result>("btk::tick_result");
  cfg.add_message_type<backtest_frame>("btk::backtest_frame");
  cfg.add_message_type<event_source>("btk::event_source");
  cfg.add_message_type<signal_event>("btk::signal_event");
  cfg.add_message_type<progress_event>("btk::progress_event");
  cfg.add_message_type<done_event>("btk::done_event");
  cfg.add_message_type<risk_event>("btk::risk_event");
  cfg.add_message_type<partial_event>("btk::partial_event");
  cfg.add_message_type<performance_event>("btk::performance_event");
  cfg.add_message_type<error_event>("btk::error_event");
  cfg.add_message_type<risk_check>("btk::risk_check");
  cfg.add_message_type<risk_verdict>("btk::risk_verdict");
  cfg.add_message_type<position_opened>("btk::position_opened");
  cfg.add_message_type<position_closed>("btk::position_closed");
}

} // namespace btk
