#include "runtime/live/live_store.hpp"
#include "runtime/store/rocks.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace btk {

namespace {

constexpr const char* format_key = "f";
constexpr const char* format_tag = "btk-live-1";
constexpr const char* minute_key = "c";
constexpr const char* running_key = "r";

std::string event_key(std::uint64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "e/%016llx",
                static_cast<unsigned long long>(seq));
  return buf;
}

std::string encode_minute(timestamp t) {
  std::string out(8, '\0');
  const auto u = static_cast<std::uint64_t>(t);
  for (int k = 0; k < 8; ++k)
    out[k] = static_cast<char>((u >> (56 - 8 * k)) & 0xff);
  return out;
}

timestamp decode_minute(const std::string& s) {
  std::uint64_t u = 0;
  for (unsigned char c : s)
    u = (u << 8) | c;
  return static_cast<timestamp>(u);
}

bool known_key(const std::string& k) {
  return k == format_key || k == minute_key || k == running_key ||
         k.rfind("i/", 0) == 0 || k.rfind("e/", 0) == 0 ||
         k.rfind("a/", 0) == 0;
}

} // namespace

std::string live_instance_key(const std::string& symbol,
                              const std::string& name) {
  return symbol + "/" + name;
}

struct live_store::impl {
  std::string dir;
  // Writes `b` with sync = true; the error worded as every store's.
  expected<bool> write_synced(rocksdb::WriteBatch& b) {
    rocksdb::WriteOptions w;
    w.sync = true;
    const auto s = db->Write(w, &b);
    if (!s.ok())
      return error{where() + ": " +
                   describe_rocks_status(s, dir, damage_hint::none)};
    return true;
  }
  std::function<expected<bool>(const std::string&)> replicator;
  std::unique_ptr<rocksdb::DB> db;
  timestamp minute = 0;
  std::uint64_t seq = 0;
  std::uint64_t syncs = 0;
  std::map<std::string, std::uint64_t> acks;
  // Events up to here are deleted (every sink had taken them).
  std::uint64_t deleted = 0;
  std::vector<std::string> running;

  std::string where() const { return "live state " + dir; }
};

live_store::live_store(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}
live_store::live_store(live_store&&) noexcept = default;
live_store& live_store::operator=(live_store&&) noexcept = default;
live_store::~live_store() = default;

expected<live_store> live_store::open(const std::string& dir, bool read_only) {
  std::error_code ec;
  if (read_only && !std::filesystem::exists(dir + "/CURRENT", ec))
    return error{"live state " + dir + ": no live state there"};
  if (!read_only)
    std::filesystem::create_directories(dir, ec);
  if (ec)
    return error{"live state " + dir + ": cannot create: " + ec.message()};
  rocksdb::Options o;
  o.create_if_missing = true;
  o.compression = rocksdb::kNoCompression;
  o.max_open_files = 64;
  // Small memtables: the live state is small, and skip-list inserts into a
  // 64 MB memtable cost a 10,000-instance minute a third more (bench/).
  o.write_buffer_size = 8 << 20;
  harden_rocks_options(o, dir, read_only);
  rocksdb::DB* raw = nullptr;
  const auto s = read_only ? rocksdb::DB::OpenForReadOnly(o, dir, &raw)
                           : rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) {
    const std::string why = s.ToString();
    if (!read_only && s.IsIOError() && why.find("lock") != std::string::npos)
      return error{"live state " + dir + ": in use by another btk live (" +
                   why + "); stop it first, or use another --state"};
    return error{"live state " + dir + ": " +
                 describe_rocks_status(s, dir, damage_hint::none)};
  }
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->db.reset(raw);
  std::string tag;
  const auto got = p->db->Get(rocksdb::ReadOptions(), format_key, &tag);
  std::unique_ptr<rocksdb::Iterator> it(
      p->db->NewIterator(rocksdb::ReadOptions()));
  if (got.IsNotFound() && read_only) {
    return error{p->where() + " is not btk live state (no format tag)"};
  } else if (got.IsNotFound()) {
    it->SeekToFirst();
    if (it->Valid())
      return error{p->where() + " is not btk live state: it holds key '" +
                   it->key().ToString() +
                   "' and no format tag; use an empty --state directory"};
    rocksdb::WriteOptions w;
    w.sync = true;
    const auto put = p->db->Put(w, format_key, format_tag);
    if (!put.ok())
      return error{p->where() + ": " + put.ToString()};
  } else if (!got.ok()) {
    return error{p->where() + ": " + got.ToString()};
  } else if (tag != format_tag) {
    return error{p->where() + ": key 'f' is '" + tag + "', expected '" +
                 format_tag + "'"};
  }
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto k = it->key().ToString();
    if (!known_key(k))
      return error{p->where() + ": unknown key '" + k + "'"};
    if (k == minute_key) {
      if (it->value().size() != 8)
        return error{p->where() + ": key 'c' holds " +
                     std::to_string(it->value().size()) + " bytes, expected 8"};
      p->minute = decode_minute(it->value().ToString());
    } else if (k == running_key) {
      const auto v = it->value().ToString();
      std::size_t pos = 0;
      while (pos < v.size()) {
        auto nl = v.find('\n', pos);
        if (nl == std::string::npos)
          nl = v.size();
        p->running.push_back(v.substr(pos, nl - pos));
        pos = nl + 1;
      }
    } else if (k.rfind("e/", 0) == 0) {
      p->seq = std::max<std::uint64_t>(
          p->seq, std::strtoull(k.c_str() + 2, nullptr, 16));
    } else if (k.rfind("a/", 0) == 0) {
      const auto v = it->value().ToString();
      char* end = nullptr;
      const auto n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0')
        return error{p->where() + ": key '" + k + "' holds '" + v +
                     "', expected an event number"};
      p->acks[k.substr(2)] = n;
      p->seq = std::max<std::uint64_t>(p->seq, n);
    }
  }
  if (!it->status().ok())
    return error{p->where() + ": " + it->status().ToString()};
  if (!p->acks.empty()) {
    p->deleted = std::numeric_limits<std::uint64_t>::max();
    for (const auto& [sink, n] : p->acks)
      p->deleted = std::min(p->deleted, n);
  }
  return live_store{std::move(p)};
}

