#pragma once

// btk's own client of `btk serve`: one HTTP request, raw bytes, or a
// WebSocket subscription, each with a deadline. The tests, the load
// benchmark and hosts that drive a btk server use it; Beast stays in the
// .cpp.

#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"

namespace btk {

/// What a server answered.
struct client_response {
  int status = 0;
  std::string content_type;
  std::string body;
  /// `Location`, `Retry-After`: headers the routes set.
  std::string location;
  std::string retry_after;
};

/// Sends one request to `address` (`HOST:PORT`) with `Authorization:
/// Bearer token` when `token` is not empty; fails on a network error or
/// when `timeout` passes, naming the address and the reason.
expected<client_response>
http_call(const std::string& address, const std::string& method,
          const std::string& target, const std::string& body = {},
          const std::string& token = {},
          std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// Writes `bytes` as they are, then reads until the server closes or
/// `timeout` passes; returns what it read (for malformed requests).
expected<std::string>
http_raw(const std::string& address, const std::string& bytes,
         std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// A WebSocket connection to `/api/events`.
class ws_client {
public:
  /// Connects to `address` and upgrades `target` (`/api/events?topics=...`).
  static expected<ws_client>
  connect(const std::string& address, const std::string& target,
          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ws_client(ws_client&&) noexcept;
  ws_client& operator=(ws_client&&) noexcept;
  ~ws_client();

  /// The next text message; an error when `timeout` passes or the
  /// connection closed (naming which).
  expected<std::string> read(std::chrono::milliseconds timeout);
  /// Closes with a close frame.
  void close();

  struct impl;

private:
  explicit ws_client(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace btk
