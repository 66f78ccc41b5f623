#pragma once

// `btk serve`, and `--serve ADDR` on `btk live` and `btk walker`: the HTTP
// and WebSocket API with its dashboard (runtime/server/server.hpp).

#include <memory>
#include <string>

#include "runtime/server/server.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// Flags of `btk serve`.
struct serve_flags {
  server_options options;
};

/// Declares `serve` on `app`, bound to `f`.
CLI::App* add_serve_command(CLI::App& app, serve_flags& f);

/// Runs `btk serve` until SIGINT or SIGTERM; returns the exit code.
int run_serve_command(serve_flags& f);

/// `--serve ADDR` and `--token-file F` of `btk live` and `btk walker`.
struct serve_option {
  /// `--serve HOST:PORT`. Default: none (no server)
  std::string listen;
  /// `--token-file F`. Default: ./dump/serve-token
  std::string token_file = "./dump/serve-token";
};

/// Declares `--serve` and `--token-file` on `cmd`.
void add_serve_option(CLI::App* cmd, serve_option& s);

/// Starts the server `s` asks for (null when it asks for none), serving
/// the candles of `store` when not empty, and prints where it is; throws
/// `api_error`.
std::unique_ptr<api_server>
start_server(const serve_option& s, const char* verb, const std::string& store);

/// Prints that the run ended and serves until SIGINT or SIGTERM.
void serve_until_stopped(api_server& server, const char* verb);

} // namespace btk
