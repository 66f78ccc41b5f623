#include "runtime/exchange/exchange_sim.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "runtime/exchange/binance_json.hpp"
#include "runtime/exchange/sim_impl.hpp"
#include "runtime/net/listen.hpp"
#include "runtime/net/tls.hpp"

namespace btk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

using sim::query_of;
using sim::upper;

namespace {

bool read_int(const std::string& s, std::int64_t& out) {
  if (s.empty() || s.find_first_not_of("-0123456789") != std::string::npos)
    return false;
  out = std::stoll(s);
  return true;
}

} // namespace

http::response<http::string_body>
exchange_sim::impl::answer(const http::request<http::string_body>& req) {
  count(&exchange_sim_stats::rest_requests);
  const std::string target{req.target()};
  const std::string path = target.substr(0, target.find('?'));
  const timestamp t = now();
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  auto fail = [&](http::status st, int code, const std::string& msg) {
    res.result(st);
    res.body() =
        "{\"code\":" + std::to_string(code) + ",\"msg\":\"" + msg + "\"}";
    res.prepare_payload();
    return res;
  };
  if (roll(o.faults.too_many)) {
    count(&exchange_sim_stats::faults);
    res.set(http::field::retry_after, "1");
    return fail(http::status::too_many_requests, -1003,
                "Too many requests (simulated).");
  }
  const timestamp minute = t / minute_ms;
  if (minute != weight_minute) {
    weight_minute = minute;
    weight = 0;
  }
  if (path == "/api/v3/time" || path == "/fapi/v1/time") {
    weight += 1;
    res.set("X-MBX-USED-WEIGHT-1M", std::to_string(weight));
    res.body() = "{\"serverTime\":" + std::to_string(t) + "}";
    res.prepare_payload();
    return res;
  }
  const bool spot = path == "/api/v3/klines";
  if (!spot && path != "/fapi/v1/klines")
    return fail(http::status::not_found, -1, "Unknown path " + path + ".");
  auto q = query_of(target);
  const auto it = o.data.find(q["symbol"]);
  if (it == o.data.end())
    return fail(http::status::bad_request, -1121, "Invalid symbol.");
  if (q["interval"] != "1m")
    return fail(http::status::bad_request, -1120, "Invalid interval.");
  std::int64_t limit = 500, from = 0, to = t;
  const std::int64_t max_limit = spot ? 1000 : 1500;
  if ((q.count("limit") && !read_int(q["limit"], limit)) ||
      (q.count("startTime") && !read_int(q["startTime"], from)) ||
      (q.count("endTime") && !read_int(q["endTime"], to)))
    return fail(http::status::bad_request, -1100,
                "Illegal characters found in a parameter.");
  if (limit < 1 || limit > max_limit)
    return fail(http::status::bad_request, -1130,
                "Invalid data sent for a parameter: limit.");
  weight += 2;
  res.set("X-MBX-USED-WEIGHT-1M", std::to_string(weight));
  const series& s = *it->second;
  const auto& m = s.minutes();
  std::string body = "[";
  std::int64_t n = 0;
  timestamp c = std::max(from, s.first());
  c = (c + minute_ms - 1) / minute_ms * minute_ms;
  for (; c <= std::min(to, s.last()) && c + minute_ms <= t && n < limit;
       c += minute_ms, ++n) {
    const auto k = static_cast<std::size_t>(s.index_of(c));
    body += (n ? "," : "") +
            binance::kline_array_json(
                {c, m.open[k], m.high[k], m.low[k], m.close[k], m.volume[k]});
  }
  res.body() = body + "]";
  res.prepare_payload();
  return res;
}

void exchange_sim::impl::push(const std::string& symbol, const candle& c,
                              bool closed) {
  const timestamp t = now();
  for (auto& w : sessions) {
    auto s = w.lock();
    if (!s || !s->wants(symbol))
      continue;
    if (closed && roll(o.faults.drop)) {
      count(&exchange_sim_stats::faults);
      s->drop();
      continue;
    }
    std::string text = binance::kline_event_json(symbol, c, closed, t);
    if (roll(o.faults.garbage)) {
      count(&exchange_sim_stats::faults);
      // Alternate a truncated message and one that is not JSON at all.
      s->send(text.substr(0, text.size() / 2));
      s->send("{\"stream\":garbage}");
    }
    s->send(text);
    if (closed)
      count(&exchange_sim_stats::pushed);
    if (closed && roll(o.faults.duplicate)) {
      count(&exchange_sim_stats::faults);
      s->send(text);
    }
    if (closed && roll(o.faults.out_of_order)) {
      const auto& data = *o.data.at(symbol);
      const auto k = data.index_of(c.ts - minute_ms);
      if (k >= 0) {
        count(&exchange_sim_stats::faults);
        const auto& m = data.minutes();
        const auto u = static_cast<std::size_t>(k);
        s->send(
            binance::kline_event_json(symbol,
                                      {c.ts - minute_ms, m.open[u], m.high[u],
                                       m.low[u], m.close[u], m.volume[u]},
                                      true, t));
      }
    }
  }
}

