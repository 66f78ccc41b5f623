// Parameter grids and `--where` filters on any text (the first line is the
// grid, the rest the filter): parsing never crashes, every point's spec
// reads back as a spec of the grid's strategy, and filters evaluate.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "strategies/grid.hpp"
#include "strategies/spec.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nl = text.find('\n');
  const std::string_view grid_text = text.substr(0, nl);
  const std::string_view where_text =
      nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);

  const auto& reg = btk::builtin_strategies();
  auto grid = btk::parse_grid(grid_text, reg);
  if (!grid) {
    fuzz_check(!grid.err().message.empty());
    return 0;
  }
  fuzz_check(grid->size() >= 1);
  // A sample of points: the first, the last and some between.
  const std::uint64_t n = grid->size();
  const std::uint64_t step = std::max<std::uint64_t>(1, n / 16);
  for (std::uint64_t i = 0; i < n && i < 16 * step; i += step) {
    const std::string spec = grid->spec_at(i);
    auto parsed = btk::parse_spec(spec);
    fuzz_check(parsed.has_value());
    fuzz_check(parsed->name == grid->strategy());
    for (const auto& axis : grid->axes())
      fuzz_check(grid->text_at(i, axis.key()).has_value());
    (void)reg.make(spec); // a strategy may refuse a combination
  }
  if (where_text.empty())
    return 0;
  auto filter = btk::parse_where(where_text, *grid);
  if (!filter) {
    fuzz_check(!filter.err().message.empty());
    return 0;
  }
  for (std::uint64_t i = 0; i < n && i < 16 * step; i += step)
    (void)filter->accepts(*grid, i);
  return 0;
}
