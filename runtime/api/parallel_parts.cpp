#include "runtime/api/parallel_parts.hpp"

#include <algorithm>
#include <functional>
#include <system_error>
#include <thread>
#include <vector>

#include "core/market/parallel.hpp"

namespace btk {

namespace {

// When a thread cannot start, its part runs on the calling thread.
void run_parts(std::size_t parts,
               const std::function<void(std::size_t)>& body) {
  std::vector<std::thread> threads;
  threads.reserve(parts);
  std::size_t k = 1;
  try {
    for (; k < parts; ++k)
      threads.emplace_back([&body, k] { body(k); });
  } catch (const std::system_error&) {
    for (std::size_t rest = k; rest < parts; ++rest)
      body(rest);
  }
  body(0);
  for (auto& t : threads)
    t.join();
}

} // namespace

void install_parallel_runner(std::size_t threads) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  set_parallel_runner(run_parts,
                      threads == 0 ? cores : std::min(threads, cores));
}

} // namespace btk
