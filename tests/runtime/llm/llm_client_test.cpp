// The LLM chat clients against btk's fake LLM server: both protocols, the
// request they send, retries on 5xx, 429 and timeouts, clear errors for
// everything else, and the limit on requests in flight.

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/llm/fake_llm_server.hpp"
#include "runtime/llm/llm_client.hpp"

using namespace btk;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Options of the fake with one field changed.
template <class T>
fake_llm_options fake_with(T fake_llm_options::*field, T value) {
  fake_llm_options o;
  o.*field = std::move(value);
  return o;
}

std::unique_ptr<fake_llm_server> start_fake(fake_llm_options o = {}) {
  auto s = fake_llm_server::start(std::move(o));
  INFO((s ? std::string{} : s.err().message));
  REQUIRE(s);
  return std::move(*s);
}

llm_options fast_options(const fake_llm_server& srv, llm_api api) {
  llm_options o;
  o.api = api;
  o.url = srv.url();
  o.model = "fake-model";
  o.api_key = "t0ken";
  o.timeout = 2000ms;
  o.backoff = 10ms;
  o.attempts = 3;
  return o;
}

std::unique_ptr<llm_client> client(const llm_options& o) {
  auto c = llm_client::make(o);
  INFO((c ? std::string{} : c.err().message));
  REQUIRE(c);
  return std::move(*c);
}

const std::vector<llm_message> question{
    {"system", "You trade BTCUSDT."},
    {"user", "2024-01-01T00:00:00Z[1m]: O:42000 H:42100 L:41900 C:42050 V:3"},
    {"user", "long, short or wait?"}};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("an Ollama chat posts the model, the messages and the schema with "
          "the bearer token and returns the answer's text",
          "[llm]") {
  auto srv =
      start_fake(fake_with(&fake_llm_options::token, std::string{"t0ken"}));
  auto o = fast_options(*srv, llm_api::ollama);
  o.schema = R"({"type":"object","required":["position"]})";
  auto c = client(o);
  auto got = c->chat(question);
  INFO((got ? std::string{} : got.err().message));
  REQUIRE(got);
  CHECK(*got == fake_llm_answer(question));
  CHECK(srv->last_path() == "/api/chat");
  CHECK(srv->last_bearer() == "t0ken");
  const auto body = json::parse(srv->last_body());
  CHECK(body["model"] == "fake-model");
  CHECK(body["stream"] == false);
  CHECK(body["format"]["required"][0] == "position");
  REQUIRE(body["messages"].size() == 3);
  CHECK(body["messages"][1]["role"] == "user");
  CHECK(body["messages"][1]["content"] == question[1].content);
  CHECK(c->requests() == 1);
  CHECK(c->retries() == 0);
  // The answer is a signal around the last close in the messages.
  const auto a = json::parse(*got);
  if (a["position"] != "wait")
    CHECK(a["priceOpen"] == 42050.0);
}

TEST_CASE("an OpenAI-compatible chat posts to /v1/chat/completions, or under "
          "a /v1 base URL, with the schema as response_format",
          "[llm]") {
  auto srv = start_fake();
  auto o = fast_options(*srv, llm_api::openai);
  o.schema = R"({"type":"object"})";
  auto got = client(o)->chat(question);
  REQUIRE(got);
  CHECK(*got == fake_llm_answer(question));
  CHECK(srv->last_path() == "/v1/chat/completions");
  const auto body = json::parse(srv->last_body());
  CHECK(body["response_format"]["type"] == "json_schema");
  CHECK(body["response_format"]["json_schema"]["schema"]["type"] == "object");
  CHECK_FALSE(body.contains("stream"));

  o.url = srv->url() + "/v1/";
  REQUIRE(client(o)->chat(question));
  CHECK(srv->last_path() == "/v1/chat/completions");
}

TEST_CASE("the same messages get the same answer and others another", "[llm]") {
  auto srv = start_fake();
  auto c = client(fast_options(*srv, llm_api::ollama));
  const auto a = c->chat(question);
  const auto b = c->chat(question);
  auto other = question;
  other.back().content += " Think again.";
  const auto d = c->chat(other);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(d);
  CHECK(*a == *b);
  CHECK(json::parse(*a)["note"] != json::parse(*d)["note"]);
}

TEST_CASE("5xx, 429 and a stalled answer are retried with back-off, and a "
          "chat that succeeds in time returns the answer",
          "[llm]") {
  auto srv = start_fake(
      fake_with(&fake_llm_options::stall, std::chrono::milliseconds{1000}));
  auto o = fast_options(*srv, llm_api::ollama);
  o.attempts = 4;
  o.timeout = 300ms;
  auto c = client(o);
  std::vector<std::string> warnings;
  c->on_warning = [&](const std::string& w) { warnings.push_back(w); };
  srv->push_faults({fake_llm_fault::status_500, fake_llm_fault::status_429,
                    fake_llm_fault::stall});
  auto got = c->chat(question);
  INFO((got ? std::string{} : got.err().message));
  REQUIRE(got);
  CHECK(*got == fake_llm_answer(question));
  CHECK(c->requests() == 4);
  CHECK(c->retries() == 3);
  REQUIRE(warnings.size() == 3);
  CHECK(has(warnings[0], "HTTP 500"));
  CHECK(has(warnings[0], "attempt 2 of 4"));
  CHECK(has(warnings[1], "HTTP 429"));
  INFO(warnings[2]);
  CHECK(has(warnings[2], "read failed"));
  CHECK(has(warnings[2], "timeout"));
}

