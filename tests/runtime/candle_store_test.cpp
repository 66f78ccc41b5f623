// The RocksDB candle store: exact round trips, one value per UTC day,
// merging re-imports without losing candles, reopening, and errors that
// name the store, the symbol and the reason.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

#include "core/market/parallel.hpp"
#include "core/market/time.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/store/candle_store.hpp"

namespace fs = std::filesystem;

namespace {

using btk::candle;
using btk::candle_store;
using btk::minute_ms;

// A fresh path under the system temp dir (not created), removed with
// everything in it.
class temp_path {
public:
  temp_path() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("btk_store_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    fs::remove_all(path_);
  }
  ~temp_path() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_path(const temp_path&) = delete;
  temp_path& operator=(const temp_path&) = delete;

  std::string str() const { return path_.string(); }

private:
  fs::path path_;
};

// 2024-01-01T00:00:00Z
constexpr btk::timestamp t0 = 1'704'067'200'000;

std::vector<candle> synth(btk::timestamp start, std::int64_t minutes,
                          std::uint64_t seed = 3) {
  btk::synth_options so;
  so.seed = seed;
  so.start = start;
  so.minutes = minutes;
  so.price = 42000;
  return btk::generate_candles(so);
}

bool same_bits(const std::vector<candle>& a, const std::vector<candle>& b) {
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(candle)) == 0);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `load_minutes` over [from, to] has the bits of `load` over it.
void check_minutes_equal_load(const candle_store& store,
                              std::optional<btk::timestamp> from,
                              std::optional<btk::timestamp> to) {
  auto rows = store.load("SYM", from, to);
  auto cols = store.load_minutes("SYM", from, to);
  REQUIRE(rows);
  REQUIRE(cols);
  REQUIRE(cols->has_value());
  const auto& m = **cols;
  REQUIRE(m.size() == rows->size());
  CHECK(m.first == rows->front().ts);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const auto& c = (*rows)[i];
    differ += std::memcmp(&m.open[i], &c.open, sizeof(double)) != 0 ||
              std::memcmp(&m.high[i], &c.high, sizeof(double)) != 0 ||
              std::memcmp(&m.low[i], &c.low, sizeof(double)) != 0 ||
              std::memcmp(&m.close[i], &c.close, sizeof(double)) != 0 ||
              std::memcmp(&m.volume[i], &c.volume, sizeof(double)) != 0;
  }
  CHECK(differ == 0);
}

candle_store open_new(const temp_path& dir) {
  auto s = candle_store::open(dir.str(), true);
  INFO((s ? std::string() : s.err().message));
  REQUIRE(s);
  return std::move(*s);
}

} // namespace

TEST_CASE("Candles put into the store load back bit for bit") {
  temp_path dir;
  auto store = open_new(dir);
  auto in = synth(t0, 3 * 1440);
  // Doubles whose shortest decimal text is long.
  in[7].close = in[7].low = 0.1 + 0.2;
  in[7].open = 0.30000000000000004;
  in[7].high = 1.0 / 3 + 40000;
  in[8].volume = 4.9406564584124654e-324;
  auto rep = store.put("BTCUSDT", in);
  REQUIRE(rep);
  CHECK(rep->candles == in.size());
  CHECK(rep->added == in.size());
  CHECK(rep->days_written == 3);
  CHECK(rep->replaced == 0);
  CHECK(rep->after.count == in.size());
  CHECK(rep->after.days == 3);
  CHECK(rep->after.gaps.empty());

  auto out = store.load("BTCUSDT");
  REQUIRE(out);
  CHECK(same_bits(*out, in));
}

