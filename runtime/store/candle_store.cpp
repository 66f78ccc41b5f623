#include "runtime/store/candle_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "core/market/parallel.hpp"
#include "core/market/time.hpp"
#include "runtime/store/rocks.hpp"

namespace btk {

namespace {

// -- key layout ---------------------------------------------------------------

// The store holds 1-minute candles today; the interval is part of every key
// so higher intervals (or live-appended ones) can share the layout.
constexpr interval stored_iv = interval::m1;

// Keys carry 4-digit years, so stored days run from 0000-01-01 to
// 9999-12-31.
constexpr std::int64_t min_day = days_from_civil(0, 1, 1);
constexpr std::int64_t max_day = days_from_civil(9999, 12, 31);

// `yyyymmdd` of a day number in [min_day, max_day].
std::string yyyymmdd(std::int64_t z) {
  const auto [y, m, d] = civil_from_days(z);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u", static_cast<long long>(y), m,
                d);
  return buf;
}

std::string series_prefix(std::string_view symbol, interval iv) {
  std::string k = "c/";
  k += symbol;
  k += '/';
  k += to_string(iv);
  k += '/';
  return k;
}

std::string info_key(std::string_view symbol, interval iv) {
  std::string k = "m/";
  k += symbol;
  k += '/';
  k += to_string(iv);
  return k;
}

// -- candle checks ------------------------------------------------------------

// Why candle `c` cannot be stored after `prev` (nullptr for the first), or
// an empty string: the candle rules every source shares, plus the store's
// own (4-digit years in keys, strictly ascending times).
std::string candle_problem(const candle& c, const candle* prev) {
  std::string why = describe_candle_flaws(candle_flaws(c), c);
  auto add = [&](const std::string& s) {
    if (!why.empty())
      why += "; ";
    why += s;
  };
  const std::int64_t day = floor_div(c.ts, day_ms);
  if (day < min_day || day > max_day)
    add("open time " + std::to_string(c.ts) +
        " is outside the years 0000..9999");
  if (prev != nullptr && c.ts <= prev->ts)
    add("open time is not after the previous candle's " + to_iso(prev->ts) +
        " (candles must be strictly ascending)");
  return why;
}

// The first few problems of `candles` as one sentence, or nothing.
std::optional<std::string> candles_problem(const std::vector<candle>& candles) {
  constexpr std::size_t max_listed = 5;
  std::string msg;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < candles.size(); ++i) {
    const auto why = candle_problem(candles[i], i ? &candles[i - 1] : nullptr);
    if (why.empty())
      continue;
    if (bad++ < max_listed) {
      msg += bad > 1 ? "; " : "";
      msg += "candle " + std::to_string(i) + " (" + to_iso(candles[i].ts) +
             "): " + why;
    }
  }
  if (bad == 0)
    return std::nullopt;
  if (bad > max_listed)
    msg += "; and " + std::to_string(bad - max_listed) + " more bad candles";
  return msg;
}

bool same_bits(const candle& a, const candle& b) {
  return std::memcmp(&a, &b, sizeof(candle)) == 0;
}

// -- coverage -----------------------------------------------------------------

struct run {
  timestamp from;
  timestamp to; // inclusive
};

// `old` plus the minutes of `candles` (ascending), as info: first, last,
// count and gaps. `days` is left to the caller.
symbol_info merge_coverage(const std::optional<symbol_info>& old,
                           const std::vector<candle>& candles,
                           const std::string& symbol) {
  std::vector<run> runs;
  if (old) {
    timestamp a = old->first;
    for (const auto& g : old->gaps) {
      runs.push_back({a, g.from - minute_ms});
      a = g.to + minute_ms;
    }
    runs.push_back({a, old->last});
  }
  for (std::size_t i = 0; i < candles.size();) {
    std::size_t j = i + 1;
    while (j < candles.size() && candles[j].ts == candles[j - 1].ts + minute_ms)
      ++j;
    runs.push_back({candles[i].ts, candles[j - 1].ts});
    i = j;
  }
  std::sort(runs.begin(), runs.end(),
            [](const run& x, const run& y) { return x.from < y.from; });
  std::vector<run> merged;
  for (const auto& r : runs) {
    if (!merged.empty() && r.from <= merged.back().to + minute_ms)
      merged.back().to = std::max(merged.back().to, r.to);
    else
      merged.push_back(r);
  }
  symbol_info info;
  info.symbol = symbol;
  info.iv = stored_iv;
  info.first = merged.front().from;
  info.last = merged.back().to;
  for (std::size_t k = 0; k < merged.size(); ++k) {
    info.count += static_cast<std::uint64_t>(
        (merged[k].to - merged[k].from) / minute_ms + 1);
    if (k > 0)
      info.gaps.push_back(
          {merged[k - 1].to + minute_ms, merged[k].from - minute_ms,
           (merged[k].from - merged[k - 1].to) / minute_ms - 1});
  }
  return info;
}

