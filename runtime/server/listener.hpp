#pragma once

// The sockets of `btk serve`: Beast HTTP/1.1 sessions (keep-alive, limits
// on header and body size, a deadline per request) that hand each request
// to `route`, and WebSocket sessions on `/api/events` fed by the hub.
// Internal to runtime/server.

#include <memory>
#include <string>
#include <string_view>

#include "runtime/server/router.hpp"

namespace btk::serve {

/// Parses `bytes` as one HTTP request with the server's limits and answers
/// it as a session would, as the bytes of the HTTP response (the fuzzer's
/// entry point: the parser and the router together, no socket).
std::string answer_bytes(core& c, std::string_view bytes);

/// Listens on `c.o.listen` and serves on its own thread until destroyed.
class listener {
public:
  /// Throws `api_error` naming the address and the reason.
  explicit listener(core& c);
  ~listener();
  /// `HOST:PORT` it is bound to.
  std::string address() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace btk::serve