TEST_CASE("a server that keeps failing fails the chat after the attempts, "
          "naming the server, the model and the last reason",
          "[llm]") {
  auto srv = start_fake();
  auto o = fast_options(*srv, llm_api::openai);
  auto c = client(o);
  srv->push_faults({fake_llm_fault::status_500, fake_llm_fault::status_500,
                    fake_llm_fault::status_500});
  auto got = c->chat(question);
  REQUIRE_FALSE(got);
  const auto& m = got.err().message;
  CHECK(has(m, "openai " + srv->url()));
  CHECK(has(m, "model fake-model"));
  CHECK(has(m, "failed after 3 attempts"));
  CHECK(has(m, "HTTP 500"));
  CHECK(has(m, "the model crashed"));
  CHECK(c->requests() == 3);
}

TEST_CASE("a 429 asking to wait longer than allowed fails at once", "[llm]") {
  auto srv = start_fake(
      fake_with(&fake_llm_options::retry_after, std::string{"3600"}));
  auto o = fast_options(*srv, llm_api::ollama);
  o.max_wait = 5000ms;
  auto c = client(o);
  srv->push_faults({fake_llm_fault::status_429});
  auto got = c->chat(question);
  REQUIRE_FALSE(got);
  CHECK(has(got.err().message, "asks to wait 3600 s, more than the 5 s"));
  CHECK(c->requests() == 1);
}

TEST_CASE("a Retry-After too large for any clock fails at once, without "
          "overflowing",
          "[llm]") {
  auto srv = start_fake(
      fake_with(&fake_llm_options::retry_after, std::string{"1e300"}));
  auto c = client(fast_options(*srv, llm_api::ollama));
  srv->push_faults({fake_llm_fault::status_429});
  auto got = c->chat(question);
  REQUIRE_FALSE(got);
  CHECK(has(got.err().message, "asks to wait 1e300 s"));
}

TEST_CASE("a wrong token, a wrong path and answers that are not the "
          "protocol's JSON fail at once with what is wrong",
          "[llm]") {
  auto srv =
      start_fake(fake_with(&fake_llm_options::token, std::string{"right"}));
  auto o = fast_options(*srv, llm_api::ollama);
  o.api_key = "wrong";
  auto unauthorized = client(o)->chat(question);
  REQUIRE_FALSE(unauthorized);
  CHECK(has(unauthorized.err().message, "HTTP 401 (check the API key"));

  o.api_key = "right";
  o.url = srv->url() + "/elsewhere";
  auto not_found = client(o)->chat(question);
  REQUIRE_FALSE(not_found);
  CHECK(has(not_found.err().message, "HTTP 404 (check the URL"));

  o.url = srv->url();
  auto c = client(o);
  srv->push_faults({fake_llm_fault::not_json, fake_llm_fault::no_content});
  auto not_json = c->chat(question);
  REQUIRE_FALSE(not_json);
  CHECK(has(not_json.err().message, "the answer is not JSON: <html>"));
  auto no_text = c->chat(question);
  REQUIRE_FALSE(no_text);
  CHECK(has(no_text.err().message,
            R"(the answer has no message.content text: {"done":true})"));
  CHECK(c->retries() == 0);

  // An answer of the wrong shape is still text: the strategy judges it.
  srv->push_faults({fake_llm_fault::wrong_schema});
  auto odd = c->chat(question);
  REQUIRE(odd);
  CHECK(json::parse(*odd)["position"] == "maybe");
}

TEST_CASE("no server at the address fails naming the address and the stage",
          "[llm]") {
  std::string url;
  {
    auto srv = start_fake();
    url = srv->url();
  } // stopped: the port is closed
  llm_options o;
  o.url = url;
  o.model = "m";
  o.attempts = 2;
  o.backoff = 1ms;
  o.timeout = 1000ms;
  auto got = client(o)->chat(question);
  REQUIRE_FALSE(got);
  CHECK(has(got.err().message, "POST " + url + "/api/chat: connect failed"));
}

TEST_CASE("callers on several threads share the limit on requests in flight",
          "[llm]") {
  auto srv = start_fake(
      fake_with(&fake_llm_options::delay, std::chrono::milliseconds{40}));
  auto o = fast_options(*srv, llm_api::ollama);
  o.max_in_flight = 2;
  auto c = client(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int k = 0; k < 8; ++k)
    callers.emplace_back([&] { ok += c->chat(question) ? 1 : 0; });
  for (auto& t : callers)
    t.join();
  CHECK(ok == 8);
  CHECK(srv->requests() == 8);
  CHECK(srv->max_concurrent() == 2);
}

TEST_CASE("bad client options are refused naming the option", "[llm]") {
  llm_options o;
  CHECK(has(llm_client::make(o).err().message, "give a model"));
  o.model = "m";
  o.url = "ftp://host";
  CHECK(has(llm_client::make(o).err().message, "ftp://host"));
  o.url = "http://127.0.0.1:11434";
  o.attempts = 0;
  CHECK(has(llm_client::make(o).err().message, "attempts 0"));
  o.attempts = 1;
  o.max_in_flight = 0;
  CHECK(has(llm_client::make(o).err().message, "max_in_flight 0"));
  o.max_in_flight = 1;
  o.schema = "{not json";
  CHECK(has(llm_client::make(o).err().message, "schema is not JSON"));
  CHECK(*parse_llm_api("openai") == llm_api::openai);
  CHECK(
      has(parse_llm_api("claude").err().message, "'claude': ollama or openai"));
}
