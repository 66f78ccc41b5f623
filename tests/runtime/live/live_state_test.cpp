// Crash-safe live state: what RocksDB keeps, what a restart refuses, and the
// file sinks' exactly-once delivery.

#include <catch2/catch.hpp>

#include <rocksdb/db.h>

#include "runtime/live/live_store.hpp"
#include "runtime/live/session.hpp"
#include "runtime/live/sinks.hpp"
#include "strategies/spec.hpp"
#include "tests/runtime/btk_process.hpp"

using namespace btk;
using namespace btk::test;

namespace {

live_event event(const std::string& name, std::uint64_t number) {
  live_event e;
  e.symbol = "BTCUSDT";
  e.name = name;
  e.number = number;
  e.result.kind = action::opened;
  e.result.when = static_cast<timestamp>(number) * minute_ms;
  return e;
}

} // namespace

TEST_CASE("a live commit keeps states and events together, numbers the "
          "events, and drops them in ranges once every sink has taken them") {
  scratch_dir dir{"live_store"};
  {
    auto st = live_store::open(dir / "state");
    REQUIRE(st);
    live_commit c;
    c.minute = 10 * minute_ms;
    live_instance_record r;
    r.symbol = "BTCUSDT";
    r.name = "every-n#1";
    r.spec = "every-n:n=60";
    r.state.signals = 3;
    c.instances.push_back(r);
    c.events = {event("every-n#1", 1), event("every-n#1", 2)};
    REQUIRE(st->commit(c));
    CHECK(c.events[1].seq == 2);
    CHECK(st->syncs() == 1);
    live_commit nothing;
    CHECK_FALSE(*st->commit(nothing)); // nothing to write: no fsync
    CHECK(st->syncs() == 1);
  }
  auto st = live_store::open(dir / "state");
  REQUIRE(st);
  CHECK(st->minute() == 10 * minute_ms);
  CHECK(st->last_seq() == 2);
  auto recs = st->instances();
  REQUIRE(recs);
  REQUIRE(recs->count("BTCUSDT/every-n#1") == 1);
  CHECK(recs->at("BTCUSDT/every-n#1").state.signals == 3);
  REQUIRE(st->events_after(0)->size() == 2);
  live_commit ack;
  ack.minute = 11 * minute_ms;
  ack.acks["events"] = 2;
  REQUIRE(st->commit(ack));
  CHECK(st->acked("events") == 2);
  // Taken events are deleted in ranges of at least 1024 (not one write per
  // event): these two wait; a redelivery skips them (acked).
  CHECK(st->events_after(2)->empty());
  live_commit more;
  more.minute = 12 * minute_ms;
  for (std::uint64_t n = 3; n <= 1030; ++n)
    more.events.push_back(event("every-n#1", n));
  REQUIRE(st->commit(more));
  CHECK(st->events_after(0)->size() == 1030);
  live_commit all;
  all.minute = 13 * minute_ms;
  all.acks["events"] = 1030;
  REQUIRE(st->commit(all));
  CHECK(st->events_after(0)->empty());
}

TEST_CASE("live state refuses a folder holding another database and names "
          "a record it cannot read") {
  scratch_dir dir{"live_foreign"};
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options o;
    o.create_if_missing = true;
    REQUIRE(rocksdb::DB::Open(o, dir / "other", &raw).ok());
    REQUIRE(raw->Put(rocksdb::WriteOptions(), "v", "btk-candle-store 1").ok());
    delete raw;
  }
  auto other = live_store::open(dir / "other");
  REQUIRE_FALSE(other);
  CHECK(has(other.err().message, "not btk live state"));
  CHECK(has(other.err().message, "'v'"));
  {
    REQUIRE(live_store::open(dir / "state"));
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir / "state", &raw).ok());
    REQUIRE(
        raw->Put(rocksdb::WriteOptions(), "i/BTCUSDT/x#1", "garbage!").ok());
    delete raw;
  }
  {
    auto st = live_store::open(dir / "state");
    REQUIRE(st);
    const auto recs = st->instances();
    REQUIRE_FALSE(recs);
    CHECK(has(recs.err().message, "i/BTCUSDT/x#1"));
  }
  // Nothing was dropped: the record is still there for a fixed btk to read.
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir / "state", &raw)
              .ok());
  std::string v;
  CHECK(raw->Get(rocksdb::ReadOptions(), "i/BTCUSDT/x#1", &v).ok());
  delete raw;
}

