// Strategy specs (`name:key=value,...`) on any text: parsing never crashes,
// and a spec that builds has a canonical form that builds to the same
// canonical form again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "strategies/spec.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = btk::parse_spec(text);
  if (!spec) {
    fuzz_check(!spec.err().message.empty());
    return 0;
  }
  const auto& reg = btk::builtin_strategies();
  auto made = reg.make(text);
  auto canon = reg.canonical(text);
  if (!made) {
    fuzz_check(!made.err().message.empty());
    return 0;
  }
  fuzz_check(*made != nullptr);
  fuzz_check(canon.has_value());
  auto again = reg.canonical(*canon);
  fuzz_check(again.has_value() && *again == *canon);
  fuzz_check(reg.make(*canon).has_value());
  return 0;
}
