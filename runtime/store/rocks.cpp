#include "runtime/store/rocks.hpp"

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>

#include <rocksdb/env.h>
#include <rocksdb/options.h>

namespace btk {

namespace {

namespace fs = std::filesystem;

// Discards RocksDB's info log: read-only opens must not write (or rotate)
// files in a directory another process may be writing.
class null_logger final : public rocksdb::Logger {
public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// RocksDB's info log in `DIR/LOG`, written with stdio and never failing:
// RocksDB's own log writer asserts (aborting the process) when it writes
// again after a failed write, which a full disk makes happen on every
// later open. A log over 1 MiB at open is moved to `LOG.old` first.
class file_logger final : public rocksdb::Logger {
public:
  explicit file_logger(const std::string& dir) {
    const fs::path log = fs::path(dir) / "LOG";
    std::error_code ec;
    if (fs::file_size(log, ec) > (std::size_t{1} << 20) && !ec)
      fs::rename(log, fs::path(dir) / "LOG.old", ec);
    f_ = std::fopen(log.c_str(), "a");
  }
  ~file_logger() override {
    if (f_)
      std::fclose(f_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!f_)
      return;
    std::lock_guard<std::mutex> lock(mtx_);
    // Errors are ignored: it is only a log. Lines start with the UTC time.
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &utc);
    std::fputs(stamp, f_);
    std::vfprintf(f_, format, ap);
    std::fputc('\n', f_);
    std::fflush(f_);
  }

private:
  std::FILE* f_ = nullptr;
  std::mutex mtx_;
};

rocksdb::Options make_options(const std::string& dir, bool create,
                              bool read_only) {
  rocksdb::Options o;
  o.create_if_missing = create;
  // No compression: a year of one symbol takes 25 MB (14 MB with LZ4), but
  // decompressing LZ4 took longer than all the rest of a reload (a year in
  // about 16 ms instead of 6 ms on the bench machine). Reloading fast is what
  // the store is for.
  o.compression = rocksdb::kNoCompression;
  // Table files are immutable: reading them through mmap saves one copy of
  // every value (about 15 % of a reload).
  o.allow_mmap_reads = true;
  harden_rocks_options(o, dir, read_only);
  return o;
}

} // namespace

void harden_rocks_options(rocksdb::Options& o, const std::string& dir,
                          bool read_only) {
  // RocksDB reserves 4 MB for every new MANIFEST by default; btk's
  // manifests stay a few KB, and a nearly full disk should still open.
  o.manifest_preallocation_size = 64 << 10;
  // Opening replays a write whose flush failed (a full disk) into memory
  // instead of writing a table file first, so the database still opens.
  o.avoid_flush_during_recovery = true;
  if (read_only)
    o.info_log = std::make_shared<null_logger>();
  else
    o.info_log = std::make_shared<file_logger>(dir);
}

namespace {

bool disk_full(const rocksdb::Status& s) {
  if (s.IsNoSpace())
    return true;
  const std::string text = s.ToString();
  return text.find("No space left") != std::string::npos ||
         text.find("File too large") != std::string::npos ||
         text.find("Disk quota exceeded") != std::string::npos;
}

} // namespace

bool holds_only_rocks_files(const std::string& dir) {
  std::error_code ec;
  bool any = false;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    auto starts = [&](std::string_view p) { return n.rfind(p, 0) == 0; };
    auto ends = [&](std::string_view x) {
      return n.size() >= x.size() &&
             n.compare(n.size() - x.size(), x.size(), x) == 0;
    };
    const bool rocks =
        n == "LOG" || starts("LOG.old") || n == "LOCK" || n == "IDENTITY" ||
        starts("CURRENT") || starts("MANIFEST-") || starts("OPTIONS-") ||
        ends(".log") || ends(".sst") || ends(".dbtmp") || ends(".blob");
    if (!rocks || !e.is_regular_file(ec))
      return false;
    any = true;
  }
  return any && !ec;
}

std::string describe_rocks_status(const rocksdb::Status& s,
                                  const std::string& dir, damage_hint hint) {
  const std::string raw = "(" + s.ToString() + ")";
  if (disk_full(s))
    return "the disk is full or the file too large " + raw +
           "; free space and try again: what was stored before is intact";
  if (s.IsCorruption()) {
    std::string out = "the store is damaged " + raw;
    if (hint == damage_hint::find_days)
      out += "; `btk data ls --store " + dir +
             " --verify` names the damaged days; import the candle files "
             "into a new store";
    else if (hint == damage_hint::rebuild)
      out += "; its own records cannot be read: import the candle files "
             "into a new store";
    return out;
  }
  if (s.IsIOError())
    return "a file-system error " + raw;
  return s.ToString();
}

