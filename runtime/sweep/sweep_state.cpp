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
  auto opened = open_state_db(
      dir, "sweep state", description_key, description,
      "another btk walker; wait for it to finish, or use another --state");
  if (!opened)
    return opened.err();
  if (opened->stored_tag != description)
    return error{"sweep state " + dir + " belongs to another sweep (" +
                 differences(opened->stored_tag, description) +
                 "); use a new --state directory"};
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->db = std::move(opened->db);
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