bool same_info(const symbol_info& a, const symbol_info& b) {
  if (a.first != b.first || a.last != b.last || a.count != b.count ||
      a.days != b.days || a.gaps.size() != b.gaps.size())
    return false;
  for (std::size_t k = 0; k < a.gaps.size(); ++k)
    if (a.gaps[k].from != b.gaps[k].from || a.gaps[k].to != b.gaps[k].to)
      return false;
  return true;
}

// -- RocksDB helpers ----------------------------------------------------------

// "12.3 MiB".
std::string mib(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB",
                static_cast<double>(bytes) / (1 << 20));
  return buf;
}

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

} // namespace

// -- free functions -----------------------------------------------------------

std::optional<std::string> invalid_symbol_reason(std::string_view symbol) {
  if (symbol.empty())
    return std::string("the symbol is empty");
  if (symbol.size() > 64)
    return "the symbol has " + std::to_string(symbol.size()) +
           " characters, at most 64 are allowed";
  for (char ch : symbol) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                    ch == '-' || ch == ':';
    if (!ok) {
      char shown[8];
      if (ch > ' ' && ch < 127)
        std::snprintf(shown, sizeof shown, "'%c'", ch);
      else
        std::snprintf(shown, sizeof shown, "0x%02x",
                      static_cast<unsigned char>(ch));
      return "character " + std::string(shown) +
             " is not allowed (use A-Z a-z 0-9 . _ - :)";
    }
  }
  return std::nullopt;
}

std::string candle_day_key(std::string_view symbol, interval iv, timestamp t) {
  return series_prefix(symbol, iv) + yyyymmdd(floor_div(t, day_ms));
}

// -- candle_store -------------------------------------------------------------

struct candle_store::impl {
  std::string dir;
  bool read_only = false;
  std::unique_ptr<rocksdb::DB> db;
  // Serializes `put` (read, merge, write) within this process.
  std::mutex put_mtx;

  error fail(const std::string& msg) const {
    return error{"store " + dir + ": " + msg};
  }

  // "symbol X not found (stored: A, B)".
  error unknown_symbol(const std::string& symbol) const;

  expected<std::optional<symbol_info>>
  read_info(const std::string& symbol) const;
};

error candle_store::impl::unknown_symbol(const std::string& symbol) const {
  std::string stored;
  std::size_t n = 0;
  rocksdb::ReadOptions ro;
  const std::string upper = "m0"; // '0' follows '/'
  rocksdb::Slice ub(upper);
  ro.iterate_upper_bound = &ub;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  std::string last;
  for (it->Seek("m/"); it->Valid(); it->Next()) {
    std::string_view k = view(it->key()).substr(2);
    k = k.substr(0, k.rfind('/'));
    if (k == last)
      continue;
    last = std::string(k);
    if (n++ < 20)
      stored += (n > 1 ? ", " : "") + last;
  }
  if (!it->status().ok())
    return fail("symbol " + symbol +
                " not found, and listing the stored "
                "ones failed: " +
                describe_rocks_status(it->status(), dir));
  if (n > 20)
    stored += " and " + std::to_string(n - 20) + " more";
  return fail("symbol " + symbol + " not found " +
              (n == 0 ? std::string("(the store is empty)")
                      : "(stored: " + stored + ")"));
}

