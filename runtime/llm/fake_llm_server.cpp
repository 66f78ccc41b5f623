#include "runtime/llm/fake_llm_server.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "runtime/net/listen.hpp"

namespace btk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using json = nlohmann::json;

namespace {

std::uint64_t fnv1a(const std::vector<llm_message>& messages) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::string& s) {
    for (const unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff; // ends a field
    h *= 1099511628211ULL;
  };
  for (const auto& m : messages) {
    mix(m.role);
    mix(m.content);
  }
  return h;
}

// The last `C:<number>` in the messages, or nullopt.
std::optional<double> last_close(const std::vector<llm_message>& messages) {
  for (auto m = messages.rbegin(); m != messages.rend(); ++m) {
    const auto at = m->content.rfind("C:");
    if (at == std::string::npos)
      continue;
    const char* begin = m->content.c_str() + at + 2;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end != begin && v > 0)
      return v;
  }
  return std::nullopt;
}

} // namespace

std::string fake_llm_answer(const std::vector<llm_message>& messages) {
  const std::uint64_t h = fnv1a(messages);
  const double p = last_close(messages).value_or(100.0);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  json a{{"note", std::string{"fake answer "} + hex},
         {"minuteEstimatedTime", 60 + static_cast<int>(h % 300)}};
  switch (h % 3) {
  case 0:
    a["position"] = "wait";
    break;
  case 1:
    a["position"] = "long";
    a["priceOpen"] = p;
    a["priceTakeProfit"] = p * 1.01;
    a["priceStopLoss"] = p * 0.99;
    break;
  default:
    a["position"] = "short";
    a["priceOpen"] = p;
    a["priceTakeProfit"] = p * 0.99;
    a["priceStopLoss"] = p * 1.01;
    break;
  }
  return a.dump();
}

struct fake_llm_server::impl {
  explicit impl(fake_llm_options o)
      : opts(std::move(o)) {}

  fake_llm_options opts;
  mutable std::mutex mtx;
  std::deque<fake_llm_fault> faults;
  std::function<std::string(const std::vector<llm_message>&)> answer =
      fake_llm_answer;
  std::uint64_t requests = 0;
  std::size_t active = 0;
  std::size_t max_active = 0;
  std::string last_path;
  std::string last_body;
  std::string last_bearer;
  std::uint16_t port = 0;
  // Last: destroyed first, with every session still queued in it.
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  void accept();
  // The response to `req`, and how long to hold it.
  http::response<http::string_body>
  respond(const http::request<http::string_body>& req,
          std::chrono::milliseconds& hold);
};

namespace {

// One connection: read a request, answer it (after a hold), repeat.
class session : public std::enable_shared_from_this<session> {
public:
  session(fake_llm_server::impl& srv, tcp::socket s)
      : srv_(srv)
      , stream_(std::move(s))
      , timer_(srv.ioc) {}

  void read() {
    req_ = {};
    http::async_read(
        stream_, buf_, req_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (!ec)
            self->handle();
        });
  }

private:
  void handle() {
    std::chrono::milliseconds hold{0};
    try {
      res_ = srv_.respond(req_, hold);
    } catch (const std::exception& e) { // an answer function that threw
      res_ = {http::status::internal_server_error, req_.version()};
      res_.set(http::field::content_type, "application/json");
      res_.body() = json{{"error", e.what()}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
      res_.prepare_payload();
    }
    if (hold.count() <= 0)
      return write();
    timer_.expires_after(hold);
    timer_.async_wait(
        [self = shared_from_this()](beast::error_code) { self->write(); });
  }

  void write() {
    http::async_write(
        stream_, res_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          {
            std::lock_guard<std::mutex> g{self->srv_.mtx};
            --self->srv_.active;
          }
          if (ec || !self->req_.keep_alive()) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both,
                                            ignored);
            return;
          }
          self->read();
        });
  }

  fake_llm_server::impl& srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  net::steady_timer timer_;
};

http::response<http::string_body> reply(int status, std::string body,
                                        unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(status),
                                        version};
  res.set(http::field::server, "btk-fake-llm");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

} // namespace

void fake_llm_server::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted || !acceptor.is_open())
      return; // closed
    if (!ec)  // other errors (out of descriptors): keep accepting
      std::make_shared<session>(*this, std::move(s))->read();
    accept();
  });
}

