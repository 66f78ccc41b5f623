#pragma once

// The cluster's own records (`messages/cluster.capnp`) and their Cap'n
// Proto encoding. Callers see bytes and plain structs only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/config.hpp"
#include "core/error.hpp"

namespace btk {

/// The candles of one symbol as a node caches them.
struct series_manifest {
  std::string symbol;
  /// SHA-256 of the candle batches' bytes (32 bytes).
  std::string hash;
  std::uint64_t candles = 0;
  /// Batches the candles travel in.
  std::uint32_t chunks = 0;
};

/// What every job of one sweep shares on a node.
struct sweep_setup {
  config cfg;
  /// The settings skip the engine's checks (`--unsafe-config`).
  bool unsafe = false;
  std::vector<series_manifest> series;
};

/// Encodes `s` (every engine setting by name, exact).
std::string encode_sweep_setup(const sweep_setup& s);

/// Decodes `encode_sweep_setup` bytes and validates them: known setting
/// names with values they can hold, settings that pass the engine's checks
/// (unless unsafe), 32-byte hashes, non-empty symbols, at most
/// `max_series` series. The error names the field and the value.
expected<sweep_setup> decode_sweep_setup(std::string_view bytes,
                                         std::size_t max_series = 4096);

} // namespace btk
