#pragma once

// Opening a listening socket, as btk's servers do (btk serve, the exchange
// simulator, the fake LLM server). It includes Boost.Asio.

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace btk {

/// Opens, binds and listens `acceptor` on `at`, reusing the address (a
/// restarted server takes its port back at once) with the longest backlog.
/// Returns the first error; the caller words it with what it is.
boost::system::error_code
open_listener(boost::asio::ip::tcp::acceptor& acceptor,
              const boost::asio::ip::tcp::endpoint& at);

} // namespace btk
