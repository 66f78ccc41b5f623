#include "runtime/llm/llm_client.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

namespace btk {

using json = nlohmann::json;

namespace {

// At most `n` characters of `text`, on one line, for an error message.
std::string excerpt(const std::string& text, std::size_t n = 200) {
  std::string out = text.substr(0, n);
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return text.size() > n ? out + "..." : out;
}

bool retried_status(int status) {
  return status == 429 || status >= 500;
}

// What a status means to someone setting the client up.
std::string status_hint(int status) {
  switch (status) {
  case 401:
  case 403:
    return " (check the API key: OLLAMA_API_KEY or OPENAI_API_KEY)";
  case 404:
    return " (check the URL, the API and the model name)";
  default:
    return "";
  }
}

} // namespace

expected<llm_api> parse_llm_api(std::string_view text) {
  if (text == "ollama")
    return llm_api::ollama;
  if (text == "openai")
    return llm_api::openai;
  return error{"api '" + std::string{text} + "': ollama or openai"};
}

const char* to_string(llm_api api) noexcept {
  return api == llm_api::ollama ? "ollama" : "openai";
}

expected<std::unique_ptr<llm_client>> llm_client::make(llm_options opts) {
  if (opts.model.empty())
    return error{"llm: give a model (the name the server knows)"};
  if (opts.attempts < 1)
    return error{"llm: attempts " + std::to_string(opts.attempts) +
                 ": at least 1"};
  if (opts.max_in_flight < 1)
    return error{"llm: max_in_flight 0: at least 1"};
  if (opts.timeout.count() <= 0)
    return error{"llm: timeout " + std::to_string(opts.timeout.count()) +
                 " ms: must be positive"};
  auto base = parse_base_url(opts.url);
  if (!base)
    return error{"llm: " + base.err().message};
  if (base->host.empty() || opts.url.rfind("ws", 0) == 0)
    return error{"llm: url '" + opts.url + "': expected http:// or https://"};
  base->ca_file = opts.ca_file;
  if (opts.api_key.empty()) {
    const char* var =
        opts.api == llm_api::ollama ? "OLLAMA_API_KEY" : "OPENAI_API_KEY";
    if (const char* key = std::getenv(var))
      opts.api_key = key;
  }
  if (!opts.schema.empty() &&
      !json::accept(opts.schema.begin(), opts.schema.end()))
    return error{"llm: schema is not JSON: " + excerpt(opts.schema)};
  std::string path;
  if (opts.api == llm_api::ollama) {
    path = "/api/chat";
  } else {
    const auto& p = base->prefix;
    const bool v1 = p.size() >= 3 && p.compare(p.size() - 3, 3, "/v1") == 0;
    path = v1 ? "/chat/completions" : "/v1/chat/completions";
  }
  return std::unique_ptr<llm_client>{
      new llm_client(std::move(opts), std::move(*base), std::move(path))};
}

llm_client::llm_client(llm_options opts, url_parts base, std::string path)
    : opts_(std::move(opts))
    , base_(std::move(base))
    , path_(std::move(path)) {}

std::string llm_client::who() const {
  return std::string{to_string(opts_.api)} + " " + base_.origin(false) +
         base_.prefix + path_ + " model " + opts_.model;
}

std::string
llm_client::request_body(const std::vector<llm_message>& messages) const {
  json msgs = json::array();
  for (const auto& m : messages)
    msgs.push_back({{"role", m.role}, {"content", m.content}});
  json body{{"model", opts_.model}, {"messages", std::move(msgs)}};
  if (opts_.api == llm_api::ollama) {
    body["stream"] = false;
    if (!opts_.schema.empty())
      body["format"] = json::parse(opts_.schema);
  } else if (!opts_.schema.empty()) {
    body["response_format"] = {{"type", "json_schema"},
                               {"json_schema",
                                {{"name", "answer"},
                                 {"strict", true},
                                 {"schema", json::parse(opts_.schema)}}}};
  }
  return body.dump();
}

expected<http_response> llm_client::send(const std::string& body) {
  // A slot of `max_in_flight`, given back however the request ends.
  struct slot {
    llm_client& c;
    explicit slot(llm_client& owner)
        : c(owner) {
      std::unique_lock<std::mutex> lock{c.mtx_};
      c.slot_free_.wait(lock,
                        [&] { return c.in_flight_ < c.opts_.max_in_flight; });
      ++c.in_flight_;
      ++c.requests_;
    }
    ~slot() {
      {
        std::lock_guard<std::mutex> lock{c.mtx_};
        --c.in_flight_;
      }
      c.slot_free_.notify_one();
    }
  } held{*this};
  http_request r;
  r.post = true;
  r.target = path_;
  r.body = body;
  r.bearer = opts_.api_key;
  return http_send(base_, r, opts_.timeout);
}

expected<std::string> llm_client::answer_of(const std::string& body) const {
  const auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return error{who() + ": the answer is not JSON: " + excerpt(body)};
  const json* content = nullptr;
  if (opts_.api == llm_api::ollama) {
    if (doc.is_object() && doc.contains("message") &&
        doc["message"].is_object() && doc["message"].contains("content"))
      content = &doc["message"]["content"];
  } else if (doc.is_object() && doc.contains("choices") &&
             doc["choices"].is_array() && !doc["choices"].empty() &&
             doc["choices"][0].is_object() &&
             doc["choices"][0].contains("message") &&
             doc["choices"][0]["message"].is_object() &&
             doc["choices"][0]["message"].contains("content")) {
    content = &doc["choices"][0]["message"]["content"];
  }
  if (content == nullptr || !content->is_string())
    return error{who() + ": the answer has no " +
                 (opts_.api == llm_api::ollama
                      ? std::string{"message.content"}
                      : std::string{"choices[0].message.content"}) +
                 " text: " + excerpt(body)};
  return content->get<std::string>();
}

expected<std::string>
llm_client::chat(const std::vector<llm_message>& messages) {
  const auto body = request_body(messages);
  auto wait = opts_.backoff;
  std::string last;
  for (int attempt = 1; attempt <= opts_.attempts; ++attempt) {
    auto res = send(body);
    std::chrono::milliseconds pause = wait;
    if (!res) {
      last = res.err().message;
    } else if (res->status >= 200 && res->status < 300) {
      return answer_of(res->body);
    } else if (!retried_status(res->status)) {
      return error{who() + ": HTTP " + std::to_string(res->status) +
                   status_hint(res->status) + ": " + excerpt(res->body)};
    } else {
      last = "HTTP " + std::to_string(res->status) + ": " + excerpt(res->body);
      if (res->status == 429 && !res->retry_after.empty()) {
        char* end = nullptr;
        const double s = std::strtod(res->retry_after.c_str(), &end);
        if (end != res->retry_after.c_str() && s >= 0) {
          // Compared before converting: a huge value must not overflow.
          if (!(s * 1000 <= static_cast<double>(opts_.max_wait.count())))
            return error{who() +
                         ": rate limited (HTTP 429), and the server "
                         "asks to wait " +
                         res->retry_after + " s, more than the " +
                         std::to_string(opts_.max_wait.count() / 1000) +
                         " s allowed"};
          pause = std::chrono::milliseconds{static_cast<long long>(s * 1000)};
        }
      }
    }
    if (attempt == opts_.attempts)
      break;
    {
      std::lock_guard<std::mutex> lock{mtx_};
      ++retries_;
    }
    if (on_warning)
      on_warning(who() + ": " + last + "; retrying in " +
                 std::to_string(pause.count()) + " ms (attempt " +
                 std::to_string(attempt + 1) + " of " +
                 std::to_string(opts_.attempts) + ")");
    std::this_thread::sleep_for(pause);
    wait = std::min(wait * 2, opts_.max_wait);
  }
  return error{who() + ": failed after " + std::to_string(opts_.attempts) +
               (opts_.attempts == 1 ? " attempt" : " attempts") +
               ", the last: " + last};
}

std::uint64_t llm_client::requests() const {
  std::lock_guard<std::mutex> lock{mtx_};
  return requests_;
}

std::uint64_t llm_client::retries() const {
  std::lock_guard<std::mutex> lock{mtx_};
  return retries_;
}

} // namespace btk
