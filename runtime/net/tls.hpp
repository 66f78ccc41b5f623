#pragma once

// TLS set-up shared by btk's HTTP clients (exchanges, LLMs) and the
// exchange simulator. It includes Boost.Asio's OpenSSL layer.

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/error.hpp"
#include "runtime/net/http_client.hpp"

namespace btk {

/// Makes `ctx` verify the server of `u`: its certificate must chain to a CA
/// of `u.ca_file` (or of the system's store when empty) and name `u.host`.
/// An unreadable CA file is an error naming it.
expected<bool> setup_client_tls(boost::asio::ssl::context& ctx,
                                const url_parts& u);

/// Loads a server's certificate chain and private key (PEM files); an error
/// names the file and OpenSSL's reason.
expected<bool> setup_server_tls(boost::asio::ssl::context& ctx,
                                const std::string& cert_file,
                                const std::string& key_file);

} // namespace btk
