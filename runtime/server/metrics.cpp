// `GET /metrics`: the server's counters and every run's, in the Prometheus
// text format (version 0.0.4).

#include <fmt/format.h>

#include "runtime/server/router.hpp"

namespace btk::serve {

namespace {

// A label value with `\`, `"` and newlines escaped.
std::string label(std::string_view v) {
  std::string out;
  for (const char ch : v) {
    if (ch == '\\' || ch == '"')
      out.push_back('\\');
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(ch);
  }
  return out;
}

void family(std::string& out, const char* name, const char* type,
            const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

} // namespace

std::string metrics_text(core& c) {
  std::string out;
  const auto up = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - c.started)
                      .count();
  family(out, "btk_uptime_seconds", "gauge",
         "Seconds since the server started.");
  out += fmt::format("btk_uptime_seconds {}\n", up);
  {
    std::lock_guard<std::mutex> g{c.counters_mtx};
    family(out, "btk_http_responses_total", "counter",
           "HTTP responses by status class.");
    for (const auto& [cls, n] : c.answered)
      out += fmt::format("btk_http_responses_total{{class=\"{}xx\"}} {}\n", cls,
                         n);
    family(out, "btk_ws_clients_total", "counter",
           "WebSocket clients that subscribed.");
    out += fmt::format("btk_ws_clients_total {}\n", c.ws_clients);
    family(out, "btk_ws_dropped_total", "counter",
           "WebSocket clients disconnected (too slow, or gone).");
    out += fmt::format("btk_ws_dropped_total {}\n", c.ws_dropped);
  }
  const auto hs = c.events.stats();
  family(out, "btk_events_published_total", "counter",
         "Events queued for WebSocket subscribers.");
  out += fmt::format("btk_events_published_total {}\n", hs.published);
  family(out, "btk_events_overflowed_total", "counter",
         "Events dropped because the dispatcher's queue was full.");
  out += fmt::format("btk_events_overflowed_total {}\n", hs.overflowed);
  family(out, "btk_event_subscribers", "gauge", "WebSocket subscribers now.");
  out += fmt::format("btk_event_subscribers {}\n", hs.subscribers);
  family(out, "btk_run_progress_ratio", "gauge",
         "Progress of each run (done / total; live runs: 0).");
  // Each family's lines form one group, as the format requires.
  std::string minutes, events, last_ms;
  for (const auto& r : c.events.runs()) {
    std::lock_guard<std::mutex> g{r->mtx};
    const auto id = label(r->id);
    out += fmt::format(
        "btk_run_progress_ratio{{run=\"{}\",kind=\"{}\",status=\"{}\"}} {}\n",
        id, to_string(r->kind), label(r->status),
        r->total > 0 ? r->done / r->total : 0.0);
    if (r->kind != run_kind::live)
      continue;
    minutes += fmt::format("btk_live_minutes_total{{run=\"{}\"}} {}\n", id,
                           r->counters.minutes);
    events += fmt::format("btk_live_events_total{{run=\"{}\"}} {}\n", id,
                          r->counters.events);
    last_ms += fmt::format("btk_live_last_minute_ms{{run=\"{}\"}} {}\n", id,
                           r->counters.last_minute_ms);
  }
  if (!minutes.empty()) {
    family(out, "btk_live_minutes_total", "counter",
           "Minutes each live run has run.");
    out += minutes;
    family(out, "btk_live_events_total", "counter",
           "Events each live run has published.");
    out += events;
    family(out, "btk_live_last_minute_ms", "gauge",
           "Wall time of each live run's last minute, ms.");
    out += last_ms;
  }
  return out;
}

} // namespace btk::serve
