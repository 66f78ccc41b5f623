#pragma once

// `btk serve`: btk's HTTP/1.1 and WebSocket API and its dashboard, for the
// command line (`btk serve`, `btk live --serve`, `btk walker --serve`) and
// for any host that embeds btk. One object listens on an address, serves
// the REST routes (docs/server.md), streams events over WebSocket and
// starts and stops runs; a host attaches its own runs to it.
//
// Security: it binds loopback unless told otherwise; every request that
// changes state needs `Authorization: Bearer TOKEN` (a random token is
// written to a 0600 file when none is given); requests are limited in
// size and rate per client address; file routes never leave their folder;
// every error is a 4xx or 5xx with a JSON body `{"error": "..."}`.

#include <cstddef>
#include <memory>
#include <string>

#include "runtime/api/live.hpp"
#include "runtime/api/runs.hpp"
#include "runtime/server/hub.hpp"

namespace btk {

/// Options of `api_server`.
struct server_options {
  /// `HOST:PORT` to listen on (port 0: any free one). Default:
  /// 127.0.0.1:8080
  std::string listen = "127.0.0.1:8080";
  /// File holding the bearer token. When it does not exist, a random
  /// token is written there (mode 0600). Default: ./dump/serve-token
  std::string token_file = "./dump/serve-token";
  /// A candle store: `GET /api/candles` reads it, and runs started
  /// through the API take their candles from it. Default: none
  std::string store;
  /// A folder of candle files that runs started through the API may name
  /// (`"data": "btc.csv"`, never outside it). Default: none
  std::string data_dir;
  /// A folder of live state: runs started through the API keep their state
  /// in `STATE/RUN-ID`, and every live state folder in it (or `STATE`
  /// itself) is listed by `/api/instances`. Default: none
  std::string state_dir;
  /// Where runs started through the API write their reports
  /// (`DUMP/RUN-ID`). Default: ./dump/serve
  std::string dump_dir = "./dump/serve";
  /// Largest request body accepted, bytes (413 beyond). Default: 1 MiB
  std::size_t max_body = 1 << 20;
  /// Largest request header, bytes (431 beyond). Default: 8 KiB
  std::size_t max_header = 8 << 10;
  /// Requests a client address may make per second, on average, and in a
  /// burst (429 beyond). Default: 100 and 200
  double rate_per_second = 100;
  double rate_burst = 200;
  /// Events a WebSocket client may have unsent; a client further behind is
  /// disconnected. The events are shared, so the cost is a pointer per
  /// event and client. Default: 8192
  std::size_t ws_queue = 8192;
  /// Runs started through the API that may run at once (503 beyond).
  /// Default: 4
  std::size_t max_runs = 4;
  /// Niceness added to the server's own threads (sockets, event
  /// dispatch), so that live sessions and backtests win the CPU when they
  /// compete: a flood of clients slows the clients, not the runs.
  /// Default: 10
  int nice = 10;
  /// Check what POST routes are given but start nothing (tests and the
  /// fuzzer). Default: false
  bool dry_run = false;
};

/// A running server. Construction binds and starts serving on its own
/// thread; destruction stops the runs it started (at once, their state is
/// safe) and closes every connection.
class api_server {
public:
  /// Throws `api_error` naming the address or the token file and the
  /// reason.
  explicit api_server(server_options o);
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// `http://HOST:PORT` it serves.
  std::string url() const;
  /// The bearer token requests that change state must carry.
  const std::string& token() const;
  /// Its runs and event stream.
  btk::hub& hub();

  /// Shows a live run of the host's: hooks `opts`' callbacks (chained to
  /// the ones set) so that its instances, events and progress are served.
  /// Call `finish_live` with its report when `run_live` returned (or
  /// `fail` when it threw).
  std::shared_ptr<server_run> attach_live(live_options& opts);
  void finish_live(server_run& r, live_report rep);

  /// Shows a backtest, walker or sweep of the host's: hooks
  /// `opts.on_progress`; call `finish_batch` / `finish_sweep` or `fail`.
  std::shared_ptr<server_run> attach_batch(batch_options& opts, run_kind kind,
                                           const std::string& title);
  /// The same for a sweep, whose results file (`results_out`) feeds the
  /// dashboard's heatmap.
  std::shared_ptr<server_run> attach_sweep(sweep_options& opts,
                                           const std::string& title);
  void finish_batch(server_run& r, batch_report rep);
  void finish_sweep(server_run& r, sweep_report rep);
  void fail(server_run& r, const std::string& why);

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace btk
