#pragma once

// What every fuzz target shares: `fuzz_check` aborts with a message when an
// invariant fails, so libFuzzer (and the replay runner) report it as a crash
// with its input saved, under any build type.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define fuzz_check(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,          \
                   __LINE__, #cond);                                           \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

/// Decodes `bytes`; a record that decodes must encode to bytes that decode
/// to the same encoding (nothing is read that could not have been written),
/// and a failure must say why.
template <class Decode, class Encode>
void fuzz_round_trip(std::string_view bytes, Decode decode, Encode encode) {
  auto value = decode(bytes);
  if (!value) {
    fuzz_check(!value.err().message.empty());
    return;
  }
  const std::string once = encode(*value);
  auto back = decode(once);
  fuzz_check(back.has_value());
  fuzz_check(encode(*back) == once);
}

/// Splits an input into its first byte, which picks what a target runs, and
/// the rest, which is what it reads. False for an empty input.
inline bool fuzz_pick(const std::uint8_t* data, std::size_t size,
                      unsigned& pick, std::string_view& rest) {
  if (size == 0)
    return false;
  pick = data[0];
  rest = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  return true;
}