expected<std::optional<symbol_info>>
candle_store::impl::read_info(const std::string& symbol) const {
  std::string v;
  const auto key = info_key(symbol, stored_iv);
  const auto s = db->Get(rocksdb::ReadOptions(), key, &v);
  if (s.IsNotFound())
    return std::optional<symbol_info>{};
  if (!s.ok())
    return fail("cannot read " + key + ": " + describe_rocks_status(s, dir));
  auto info = decode_candle_series_info(v);
  if (!info)
    return fail("value " + key + " is corrupt: " + info.err().message);
  if (info->symbol != symbol || info->iv != stored_iv)
    return fail("value " + key + " is corrupt: it describes " + info->symbol +
                " " + std::string(to_string(info->iv)));
  return std::optional<symbol_info>{std::move(*info)};
}

candle_store::candle_store(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}
candle_store::candle_store(candle_store&&) noexcept = default;
candle_store& candle_store::operator=(candle_store&&) noexcept = default;
candle_store::~candle_store() = default;

expected<candle_store> candle_store::open(const std::string& dir, bool create) {
  auto db = open_db(dir, create, false);
  if (!db)
    return db.err();
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->db = std::move(*db);
  return candle_store{std::move(p)};
}

expected<candle_store> candle_store::open_read_only(const std::string& dir) {
  auto db = open_db(dir, false, true);
  if (!db)
    return db.err();
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->read_only = true;
  p->db = std::move(*db);
  return candle_store{std::move(p)};
}

const std::string& candle_store::dir() const noexcept {
  return impl_->dir;
}

expected<import_report> candle_store::put(const std::string& symbol,
                                          const std::vector<candle>& candles) {
  auto& m = *impl_;
  if (m.read_only)
    return m.fail("opened read-only, cannot import " + symbol);
  if (auto why = invalid_symbol_reason(symbol))
    return m.fail("symbol '" + symbol + "': " + *why);
  if (candles.empty())
    return m.fail("nothing to import for " + symbol + " (no candles)");
  if (auto why = candles_problem(candles))
    return m.fail("cannot import " + symbol + ": " + *why);

  std::lock_guard<std::mutex> guard(m.put_mtx);
  auto old = m.read_info(symbol);
  if (!old)
    return old.err();

  import_report rep;
  rep.candles = candles.size();
  rocksdb::WriteBatch batch;
  std::uint32_t new_days = 0;
  std::vector<candle> stored;
  std::vector<candle> merged;
  for (std::size_t i = 0; i < candles.size();) {
    const std::int64_t day = floor_div(candles[i].ts, day_ms);
    std::size_t j = i + 1;
    while (j < candles.size() && floor_div(candles[j].ts, day_ms) == day)
      ++j;
    const std::string key = candle_day_key(symbol, stored_iv, candles[i].ts);
    rocksdb::PinnableSlice value;
    const auto s = m.db->Get(rocksdb::ReadOptions(),
                             m.db->DefaultColumnFamily(), key, &value);
    if (s.IsNotFound()) {
      batch.Put(key, encode_candle_batch(symbol, stored_iv, candles.data() + i,
                                         j - i));
      ++new_days;
      ++rep.days_written;
      rep.added += j - i;
      i = j;
      continue;
    }
    if (!s.ok())
      return m.fail("cannot read " + key + ": " +
                    describe_rocks_status(s, m.dir) + "; nothing imported");

    stored.clear();
    auto h = append_candle_batch(view(value), stored);
    if (!h)
      return m.fail("value " + key + " is corrupt: " + h.err().message +
                    "; nothing imported");
    for (std::size_t k = 0; k < stored.size(); ++k)
      if (floor_div(stored[k].ts, day_ms) != day ||
          (k > 0 && stored[k].ts <= stored[k - 1].ts))
        return m.fail("value " + key + " is corrupt: candle " +
                      std::to_string(k) + " (" + to_iso(stored[k].ts) +
                      ") is out of order or not in the day; nothing imported");
    // Merge two ascending lists; on the same minute the new candle wins.
    merged.clear();
    std::size_t a = 0;
    std::size_t b = i;
    std::size_t added = 0;
    std::size_t replaced = 0;
    while (a < stored.size() || b < j) {
      if (b == j || (a < stored.size() && stored[a].ts < candles[b].ts)) {
        merged.push_back(stored[a++]);
      } else if (a == stored.size() || candles[b].ts < stored[a].ts) {
        merged.push_back(candles[b++]);
        ++added;
      } else {
        if (same_bits(stored[a], candles[b]))
          ++rep.unchanged;
        else
          ++replaced;
        merged.push_back(candles[b++]);
        ++a;
      }
    }
    if (added + replaced > 0) {
      batch.Put(key, encode_candle_batch(symbol, stored_iv, merged));
      ++rep.days_written;
    }
    rep.added += added;
    rep.replaced += replaced;
    i = j;
  }

  symbol_info after = merge_coverage(*old, candles, symbol);
  after.days = (*old ? (*old)->days : 0) + new_days;
  const std::uint64_t expected_count =
      (*old ? (*old)->count : 0) + static_cast<std::uint64_t>(rep.added);
  if (after.count != expected_count)
    return m.fail(
        "the info record of " + symbol + " disagrees with its stored days (" +
        std::to_string(after.count) + " candles by the info, " +
        std::to_string(expected_count) + " by the days); nothing imported");
  rep.after = after;
  if (rep.days_written == 0 && *old && same_info(**old, after))
    return rep; // nothing new: no write at all
  batch.Put(info_key(symbol, stored_iv), encode_candle_series_info(after));

  // The write goes to the log and then to a table file: with less free
  // space than about twice the batch, say so before RocksDB runs out.
  const auto need = 2 * static_cast<std::uintmax_t>(batch.GetDataSize()) +
                    (std::uintmax_t{1} << 20);
  std::error_code ec;
  const auto space = std::filesystem::space(m.dir, ec);
  if (!ec && space.capacity > 0 && space.available < need)
    return m.fail("writing " + symbol + " needs about " + mib(need) +
                  " free but the disk has " + mib(space.available) +
                  "; nothing imported, and what was stored before is intact");
  rocksdb::WriteOptions w;
  w.sync = true; // one fsync: the whole import is durable, or none of it
  if (const auto s = m.db->Write(w, &batch); !s.ok())
    return m.fail("writing " + symbol + " failed, nothing imported: " +
                  describe_rocks_status(s, m.dir));
  // Move the import from the memtable into a table file, so the next open
  // does not replay it from the write-ahead log. Best effort: the data is
  // already durable in the log, and an open replays it without writing.
  static_cast<void>(m.db->Flush(rocksdb::FlushOptions()));
  return rep;
}