TEST_CASE("The store keeps one value per UTC day, split at midnight") {
  CHECK(btk::candle_day_key("BTCUSDT", btk::interval::m1, t0) ==
        "c/BTCUSDT/1m/20240101");
  CHECK(btk::candle_day_key("BTCUSDT", btk::interval::m1, t0 - minute_ms) ==
        "c/BTCUSDT/1m/20231231");
  CHECK(btk::candle_day_key("X", btk::interval::m1,
                            t0 + 59 * btk::day_ms + 1439 * minute_ms) ==
        "c/X/1m/20240229");
  CHECK(btk::candle_day_key("X", btk::interval::m1, -minute_ms) ==
        "c/X/1m/19691231");
  CHECK(btk::candle_day_key("X", btk::interval::m1, 0) == "c/X/1m/19700101");

  temp_path dir;
  auto store = open_new(dir);
  // 23:58, 23:59 on Jan 1 and 00:00, 00:01 on Jan 2.
  const auto in = synth(t0 + btk::day_ms - 2 * minute_ms, 4);
  auto rep = store.put("BTCUSDT", in);
  REQUIRE(rep);
  CHECK(rep->days_written == 2);
  CHECK(rep->after.days == 2);

  auto jan2 = store.load("BTCUSDT", t0 + btk::day_ms, {});
  REQUIRE(jan2);
  REQUIRE(jan2->size() == 2);
  CHECK(jan2->front().ts == t0 + btk::day_ms);
  auto jan1 = store.load("BTCUSDT", {}, t0 + btk::day_ms - minute_ms);
  REQUIRE(jan1);
  REQUIRE(jan1->size() == 2);
  CHECK(jan1->back().ts == t0 + btk::day_ms - minute_ms);
}

TEST_CASE("Re-importing overlapping candles adds the new minutes, replaces "
          "changed ones and loses none") {
  temp_path dir;
  auto store = open_new(dir);
  const auto a = synth(t0, 2 * 1440); // Jan 1 and 2
  REQUIRE(store.put("SYM", a));

  // Jan 2 and 3; ten minutes of Jan 2 with a different close.
  auto b = std::vector<candle>(a.begin() + 1440, a.end());
  const auto jan3 = synth(t0 + 2 * btk::day_ms, 1440, 9);
  b.insert(b.end(), jan3.begin(), jan3.end());
  for (int k = 100; k < 110; ++k)
    b[k].close = b[k].low;
  std::size_t really_changed = 0;
  for (int k = 100; k < 110; ++k)
    really_changed += a[1440 + k].close != b[k].close;
  REQUIRE(really_changed > 0);

  auto rep = store.put("SYM", b);
  REQUIRE(rep);
  CHECK(rep->added == 1440);
  CHECK(rep->replaced == really_changed);
  CHECK(rep->unchanged == 1440 - really_changed);
  CHECK(rep->days_written == 2); // Jan 2 (changed) and Jan 3 (new)
  CHECK(rep->after.count == 3 * 1440);
  CHECK(rep->after.days == 3);

  std::vector<candle> want(a.begin(), a.begin() + 1440);
  want.insert(want.end(), b.begin(), b.end());
  auto out = store.load("SYM");
  REQUIRE(out);
  CHECK(same_bits(*out, want));

  // The same file again changes nothing and writes nothing.
  auto again = store.put("SYM", b);
  REQUIRE(again);
  CHECK(again->days_written == 0);
  CHECK(again->added == 0);
  CHECK(again->replaced == 0);
  CHECK(again->unchanged == b.size());
}

TEST_CASE("A store reopened after closing holds the same candles") {
  temp_path dir;
  const auto in = synth(t0, 2000);
  {
    auto store = open_new(dir);
    REQUIRE(store.put("ETHUSDT", in));
  }
  {
    auto store = candle_store::open(dir.str(), false);
    REQUIRE(store);
    auto out = store->load("ETHUSDT");
    REQUIRE(out);
    CHECK(same_bits(*out, in));
  }
  auto ro = candle_store::open_read_only(dir.str());
  REQUIRE(ro);
  auto out = ro->load("ETHUSDT");
  REQUIRE(out);
  CHECK(same_bits(*out, in));
  auto refused = ro->put("ETHUSDT", in);
  REQUIRE_FALSE(refused);
  CHECK(has(refused.err().message, "read-only"));
}

