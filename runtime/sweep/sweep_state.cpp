#include "runtime/sweep/sweep_state.hpp"
#include "runtime/store/rocks.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace btk {

namespace {

// What differs between two sweep descriptions (JSON objects), as
// "differs in: symbols, config.CC_PERCENT_FEE, data.BTCUSDT", or both texts
// when they are not JSON (a state written by an older btk).
std::string differences(const std::string& stored,
                        const std::string& description) {
  const auto a = nlohmann::json::parse(stored, nullptr, false);
  const auto b = nlohmann::json::parse(description, nullptr, false);
  if (!a.is_object() || !b.is_object())
    return "stored: " + stored + "; this one: " + description;
  std::string keys;
  auto add = [&](const std::string& k) {
    keys += (keys.empty() ? "" : ", ") + k;
  };
  for (const auto& [k, v] : b.items()) {
    if (a.contains(k) && a.at(k) == v)
      continue;
    if (a.contains(k) && a.at(k).is_object() && v.is_object()) {
      for (const auto& [kk, vv] : v.items())
        if (!a.at(k).contains(kk) || a.at(k).at(kk) != vv)
          add(k + "." + kk);
      for (const auto& [kk, vv] : a.at(k).items())
        if (!v.contains(kk))
          add(k + "." + kk);
    } else {
      add(k);
    }
  }
  for (const auto& [k, v] : a.items())
    if (!b.contains(k))
      add(k);
  return "it differs in: " + keys;
}

} // namespace

namespace {

const char* description_key = "d";

std::string result_key(std::uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "r/%016llx",
                static_cast<unsigned long long>(id));
  return buf;
}

} // namespace

struct sweep_state::impl {
  std::string dir;
  std::unique_ptr<rocksdb::DB> db;
};

sweep_state::sweep_state(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}
sweep_state::sweep_state(sweep_state&&) noexcept = default;
sweep_state& sweep_state::operator=(sweep_state&&) noexcept = default;
sweep_state::~sweep_state() = default;

expected<sweep_state> sweep_state::open(const std::string& dir,
                                        const std::string& description) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return error{"sweep state " + dir + ": cannot create: " + ec.message()};
  // A folder of other files is not taken over: RocksDB would write beside
  // them, and a later clean-up of the state would take them along.
  // What a create cut short by a full disk left may be taken over.
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec) &&
      !holds_only_rocks_files(dir))
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      return error{"sweep state " + dir + ": the folder holds '" +
                   e.path().filename().string() +
                   "' and is not a sweep state; give a new or empty folder"};
  rocksdb::Options o;
  o.create_if_missing = true;
  o.compression = rocksdb::kNoCompression;
  harden_rocks_options(o, dir, false);
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) {
    const std::string why = s.ToString();
    if (s.IsIOError() && why.find("lock") != std::string::npos)
      return error{"sweep state " + dir + ": in use by another btk walker (" +
                   why + "); wait for it to finish, or use another --state"};
    return error{"sweep state " + dir + ": " +
                 describe_rocks_status(s, dir, damage_hint::none)};
  }
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->db.reset(raw);
  std::string stored;
  const auto got = p->db->Get(rocksdb::ReadOptions(), description_key, &stored);
  if (got.IsNotFound()) {
    // Another database (a live state, a candle store) is refused before
    // anything is written into it.
    std::unique_ptr<rocksdb::Iterator> it{
        p->db->NewIterator(rocksdb::ReadOptions())};
    it->SeekToFirst();
    if (it->Valid())
      return error{"sweep state " + dir +
                   ": the folder holds another "
                   "database (its first key is '" +
                   it->key().ToString().substr(0, 40) +
                   "'), not a sweep state; give a new or empty folder"};
    rocksdb::WriteOptions w;
    w.sync = true;
    const auto put = p->db->Put(w, description_key, description);
    if (!put.ok())
      return error{"sweep state " + dir + ": " + put.ToString()};
  } else if (!got.ok()) {
    return error{"sweep state " + dir + ": " + got.ToString()};
  } else if (stored != description) {
    return error{"sweep state " + dir + " belongs to another sweep (" +
                 differences(stored, description) +
                 "); use a new --state directory"};
  }
  return sweep_state{std::move(p)};
}

expected<std::optional<sweep_result>>
sweep_state::find(std::uint64_t id) const {
  std::string v;
  const auto s = impl_->db->Get(rocksdb::ReadOptions(), result_key(id), &v);
  if (s.IsNotFound())
    return std::optional<sweep_result>{};
  if (!s.ok())
    return error{"sweep state " + impl_->dir + ": " + s.ToString()};
  auto r = decode_sweep_result(v);
  if (!r)
    return error{"sweep state " + impl_->dir + ", job " + std::to_string(id) +
                 ": " + r.err().message};
  return std::optional<sweep_result>{std::move(*r)};
}

expected<bool> sweep_state::put(const std::vector<sweep_result>& results) {
  rocksdb::WriteBatch batch;
  for (const auto& r : results)
    batch.Put(result_key(r.id), encode_sweep_result(r));
  const auto s = impl_->db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok())
    return error{"sweep state " + impl_->dir + ": " +
                 describe_rocks_status(s, impl_->dir, damage_hint::none)};
  return true;
}

std::uint64_t sweep_state::count() const {
  std::uint64_t n = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("r/"); it->Valid() && it->key().starts_with("r/"); it->Next())
    ++n;
  return n;
}

} // namespace btk