expected<std::map<std::string, live_instance_record>>
live_store::instances() const {
  std::map<std::string, live_instance_record> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("i/"); it->Valid() && it->key().starts_with("i/"); it->Next()) {
    const auto k = it->key().ToString();
    auto r = decode_live_instance(it->value().ToString());
    if (!r)
      return error{impl_->where() + ", key '" + k + "': " + r.err().message};
    if (live_instance_key(r->symbol, r->name) != k.substr(2))
      return error{impl_->where() + ", key '" + k + "' holds instance " +
                   live_instance_key(r->symbol, r->name)};
    out.emplace(k.substr(2), std::move(*r));
  }
  if (!it->status().ok())
    return error{impl_->where() + ": " + it->status().ToString()};
  return out;
}

timestamp live_store::minute() const noexcept {
  return impl_->minute;
}

const std::vector<std::string>& live_store::running() const noexcept {
  return impl_->running;
}

expected<std::vector<live_event>>
live_store::events_after(std::uint64_t seq) const {
  std::vector<live_event> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(event_key(seq + 1)); it->Valid() && it->key().starts_with("e/");
       it->Next()) {
    const auto k = it->key().ToString();
    auto e = decode_live_event(it->value().ToString());
    if (!e)
      return error{impl_->where() + ", key '" + k + "': " + e.err().message};
    out.push_back(std::move(*e));
  }
  if (!it->status().ok())
    return error{impl_->where() + ": " + it->status().ToString()};
  return out;
}

std::uint64_t live_store::acked(const std::string& sink) const {
  const auto it = impl_->acks.find(sink);
  return it == impl_->acks.end() ? 0 : it->second;
}

std::uint64_t live_store::last_seq() const noexcept {
  return impl_->seq;
}

std::uint64_t live_store::syncs() const noexcept {
  return impl_->syncs;
}

const std::string& live_store::dir() const noexcept {
  return impl_->dir;
}