expected<std::unique_ptr<rocksdb::DB>> open_db(const std::string& dir,
                                               bool create, bool read_only) {
  const auto fail = [&](const std::string& msg) {
    return error{"store " + dir + ": " + msg};
  };
  std::error_code ec;
  const fs::path path(dir);
  const bool has_db = fs::exists(path / "CURRENT", ec);
  if (!has_db) {
    const bool exists = fs::exists(path, ec);
    if (!create)
      return fail(exists ? "not a candle store (no RocksDB database in it)"
                         : "not found (no such directory)");
    if (exists && !fs::is_directory(path, ec))
      return fail("exists and is not a directory");
    if (exists && !fs::is_empty(path, ec) && !holds_only_rocks_files(dir))
      return fail("exists, is not empty and holds no candle store; give a "
                  "new or empty directory");
    fs::create_directories(path, ec);
    if (ec)
      return fail("cannot create the directory: " + ec.message());
  }
  rocksdb::DB* raw = nullptr;
  const auto opts = make_options(dir, create, read_only);
  const auto s = read_only ? rocksdb::DB::OpenForReadOnly(opts, dir, &raw)
                           : rocksdb::DB::Open(opts, dir, &raw);
  if (!s.ok()) {
    const std::string why = s.ToString();
    if (s.IsIOError() && why.find("lock") != std::string::npos)
      return fail("in use by another process or store object (" + why +
                  "); wait for it to finish");
    return fail("cannot open: " +
                describe_rocks_status(s, dir, damage_hint::rebuild));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // The format record: written once at creation, checked on every open.
  std::string v;
  auto got = db->Get(rocksdb::ReadOptions(), store_format_key, &v);
  if (got.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (it->Valid() || read_only)
      return fail("a RocksDB database but not a btk candle store (no format "
                  "record)");
    rocksdb::WriteOptions w;
    w.sync = true;
    got = db->Put(w, store_format_key, store_format_value);
    if (!got.ok())
      return fail("cannot initialise: " +
                  describe_rocks_status(got, dir, damage_hint::rebuild));
  } else if (!got.ok()) {
    return fail("cannot read the format record: " +
                describe_rocks_status(got, dir, damage_hint::rebuild));
  } else if (v != store_format_value) {
    return fail("unsupported format '" + v + "' (this btk reads '" +
                std::string(store_format_value) + "')");
  }
  return db;
}

expected<state_db> open_state_db(const std::string& dir,
                                 const std::string& what,
                                 const std::string& key, const std::string& tag,
                                 const std::string& in_use) {
  const auto where = what + " " + dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return error{where + ": cannot create: " + ec.message()};
  // A folder of other files is not taken over: RocksDB would write beside
  // them, and a later clean-up of the state would take them along.
  // What a create cut short by a full disk left may be taken over.
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec) &&
      !holds_only_rocks_files(dir))
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      return error{where + ": the folder holds '" +
                   e.path().filename().string() + "' and is not a " + what +
                   "; give a new or empty folder"};
  rocksdb::Options o;
  o.create_if_missing = true;
  o.compression = rocksdb::kNoCompression;
  harden_rocks_options(o, dir, false);
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) {
    const std::string why = s.ToString();
    if (s.IsIOError() && why.find("lock") != std::string::npos)
      return error{where + ": in use by " + in_use + " (" + why + ")"};
    return error{where + ": " +
                 describe_rocks_status(s, dir, damage_hint::none)};
  }
  state_db out;
  out.db.reset(raw);
  const auto got = out.db->Get(rocksdb::ReadOptions(), key, &out.stored_tag);
  if (got.IsNotFound()) {
    // Another database (a live state, a candle store) is refused before
    // anything is written into it.
    std::unique_ptr<rocksdb::Iterator> it{
        out.db->NewIterator(rocksdb::ReadOptions())};
    it->SeekToFirst();
    if (it->Valid())
      return error{where +
                   ": the folder holds another database (its first "
                   "key is '" +
                   it->key().ToString().substr(0, 40) + "'), not a " + what +
                   "; give a new or empty folder"};
    rocksdb::WriteOptions w;
    w.sync = true;
    const auto put = out.db->Put(w, key, tag);
    if (!put.ok())
      return error{where + ": " +
                   describe_rocks_status(put, dir, damage_hint::none)};
    out.stored_tag = tag;
  } else if (!got.ok()) {
    return error{where + ": " + got.ToString()};
  }
  return out;
}

} // namespace btk