expected<symbol_info> candle_store::info(const std::string& symbol) const {
  auto got = impl_->read_info(symbol);
  if (!got)
    return got.err();
  if (!*got)
    return impl_->unknown_symbol(symbol);
  return std::move(**got);
}

expected<candle_store::load_plan>
candle_store::plan_load(const std::string& symbol,
                        std::optional<timestamp> from,
                        std::optional<timestamp> to) const {
  auto inf = info(symbol);
  if (!inf)
    return inf.err();
  const timestamp lo = std::max(from.value_or(inf->first), inf->first);
  const timestamp hi = std::min(to.value_or(inf->last), inf->last);
  if (lo > hi)
    return impl_->fail(symbol + " has no candles in " +
                       (from ? to_iso(*from) : std::string("the start")) +
                       " .. " + (to ? to_iso(*to) : std::string("the end")) +
                       " (stored: " + to_iso(inf->first) + " .. " +
                       to_iso(inf->last) + ")");
  return load_plan{std::move(*inf), lo, hi};
}

std::optional<error> candle_store::check_count(const load_plan& p,
                                               std::uint64_t read) const {
  if (p.lo == p.info.first && p.hi == p.info.last && read != p.info.count)
    return impl_->fail("the stored days of " + p.info.symbol + " hold " +
                       std::to_string(read) +
                       " candles but its info record says " +
                       std::to_string(p.info.count));
  return std::nullopt;
}

