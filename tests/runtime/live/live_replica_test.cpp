// Replicated live state: every minute's batch, applied to a second state
// folder before the minute's events are published, is enough to resume
// every instance there as if nothing had happened — what a live fleet's
// standby node does when the owner dies — and a batch from the network is
// checked before it is written.

#include <catch2/catch.hpp>

#include <rocksdb/write_batch.h>

#include "runtime/live/live_store.hpp"
#include "runtime/live/session.hpp"
#include "runtime/live/sinks.hpp"
#include "strategies/spec.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

std::shared_ptr<const series> zigzag(const std::string& symbol, int minutes,
                                     double bump) {
  std::vector<candle> cs;
  for (int k = 0; k < minutes; ++k) {
    const double c =
        100 + bump + (k % 40 < 20 ? k % 20 : 20 - k % 20) * 0.1 + k * 0.001;
    cs.push_back({t0 + k * minute_ms, c, c + 0.05, c - 0.05, c, 10});
  }
  auto s = series::make(symbol, cs);
  REQUIRE(s);
  return *s;
}

// Runs two symbols x two strategies from `from` while `when < until` on
// `state`, handing every batch to `replicate`; the events published go to
// `seen`. Returns how the run ended.
expected<live_session_stats>
run(const std::string& state, timestamp until, std::vector<std::string>& seen,
    std::function<expected<bool>(const std::string&)> replicate = {}) {
  live_session_options so;
  so.state_dir = state;
  so.from = t0 + 60 * minute_ms;
  so.until = until;
  so.replicator = std::move(replicate);
  std::map<std::string, std::shared_ptr<const series>> data{
      {"BTCUSDT", zigzag("BTCUSDT", 3000, 0)},
      {"ETHUSDT", zigzag("ETHUSDT", 3000, 7)}};
  for (const std::string symbol : {"BTCUSDT", "ETHUSDT"}) {
    int k = 0;
    for (const std::string spec :
         {"every-n:n=30,side=alt,tp=0.6,sl=0.6,minutes=20",
          "sma-cross:fast=5,slow=20,interval=1m"}) {
      live_instance_def def;
      def.symbol = symbol;
      def.spec = spec;
      def.name = spec.substr(0, spec.find(':')) + "#" + std::to_string(++k);
      auto made = builtin_strategies().make(spec);
      REQUIRE(made);
      def.strat = std::move(*made);
      so.instances.push_back(std::move(def));
    }
  }
  auto session =
      live_session::open(std::move(so), std::make_unique<replay_feed>(data),
                         std::make_unique<virtual_clock>());
  REQUIRE(session);
  (*session)->add_sink(
      std::make_unique<callback_sink>("seen", [&](const live_event& e) {
        seen.push_back(e.symbol + ":" + e.name + ":" +
                       std::to_string(e.number) + " " +
                       std::to_string(static_cast<int>(e.result.kind)) + " " +
                       std::to_string(e.result.when));
      }));
  std::atomic<bool> no{false};
  return (*session)->run(no, no);
}

} // namespace

TEST_CASE("a live state replicated batch by batch resumes every instance on "
          "the replica as an uninterrupted run",
          "[live][replica]") {
  scratch_dir dir{"live_replica"};
  const timestamp end = t0 + 2900 * minute_ms;
  std::vector<std::string> want;
  REQUIRE(run(dir / "whole", end, want));
  REQUIRE(want.size() > 40);
  // The owner runs part way, every batch put on the replica first.
  std::size_t batches = 0;
  std::vector<std::string> got;
  {
    auto replica = live_store::open(dir / "replica");
    REQUIRE(replica);
    REQUIRE(run(dir / "owner", t0 + 1500 * minute_ms, got,
                [&](const std::string& batch) {
                  ++batches;
                  return replica->apply_replicated(batch);
                }));
  }
  REQUIRE(batches > 10);
  REQUIRE(got.size() < want.size());
  // The owner is lost; the replica resumes and finishes.
  REQUIRE(run(dir / "replica", end, got));
  CHECK(got == want);
}

TEST_CASE("a minute the standby did not take is never published",
          "[live][replica]") {
  scratch_dir dir{"live_replica_fail"};
  std::vector<std::string> seen;
  std::size_t calls = 0;
  std::size_t published_before = 0;
  auto r = run(dir / "owner", t0 + 2900 * minute_ms, seen,
               [&](const std::string&) -> expected<bool> {
                 if (++calls < 5)
                   return true;
                 published_before = seen.size();
                 return error{"the standby is gone"};
               });
  REQUIRE_FALSE(r);
  CHECK(r.err().message.find("is not on the standby: the standby is gone") !=
        std::string::npos);
  CHECK(calls == 5);
  CHECK(seen.size() == published_before);
}

TEST_CASE("a replica refuses a batch with foreign keys, bad records or "
          "garbage, naming what is wrong, and writes nothing",
          "[live][replica]") {
  scratch_dir dir{"live_replica_refuse"};
  auto replica = live_store::open(dir / "replica");
  REQUIRE(replica);
  auto refused = [&](rocksdb::WriteBatch& b, const std::string& why) {
    auto r = replica->apply_replicated(b.Data());
    REQUIRE_FALSE(r);
    CHECK(r.err().message.find(why) != std::string::npos);
  };
  rocksdb::WriteBatch foreign;
  foreign.Put("c/BTCUSDT/1m/20240101", "candles");
  refused(foreign, "a put of key 'c/BTCUSDT/1m/20240101'");
  rocksdb::WriteBatch bad_instance;
  bad_instance.Put("i/BTCUSDT/x#1", "not a record");
  refused(bad_instance, "key 'i/BTCUSDT/x#1'");
  rocksdb::WriteBatch format;
  format.Put("f", "btk-live-0");
  refused(format, "a put of key 'f'");
  rocksdb::WriteBatch deletes;
  deletes.Delete("c");
  refused(deletes, "a delete of key 'c'");
  auto garbage = replica->apply_replicated(std::string(12, '\0') +
                                           std::string(28, '\x7f'));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.err().message.find("malformed") != std::string::npos);
  CHECK_FALSE(replica->apply_replicated("short"));
  // Nothing was written.
  CHECK(replica->instances()->empty());
  CHECK(replica->minute() == 0);
}
