#include "core/stats/schedule_report.hpp"

#include <cmath>
#include <set>

#include "core/stats/markdown.hpp"
#include "core/stats/number_format.hpp"
#include "core/stats/stat_math.hpp"

namespace btk {

void schedule_book::push(std::string_view symbol, const tick_result& x,
                         double current_price) {
  const auto& sig = x.signal;
  scheduled_event e;
  e.kind = x.kind;
  e.symbol = std::string(symbol);
  e.signal_id = sig.id;
  e.note = sig.note;
  e.position = sig.position;
  e.current_price = current_price;
  e.price_open = sig.price_open;
  e.price_take_profit = sig.price_take_profit;
  e.price_stop_loss = sig.price_stop_loss;
  switch (x.kind) {
  case action::scheduled:
    e.when = sig.scheduled_at;
    break;
  case action::opened:
    if (sig.scheduled_at == sig.pending_at)
      return;
    e.when = sig.pending_at;
    e.duration = static_cast<double>(sig.pending_at - sig.scheduled_at) / 60000;
    break;
  case action::cancelled:
    e.when = x.close_timestamp;
    e.duration =
        static_cast<double>(x.close_timestamp - sig.scheduled_at) / 60000;
    e.cancel = x.cancel;
    if (std::isnan(e.current_price))
      e.current_price = x.price_close;
    break;
  default:
    return;
  }
  capped_list::push(std::move(e));
}

schedule_statistics compute_schedule(const schedule_book& book) {
  schedule_statistics out;
  out.events.assign(book.begin(), book.end());
  out.total_events = static_cast<std::int64_t>(out.events.size());
  std::set<std::string, std::less<>> scheduled_ids;
  std::vector<double> activation;
  std::vector<double> waits;
  for (const auto& e : out.events) {
    switch (e.kind) {
    case action::scheduled:
      ++out.total_scheduled;
      scheduled_ids.insert(e.signal_id);
      break;
    case action::opened:
      ++out.total_opened;
      activation.push_back(e.duration.value_or(0));
      break;
    case action::cancelled:
      ++out.total_cancelled;
      waits.push_back(e.duration.value_or(0));
      break;
    default:
      break;
    }
  }
  double opened = 0;
  double cancelled = 0;
  for (const auto& e : out.events) {
    if (scheduled_ids.count(e.signal_id) == 0)
      continue;
    if (e.kind == action::opened)
      opened += 1;
    else if (e.kind == action::cancelled)
      cancelled += 1;
  }
  const double resolved = opened + cancelled;
  if (resolved > 0) {
    out.activation_rate = stat_math::finite(opened / resolved * 100);
    out.cancellation_rate = stat_math::finite(cancelled / resolved * 100);
  }
  out.avg_activation_time = stat_math::mean(activation);
  out.avg_wait_time = stat_math::mean(waits);
  return out;
}

using stat_math::nullable;

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const schedule_statistics& s) {
  return {
      {"totalEvents", s.total_events},
      {"totalScheduled", s.total_scheduled},
      {"totalOpened", s.total_opened},
      {"totalCancelled", s.total_cancelled},
      {"cancellationRate", nullable(s.cancellation_rate)},
      {"activationRate", nullable(s.activation_rate)},
      {"avgWaitTime", nullable(s.avg_wait_time)},
      {"avgActivationTime", nullable(s.avg_activation_time)},
  };
}

std::vector<std::pair<std::string_view, stat_value>>
stat_fields(const scheduled_event& e) {
  stat_value price = std::monostate{};
  if (std::isfinite(e.current_price))
    price = e.current_price;
  stat_value reason = std::monostate{};
  if (e.cancel)
    reason = std::string(to_string(*e.cancel));
  return {
      {"timestamp", e.when},
      {"action", std::string(to_string(e.kind))},
      {"symbol", e.symbol},
      {"signalId", e.signal_id},
      {"position", std::string(to_string(e.position))},
      {"note", e.note},
      {"currentPrice", std::move(price)},
      {"priceOpen", e.price_open},
      {"takeProfit", e.price_take_profit},
      {"stopLoss", e.price_stop_loss},
      {"duration", nullable(e.duration)},
      {"cancelReason", std::move(reason)},
  };
}

