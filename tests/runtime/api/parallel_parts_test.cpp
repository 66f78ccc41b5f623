// The runtime's parallel runner (runtime/api/parallel_parts): parts run on
// threads of their own, and a part that throws is rethrown after every
// thread has been joined, instead of ending the process.

#include "runtime/api/parallel_parts.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>

#include "core/market/parallel.hpp"

using namespace btk;

TEST_CASE("the runtime's runner rethrows a part's exception after joining "
          "every thread, and runs every range once",
          "[parallel]") {
  install_parallel_runner(4);
  std::atomic<std::size_t> covered{0};
  for_each_part(4000, 10, [&](std::size_t from, std::size_t to) {
    covered += to - from;
  });
  CHECK(covered == 4000);

  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(for_each_part(4000, 10,
                                  [&](std::size_t from, std::size_t) {
                                    ++ran;
                                    if (from == 0)
                                      throw std::runtime_error("part 0 failed");
                                  }),
                    "part 0 failed");
  CHECK(ran >= 1);
  // The runner still works after a failure.
  covered = 0;
  for_each_part(4000, 10, [&](std::size_t from, std::size_t to) {
    covered += to - from;
  });
  CHECK(covered == 4000);
  set_parallel_runner(nullptr, 1);
}
