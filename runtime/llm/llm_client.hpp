#pragma once

// Chat clients for the LLM servers the optimizer and the `llm` strategy
// talk to: Ollama's `/api/chat` and the OpenAI-compatible
// `/v1/chat/completions` that llama.cpp, vLLM and others serve, over HTTP or
// HTTPS, with timeouts, retries with back-off on 429 and 5xx, and a limit
// on requests in flight.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "runtime/net/http_client.hpp"

namespace btk {

/// The protocol an LLM server speaks.
enum class llm_api : std::uint8_t {
  /// Ollama: `POST /api/chat`, answer in `message.content`.
  ollama,
  /// OpenAI-compatible: `POST /v1/chat/completions`, answer in
  /// `choices[0].message.content`.
  openai,
};

/// "ollama" or "openai"; an error names the value and the choices.
expected<llm_api> parse_llm_api(std::string_view text);

/// "ollama" or "openai".
const char* to_string(llm_api api) noexcept;

/// One chat message.
struct llm_message {
  /// "system", "user" or "assistant".
  std::string role;
  std::string content;
};

/// Where and how a client asks.
struct llm_options {
  /// Default: ollama
  llm_api api = llm_api::ollama;
  /// The server's base URL. For `openai`, a URL ending in `/v1` is taken as
  /// the API root (`/chat/completions` is appended), any other as the
  /// server root (`/v1/chat/completions`). Default: http://127.0.0.1:11434
  std::string url = "http://127.0.0.1:11434";
  /// The model name the server knows. Required.
  std::string model;
  /// Sent as a bearer token when not empty. `llm_client::make` fills it from
  /// `OLLAMA_API_KEY` (ollama) or `OPENAI_API_KEY` (openai) when empty.
  /// Default: empty
  std::string api_key;
  /// A JSON schema the answer must follow (Ollama's `format`; OpenAI's
  /// `response_format` of type `json_schema`), as JSON text. Default: empty
  /// (free text)
  std::string schema;
  /// PEM file of the authorities an HTTPS server's certificate must chain
  /// to. Default: empty (the system's store)
  std::string ca_file;
  /// Deadline of one request, answer included: models are slow.
  /// Default: 120 s
  std::chrono::milliseconds timeout{120000};
  /// Attempts per chat (network errors, timeouts, 5xx, 429). Default: 4
  int attempts = 4;
  /// First back-off; doubles per attempt. Default: 500 ms
  std::chrono::milliseconds backoff{500};
  /// Longest `Retry-After` the client waits; a longer one fails the chat.
  /// Default: 60 s
  std::chrono::milliseconds max_wait{60000};
  /// Requests in flight at once from this client; more callers wait.
  /// Default: 4
  std::size_t max_in_flight = 4;
};

/// A chat client for one server and model. Thread-safe: callers on several
/// threads share its limit on requests in flight.
class llm_client {
public:
  /// Checks `opts` (a model, a URL that parses, at least one attempt and
  /// one request in flight); an error names the option and the value.
  static expected<std::unique_ptr<llm_client>> make(llm_options opts);

  /// Sends `messages` and returns the answer's text. Network errors,
  /// timeouts, 5xx and 429 are retried with back-off (a 429's
  /// `Retry-After` is honoured up to `max_wait`); other statuses and an
  /// answer that is not the protocol's JSON fail at once. Errors name the
  /// server, the model, the status or stage, and the reason.
  expected<std::string> chat(const std::vector<llm_message>& messages);

  /// The JSON body `chat` posts for `messages` (for tests and for the
  /// answer cache's key).
  std::string request_body(const std::vector<llm_message>& messages) const;

  const llm_options& options() const noexcept { return opts_; }

  /// Requests sent, retries among them.
  std::uint64_t requests() const;
  std::uint64_t retries() const;

  /// Called with a sentence for every retry. Default: none
  std::function<void(const std::string&)> on_warning;

private:
  llm_client(llm_options opts, url_parts base, std::string path);

  // One request, holding a slot of `max_in_flight`.
  expected<http_response> send(const std::string& body);
  // The answer's text from a 2xx body, or the error naming what is wrong.
  expected<std::string> answer_of(const std::string& body) const;
  // "<api> <url> model <model>": how errors name the server.
  std::string who() const;

  llm_options opts_;
  url_parts base_;
  std::string path_;
  mutable std::mutex mtx_;
  std::condition_variable slot_free_;
  std::size_t in_flight_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t retries_ = 0;
};

} // namespace btk