namespace {

std::vector<std::string> header(bool note) {
  std::vector<std::string> h = {"Timestamp", "Action", "Symbol", "Signal ID",
                                "Position"};
  if (note)
    h.emplace_back("Note");
  for (const char* label : {"Current Price", "Entry Price", "Take Profit",
                            "Stop Loss", "Wait Time (min)", "Cancel Reason"})
    h.emplace_back(label);
  return h;
}

std::vector<std::string> cells(const scheduled_event& e, bool note) {
  std::vector<std::string> c;
  c.push_back(to_iso(e.when));
  c.push_back(md::upper(to_string(e.kind)));
  c.push_back(e.symbol);
  c.push_back(e.signal_id);
  c.push_back(md::upper(to_string(e.position)));
  if (note)
    c.push_back(e.note.empty() ? "N/A" : e.note);
  c.push_back(std::isfinite(e.current_price) && e.current_price != 0
                  ? md::usd(e.current_price)
                  : "N/A");
  c.push_back(md::usd(e.price_open));
  c.push_back(md::usd(e.price_take_profit));
  c.push_back(md::usd(e.price_stop_loss));
  // `${duration}`: JavaScript's shortest form, not toFixed.
  c.push_back(e.duration ? js_number(*e.duration) : "N/A");
  c.push_back(e.cancel ? md::upper(to_string(*e.cancel)) : "N/A");
  return c;
}

std::string or_na(const std::optional<double>& v, std::string_view suffix) {
  if (!v)
    return "N/A";
  return to_fixed(*v, 2) + std::string(suffix);
}

} // namespace

std::string render_schedule_report(std::string_view strategy_name,
                                   const schedule_statistics& stats,
                                   bool show_note) {
  std::vector<std::string> lines;
  lines.push_back("# Scheduled Signals Report: " + std::string(strategy_name));
  lines.emplace_back();
  if (stats.total_events == 0) {
    lines.emplace_back("No scheduled signals recorded yet.");
    return md::join_lines(lines);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : stats.events)
    rows.push_back(cells(e, show_note));
  lines.push_back(md::table(header(show_note), rows));
  lines.emplace_back();
  lines.push_back(
      md::field("Total events", std::to_string(stats.total_events)));
  lines.push_back(md::field("Scheduled signals (raw)",
                            std::to_string(stats.total_scheduled)));
  lines.push_back(
      md::field("Opened signals", std::to_string(stats.total_opened)));
  lines.push_back(
      md::field("Cancelled signals", std::to_string(stats.total_cancelled)));
  lines.push_back(md::field(
      "Activation rate", or_na(stats.activation_rate, "% (higher is better)")));
  lines.push_back(md::field("Cancellation rate", or_na(stats.cancellation_rate,
                                                       "% (lower is better)")));
  lines.push_back(md::field("Average activation time",
                            or_na(stats.avg_activation_time, " minutes")));
  lines.push_back(md::field("Average wait time (cancelled)",
                            or_na(stats.avg_wait_time, " minutes")));
  lines.emplace_back();
  for (const char* note : {
           "*Scheduled signals (raw): limit signals created while the price "
           "had not reached their entry, counted as stored, including those "
           "whose outcome fell out of the buffer.*",
           "*Opened signals: scheduled signals whose entry price was reached "
           "after they were created; one filled on its creation candle is "
           "not listed.*",
           "*Cancelled signals: scheduled signals dropped before their entry: "
           "on timeout, because the price hit the stop-loss first, or by the "
           "user.*",
           "*Activation rate: opened signals as a share of the stored "
           "scheduled signals that have an outcome in the buffer.*",
           "*Cancellation rate: cancelled signals as a share of the same "
           "resolved signals; with the activation rate it adds up to 100%.*",
           "*Average activation time: mean minutes from scheduling to the "
           "entry over the opened signals.*",
           "*Average wait time (cancelled): mean minutes from scheduling to "
           "the cancellation over the cancelled signals.*",
           "*Wait Time (min): minutes between scheduling and this event, "
           "unrounded; N/A for the scheduling itself.*",
       })
    lines.emplace_back(note);
  return md::join_lines(lines);
}

} // namespace btk