TEST_CASE("Disjoint imports leave gaps that info and list report, and "
          "filling them closes the gaps") {
  temp_path dir;
  auto store = open_new(dir);
  const auto all = synth(t0, 300);
  std::vector<candle> first(all.begin(), all.begin() + 100);
  std::vector<candle> last(all.begin() + 200, all.end());
  REQUIRE(store.put("SYM", last));
  REQUIRE(store.put("SYM", first));
  auto info = store.info("SYM");
  REQUIRE(info);
  CHECK(info->first == t0);
  CHECK(info->last == t0 + 299 * minute_ms);
  CHECK(info->count == 200);
  REQUIRE(info->gaps.size() == 1);
  CHECK(info->gaps[0].from == t0 + 100 * minute_ms);
  CHECK(info->gaps[0].to == t0 + 199 * minute_ms);
  auto loaded = store.load("SYM");
  REQUIRE(loaded);
  CHECK(loaded->size() == 200);

  REQUIRE(store.put("SYM",
                    std::vector<candle>(all.begin() + 100, all.begin() + 200)));
  auto listed = store.list();
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().symbol == "SYM");
  CHECK(listed->front().count == 300);
  CHECK(listed->front().gaps.empty());
  auto full = store.load("SYM");
  REQUIRE(full);
  CHECK(same_bits(*full, all));
}

TEST_CASE("An unknown symbol fails naming the store and the stored "
          "symbols") {
  temp_path dir;
  auto store = open_new(dir);
  auto empty = store.load("BTCUSDT");
  REQUIRE_FALSE(empty);
  CHECK(empty.err().message == "store " + dir.str() +
                                   ": symbol BTCUSDT not found (the store is "
                                   "empty)");
  REQUIRE(store.put("FILUSDT", synth(t0, 10)));
  REQUIRE(store.put("ETHUSDT", synth(t0, 10)));
  auto r = store.load("BTCUSDT");
  REQUIRE_FALSE(r);
  CHECK(r.err().message == "store " + dir.str() +
                               ": symbol BTCUSDT not found (stored: ETHUSDT, "
                               "FILUSDT)");
  CHECK_FALSE(store.info("btcusdt"));
}

TEST_CASE("A load range without stored candles fails naming the stored "
          "range") {
  temp_path dir;
  auto store = open_new(dir);
  REQUIRE(store.put("SYM", synth(t0, 60)));
  auto r = store.load("SYM", t0 + btk::day_ms, t0 + 2 * btk::day_ms);
  REQUIRE_FALSE(r);
  CHECK(has(r.err().message, "SYM has no candles in"));
  CHECK(has(r.err().message, "2024-01-01T00:00:00.000Z .. "
                             "2024-01-01T00:59:00.000Z"));
  auto part = store.load("SYM", t0 + 10 * minute_ms, t0 + 19 * minute_ms);
  REQUIRE(part);
  REQUIRE(part->size() == 10);
  CHECK(part->front().ts == t0 + 10 * minute_ms);
}

TEST_CASE("Bad candles are refused naming their index, time and reason, "
          "and nothing stored changes") {
  temp_path dir;
  auto store = open_new(dir);
  const auto good = synth(t0, 1440);
  REQUIRE(store.put("SYM", good));

  auto bad = synth(t0 + 1000 * minute_ms, 1000, 5); // overlaps, adds a day
  bad[5].high = bad[5].low / 2;
  bad[9].ts += 1; // off the grid and out of order
  auto r = store.put("SYM", bad);
  REQUIRE_FALSE(r);
  const auto& msg = r.err().message;
  CHECK(has(msg, "store " + dir.str() + ": cannot import SYM"));
  CHECK(has(msg, "candle 5 (2024-01-01T16:45:00.000Z)"));
  CHECK(has(msg, "is below low"));
  CHECK(has(msg, "candle 9"));
  CHECK(has(msg, "not on the 1-minute grid"));

  auto unordered = synth(t0, 3);
  std::swap(unordered[1], unordered[2]);
  auto u = store.put("SYM", unordered);
  REQUIRE_FALSE(u);
  CHECK(has(u.err().message, "strictly ascending"));

  auto out = store.load("SYM");
  REQUIRE(out);
  CHECK(same_bits(*out, good));
  auto info = store.info("SYM");
  REQUIRE(info);
  CHECK(info->days == 1);
}

