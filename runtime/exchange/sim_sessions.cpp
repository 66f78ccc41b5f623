// The simulator's connections: HTTP requests until an upgrade, then a
// WebSocket client, over plain TCP or TLS (with --tls-cert/--tls-key).

#include <algorithm>
#include <deque>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "runtime/exchange/sim_impl.hpp"

namespace btk {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One WebSocket client: a write queue (Beast allows one write at a time)
// and a read loop that answers pings and sees the close. `Next` is the
// layer under the WebSocket: a TCP stream, or TLS over one.
template <class Next>
class ws_session final : public sim::sim_client,
                         public std::enable_shared_from_this<ws_session<Next>> {
public:
  ws_session(Next next, exchange_sim::impl& sim)
      : ws_(std::move(next))
      , sim_(sim) {}

  void start(http::request<http::string_body> req) {
    const std::string target{req.target()};
    std::string list;
    if (target.rfind("/stream", 0) == 0)
      list = sim::query_of(target)["streams"];
    else if (target.rfind("/ws/", 0) == 0)
      list = target.substr(4);
    std::size_t pos = 0;
    while (pos < list.size()) {
      auto slash = list.find('/', pos);
      if (slash == std::string::npos)
        slash = list.size();
      const auto name = list.substr(pos, slash - pos);
      const auto at = name.find('@');
      if (at != std::string::npos)
        symbols_.push_back(sim::upper(name.substr(0, at)));
      pos = slash + 1;
    }
    connected_at_ = sim_.now();
    ws_.set_option(
        websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req,
                     [self = this->shared_from_this()](beast::error_code ec) {
                       if (ec)
                         return;
                       self->open_ = true;
                       self->read();
                     });
  }

  bool wants(const std::string& symbol) const override {
    return open_ && std::find(symbols_.begin(), symbols_.end(), symbol) !=
                        symbols_.end();
  }
  bool is_open() const override { return open_; }
  timestamp connected_at() const override { return connected_at_; }

  void send(std::string text) override {
    queue_.push_back(std::move(text));
    if (queue_.size() == 1)
      write();
  }

  void drop() override {
    open_ = false;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

private:
  void read() {
    ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec,
                                                           std::size_t) {
      if (ec) {
        self->open_ = false;
        return;
      }
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void write() {
    if (!open_) {
      queue_.clear();
      return;
    }
    auto done = [self = this->shared_from_this()](beast::error_code ec,
                                                  std::size_t = 0) {
      if (ec) {
        self->open_ = false;
        self->queue_.clear();
        return;
      }
      self->queue_.pop_front();
      if (!self->queue_.empty())
        self->write();
    };
    if (queue_.front().empty()) {
      ws_.async_ping({}, [done](beast::error_code ec) mutable { done(ec); });
      return;
    }
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()), done);
  }

  websocket::stream<Next> ws_;
  exchange_sim::impl& sim_;
  beast::flat_buffer buf_;
  std::deque<std::string> queue_;
  std::vector<std::string> symbols_;
  timestamp connected_at_ = 0;
  bool open_ = false;
};

// One HTTP connection: REST requests until it closes or upgrades. Over
// TLS the handshake comes first.
template <class Stream>
class http_session final
    : public std::enable_shared_from_this<http_session<Stream>> {
public:
  http_session(Stream s, exchange_sim::impl& sim)
      : stream_(std::move(s))
      , sim_(sim) {}

  void start() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
      stream_.async_handshake(
          net::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec)
              return; // not TLS, or a client that does not trust us
            beast::get_lowest_layer(self->stream_).expires_never();
            self->read();
          });
    } else {
      read();
    }
  }

private:
  void read() {
    req_ = {};
    http::async_read(
        stream_, buf_, req_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec)
            return;
          self->handle();
        });
  }

  void handle() {
    if (websocket::is_upgrade(req_)) {
      auto ws = std::make_shared<ws_session<Stream>>(std::move(stream_), sim_);
      sim_.sessions.push_back(ws);
      sim_.count(&exchange_sim_stats::connections);
      ws->start(std::move(req_));
      return;
    }
    res_ =
        std::make_shared<http::response<http::string_body>>(sim_.answer(req_));
    http::async_write(
        stream_, *res_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec || !self->req_.keep_alive())
            return;
          self->read();
        });
  }

  Stream stream_;
  exchange_sim::impl& sim_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  std::shared_ptr<http::response<http::string_body>> res_;
};

} // namespace

void exchange_sim::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
    if (ec)
      return;
    s.set_option(tcp::no_delay(true));
    if (tls)
      std::make_shared<http_session<tls_stream>>(
          tls_stream{beast::tcp_stream{std::move(s)}, *tls}, *this)
          ->start();
    else
      std::make_shared<http_session<beast::tcp_stream>>(
          beast::tcp_stream{std::move(s)}, *this)
          ->start();
    accept();
  });
}

} // namespace btk
