#include "runtime/net/tls.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>

namespace btk {

namespace ssl = boost::asio::ssl;

expected<bool> setup_client_tls(ssl::context& ctx, const url_parts& u) {
  boost::system::error_code ec;
  if (u.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec)
      return error{"TLS: the system's certificate store: " + ec.message()};
  } else {
    ctx.load_verify_file(u.ca_file, ec);
    if (ec)
      return error{"TLS: CA file '" + u.ca_file + "': " + ec.message()};
  }
  ctx.set_verify_mode(ssl::verify_peer);
  // Without this any certificate a trusted CA signed would do, for any host.
  ctx.set_verify_callback(ssl::host_name_verification(u.host));
  return true;
}

expected<bool> setup_server_tls(ssl::context& ctx, const std::string& cert_file,
                                const std::string& key_file) {
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1,
                  ec);
  ctx.use_certificate_chain_file(cert_file, ec);
  if (ec)
    return error{"TLS: certificate file '" + cert_file + "': " + ec.message()};
  ctx.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    return error{"TLS: key file '" + key_file + "': " + ec.message()};
  return true;
}

} // namespace btk
