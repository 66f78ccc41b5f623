#pragma once

// Where a live fleet's instances run: rendezvous (highest random weight)
// hashing. Every instance ranks every node by a hash of (node, instance);
// the first node up owns it, the next one up is its standby. The ranking
// depends on nothing else, so it is stable (the same fleet places the same
// way on every run and every machine), balanced (each node owns about
// 1/n), and minimal (losing a node moves only its instances, each to its
// standby; a node coming back takes back exactly those).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btk {

/// The rendezvous weight of `node` for `key` (a 64-bit mix of both).
std::uint64_t rendezvous_weight(std::string_view node, std::string_view key);

/// Indexes of `nodes` ranked for `key`, best first (ties: lower index).
std::vector<std::size_t> rendezvous_rank(const std::vector<std::string>& nodes,
                                         std::string_view key);

/// An instance's owner and standby among the nodes that are up.
struct placement {
  std::size_t owner = 0;
  /// None when only one node is up.
  std::optional<std::size_t> standby;
};

/// Places `key` on `nodes` where `up[i]` is true; none when no node is up.
std::optional<placement> place(const std::vector<std::string>& nodes,
                               const std::vector<bool>& up,
                               std::string_view key);

} // namespace btk
