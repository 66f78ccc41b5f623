#include "runtime/api/engine.hpp"

#include <mutex>

#include "runtime/llm/llm_strategy.hpp"
#include "strategies/spec.hpp"

namespace btk {

void add_host_strategies() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A host that added its own `llm` keeps it.
    if (builtin_strategies().find("llm") == nullptr)
      if (auto added = add_strategy(llm_strategy_info()); !added)
        throw api_error("registering the llm strategy: " + added.err().message);
  });
}

} // namespace btk
