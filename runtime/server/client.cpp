#include "runtime/server/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace btk {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::pair<std::string, std::string> split(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return {address, "80"};
  auto host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  return {host, address.substr(colon + 1)};
}

// Runs `ioc` until the operations end or `timeout` passes; false when the
// time ran out (the stream is then closed).
bool run_for(net::io_context& ioc, beast::tcp_stream& s,
             std::chrono::milliseconds timeout) {
  ioc.restart();
  ioc.run_for(timeout);
  if (ioc.stopped())
    return true;
  s.cancel();
  ioc.restart();
  ioc.run();
  return false;
}

expected<bool> connect(net::io_context& ioc, beast::tcp_stream& s,
                       const std::string& address,
                       std::chrono::milliseconds timeout) {
  const auto [host, port] = split(address);
  tcp::resolver res{ioc};
  beast::error_code ec;
  const auto eps = res.resolve(host, port, ec);
  if (ec)
    return error{address + ": " + ec.message()};
  s.expires_after(timeout);
  s.connect(eps, ec);
  if (ec)
    return error{address + ": " + ec.message()};
  s.expires_never();
  return true;
}

} // namespace

expected<client_response>
http_call(const std::string& address, const std::string& method,
          const std::string& target, const std::string& body,
          const std::string& token, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream s{ioc};
  if (auto c = connect(ioc, s, address, timeout); !c)
    return c.err();
  http::request<http::string_body> req{http::string_to_verb(method), target,
                                       11};
  if (req.method() == http::verb::unknown)
    req.method_string(method);
  req.set(http::field::host, address);
  req.set(http::field::user_agent, "btk-client");
  if (!token.empty())
    req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty())
    req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buf;
  http::response_parser<http::string_body> p;
  p.body_limit(1ULL << 32);
  beast::error_code ec;
  http::async_write(s, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    if (!e)
      http::async_read(s, buf, p,
                       [&](beast::error_code e2, std::size_t) { ec = e2; });
  });
  if (!run_for(ioc, s, timeout))
    return error{address + ": no answer to " + method + " " + target +
                 " within " + std::to_string(timeout.count()) + " ms"};
  if (ec)
    return error{address + ": " + method + " " + target + ": " + ec.message()};
  auto res = p.release();
  client_response out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string{res[http::field::content_type]};
  out.location = std::string{res[http::field::location]};
  out.retry_after = std::string{res[http::field::retry_after]};
  out.body = std::move(res.body());
  beast::error_code ignored;
  s.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

expected<std::string> http_raw(const std::string& address,
                               const std::string& bytes,
                               std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream s{ioc};
  if (auto c = connect(ioc, s, address, timeout); !c)
    return c.err();
  std::string out;
  beast::error_code ec;
  char chunk[4096];
  std::function<void()> read_more = [&] {
    s.async_read_some(net::buffer(chunk),
                      [&](beast::error_code e, std::size_t n) {
                        out.append(chunk, n);
                        if (!e)
                          read_more();
                      });
  };
  net::async_write(s, net::buffer(bytes),
                   [&](beast::error_code e, std::size_t) {
                     ec = e;
                     read_more();
                   });
  run_for(ioc, s, timeout);
  return out;
}

struct ws_client::impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buf;
  std::string address;
};

ws_client::ws_client(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}
ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&&) noexcept = default;
ws_client::~ws_client() = default;

expected<ws_client> ws_client::connect(const std::string& address,
                                       const std::string& target,
                                       std::chrono::milliseconds timeout) {
  auto p = std::make_unique<impl>();
  p->address = address;
  auto& lowest = beast::get_lowest_layer(p->ws);
  if (auto c = btk::connect(p->ioc, lowest, address, timeout); !c)
    return c.err();
  beast::error_code ec;
  http::response<http::string_body> refusal;
  p->ws.async_handshake(refusal, address, target,
                        [&](beast::error_code e) { ec = e; });
  if (!run_for(p->ioc, lowest, timeout))
    return error{address + target + ": no WebSocket handshake within " +
                 std::to_string(timeout.count()) + " ms"};
  if (ec)
    return error{address + target + ": " + ec.message() +
                 (refusal.body().empty() ? "" : ": " + refusal.body())};
  return ws_client{std::move(p)};
}

expected<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  auto& p = *impl_;
  beast::error_code ec;
  bool done = false;
  p.buf.clear();
  p.ws.async_read(p.buf, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_for(p.ioc, beast::get_lowest_layer(p.ws), timeout) || !done)
    return error{p.address + ": no event within " +
                 std::to_string(timeout.count()) + " ms"};
  if (ec)
    return error{p.address + ": the event stream closed: " + ec.message()};
  return beast::buffers_to_string(p.buf.data());
}

void ws_client::close() {
  auto& p = *impl_;
  p.ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
  run_for(p.ioc, beast::get_lowest_layer(p.ws), std::chrono::seconds(2));
}

} // namespace btk
