#include "core/stats/capped_list.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace btk;

namespace {

std::vector<int> items(const capped_list<int>& xs) {
  return {xs.begin(), xs.end()};
}

} // namespace

TEST_CASE("a capped list iterates newest first and drops the oldest beyond "
          "its cap") {
  capped_list<int> xs{3};
  CHECK(xs.empty());
  CHECK(xs.cap() == 3);
  for (int i = 1; i <= 5; ++i)
    xs.push(i);
  CHECK(items(xs) == std::vector<int>{5, 4, 3});
  CHECK(xs.size() == 3);
  CHECK(xs.front() == 5);
  xs.clear();
  CHECK(xs.empty());
  CHECK(xs.cap() == 3);
}

TEST_CASE("a capped list with a cap of zero or less keeps nothing") {
  for (std::int64_t cap : {0, -1}) {
    capped_list<int> xs{cap};
    xs.push(1);
    xs.push(2);
    CHECK(xs.empty());
  }
}
