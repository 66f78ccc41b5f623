#pragma once

// `--listen HOST:PORT` read as the servers of the API take it.

#include <cstdint>
#include <string>
#include <utility>

#include "runtime/api/engine.hpp"

namespace btk::detail {

/// The host and port of `listen` (`HOST:PORT`, port 0 .. 65535); throws
/// `api_error` naming the flag's value and what is wrong.
inline std::pair<std::string, std::uint16_t>
parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw api_error("--listen '" + listen + "': expected HOST:PORT");
  const auto port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    throw api_error("--listen '" + listen + "': port '" + port +
                    "' is not 0 .. 65535");
  return {listen.substr(0, colon),
          static_cast<std::uint16_t>(std::stoul(port))};
}

} // namespace btk::detail