TEST_CASE("Symbols that cannot be part of a key are refused") {
  temp_path dir;
  auto store = open_new(dir);
  for (const char* sym : {"", "BTC/USDT", "BTC USDT"}) {
    auto r = store.put(sym, synth(t0, 5));
    REQUIRE_FALSE(r);
    CHECK(has(r.err().message, "store " + dir.str() + ": symbol '"));
  }
  CHECK_FALSE(btk::invalid_symbol_reason("BTCUSDT"));
  CHECK_FALSE(btk::invalid_symbol_reason("BTC-PERP:USDT.x_1"));
  CHECK(btk::invalid_symbol_reason(std::string(65, 'A')));
}

TEST_CASE("Opening a missing store without create fails naming the "
          "directory") {
  temp_path dir;
  auto r = candle_store::open(dir.str(), false);
  REQUIRE_FALSE(r);
  CHECK(r.err().message ==
        "store " + dir.str() + ": not found (no such directory)");
  auto ro = candle_store::open_read_only(dir.str());
  REQUIRE_FALSE(ro);
  CHECK(has(ro.err().message, dir.str()));
  CHECK_FALSE(fs::exists(dir.str()));
}

TEST_CASE("A non-empty directory that is not a store is refused and left "
          "alone") {
  temp_path dir;
  fs::create_directories(dir.str());
  const std::string note = dir.str() + "/notes.txt";
  std::ofstream(note) << "keep me\n";
  auto r = candle_store::open(dir.str(), true);
  REQUIRE_FALSE(r);
  CHECK(has(r.err().message, "store " + dir.str() + ": exists, is not empty"));
  CHECK(fs::exists(note));
  CHECK_FALSE(fs::exists(dir.str() + "/CURRENT"));
  auto plain = candle_store::open(dir.str(), false);
  REQUIRE_FALSE(plain);
  CHECK(has(plain.err().message, "not a candle store"));
}

TEST_CASE("A second writer on the same store is refused as in use while "
          "readers may open it") {
  temp_path dir;
  auto store = open_new(dir);
  REQUIRE(store.put("SYM", synth(t0, 10)));
  auto second = candle_store::open(dir.str(), true);
  REQUIRE_FALSE(second);
  CHECK(has(second.err().message, "store " + dir.str() + ": in use"));
  auto reader = candle_store::open_read_only(dir.str());
  REQUIRE(reader);
  auto out = reader->load("SYM");
  REQUIRE(out);
  CHECK(out->size() == 10);
}

TEST_CASE("What a create cut short by a full disk left is taken over by the "
          "next try") {
  temp_path dir;
  fs::create_directories(dir.str());
  // A first create whose disk filled after the log and a manifest.
  std::ofstream(dir.str() + "/LOG") << "2026-12-07T00:00:00Z opening\n";
  std::ofstream(dir.str() + "/MANIFEST-000001") << "";
  auto store = candle_store::open(dir.str(), true);
  REQUIRE(store);
  CHECK(store->put("BTCUSDT", synth(t0, 10)));
}

TEST_CASE("Candles before 1970 are stored, listed and read back") {
  // Found reviewing the decoder's time check, which once refused them.
  temp_path dir;
  auto store = open_new(dir);
  const auto in = synth(-3 * minute_ms, 6);
  REQUIRE(store.put("OLD", in));
  auto all = store.list();
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  CHECK(all->front().first == -3 * minute_ms);
  auto back = store.load("OLD");
  REQUIRE(back);
  CHECK(same_bits(*back, in));
  CHECK(store.verify());
}

