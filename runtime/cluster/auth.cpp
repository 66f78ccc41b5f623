#include "runtime/cluster/auth.hpp"

#include <cstdio>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace btk {

std::string make_nonce() {
  std::string out(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), 32) != 1)
    throw std::runtime_error("OpenSSL could not make a random nonce");
  return out;
}

std::string secret_proof(std::string_view secret, std::string_view role,
                         std::string_view a, std::string_view b) {
  std::string msg;
  msg.reserve(role.size() + a.size() + b.size() + 2);
  msg.append(role).append(1, '\0').append(a).append(1, '\0').append(b);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md,
       &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

bool same_proof(std::string_view x, std::string_view y) {
  return x.size() == y.size() && !x.empty() &&
         CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

std::string sha256(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string short_hex(std::string_view bytes) {
  std::string out;
  char buf[3];
  for (std::size_t i = 0; i < bytes.size() && i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02x",
                  static_cast<unsigned char>(bytes[i]));
    out += buf;
  }
  return out;
}

} // namespace btk