template <class Visit>
expected<std::uint64_t> candle_store::visit_days(const std::string& symbol,
                                                 timestamp lo, timestamp hi,
                                                 Visit&& visit) const {
  const auto& m = *impl_;
  rocksdb::ReadOptions ro;
  // The whole range is read once: keep it out of the block cache.
  ro.fill_cache = false;
  const std::string upper = candle_day_key(symbol, stored_iv, hi) + '\0';
  rocksdb::Slice ub(upper);
  ro.iterate_upper_bound = &ub;
  std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro));
  std::vector<candle> day; // one day at a time, reused
  std::uint64_t count = 0;
  timestamp prev = 0;
  for (it->Seek(candle_day_key(symbol, stored_iv, lo)); it->Valid();
       it->Next()) {
    const auto key = view(it->key());
    day.clear();
    auto h = append_candle_batch(view(it->value()), day);
    const auto corrupt = [&](const std::string& why) {
      return m.fail("value " + std::string(key) + " is corrupt: " + why);
    };
    if (!h)
      return corrupt(h.err().message);
    if (h->symbol != symbol || h->iv != stored_iv)
      return corrupt("it holds " + h->symbol + " " +
                     std::string(to_string(h->iv)));
    if (h->count == 0)
      return corrupt("no candles");
    for (std::size_t k = 0; k < day.size(); ++k)
      if ((k > 0 || count > 0) && day[k].ts <= (k > 0 ? day[k - 1].ts : prev))
        return corrupt("candle " + to_iso(day[k].ts) + " is out of order");
    if (candle_day_key(symbol, stored_iv, day.front().ts) != key ||
        candle_day_key(symbol, stored_iv, day.back().ts) != key)
      return corrupt("it holds candles of another day");
    count += day.size();
    prev = day.back().ts;
    // The first and last days are cut to [lo, hi].
    const auto b =
        std::lower_bound(day.begin(), day.end(), lo,
                         [](const candle& c, timestamp t) { return c.ts < t; });
    const auto e =
        std::upper_bound(b, day.end(), hi,
                         [](timestamp t, const candle& c) { return t < c.ts; });
    if (b != e && !visit(&*b, static_cast<std::size_t>(e - b)))
      break;
  }
  if (!it->status().ok())
    return m.fail("reading " + symbol +
                  " failed: " + describe_rocks_status(it->status(), m.dir));
  return count;
}

expected<std::vector<candle>>
candle_store::load(const std::string& symbol, std::optional<timestamp> from,
                   std::optional<timestamp> to) const {
  auto plan = plan_load(symbol, from, to);
  if (!plan)
    return plan.err();
  const load_plan& p = *plan;
  std::vector<candle> out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(
      p.info.count,
      static_cast<std::uint64_t>((p.hi - p.lo) / minute_ms + 1))));
  auto read =
      visit_days(symbol, p.lo, p.hi, [&](const candle* c, std::size_t n) {
        out.insert(out.end(), c, c + n);
        return true;
      });
  if (!read)
    return read.err();
  if (out.empty())
    return impl_->fail(symbol + " has no candles in " + to_iso(p.lo) + " .. " +
                       to_iso(p.hi) + " (stored: " + to_iso(p.info.first) +
                       " .. " + to_iso(p.info.last) + ")");
  if (auto e = check_count(p, *read))
    return *e;
  return out;
}

namespace {

// Days per range when a long load is read on several threads: a day is
// 1,440 candles, about 0.04 ms to decode and write.
constexpr std::size_t min_days_per_range = 32;

} // namespace

