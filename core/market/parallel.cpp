#include "core/market/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

namespace btk {

namespace {

struct runner_slot {
  std::mutex mtx;
  std::shared_ptr<const parallel_runner> runner;
  std::size_t threads = 1;
};

runner_slot& slot() {
  static runner_slot s;
  return s;
}

} // namespace

void set_parallel_runner(parallel_runner runner, std::size_t threads) {
  auto& s = slot();
  std::lock_guard<std::mutex> guard{s.mtx};
  s.runner = runner ? std::make_shared<const parallel_runner>(std::move(runner))
                    : nullptr;
  s.threads = std::max<std::size_t>(threads, 1);
}

bool has_parallel_runner() {
  auto& s = slot();
  std::lock_guard<std::mutex> guard{s.mtx};
  return s.runner != nullptr;
}

void for_each_part(
    std::size_t n, std::size_t min_part,
    const std::function<void(std::size_t from, std::size_t to)>& body) {
  std::shared_ptr<const parallel_runner> runner;
  std::size_t threads = 1;
  {
    auto& s = slot();
    std::lock_guard<std::mutex> guard{s.mtx};
    runner = s.runner;
    threads = s.threads;
  }
  // A few ranges per thread, taken in turn: a thread that starts late
  // leaves its share to the others instead of holding up the end.
  const std::size_t most = n / std::max<std::size_t>(min_part, 1);
  const std::size_t ranges =
      std::min(threads * 4, std::max<std::size_t>(most, 1));
  const std::size_t parts = runner ? std::min(threads, ranges) : 1;
  if (parts <= 1) {
    if (n > 0)
      body(0, n);
    return;
  }
  std::atomic<std::size_t> next{0};
  (*runner)(parts, [&](std::size_t) {
    for (std::size_t r; (r = next.fetch_add(1)) < ranges;)
      body(n * r / ranges, n * (r + 1) / ranges);
  });
}

} // namespace btk
