#include "runtime/api/parallel_parts.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "core/market/parallel.hpp"
#include "runtime/data/row_scan.hpp"

namespace btk {

namespace {

// When a thread cannot start, its part runs on the calling thread. Every
// thread is joined, and the first exception of any part is rethrown after
// (a part that allocates may throw bad_alloc).
void run_parts(std::size_t parts,
               const std::function<void(std::size_t)>& body) {
  std::mutex mtx;
  std::exception_ptr first;
  auto guarded = [&](std::size_t k) {
    try {
      body(k);
    } catch (...) {
      std::lock_guard<std::mutex> g{mtx};
      if (!first)
        first = std::current_exception();
    }
  };
  // Part 0 here, the others beside it (a part whose thread cannot start
  // runs here too); every thread is joined before this returns.
  detail::scan_beside(
      parts - 1, [&](std::size_t k) { guarded(k + 1); },
      [&](std::size_t k) { guarded(k + 1); }, [&] { guarded(0); });
  if (first)
    std::rethrow_exception(first);
}

} // namespace

void install_parallel_runner(std::size_t threads) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  set_parallel_runner(run_parts,
                      threads == 0 ? cores : std::min(threads, cores));
}

} // namespace btk
