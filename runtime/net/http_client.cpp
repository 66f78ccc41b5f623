#include "runtime/net/http_client.hpp"
#include "runtime/net/tls.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

namespace btk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string url_parts::origin(bool websocket) const {
  const char* scheme =
      websocket ? (tls ? "wss" : "ws") : (tls ? "https" : "http");
  return std::string{scheme} + "://" + host + ":" + port;
}

expected<url_parts> parse_base_url(const std::string& url) {
  url_parts u;
  std::string rest;
  for (const auto& [scheme, tls] :
       {std::pair{"https://", true}, std::pair{"http://", false},
        std::pair{"wss://", true}, std::pair{"ws://", false}}) {
    if (url.rfind(scheme, 0) == 0) {
      u.tls = tls;
      rest = url.substr(std::string{scheme}.size());
      break;
    }
  }
  if (rest.empty())
    return error{"base URL '" + url +
                 "': expected http://, https://, ws:// or wss:// and a host"};
  const auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos)
    u.prefix = rest.substr(slash);
  while (!u.prefix.empty() && u.prefix.back() == '/')
    u.prefix.pop_back();
  const auto colon = hostport.rfind(':');
  if (colon != std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
    if (u.port.empty() ||
        u.port.find_first_not_of("0123456789") != std::string::npos)
      return error{"base URL '" + url + "': port '" + u.port +
                   "' is not a number"};
  } else {
    u.host = hostport;
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.empty())
    return error{"base URL '" + url + "': no host"};
  return u;
}

namespace {

template <class Stream>
void send_and_read(Stream& stream, const url_parts& u, const http_request& r,
                   http_response& out, beast::error_code& failure,
                   const char*& stage) {
  auto req = std::make_shared<http::request<http::string_body>>(
      r.post ? http::verb::post : http::verb::get, u.prefix + r.target, 11);
  // RFC 7230 §5.4: the port too, unless it is the scheme's own.
  const bool default_port = u.port == (u.tls ? "443" : "80");
  req->set(http::field::host, default_port ? u.host : u.host + ":" + u.port);
  req->set(http::field::user_agent, "btk");
  if (!r.bearer.empty())
    req->set(http::field::authorization, "Bearer " + r.bearer);
  if (r.post) {
    req->set(http::field::content_type, r.content_type);
    req->body() = r.body;
    req->prepare_payload();
  }
  auto buf = std::make_shared<beast::flat_buffer>();
  auto res = std::make_shared<http::response<http::string_body>>();
  stage = "send";
  http::async_write(
      stream, *req,
      [&stream, req, buf, res, &out, &failure, &stage](beast::error_code ec,
                                                       std::size_t) {
        if (ec) {
          failure = ec;
          return;
        }
        stage = "read";
        http::async_read(
            stream, *buf, *res,
            [res, buf, &out, &failure](beast::error_code ec2, std::size_t) {
              if (ec2) {
                failure = ec2;
                return;
              }
              auto& msg = *res;
              out.status = static_cast<int>(msg.result_int());
              out.body = std::move(msg.body());
              if (auto it = msg.find("Retry-After"); it != msg.end())
                out.retry_after = std::string{it->value()};
              if (auto it = msg.find("X-MBX-USED-WEIGHT-1M"); it != msg.end())
                out.used_weight = std::string{it->value()};
            });
      });
}

} // namespace

expected<http_response> http_get(const url_parts& u, const std::string& target,
                                 std::chrono::milliseconds timeout) {
  http_request r;
  r.target = target;
  return http_send(u, r, timeout);
}

expected<http_response> http_send(const url_parts& u, const http_request& r,
                                  std::chrono::milliseconds timeout) {
  const std::string what = std::string{r.post ? "POST " : "GET "} +
                           u.origin(false) + u.prefix + r.target;
  net::io_context ioc;
  tcp::resolver resolver{ioc};
  http_response out;
  beast::error_code failure;
  const char* stage = "resolve";
  net::ssl::context ctx{net::ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  if (u.tls) {
    if (auto ok = setup_client_tls(ctx, u); !ok)
      return error{what + ": " + ok.err().message};
    secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
    SSL_set_tlsext_host_name(secure->native_handle(), u.host.c_str());
  } else {
    plain = std::make_unique<beast::tcp_stream>(ioc);
  }
  auto& lowest = u.tls ? beast::get_lowest_layer(*secure) : *plain;
  lowest.expires_after(timeout);
  resolver.async_resolve(
      u.host, u.port,
      [&](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) {
          failure = ec;
          return;
        }
        stage = "connect";
        lowest.async_connect(
            results, [&](beast::error_code ec2, tcp::endpoint) {
              if (ec2) {
                failure = ec2;
                return;
              }
              beast::error_code ignored;
              lowest.socket().set_option(tcp::no_delay(true), ignored);
              if (!u.tls) {
                send_and_read(*plain, u, r, out, failure, stage);
                return;
              }
              stage = "TLS handshake";
              secure->async_handshake(
                  net::ssl::stream_base::client, [&](beast::error_code ec3) {
                    if (ec3) {
                      failure = ec3;
                      return;
                    }
                    send_and_read(*secure, u, r, out, failure, stage);
                  });
            });
      });
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  if (failure || out.status == 0)
    return error{what + ": " + stage + " failed: " +
                 (failure ? failure.message() : std::string{"timed out"})};
  return out;
}

} // namespace btk