void exchange_sim::impl::tick() {
  const timestamp t = now();
  // Forget closed sessions; rotate old ones; ping now and then.
  std::vector<std::weak_ptr<sim_client>> live;
  for (auto& w : sessions)
    if (auto s = w.lock(); s && s->is_open()) {
      if (t - s->connected_at() >= o.rotate_ms)
        s->drop();
      else
        live.push_back(w);
    } else if (s) {
      live.push_back(w); // still accepting
    }
  sessions.swap(live);
  const bool ping = t >= next_ping;
  if (ping)
    next_ping = t + 3 * minute_ms;
  for (auto& w : sessions)
    if (auto s = w.lock(); s && ping && s->is_open())
      s->send("");
  while (next_update + minute_ms / 2 <= t &&
         next_update < next_push + minute_ms) {
    for (const auto& [symbol, data] : o.data) {
      const auto k = data->index_of(next_update);
      if (k < 0)
        continue;
      const auto& m = data->minutes();
      const auto u = static_cast<std::size_t>(k);
      push(symbol,
           {next_update, m.open[u], m.high[u], m.low[u], m.open[u],
            m.volume[u] / 2},
           false);
    }
    next_update += minute_ms;
  }
  while (next_push + minute_ms + o.faults.late_ms <= t) {
    if (o.faults.late_ms > 0)
      count(&exchange_sim_stats::faults);
    for (const auto& [symbol, data] : o.data) {
      const auto k = data->index_of(next_push);
      if (k < 0)
        continue;
      const auto& m = data->minutes();
      const auto u = static_cast<std::size_t>(k);
      push(symbol,
           {next_push, m.open[u], m.high[u], m.low[u], m.close[u], m.volume[u]},
           true);
    }
    next_push += minute_ms;
  }
  ticker.expires_after(std::chrono::milliseconds(2));
  ticker.async_wait([this](beast::error_code ec) {
    if (!ec)
      tick();
  });
}

expected<sim_faults> parse_sim_faults(const std::string& text) {
  sim_faults f;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    if (comma == std::string::npos)
      comma = text.size();
    const auto item = text.substr(pos, comma - pos);
    pos = comma + 1;
    const auto eq = item.find('=');
    const auto key = item.substr(0, eq);
    char* end = nullptr;
    const double v =
        eq == std::string::npos ? -1 : std::strtod(item.c_str() + eq + 1, &end);
    const bool number = eq != std::string::npos && end && *end == '\0';
    if (key == "late") {
      if (!number || v < 0 || v >= 60000)
        return error{"fault 'late': expected clock milliseconds 0 .. 59999, "
                     "got '" +
                     item + "'"};
      f.late_ms = static_cast<std::int64_t>(v);
      continue;
    }
    double* slot = key == "drop"      ? &f.drop
                   : key == "429"     ? &f.too_many
                   : key == "dup"     ? &f.duplicate
                   : key == "reorder" ? &f.out_of_order
                   : key == "garbage" ? &f.garbage
                                      : nullptr;
    if (!slot)
      return error{"fault '" + key +
                   "': expected drop, 429, dup, reorder, garbage or late"};
    if (!number || v < 0 || v > 0.5)
      return error{"fault '" + item + "': expected a chance between 0 and 0.5"};
    *slot = v;
  }
  return f;
}

exchange_sim::exchange_sim(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}

exchange_sim::~exchange_sim() {
  net::post(impl_->ioc, [p = impl_.get()] {
    beast::error_code ec;
    p->acceptor.close(ec);
    p->ticker.cancel();
    for (auto& w : p->sessions)
      if (auto s = w.lock())
        s->drop();
    p->ioc.stop();
  });
  if (impl_->thread.joinable())
    impl_->thread.join();
}

expected<std::unique_ptr<exchange_sim>>
exchange_sim::start(exchange_sim_options o) {
  if (o.data.empty())
    return error{"exchange-sim: no candles to serve"};
  if (!(o.speed > 0 && o.speed <= 1e6))
    return error{"exchange-sim: speed " + std::to_string(o.speed) +
                 " is not in (0, 1000000]"};
  auto p = std::make_unique<impl>();
  timestamp first = o.data.begin()->second->first();
  for (const auto& [s, d] : o.data)
    first = std::min(first, d->first());
  if (o.from == 0)
    o.from = first + day_ms;
  if (o.from % minute_ms != 0)
    return error{"exchange-sim: --from " + to_iso(o.from) +
                 " is not on a whole minute"};
  if (o.tls_cert.empty() != o.tls_key.empty())
    return error{"exchange-sim: TLS needs both a certificate (--tls-cert) and "
                 "its key (--tls-key)"};
  if (!o.tls_cert.empty()) {
    p->tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    if (auto ok = setup_server_tls(*p->tls, o.tls_cert, o.tls_key); !ok)
      return error{"exchange-sim: " + ok.err().message};
  }
  p->o = std::move(o);
  p->dice.seed(p->o.seed);
  beast::error_code ec;
  const auto addr = net::ip::make_address(p->o.host, ec);
  if (ec)
    return error{"exchange-sim: listen address '" + p->o.host +
                 "': " + ec.message()};
  const tcp::endpoint ep{addr, p->o.port};
  ec = open_listener(p->acceptor, ep);
  if (ec)
    return error{"exchange-sim: cannot listen on " + p->o.host + ":" +
                 std::to_string(p->o.port) + ": " + ec.message()};
  p->start = std::chrono::steady_clock::now();
  p->next_push = p->o.from - minute_ms; // the first candle to close
  p->next_update = p->o.from;
  p->next_ping = p->o.from + 3 * minute_ms;
  auto* raw = p.get();
  raw->accept();
  raw->tick();
  raw->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<exchange_sim>(new exchange_sim(std::move(p)));
}

std::uint16_t exchange_sim::port() const noexcept {
  return impl_->acceptor.local_endpoint().port();
}

std::string exchange_sim::base_url() const {
  return std::string{impl_->tls ? "https://" : "http://"} + impl_->o.host +
         ":" + std::to_string(port());
}

timestamp exchange_sim::now() const {
  return impl_->now();
}

exchange_sim_stats exchange_sim::stats() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->stats;
}

} // namespace btk
