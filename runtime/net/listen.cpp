#include "runtime/net/listen.hpp"

namespace btk {

boost::system::error_code
open_listener(boost::asio::ip::tcp::acceptor& acceptor,
              const boost::asio::ip::tcp::endpoint& at) {
  namespace net = boost::asio;
  boost::system::error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec)
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(at, ec);
  if (!ec)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

} // namespace btk