TEST_CASE("Minutes read as columns equal the loaded candles over any range "
          "without gaps") {
  temp_path dir;
  auto store = open_new(dir);
  const auto in = synth(t0 + 700 * minute_ms, 3 * 1440);
  REQUIRE(store.put("SYM", in));
  const auto check = [&](std::optional<btk::timestamp> from,
                         std::optional<btk::timestamp> to) {
    check_minutes_equal_load(store, from, to);
  };
  check(std::nullopt, std::nullopt);
  check(t0 + 1000 * minute_ms, t0 + 3000 * minute_ms); // across midnights
  check(t0 + 1500 * minute_ms, std::nullopt);
  check(std::nullopt, t0 + 701 * minute_ms);
  check(t0 - 5 * 1440 * minute_ms, t0 + 800 * minute_ms); // before the data
  // A range outside the data fails as `load` does.
  auto none = store.load_minutes("SYM", t0 + 9 * 1440 * minute_ms);
  REQUIRE_FALSE(none);
  CHECK(none.err().message ==
        store.load("SYM", t0 + 9 * 1440 * minute_ms).err().message);
  CHECK_FALSE(store.load_minutes("NOPE"));
}

TEST_CASE("Minutes read as columns over a gap are left to load") {
  temp_path dir;
  auto store = open_new(dir);
  const auto all = synth(t0, 3000);
  REQUIRE(
      store.put("SYM", std::vector<candle>(all.begin(), all.begin() + 1000)));
  REQUIRE(store.put("SYM", std::vector<candle>(all.begin() + 1200, all.end())));
  auto whole = store.load_minutes("SYM");
  REQUIRE(whole);
  CHECK_FALSE(whole->has_value());
  auto after = store.load_minutes("SYM", t0 + 1200 * minute_ms);
  REQUIRE(after);
  REQUIRE(after->has_value());
  CHECK((*after)->size() == 1800);
  auto before = store.load_minutes("SYM", std::nullopt, t0 + 999 * minute_ms);
  REQUIRE(before);
  REQUIRE(before->has_value());
  CHECK((*before)->size() == 1000);
}

TEST_CASE("Minutes read as columns on several threads equal the loaded "
          "candles, and a damaged day in a later range fails as load does") {
  // The runtime's runner: parts on threads of their own.
  static std::atomic<int> builds{0};
  btk::set_parallel_runner(
      [](std::size_t parts, const std::function<void(std::size_t)>& body) {
        ++builds;
        std::vector<std::thread> ts;
        for (std::size_t k = 0; k < parts; ++k)
          ts.emplace_back([&body, k] { body(k); });
        for (auto& t : ts)
          t.join();
      },
      3);
  struct reset {
    ~reset() { btk::set_parallel_runner(nullptr, 1); }
  } reset_runner;
  temp_path dir;
  // 200 days from mid-day: several ranges of whole days, cut at both ends.
  const auto in = synth(t0 + 700 * minute_ms, 200 * 1440);
  {
    auto store = open_new(dir);
    REQUIRE(store.put("SYM", in));
    for (const auto& [from, to] :
         std::vector<std::pair<std::optional<btk::timestamp>,
                               std::optional<btk::timestamp>>>{
             {std::nullopt, std::nullopt},
             {t0 + 1000 * minute_ms, t0 + 150 * 1440 * minute_ms},
             {t0 + 40 * 1440 * minute_ms, std::nullopt}}) {
      check_minutes_equal_load(store, from, to);
    }
    CHECK(builds == 3); // each load_minutes read on threads
  }
  {
    // Day 170 is damaged behind the store's back.
    rocksdb::DB* raw = nullptr;
    rocksdb::Options o;
    REQUIRE(rocksdb::DB::Open(o, dir.str(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db{raw};
    REQUIRE(db->Put(rocksdb::WriteOptions{},
                    btk::candle_day_key("SYM", btk::interval::m1,
                                        t0 + 170 * btk::day_ms),
                    "not a candle batch")
                .ok());
  }
  auto store = candle_store::open_read_only(dir.str());
  REQUIRE(store);
  auto rows = store->load("SYM");
  auto cols = store->load_minutes("SYM");
  REQUIRE_FALSE(rows);
  REQUIRE_FALSE(cols);
  CHECK(has(cols.err().message, "c/SYM/1m/20240619 is corrupt"));
  CHECK(cols.err().message == rows.err().message);
}
