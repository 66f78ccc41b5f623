#pragma once

// Proof of the shared secret, both ways, before a node accepts anything:
//
//   coordinator -> node  hello(version, client nonce, who)
//   node -> coordinator  node nonce, HMAC(secret, "btk-node" | cn | nn)
//   coordinator -> node  auth(node nonce, HMAC(secret, "btk-coord" | cn | nn))
//   node -> coordinator  a session actor, or the reason it refused
//
// Nonces are 32 random bytes, so a proof is never replayed; the secret
// never crosses the wire. Each side refuses a peer whose proof is wrong.

#include <string>
#include <string_view>

namespace btk {

/// 32 random bytes (OpenSSL's generator).
std::string make_nonce();

/// HMAC-SHA256 of `role | a | b` under `secret` (32 bytes).
std::string secret_proof(std::string_view secret, std::string_view role,
                         std::string_view a, std::string_view b);

/// Compares two proofs in time independent of where they differ.
bool same_proof(std::string_view x, std::string_view y);

/// SHA-256 of `bytes` (32 bytes).
std::string sha256(std::string_view bytes);

/// The first 8 bytes of `bytes` as 16 hex digits, to name a hash in logs.
std::string short_hex(std::string_view bytes);

} // namespace btk
