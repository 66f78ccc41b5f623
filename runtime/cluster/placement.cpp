#include "runtime/cluster/placement.hpp"

#include <algorithm>

namespace btk {

namespace {

// FNV-1a over the bytes, then a splitmix64 finaliser: stable across
// machines and versions (std::hash is neither).
std::uint64_t mix(std::uint64_t h, std::string_view bytes) {
  for (const unsigned char c : bytes)
    h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::uint64_t finalise(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

} // namespace

std::uint64_t rendezvous_weight(std::string_view node, std::string_view key) {
  std::uint64_t h = mix(0xcbf29ce484222325ull, node);
  h = mix(h, std::string_view{"\0", 1});
  return finalise(mix(h, key));
}

std::vector<std::size_t> rendezvous_rank(const std::vector<std::string>& nodes,
                                         std::string_view key) {
  std::vector<std::pair<std::uint64_t, std::size_t>> w;
  w.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    w.emplace_back(rendezvous_weight(nodes[i], key), i);
  std::stable_sort(w.begin(), w.end(), [](const auto& a, const auto& b) {
    return a.first > b.first;
  });
  std::vector<std::size_t> out;
  out.reserve(w.size());
  for (const auto& [weight, i] : w)
    out.push_back(i);
  return out;
}

std::optional<placement> place(const std::vector<std::string>& nodes,
                               const std::vector<bool>& up,
                               std::string_view key) {
  std::optional<placement> out;
  for (const auto i : rendezvous_rank(nodes, key)) {
    if (i >= up.size() || !up[i])
      continue;
    if (!out)
      out = placement{i, std::nullopt};
    else {
      out->standby = i;
      break;
    }
  }
  return out;
}

} // namespace btk
