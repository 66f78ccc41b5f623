#pragma once

// A small HTTP/1.1 client over Boost.Beast, plain or TLS (OpenSSL), with a
// deadline on the whole exchange: GET for the exchanges' REST APIs, POST
// with a JSON body for the LLM servers. Beast stays in the .cpp.

#include <chrono>
#include <string>

#include "core/error.hpp"

namespace btk {

/// A base URL split up: `http(s)://host[:port][/prefix]` (or `ws(s)://`).
struct url_parts {
  bool tls = false;
  std::string host;
  std::string port;
  /// Path prefix without a trailing slash ("" for none).
  std::string prefix;
  /// PEM file of the certificate authorities a TLS server's certificate
  /// must chain to (a private CA, a simulator's own). The certificate must
  /// also name `host`. Default: empty (the system's store)
  std::string ca_file;

  /// `scheme://host:port` with `http`/`https` or `ws`/`wss`.
  std::string origin(bool websocket) const;
};

/// Reads a base URL; an error names the part that is wrong.
expected<url_parts> parse_base_url(const std::string& url);

/// What a GET returned.
struct http_response {
  int status = 0;
  std::string body;
  /// `Retry-After` (seconds), when sent.
  std::string retry_after;
  /// `X-MBX-USED-WEIGHT-1M`, when sent.
  std::string used_weight;
};

/// One request: a GET, or a POST with a body.
struct http_request {
  /// Default: false (GET)
  bool post = false;
  /// Path and query, after the base URL's prefix.
  std::string target;
  /// The POST body. Default: empty
  std::string body;
  /// The body's type. Default: application/json
  std::string content_type = "application/json";
  /// Sent as `Authorization: Bearer <token>` when not empty. Default: empty
  std::string bearer;
};

/// Sends `r` to `u` and reads the response; fails on a network error, a TLS
/// error or when `timeout` passes, naming the method, the URL, the stage
/// (resolve, connect, TLS handshake, send, read) and the reason. An HTTP
/// error status is a response, not a failure.
expected<http_response> http_send(const url_parts& u, const http_request& r,
                                  std::chrono::milliseconds timeout);

/// GETs `target` (path and query) from `u`, as `http_send`.
expected<http_response> http_get(const url_parts& u, const std::string& target,
                                 std::chrono::milliseconds timeout);

} // namespace btk
