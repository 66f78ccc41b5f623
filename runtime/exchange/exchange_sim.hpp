#pragma once

// `btk exchange-sim`: a local server speaking Binance's market-data REST and
// WebSocket protocol from recorded candles, on a clock that can run faster
// than real time, with faults to switch on. Tests run live mode against it;
// it also lets a user try live mode without internet.
//
// REST: GET /api/v3/time, /api/v3/klines (limit <= 1000), /fapi/v1/time,
// /fapi/v1/klines (limit <= 1500); only candles closed by the clock.
// WebSocket: /stream?streams=btcusdt@kline_1m/... and /ws/btcusdt@kline_1m;
// each closed candle is pushed when the clock passes its close (plus an
// unclosed update half-way through the minute), a ping every 3 minutes,
// and every connection is closed after 24 hours, as Binance does.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/market/series.hpp"

namespace btk {

/// Faults the simulator injects. Each is bounded so that every minute's
/// candle still reaches a client that reconnects and backfills before the
/// next minute closes.
struct sim_faults {
  /// Chance, per candle pushed, that the connection is dropped instead.
  /// Default: 0
  double drop = 0;
  /// Chance a REST request is answered 429 with `Retry-After: 1`.
  /// Default: 0
  double too_many = 0;
  /// Chance a closed candle is sent twice. Default: 0
  double duplicate = 0;
  /// Chance an older candle is sent again after the new one. Default: 0
  double out_of_order = 0;
  /// Chance a message is replaced by malformed or truncated JSON.
  /// Default: 0
  double garbage = 0;
  /// Every closed candle is pushed this long (clock ms, below 60000)
  /// after its close. Default: 0
  std::int64_t late_ms = 0;
};

/// Reads `drop=0.05,429=0.1,dup=0.1,reorder=0.1,garbage=0.05,late=20000`.
expected<sim_faults> parse_sim_faults(const std::string& text);

struct exchange_sim_options {
  /// The candles it serves, by symbol. At least one.
  std::map<std::string, std::shared_ptr<const series>> data;
  /// Address to listen on. Default: 127.0.0.1, port 0 (any free port)
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// Clock speed: exchange milliseconds per real millisecond. Default: 1
  double speed = 1;
  /// Where its clock starts. Default: 0 (one day after the first candle)
  timestamp from = 0;
  sim_faults faults;
  /// Seed of the fault dice. Default: 1
  std::uint64_t seed = 1;
  /// Connection lifetime in clock ms. Default: 24 h
  std::int64_t rotate_ms = 24 * 60 * minute_ms;
  /// Serve TLS (https and wss on the one address) with this certificate
  /// chain and private key, PEM files; both or neither. Default: none
  /// (plain http and ws)
  std::string tls_cert;
  std::string tls_key;
};

/// Counters of a simulator.
struct exchange_sim_stats {
  std::uint64_t rest_requests = 0;
  std::uint64_t connections = 0;
  std::uint64_t pushed = 0;
  std::uint64_t faults = 0;
};

class exchange_sim {
public:
  /// Binds and starts serving on its own thread; an error names the
  /// address and the reason.
  static expected<std::unique_ptr<exchange_sim>>
  start(exchange_sim_options opts);
  ~exchange_sim();

  /// The port it listens on.
  std::uint16_t port() const noexcept;
  /// `https://HOST:PORT` when it serves TLS, else `http://HOST:PORT`: the
  /// `--base-url` of a live run.
  std::string base_url() const;
  /// The clock's current time.
  timestamp now() const;
  exchange_sim_stats stats() const;

  struct impl;

private:
  explicit exchange_sim(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
