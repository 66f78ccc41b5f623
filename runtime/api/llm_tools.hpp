#pragma once

// btk's fake model server as a front end runs it (`btk fake-llm`): for
// demos and tests of the `llm` strategy and the optimizer without a model.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace btk {

/// Options of `run_fake_llm`.
struct fake_llm_run_options {
  /// `HOST:PORT` to listen on (port 0: any free one). Default:
  /// 127.0.0.1:11434, Ollama's own port, so `llm` specs need no `url`
  std::string listen = "127.0.0.1:11434";
  /// The bearer token it requires; empty: none. Default: empty
  std::string token;
  /// Milliseconds every answer takes. Default: 0
  std::int64_t delay_ms = 0;
  /// Called once it listens, with its base URL. Default: none
  std::function<void(const std::string& url)> on_listening;
};

/// Serves Ollama's `/api/chat` and the OpenAI-compatible
/// `/v1/chat/completions` with deterministic answers (`fake_llm_answer`)
/// until `stop`; returns the requests it answered. Throws `api_error` when
/// it cannot listen.
std::uint64_t run_fake_llm(const fake_llm_run_options& opts,
                           const std::atomic<bool>& stop);

} // namespace btk
