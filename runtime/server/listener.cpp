#include "runtime/server/listener.hpp"

#include <atomic>
#include <deque>
#include <sstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "runtime/api/engine.hpp"
#include "runtime/api/version.hpp"
#include "runtime/net/listen.hpp"

namespace btk::serve {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using parser_t = http::request_parser<http::string_body>;

// Connections served at once; one more is closed at once.
constexpr std::size_t max_connections = 512;

void limit(parser_t& p, const server_options& o) {
  p.header_limit(static_cast<std::uint32_t>(o.max_header));
  p.body_limit(o.max_body);
}

// The answer to a request Beast could not read.
answer parse_error(const beast::error_code& ec) {
  if (ec == http::error::body_limit)
    return json_error(413, "the body is larger than this server accepts");
  if (ec == http::error::header_limit)
    return json_error(431, "the header is larger than this server accepts");
  return json_error(400, "malformed request: " + ec.message());
}

http::response<http::string_body> to_beast(answer a, unsigned version,
                                           bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(a.status),
                                        version};
  res.set(http::field::server, "btk/" + btk::version());
  res.set(http::field::content_type, a.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (auto& [k, v] : a.headers)
    res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(a.body);
  res.prepare_payload();
  if (head)
    res.body().clear();
  return res;
}

request to_request(const http::request<http::string_body>& r,
                   const std::string& peer) {
  request out;
  out.method = std::string{r.method_string()};
  out.target = std::string{r.target()};
  out.authorization = std::string{r[http::field::authorization]};
  out.body = r.body();
  out.peer = peer;
  return out;
}

// A WebSocket client of the event stream: the hub hands it encoded events
// (at most `ws_queue` unsent; beyond that it is dropped), it writes them
// one at a time and reads only to see pings and the close.
class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  ws_session(tcp::socket s, core& c, std::atomic<std::size_t>& open)
      : ws_(std::move(s))
      , c_(c)
      , open_(open) {
    ++open_; // counts against the connection cap as long as it lives
  }

  ~ws_session() {
    if (sub_ != 0)
      c_.events.unsubscribe(sub_);
    --open_;
  }

  void start(http::request<http::string_body> req, event_filter f) {
    ws_.set_option(
        websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(req, [self = shared_from_this(),
                           f = std::move(f)](beast::error_code ec) mutable {
      if (ec)
        return;
      self->subscribe(std::move(f));
      self->read();
    });
  }

private:
  void subscribe(event_filter f) {
    nlohmann::ordered_json hello{{"topic", "hello"},
                                 {"topics", f.topics},
                                 {"run", f.run},
                                 {"instance", f.instance}};
    std::weak_ptr<ws_session> weak = shared_from_this();
    const auto limit = c_.o.ws_queue;
    auto pending = pending_;
    sub_ = c_.events.subscribe(
        std::move(f),
        [weak, limit, pending](std::shared_ptr<const std::string> text) {
          auto self = weak.lock();
          if (!self)
            return false;
          if (pending->fetch_add(1) >= limit) {
            net::post(self->ws_.get_executor(), [self] { self->drop(); });
            return false;
          }
          net::post(self->ws_.get_executor(),
                    [self, t = std::move(text)] { self->send(t); });
          return true;
        });
    {
      std::lock_guard<std::mutex> g{c_.counters_mtx};
      ++c_.ws_clients;
    }
    send(std::make_shared<const std::string>(hello.dump()), false);
  }

  void send(std::shared_ptr<const std::string> text, bool counted = true) {
    if (closed_)
      return;
    queue_.push_back({std::move(text), counted});
    if (queue_.size() == 1)
      write();
  }

  void write() {
    ws_.text(true);
    ws_.async_write(
        net::buffer(*queue_.front().first),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (self->queue_.front().second)
            self->pending_->fetch_sub(1);
          self->queue_.pop_front();
          if (ec) {
            self->drop();
            return;
          }
          if (!self->queue_.empty())
            self->write();
        });
  }

  void read() {
    ws_.async_read(
        buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) {
            self->drop();
            return;
          }
          self->buf_.consume(self->buf_.size());
          self->read();
        });
  }

  // Closes the connection at once (a slow client gets no close frame: its
  // socket is what is full).
  void drop() {
    if (closed_)
      return;
    closed_ = true;
    if (sub_ != 0) {
      c_.events.unsubscribe(sub_);
      sub_ = 0;
      std::lock_guard<std::mutex> g{c_.counters_mtx};
      ++c_.ws_dropped;
    }
    beast::error_code ec;
    beast::get_lowest_layer(ws_).shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close(ec);
  }

  websocket::stream<tcp::socket> ws_;
  core& c_;
  std::atomic<std::size_t>& open_;
  beast::flat_buffer buf_;
  std::deque<std::pair<std::shared_ptr<const std::string>, bool>> queue_;
  std::shared_ptr<std::atomic<std::size_t>> pending_ =
      std::make_shared<std::atomic<std::size_t>>(0);
  std::uint64_t sub_ = 0;
  bool closed_ = false;
};