http::response<http::string_body>
fake_llm_server::impl::respond(const http::request<http::string_body>& req,
                               std::chrono::milliseconds& hold) {
  const auto version = req.version();
  const bool keep = req.keep_alive();
  const std::string path{req.target()};
  std::string bearer;
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    const std::string v{it->value()};
    if (v.rfind("Bearer ", 0) == 0)
      bearer = v.substr(7);
  }
  std::optional<fake_llm_fault> fault;
  std::function<std::string(const std::vector<llm_message>&)> answer_fn;
  {
    std::lock_guard<std::mutex> g{mtx};
    ++requests;
    max_active = std::max(max_active, ++active);
    last_path = path;
    last_body = req.body();
    last_bearer = bearer;
    if (!faults.empty()) {
      fault = faults.front();
      faults.pop_front();
    }
    answer_fn = answer;
  }
  hold = opts.delay;
  const bool ollama = path == "/api/chat";
  if (!ollama && path != "/v1/chat/completions")
    return reply(404, json{{"error", "no such endpoint: " + path}}.dump(),
                 version, keep);
  if (req.method() != http::verb::post)
    return reply(405, R"({"error":"POST only"})", version, keep);
  if (!opts.token.empty() && bearer != opts.token)
    return reply(401, R"({"error":"unauthorized"})", version, keep);
  const auto doc = json::parse(req.body(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("messages") ||
      !doc["messages"].is_array())
    return reply(400, R"({"error":"the body needs a messages array"})", version,
                 keep);
  std::vector<llm_message> messages;
  for (const auto& m : doc["messages"])
    if (m.is_object() && m.contains("role") && m["role"].is_string() &&
        m.contains("content") && m["content"].is_string())
      messages.push_back(
          {m["role"].get<std::string>(), m["content"].get<std::string>()});
  const std::string model = doc.contains("model") && doc["model"].is_string()
                                ? doc["model"].get<std::string>()
                                : std::string{};
  std::string text = answer_fn(messages);
  if (fault) {
    switch (*fault) {
    case fake_llm_fault::status_500:
      return reply(500, R"({"error":"the model crashed"})", version, keep);
    case fake_llm_fault::status_429: {
      auto res = reply(429, R"({"error":"too many requests"})", version, keep);
      res.set(http::field::retry_after, opts.retry_after);
      return res;
    }
    case fake_llm_fault::not_json:
      return reply(200, "<html>this is not JSON</html>", version, keep);
    case fake_llm_fault::no_content:
      return reply(200, R"({"done":true})", version, keep);
    case fake_llm_fault::wrong_schema:
      text = R"({"position":"maybe","price":"high"})";
      break;
    case fake_llm_fault::stall:
      hold = opts.stall;
      break;
    }
  }
  json body;
  const json message{{"role", "assistant"}, {"content", text}};
  if (ollama)
    body = {{"model", model}, {"message", message}, {"done", true}};
  else
    body = {{"object", "chat.completion"},
            {"model", model},
            {"choices", json::array({{{"index", 0},
                                      {"message", message},
                                      {"finish_reason", "stop"}}})}};
  return reply(200, body.dump(), version, keep);
}

expected<std::unique_ptr<fake_llm_server>>
fake_llm_server::start(fake_llm_options opts) {
  auto p = std::make_shared<impl>(std::move(opts));
  beast::error_code ec;
  const auto where =
      p->opts.host + ":" + std::to_string(static_cast<int>(p->opts.port));
  const auto addr = net::ip::make_address(p->opts.host, ec);
  if (ec)
    return error{"fake LLM server: address '" + p->opts.host +
                 "': " + ec.message()};
  const tcp::endpoint ep{addr, p->opts.port};
  ec = open_listener(p->acceptor, ep);
  if (ec)
    return error{"fake LLM server: cannot listen on " + where + ": " +
                 ec.message()};
  p->port = p->acceptor.local_endpoint().port();
  p->accept();
  p->thread = std::thread{[raw = p.get()] { raw->ioc.run(); }};
  return std::unique_ptr<fake_llm_server>{new fake_llm_server(std::move(p))};
}

fake_llm_server::fake_llm_server(std::shared_ptr<impl> p)
    : impl_(std::move(p)) {}

fake_llm_server::~fake_llm_server() {
  net::post(impl_->ioc, [p = impl_.get()] {
    beast::error_code ignored;
    p->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

std::uint16_t fake_llm_server::port() const {
  return impl_->port;
}

std::string fake_llm_server::url() const {
  return "http://" + impl_->opts.host + ":" + std::to_string(impl_->port);
}

void fake_llm_server::push_faults(const std::vector<fake_llm_fault>& faults) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  impl_->faults.insert(impl_->faults.end(), faults.begin(), faults.end());
}

void fake_llm_server::set_answer(
    std::function<std::string(const std::vector<llm_message>&)> answer) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  impl_->answer = std::move(answer);
}

std::uint64_t fake_llm_server::requests() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->requests;
}

std::size_t fake_llm_server::max_concurrent() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->max_active;
}

std::string fake_llm_server::last_path() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->last_path;
}

std::string fake_llm_server::last_body() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->last_body;
}

std::string fake_llm_server::last_bearer() const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  return impl_->last_bearer;
}

} // namespace btk
