#include "core/market/interval.hpp"

namespace btk {

namespace {
constexpr std::string_view names[interval_count] = {
    "1m", "3m", "5m", "15m", "30m", "1h", "2h",
    "4h", "6h", "8h", "12h", "1d",  "3d"};
} // namespace

std::string_view to_string(interval iv) noexcept {
  return names[static_cast<std::size_t>(iv)];
}

std::optional<interval> parse_interval(std::string_view text) noexcept {
  for (std::size_t i = 0; i < interval_count; ++i)
    if (names[i] == text)
      return static_cast<interval>(i);
  return std::nullopt;
}

} // namespace btk