TEST_CASE("a JSON lines sink drops a line a crash cut short and, after a "
          "restart, skips the events it already holds") {
  scratch_dir dir{"live_sink"};
  const auto path = dir / "events.jsonl";
  {
    auto sink = jsonl_sink::open(path, jsonl_sink::filter::all);
    REQUIRE(sink);
    REQUIRE((*sink)->deliver({event("a#1", 1), event("a#1", 2)}));
  }
  // A crash in the middle of the third line.
  write_file(path, slurp(path) + "{\"when\":180000,\"strat");
  auto sink = jsonl_sink::open(path, jsonl_sink::filter::all);
  REQUIRE(sink);
  REQUIRE((*sink)->recover({event("a#1", 2), event("a#1", 3)}));
  (*sink).reset();
  const auto text = slurp(path);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(has(text, "\"id\":\"BTCUSDT:a#1:3\""));
  CHECK_FALSE(has(text, "\"strat\n"));
  const auto first = text.find("BTCUSDT:a#1:2");
  CHECK(text.find("BTCUSDT:a#1:2", first + 1) == std::string::npos);
}

TEST_CASE("every opened and closed position becomes one order, whose fill "
          "is persisted with the event, and a repeated order fills once") {
  paper_broker paper;
  broker_order o{
      "BTCUSDT/a#1:7:open", "BTCUSDT", side::long_, false, 100, 100, 0};
  const auto first = paper.submit(o);
  const auto again = paper.submit(o);
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->order_id == again->order_id);
  CHECK(first->quantity == 1);
  CHECK(paper.query("BTCUSDT/a#1:7:open"));
  CHECK_FALSE(paper.query("BTCUSDT/a#1:8:open"));

  // A session on a recording broker.
  struct recording final : broker {
    std::vector<broker_order> orders;
    expected<broker_fill> submit(const broker_order& x) override {
      orders.push_back(x);
      return broker_fill{x.client_id, "r" + std::to_string(orders.size()),
                         x.price, 1};
    }
    std::optional<broker_fill> query(const std::string&) override {
      return std::nullopt;
    }
  };
  auto rec = std::make_shared<recording>();
  std::vector<candle> cs;
  for (int k = 0; k < 600; ++k) {
    const double c = 100 + (k % 40 < 20 ? k % 20 : 20 - k % 20) * 0.1;
    cs.push_back({t0 + k * minute_ms, c, c + 0.05, c - 0.05, c, 10});
  }
  auto s = series::make("BTCUSDT", cs);
  REQUIRE(s);
  scratch_dir dir{"live_broker"};
  live_session_options so;
  so.state_dir = dir / "state";
  so.from = t0 + 10 * minute_ms;
  so.until = t0 + 590 * minute_ms;
  so.orders = rec;
  live_instance_def def;
  def.symbol = "BTCUSDT";
  def.name = "every-n#1";
  def.spec = "every-n:n=30,side=alt,tp=0.6,sl=0.6,minutes=20";
  auto made = builtin_strategies().make(def.spec);
  REQUIRE(made);
  def.strat = std::move(*made);
  so.instances.push_back(std::move(def));
  auto session = live_session::open(
      std::move(so),
      std::make_unique<replay_feed>(
          std::map<std::string, std::shared_ptr<const series>>{
              {"BTCUSDT", *s}}),
      std::make_unique<virtual_clock>());
  REQUIRE(session);
  std::vector<live_event> seen;
  (*session)->add_sink(std::make_unique<callback_sink>(
      "seen", [&](const live_event& e) { seen.push_back(e); }));
  std::atomic<bool> no{false};
  REQUIRE((*session)->run(no, no));
  std::size_t trades = 0;
  for (const auto& e : seen)
    if (e.result.kind == action::opened || e.result.kind == action::closed) {
      ++trades;
      CHECK_FALSE(e.order_id.empty());
    }
  REQUIRE(trades > 4);
  CHECK(rec->orders.size() == trades);
  CHECK(rec->orders[0].client_id == "BTCUSDT/every-n#1:1:open");
  CHECK(rec->orders[1].client_id == "BTCUSDT/every-n#1:1:close");
}