expected<std::optional<bar_series>>
candle_store::load_minutes(const std::string& symbol,
                           std::optional<timestamp> from,
                           std::optional<timestamp> to) const {
  auto plan = plan_load(symbol, from, to);
  if (!plan)
    return plan.err();
  const load_plan& p = *plan;
  // Stored with gaps: the caller reads it with `load` and names them.
  if (std::any_of(p.info.gaps.begin(), p.info.gaps.end(), [&](const auto& g) {
        return g.from <= p.hi && g.to >= p.lo;
      }))
    return std::optional<bar_series>{};
  bar_series out;
  out.first = p.lo;
  const auto n = static_cast<std::size_t>((p.hi - p.lo) / minute_ms + 1);
  for (auto* v : {&out.open, &out.high, &out.low, &out.close, &out.volume})
    v->resize(n);
  // Without gaps, the candle of minute t goes to (t - lo) / 1m: ranges of
  // whole days are read on several threads (core's parallel runner), each
  // into its own part of the columns, and looked at in order afterwards,
  // as one thread would have met them.
  const timestamp first_day = floor_div(p.lo, day_ms);
  const auto days =
      static_cast<std::size_t>(floor_div(p.hi, day_ms) - first_day + 1);
  struct range_read {
    std::size_t first_day;
    expected<std::uint64_t> read;
    bool contiguous;
  };
  std::vector<range_read> reads;
  std::mutex reads_mtx;
  for_each_part(days, min_days_per_range, [&](std::size_t a, std::size_t b) {
    const timestamp lo =
        std::max(p.lo, (first_day + static_cast<timestamp>(a)) * day_ms);
    const timestamp hi = std::min(
        p.hi, (first_day + static_cast<timestamp>(b)) * day_ms - minute_ms);
    auto at = static_cast<std::size_t>((lo - p.lo) / minute_ms);
    const auto stop = static_cast<std::size_t>((hi - p.lo) / minute_ms + 1);
    bool contiguous = true;
    auto read = visit_days(symbol, lo, hi, [&](const candle* c, std::size_t k) {
      for (std::size_t i = 0; i < k; ++i, ++at) {
        if (at >= stop ||
            c[i].ts != p.lo + static_cast<timestamp>(at) * minute_ms)
          return contiguous = false;
        out.open[at] = c[i].open;
        out.high[at] = c[i].high;
        out.low[at] = c[i].low;
        out.close[at] = c[i].close;
        out.volume[at] = c[i].volume;
      }
      return true;
    });
    std::lock_guard<std::mutex> guard{reads_mtx};
    reads.push_back({a, std::move(read), contiguous && at == stop});
  });
  std::sort(reads.begin(), reads.end(),
            [](const range_read& x, const range_read& y) {
              return x.first_day < y.first_day;
            });
  std::uint64_t read = 0;
  for (const auto& r : reads) {
    if (!r.read)
      return r.read.err();
    if (!r.contiguous) // not contiguous after all: `load` tells
      return std::optional<bar_series>{};
    read += *r.read;
  }
  if (auto e = check_count(p, read))
    return *e;
  return std::optional<bar_series>{std::move(out)};
}

expected<std::vector<symbol_info>> candle_store::list() const {
  const auto& m = *impl_;
  std::vector<symbol_info> out;
  rocksdb::ReadOptions ro;
  const std::string upper = "m0"; // '0' follows '/'
  rocksdb::Slice ub(upper);
  ro.iterate_upper_bound = &ub;
  std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro));
  for (it->Seek("m/"); it->Valid(); it->Next()) {
    auto info = decode_candle_series_info(view(it->value()));
    if (!info)
      return m.fail("value " + it->key().ToString() +
                    " is corrupt: " + info.err().message);
    out.push_back(std::move(*info));
  }
  if (!it->status().ok())
    return m.fail(
        "listing failed: " +
        describe_rocks_status(it->status(), m.dir, damage_hint::rebuild));
  return out;
}

expected<std::uint64_t> candle_store::verify() const {
  const auto& m = *impl_;
  const auto sums = m.db->VerifyChecksum();
  auto all = list();
  if (!all)
    return all.err();
  if (!sums.ok()) {
    // Name the first day that cannot be read.
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    std::string v;
    for (const auto& i : *all)
      for (auto day = floor_div(i.first, day_ms);
           day <= floor_div(i.last, day_ms); ++day) {
        const auto key = candle_day_key(i.symbol, stored_iv, day * day_ms);
        const auto s = m.db->Get(ro, key, &v);
        if (!s.ok() && !s.IsNotFound())
          return m.fail("day " + key + " cannot be read: " +
                        describe_rocks_status(s, m.dir, damage_hint::none) +
                        "; import the candle files into a new store");
      }
    return m.fail("a table block fails its checksum although every stored "
                  "day reads back (an old version or an index): " +
                  describe_rocks_status(sums, m.dir, damage_hint::rebuild));
  }
  std::uint64_t n = 0;
  for (const auto& i : *all) {
    auto cs = load(i.symbol);
    if (!cs)
      return cs.err();
    n += cs->size();
  }
  return n;
}

} // namespace btk
