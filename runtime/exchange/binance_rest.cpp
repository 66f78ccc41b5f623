#include "runtime/exchange/binance_rest.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace btk {

binance_rest::binance_rest(url_parts base, binance::market m, rest_policy p)
    : base_(std::move(base))
    , ep_(binance::endpoints_of(m))
    , p_(p) {}

expected<http_response> binance_rest::get(const std::string& target) {
  auto wait = p_.backoff;
  std::string last;
  for (int attempt = 1; attempt <= p_.attempts; ++attempt) {
    ++requests_;
    auto r = http_get(base_, target, p_.timeout);
    std::chrono::milliseconds pause = wait;
    if (r && r->status == 200) {
      const long used = std::strtol(r->used_weight.c_str(), nullptr, 10);
      if (used > p_.weight_share * p_.weight_limit)
        // Close to the limit: give the window time to roll.
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      return r;
    }
    if (!r) {
      last = r.err().message;
    } else {
      last = "GET " + target + ": HTTP " + std::to_string(r->status) + " " +
             r->body.substr(0, 200);
      if (r->status == 429 || r->status == 418) {
        const long s = std::strtol(r->retry_after.c_str(), nullptr, 10);
        if (s > 0)
          pause = std::chrono::milliseconds(std::max<long>(
              1, static_cast<long>(s * 1000 * p_.retry_after_scale)));
        if (pause > p_.max_wait)
          return error{last + " (Retry-After " + r->retry_after +
                       " s is longer than the client waits)"};
      } else if (r->status < 500) {
        return error{last}; // a request the exchange refuses: no retry
      }
    }
    if (attempt == p_.attempts)
      break;
    ++retries_;
    if (on_warning)
      on_warning(last + "; retrying in " + std::to_string(pause.count()) +
                 " ms");
    std::this_thread::sleep_for(pause);
    wait = std::min(wait * 2, p_.max_wait);
  }
  return error{last +
               (p_.attempts > 1
                    ? " (after " + std::to_string(p_.attempts) + " attempts)"
                    : std::string{})};
}

expected<std::vector<candle>>
binance_rest::klines(const std::string& symbol, timestamp from, timestamp to) {
  std::vector<candle> out;
  timestamp at = from;
  while (at <= to) {
    const auto target = ep_.klines + "?symbol=" + symbol +
                        "&interval=1m&startTime=" + std::to_string(at) +
                        "&endTime=" + std::to_string(to + minute_ms - 1) +
                        "&limit=" + std::to_string(ep_.max_limit);
    auto r = get(target);
    if (!r)
      return r.err();
    auto page = binance::parse_klines(r->body);
    if (!page)
      return error{"GET " + target + ": " + page.err().message};
    std::size_t added = 0;
    for (const auto& c : *page) {
      if (c.ts < at || c.ts > to)
        continue;
      if (!out.empty() && c.ts <= out.back().ts)
        continue; // repeated or out of order: keep the first
      out.push_back(c);
      ++added;
    }
    if (added == 0)
      break; // nothing (more) there yet
    at = out.back().ts + minute_ms;
  }
  return out;
}

expected<timestamp> binance_rest::server_time() {
  auto r = get(ep_.time);
  if (!r)
    return r.err();
  return binance::parse_server_time(r->body);
}

} // namespace btk