// The filter of an `/api/events` request, or the reason it is wrong.
expected<event_filter> filter_of(const std::string& target) {
  event_filter f;
  auto q = query_of(target);
  for (const auto& [k, v] : q) {
    if (k == "topics" || k == "topic") {
      std::size_t pos = 0;
      while (pos <= v.size()) {
        auto comma = v.find(',', pos);
        if (comma == std::string::npos)
          comma = v.size();
        const auto t = v.substr(pos, comma - pos);
        if (!is_event_topic(t))
          return btk::error{"topic '" + t +
                            "': expected signals, progress, done, risk, "
                            "partial, walker or errors"};
        f.topics.push_back(t);
        pos = comma + 1;
      }
    } else if (k == "run") {
      f.run = v;
    } else if (k == "instance") {
      f.instance = v;
    } else {
      return btk::error{"unknown parameter '" + k +
                        "' (accepted: topics, run, instance)"};
    }
  }
  return f;
}

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket s, core& c, std::atomic<std::size_t>& open)
      : stream_(std::move(s))
      , c_(c)
      , open_(open) {
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "unknown" : ep.address().to_string();
  }
  ~http_session() { --open_; }

  void start() { read(); }

private:
  void read() {
    parser_.emplace();
    limit(*parser_, c_.o);
    // A request must arrive whole within 30 s (no slow-loris hold).
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buf_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          self->handle(ec);
        });
  }

  void handle(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset)
      return close();
    if (ec) {
      // Unreadable: answer once, then close (the stream is out of step).
      reply(to_beast(parse_error(ec), 11, false, false), false);
      return;
    }
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) {
      const auto path = path_of(std::string{req.target()});
      if (path && *path == "/api/events") {
        if (auto refused = refuse_upgrade(req)) {
          reply(to_beast(std::move(*refused), req.version(), false, false),
                false);
          return;
        }
        auto f = filter_of(std::string{req.target()});
        if (!f) {
          reply(to_beast(json_error(400, f.err().message), req.version(), false,
                         false),
                false);
          return;
        }
        stream_.expires_never();
        std::make_shared<ws_session>(stream_.release_socket(), c_, open_)
            ->start(std::move(req), std::move(*f));
        return;
      }
    }
    const bool keep = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    auto a = route(c_, to_request(req, peer_));
    reply(to_beast(std::move(a), req.version(), keep, head), keep);
  }

  // An upgrade over the rate, or from a page of another origin (a browser
  // sends `Origin`; a page elsewhere must not read the events), is
  // refused.
  std::optional<answer>
  refuse_upgrade(const http::request<http::string_body>& req) {
    if (!c_.limiter.take(peer_, std::chrono::steady_clock::now())) {
      auto a = json_error(429, "too many requests from " + peer_);
      a.headers.emplace_back("Retry-After", "1");
      return a;
    }
    const std::string origin{req[http::field::origin]};
    if (origin.empty())
      return std::nullopt;
    const auto scheme = origin.find("://");
    const auto host =
        scheme == std::string::npos ? origin : origin.substr(scheme + 3);
    if (host != std::string{req[http::field::host]})
      return json_error(403, "WebSocket from origin '" + origin +
                                 "' refused: only pages this server serves "
                                 "may subscribe");
    return std::nullopt;
  }

  void reply(http::response<http::string_body> res, bool keep) {
    res_ = std::make_shared<http::response<http::string_body>>(std::move(res));
    http::async_write(
        stream_, *res_,
        [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
          if (ec || !keep)
            return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  core& c_;
  std::atomic<std::size_t>& open_;
  std::string peer_;
  beast::flat_buffer buf_;
  std::optional<parser_t> parser_;
  std::shared_ptr<http::response<http::string_body>> res_;
};

} // namespace

struct listener::impl {
  core& c;
  // Before the io_context: sessions destroyed with it still count down.
  std::atomic<std::size_t> open{0};
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  explicit impl(core& cc)
      : c(cc) {}

  void accept() {
    acceptor.async_accept(
        net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
          if (ec == net::error::operation_aborted)
            return;
          if (!ec) {
            if (open.load() >= max_connections) {
              beast::error_code ignored;
              s.close(ignored);
            } else {
              ++open;
              std::make_shared<http_session>(std::move(s), c, open)->start();
            }
          }
          accept();
        });
  }
};

listener::listener(core& c)
    : impl_(std::make_unique<impl>(c)) {
  const auto& addr = c.o.listen;
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw api_error("--listen '" + addr + "': expected HOST:PORT");
  auto host = addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port_text = addr.substr(colon + 1);
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535)
      throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw api_error("--listen '" + addr + "': the port must be 0 to 65535");
  }
  beast::error_code ec;
  const auto ip = net::ip::make_address(host, ec);
  if (ec)
    throw api_error("--listen '" + addr + "': '" + host +
                    "' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)");
  const tcp::endpoint ep{ip, static_cast<unsigned short>(port)};
  ec = open_listener(impl_->acceptor, ep);
  if (ec)
    throw api_error("--listen '" + addr + "': " + ec.message());
  impl_->accept();
  impl_->thread = std::thread([this] {
    // Serving yields to the runs when they compete for the CPU.
    lower_thread_priority(impl_->c.o.nice);
    impl_->ioc.run();
  });
}

listener::~listener() {
  // No event may be posted to a session once the io_context goes.
  impl_->c.events.drop_subscribers();
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string listener::address() const {
  const auto ep = impl_->acceptor.local_endpoint();
  const auto host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]"
                                         : ep.address().to_string();
  return host + ":" + std::to_string(ep.port());
}

std::string answer_bytes(core& c, std::string_view bytes) {
  parser_t p;
  limit(p, c.o);
  p.eager(true);
  beast::error_code ec;
  p.put(net::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && !p.is_done())
    p.put_eof(ec);
  http::response<http::string_body> res;
  if (ec) {
    res = to_beast(parse_error(ec), 11, false, false);
  } else {
    auto req = p.release();
    res = to_beast(route(c, to_request(req, "fuzz")), req.version(),
                   req.keep_alive(), req.method() == http::verb::head);
  }
  std::ostringstream out;
  out << res;
  return out.str();
}

} // namespace btk::serve
