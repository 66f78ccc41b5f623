#pragma once

// Live market data from Binance (spot or USD-M futures): REST klines warm
// the candles up and fill gaps, the WebSocket kline stream (combined
// streams) delivers each closed candle. Reconnects with back-off (also
// after the exchange's 24-hour rotation), backfills the gap after a
// reconnect, ignores repeated and out-of-order candles, and keeps every
// malformed message out (counted and reported).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/exchange/binance_rest.hpp"
#include "runtime/live/feed.hpp"

namespace btk {

/// What a `binance_feed` connects to and keeps.
struct binance_feed_options {
  /// The REST base (`https://api.binance.com`, or a simulator's URL).
  url_parts rest;
  /// The WebSocket base (`wss://stream.binance.com:9443`, or the same
  /// address as `rest` for the simulator).
  url_parts ws;
  binance::market market = binance::market::spot;
  /// Symbols, upper case. At least one.
  std::vector<std::string> symbols;
  /// 1-minute candles kept per symbol: the longest look-back of the
  /// strategies plus the VWAP window and a margin. Default: 1440
  std::int64_t keep_minutes = 1440;
  /// The first tick; warm-up loads the `keep_minutes` before it.
  timestamp from = 0;
  /// How REST is paced and retried. Default: `rest_policy{}`
  btk::rest_policy pacing;
  /// How long after a tick's time (clock time) it waits for the candle
  /// before asking REST for it. Default: 55 s
  timestamp wait_ms = 55'000;
  /// Reconnect back-off: first wait, doubling to `max_backoff_ms`.
  /// Default: 100 ms .. 5 s (real time)
  std::int64_t backoff_ms = 100;
  std::int64_t max_backoff_ms = 5000;
  /// Called (from btk's threads) with a sentence for every reconnect,
  /// retry and malformed message. Default: none
  std::function<void(const std::string&)> on_warning;
};

/// Counters of a feed.
struct binance_feed_stats {
  std::uint64_t messages = 0;
  std::uint64_t closed_candles = 0;
  std::uint64_t ignored = 0;
  std::uint64_t malformed = 0;
  std::uint64_t connects = 0;
  std::uint64_t backfilled = 0;
};

class binance_feed final : public market_feed {
public:
  /// Loads the warm-up candles over REST, then opens the stream. Errors
  /// name the URL, the symbol and the reason.
  static expected<std::unique_ptr<binance_feed>>
  start(binance_feed_options opts);

  ~binance_feed() override;

  expected<std::shared_ptr<const series>>
  candles_before(const std::string& symbol, timestamp t, live_clock& clock,
                 const std::atomic<bool>& cancel) override;

  binance_feed_stats stats() const;

private:
  struct book;
  class stream;
  explicit binance_feed(binance_feed_options opts);
  void on_text(const std::string& text);
  void on_connected();
  // Adds a candle (under the lock); returns false when ignored.
  bool accept(book& b, const candle& c);
  expected<bool> backfill(const std::string& symbol, timestamp from,
                          timestamp to);
  std::shared_ptr<const series> snapshot(const std::string& symbol, book& b);
  void warn(const std::string& text);

  binance_feed_options opts_;
  binance_rest rest_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::map<std::string, std::unique_ptr<book>> books_;
  binance_feed_stats stats_;
  std::unique_ptr<stream> stream_;
  std::thread thread_;
};

} // namespace btk
