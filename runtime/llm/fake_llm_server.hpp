#pragma once

// A local LLM server of btk's own for tests, demos and benchmarks without a
// model: it speaks Ollama's `/api/chat` and the OpenAI-compatible
// `/v1/chat/completions`, answers deterministically, and fails on request
// (500, 429, bodies that are not JSON, answers without text, answers of the
// wrong shape, stalls). Beast stays in the .cpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "runtime/llm/llm_client.hpp"

namespace btk {

/// What the fake does with one request instead of answering well.
enum class fake_llm_fault : std::uint8_t {
  /// HTTP 500.
  status_500,
  /// HTTP 429 with `Retry-After` (`fake_llm_options::retry_after`).
  status_429,
  /// HTTP 200 with a body that is not JSON.
  not_json,
  /// HTTP 200 with JSON that holds no answer text.
  no_content,
  /// HTTP 200 with an answer that is JSON but not a signal.
  wrong_schema,
  /// No answer for `fake_llm_options::stall` (a client times out first).
  stall,
};

/// How the fake listens and behaves.
struct fake_llm_options {
  /// Default: 127.0.0.1 (loopback only)
  std::string host = "127.0.0.1";
  /// Default: 0 (any free port; see `port()`)
  std::uint16_t port = 0;
  /// Sent with a 429. Default: "0" (seconds)
  std::string retry_after = "0";
  /// How long a stall holds the request. Default: 5 s
  std::chrono::milliseconds stall{5000};
  /// How long every answer takes, so that requests overlap. Default: 0
  std::chrono::milliseconds delay{0};
  /// The bearer token the server requires; empty: none. Default: empty
  std::string token;
};

/// The answer the fake gives for `messages`: a JSON signal chosen by a hash
/// of the messages (position wait, long or short; prices around the last
/// `C:` close in the messages, 100 without one; `minuteEstimatedTime`
/// 60..359; a note naming the hash). The same messages give the same
/// answer.
std::string fake_llm_answer(const std::vector<llm_message>& messages);

/// A running fake LLM server; stops when destroyed.
class fake_llm_server {
public:
  /// Binds and starts serving on a thread of its own; an error names the
  /// address and the reason.
  static expected<std::unique_ptr<fake_llm_server>>
  start(fake_llm_options opts = {});

  ~fake_llm_server();
  fake_llm_server(const fake_llm_server&) = delete;
  fake_llm_server& operator=(const fake_llm_server&) = delete;

  std::uint16_t port() const;
  /// `http://host:port`.
  std::string url() const;

  /// Faults for the next requests, in order; after them it answers well.
  void push_faults(const std::vector<fake_llm_fault>& faults);

  /// Replaces `fake_llm_answer`.
  void set_answer(
      std::function<std::string(const std::vector<llm_message>&)> answer);

  /// Requests received (faults included).
  std::uint64_t requests() const;
  /// The most requests it held at once, read but not yet answered.
  std::size_t max_concurrent() const;
  /// The last request's path, body and bearer token.
  std::string last_path() const;
  std::string last_body() const;
  std::string last_bearer() const;

  struct impl;

private:
  explicit fake_llm_server(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace btk