expected<bool> live_store::commit(live_commit& c) {
  if (c.instances.empty() && c.events.empty() && c.acks.empty() && !c.running)
    return false;
  rocksdb::WriteBatch b;
  auto seq = impl_->seq;
  for (auto& e : c.events) {
    e.seq = ++seq;
    b.Put(event_key(e.seq), encode_live_event(e));
  }
  for (const auto& r : c.instances)
    b.Put("i/" + live_instance_key(r.symbol, r.name), encode_live_instance(r));
  auto acks = impl_->acks;
  for (const auto& [sink, n] : c.acks) {
    acks[sink] = n;
    b.Put("a/" + sink, std::to_string(n));
  }
  std::uint64_t deleted = impl_->deleted;
  if (!c.acks.empty()) {
    // Events every sink has taken are no longer needed. One range deletion
    // per 1024 events at most: a tombstone per minute would pile up in
    // RocksDB, a point delete per event doubles the writes.
    std::uint64_t all = std::numeric_limits<std::uint64_t>::max();
    for (const auto& [sink, n] : acks)
      all = std::min(all, n);
    if (all > deleted && all - deleted >= 1024) {
      b.DeleteRange(event_key(deleted + 1), event_key(all + 1));
      deleted = all;
    }
  }
  b.Put(minute_key, encode_minute(c.minute));
  if (c.running) {
    std::string v;
    for (const auto& k : *c.running)
      v += (v.empty() ? "" : "\n") + k;
    b.Put(running_key, v);
  }
  // The standby first: a minute it did not take is not written here
  // either, so a run that may no longer own its instance (cut off, fenced)
  // leaves nothing behind to publish later.
  if (impl_->replicator) {
    auto r = impl_->replicator(b.Data());
    if (!r)
      return error{impl_->where() + ": the minute " + to_iso(c.minute) +
                   " is not on the standby: " + r.err().message};
  }
  if (auto written = impl_->write_synced(b); !written)
    return written;
  impl_->seq = seq;
  impl_->acks = std::move(acks);
  impl_->deleted = deleted;
  if (c.running)
    impl_->running = std::move(*c.running);
  impl_->minute = c.minute;
  ++impl_->syncs;
  return true;
}

expected<std::string> live_store::snapshot() const {
  rocksdb::WriteBatch b;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    if (it->key() != rocksdb::Slice(format_key))
      b.Put(it->key(), it->value());
  if (!it->status().ok())
    return error{
        impl_->where() + ": " +
        describe_rocks_status(it->status(), impl_->dir, damage_hint::none)};
  return b.Data();
}

void live_store::set_replicator(
    std::function<expected<bool>(const std::string& batch)> f) {
  impl_->replicator = std::move(f);
}

namespace {

// Checks a replicated batch: live-state keys only, records that decode.
class replica_check final : public rocksdb::WriteBatch::Handler {
public:
  std::string problem;
  rocksdb::Status PutCF(std::uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    const auto k = key.ToString();
    if (cf != 0 || !known_key(k) || k == format_key)
      return fail("a put of key '" + k.substr(0, 60) + "'");
    const std::string_view v{value.data(), value.size()};
    if (k.rfind("i/", 0) == 0) {
      if (auto r = decode_live_instance(v); !r)
        return fail("key '" + k.substr(0, 60) + "': " + r.err().message);
    } else if (k.rfind("e/", 0) == 0) {
      if (auto r = decode_live_event(v); !r)
        return fail("key '" + k.substr(0, 60) + "': " + r.err().message);
    } else if (k == minute_key && v.size() != 8) {
      return fail("key 'c' holds " + std::to_string(v.size()) + " bytes");
    }
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(std::uint32_t cf, const rocksdb::Slice& from,
                                const rocksdb::Slice& to) override {
    if (cf != 0 || from.ToString().rfind("e/", 0) != 0 ||
        to.ToString().rfind("e/", 0) != 0)
      return fail("a ranged delete outside the events");
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(std::uint32_t, const rocksdb::Slice& key) override {
    return fail("a delete of key '" + key.ToString().substr(0, 60) + "'");
  }
  rocksdb::Status SingleDeleteCF(std::uint32_t,
                                 const rocksdb::Slice& key) override {
    return DeleteCF(0, key);
  }
  rocksdb::Status MergeCF(std::uint32_t, const rocksdb::Slice& key,
                          const rocksdb::Slice&) override {
    return fail("a merge of key '" + key.ToString().substr(0, 60) + "'");
  }

private:
  rocksdb::Status fail(std::string why) {
    if (problem.empty())
      problem = std::move(why);
    return rocksdb::Status::Corruption("refused");
  }
};

} // namespace

expected<bool> live_store::apply_replicated(const std::string& batch) {
  if (batch.size() < 12)
    return error{impl_->where() + ": a replicated batch of " +
                 std::to_string(batch.size()) + " bytes is malformed"};
  rocksdb::WriteBatch b{batch};
  replica_check check;
  const auto it = b.Iterate(&check);
  if (!check.problem.empty())
    return error{impl_->where() +
                 ": refused a replicated batch: " + check.problem};
  if (!it.ok())
    return error{impl_->where() + ": a replicated batch is malformed (" +
                 it.ToString() + ")"};
  if (auto written = impl_->write_synced(b); !written)
    return written;
  ++impl_->syncs;
  return true;
}

} // namespace btk
