// Rendezvous placement of a live fleet's instances: stable, balanced, and
// moving only what a lost node owned, each instance to its standby.

#include <catch2/catch.hpp>

#include <map>

#include "runtime/cluster/placement.hpp"

using namespace btk;

namespace {

const std::vector<std::string> nodes{"10.0.0.1:7100", "10.0.0.2:7100",
                                     "10.0.0.3:7100"};

std::string key(int i) {
  return "SYM" + std::to_string(i % 97) + "/strategy#" + std::to_string(i);
}

} // namespace

TEST_CASE("rendezvous placement is stable and gives every node about a "
          "third of the instances",
          "[cluster][placement]") {
  // Pinned: the same instance lands on the same node on every machine and
  // every version (the weight is btk's own hash, not std::hash).
  CHECK(rendezvous_weight("a:1", "BTCUSDT/x#1") ==
        rendezvous_weight("a:1", "BTCUSDT/x#1"));
  CHECK(rendezvous_weight("a:1", "BTCUSDT/x#1") !=
        rendezvous_weight("a:2", "BTCUSDT/x#1"));
  std::map<std::size_t, int> owned;
  const std::vector<bool> all{true, true, true};
  for (int i = 0; i < 30000; ++i) {
    auto p = place(nodes, all, key(i));
    REQUIRE(p);
    REQUIRE(p->standby);
    CHECK(*p->standby != p->owner);
    ++owned[p->owner];
    // The same question, the same answer.
    CHECK(place(nodes, all, key(i))->owner == p->owner);
  }
  for (const auto& [node, n] : owned) {
    INFO("node " << node << " owns " << n);
    CHECK(n > 9000);
    CHECK(n < 11000);
  }
}

TEST_CASE("losing a node moves only its instances, each to its standby, and "
          "its return takes back exactly those",
          "[cluster][placement]") {
  const std::vector<bool> all{true, true, true};
  const std::vector<bool> without_b{true, false, true};
  int moved = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto before = *place(nodes, all, key(i));
    const auto after = *place(nodes, without_b, key(i));
    if (before.owner == 1) {
      ++moved;
      CHECK(after.owner == *before.standby);
    } else {
      CHECK(after.owner == before.owner);
    }
    CHECK(after.owner != 1);
    CHECK((!after.standby || *after.standby != 1));
    CHECK(place(nodes, all, key(i))->owner == before.owner);
  }
  CHECK(moved > 1000);
  // One node up: it owns everything, with no standby; none up: nowhere.
  const auto alone = place(nodes, {false, false, true}, key(1));
  REQUIRE(alone);
  CHECK(alone->owner == 2);
  CHECK_FALSE(alone->standby);
  CHECK_FALSE(place(nodes, {false, false, false}, key(1)));
}
