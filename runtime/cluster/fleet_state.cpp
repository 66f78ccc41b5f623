#include "runtime/cluster/fleet_state.hpp"

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>

#include "runtime/store/rocks.hpp"

namespace btk {

namespace {

constexpr const char* fleet_key = "f";
constexpr const char* format_tag = "btk-fleet-1 ";

// `owner \n standby \n epoch \n done \n last number`.
std::string encode(const fleet_placement& p) {
  return p.owner + "\n" + p.standby + "\n" + std::to_string(p.epoch) + "\n" +
         (p.done ? "1" : "0") + "\n" + std::to_string(p.last_number);
}

bool read_number(std::string_view s, std::uint64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
}

std::optional<fleet_placement> decode(const std::string& v) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto nl = v.find('\n', start);
    parts.push_back(std::string_view{v}.substr(
        start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos)
      break;
    start = nl + 1;
  }
  fleet_placement p;
  std::uint64_t done = 0;
  if (parts.size() != 5 || !read_number(parts[2], p.epoch) ||
      !read_number(parts[3], done) || done > 1 ||
      !read_number(parts[4], p.last_number))
    return std::nullopt;
  p.owner = parts[0];
  p.standby = parts[1];
  p.done = done == 1;
  return p;
}

} // namespace

struct fleet_state::impl {
  std::string dir;
  std::unique_ptr<rocksdb::DB> db;
};

fleet_state::fleet_state(std::unique_ptr<impl> p)
    : impl_(std::move(p)) {}
fleet_state::fleet_state(fleet_state&&) noexcept = default;
fleet_state& fleet_state::operator=(fleet_state&&) noexcept = default;
fleet_state::~fleet_state() = default;

expected<fleet_state> fleet_state::open(const std::string& dir,
                                        const std::string& fleet_id) {
  const std::string tag = format_tag + fleet_id;
  auto opened = open_state_db(dir, "fleet state", fleet_key, tag,
                              "another btk live --nodes; stop it first");
  if (!opened)
    return opened.err();
  if (opened->stored_tag != tag)
    return error{"fleet state " + dir + " belongs to another fleet ('" +
                 opened->stored_tag.substr(0, 60) + "', this one is '" + tag +
                 "': other instances, start or clock); use a new --state"};
  auto p = std::make_unique<impl>();
  p->dir = dir;
  p->db = std::move(opened->db);
  return fleet_state{std::move(p)};
}

expected<std::map<std::string, fleet_placement>> fleet_state::load() const {
  std::map<std::string, fleet_placement> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("p/"); it->Valid() && it->key().starts_with("p/"); it->Next()) {
    const auto key = it->key().ToString();
    auto p = decode(it->value().ToString());
    if (!p)
      return error{"fleet state " + impl_->dir + ": key '" + key.substr(0, 80) +
                   "' does not read"};
    out[key.substr(2)] = std::move(*p);
  }
  if (!it->status().ok())
    return error{
        "fleet state " + impl_->dir + ": " +
        describe_rocks_status(it->status(), impl_->dir, damage_hint::none)};
  return out;
}

expected<bool> fleet_state::put(const std::string& instance,
                                const fleet_placement& p) {
  rocksdb::WriteOptions w;
  w.sync = true;
  const auto s = impl_->db->Put(w, "p/" + instance, encode(p));
  if (!s.ok())
    return error{"fleet state " + impl_->dir + ": " +
                 describe_rocks_status(s, impl_->dir, damage_hint::none)};
  return true;
}

} // namespace btk
