#pragma once

// Binance REST market data: klines with paging and the server time, with
// the exchange's rate limits respected (the used-weight header, 429 with
// Retry-After, 418) and transient failures retried with back-off.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/market/candle.hpp"
#include "runtime/exchange/binance_json.hpp"
#include "runtime/net/http_client.hpp"

namespace btk {

/// How the REST client paces and retries.
struct rest_policy {
  /// Attempts per request (network errors, 5xx, 429, 418). Default: 5
  int attempts = 5;
  /// First back-off; doubles per attempt. Default: 200 ms
  std::chrono::milliseconds backoff{200};
  /// Longest wait the client accepts from a Retry-After. Default: 60 s
  std::chrono::milliseconds max_wait{60000};
  /// Deadline of one request. Default: 10 s
  std::chrono::milliseconds timeout{10000};
  /// Pause a little once the used weight passes this share of the
  /// limit. Default: 0.8
  double weight_share = 0.8;
  /// The request-weight limit per minute. Default: 6000 (spot)
  int weight_limit = 6000;
  /// Real seconds per second of a `Retry-After`: the server's seconds,
  /// which on a simulator running N times faster are 1/N real seconds
  /// (`exchange_clock::rate`). Default: 1
  double retry_after_scale = 1;
};

/// A Binance REST client for one base URL and market.
class binance_rest {
public:
  binance_rest(url_parts base, binance::market m, rest_policy p = {});

  /// 1-minute klines opening in `[from, to]`, in pages of the market's
  /// limit (1000 spot, 1500 USD-M). Errors name the request and the reason
  /// after the retries are spent.
  expected<std::vector<candle>> klines(const std::string& symbol,
                                       timestamp from, timestamp to);

  /// `GET /api/v3/time` (or `/fapi/v1/time`).
  expected<timestamp> server_time();

  /// Called with a sentence for every retry (rate limit, failure).
  /// Default: none
  std::function<void(const std::string&)> on_warning;

  /// Requests sent, and retries among them.
  std::uint64_t requests() const noexcept { return requests_; }
  std::uint64_t retries() const noexcept { return retries_; }

private:
  expected<http_response> get(const std::string& target);

  url_parts base_;
  binance::endpoints ep_;
  rest_policy p_;
  std::uint64_t requests_ = 0;
  std::uint64_t retries_ = 0;
};

} // namespace btk
