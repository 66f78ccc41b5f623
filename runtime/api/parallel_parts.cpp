#include "runtime/api/parallel_parts.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "core/market/parallel.hpp"

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
  std::vector<std::thread> threads;
  struct joiner {
    std::vector<std::thread>& threads;
    ~joiner() {
      for (auto& t : threads)
        t.join();
    }
  } join{threads};
  std::size_t k = 1;
  try {
    threads.reserve(parts);
    for (; k < parts; ++k)
      threads.emplace_back(guarded, k);
  } catch (const std::system_error&) {
    for (std::size_t rest = k; rest < parts; ++rest)
      guarded(rest);
  }
  guarded(0);
  for (auto& t : threads)
    t.join();
  threads.clear();
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
