#pragma once

// The server without its sockets: a request as plain values in, an answer
// out. The Beast sessions (listener.cpp) and the fuzzer call `route`; it
// checks the token and the rate, reads the target and the body, and
// answers from the hub. Internal to runtime/server.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/server/server.hpp"

namespace btk::serve {

/// A request as the router reads it.
struct request {
  std::string method;
  /// Path and query, as sent.
  std::string target;
  /// The `Authorization` header.
  std::string authorization;
  std::string body;
  /// The client's address (rate limits are per address).
  std::string peer;
};

/// An answer: status, type, body and extra headers.
struct answer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// `{"error": why}` with `status`.
answer json_error(int status, std::string_view why);

/// A token bucket per client address.
class rate_limiter {
public:
  rate_limiter(double per_second, double burst)
      : rate_(per_second)
      , burst_(burst) {}
  /// Takes one request of `peer` at `now`; false when over the limit.
  bool take(const std::string& peer, std::chrono::steady_clock::time_point now);

private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double rate_;
  double burst_;
  std::mutex mtx_;
  std::map<std::string, bucket> buckets_;
};

/// Everything the routes read and change.
struct core {
  explicit core(server_options opts, std::string tok);
  ~core();

  server_options o;
  std::string token;
  btk::hub events;
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
  rate_limiter limiter;
  /// Answers by status class (1xx..5xx) and WebSocket clients, for /metrics.
  std::mutex counters_mtx;
  std::map<int, std::uint64_t> answered;
  std::uint64_t ws_clients = 0;
  std::uint64_t ws_dropped = 0;

  /// Runs `body` on a thread of its own, created by the launcher thread:
  /// threads inherit their creator's priority, and the io thread that
  /// takes the request runs at a lower one. Threads of runs that ended are
  /// joined as new ones start; `failed` is called when no thread can be
  /// made.
  void spawn(std::function<void()> body,
             std::function<void(const std::string&)> failed);

  /// Starts a run of `kind` from a POST body; returns its id or an error
  /// naming the key (launch.cpp).
  expected<std::string> start(run_kind kind, const nlohmann::json& body);
  /// Runs started through the API that have not ended.
  std::size_t running() const;

private:
  struct run_thread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  struct launch {
    std::function<void()> body;
    std::function<void(const std::string&)> failed;
  };
  void launcher_loop();

  std::mutex threads_mtx_;
  std::condition_variable launch_cv_;
  std::deque<launch> to_launch_;
  bool closing_ = false;
  std::vector<run_thread> threads_;
  std::thread launcher_;
};

/// Answers `req` (never throws).
answer route(core& c, const request& req);

/// The query parameters of `target`, percent-decoded.
std::map<std::string, std::string> query_of(std::string_view target);

/// `target`'s path, percent-decoded, without the query; nothing when it is
/// not a clean absolute path (a NUL, a bad escape).
std::optional<std::string> path_of(std::string_view target);

/// The file `rel` under `root`, or nothing when it would leave `root`
/// (`..`, an absolute path, a symbolic link out).
std::optional<std::string> confined(const std::string& root,
                                    const std::string& rel);

/// JSON of one live instance and of a backtest run (the instance rows).
nlohmann::ordered_json run_json(const server_run& r, bool instances);

/// The Prometheus text of `c`.
std::string metrics_text(core& c);

/// The dashboard page (dashboard.html, compiled in).
std::string_view dashboard_page();

} // namespace btk::serve
