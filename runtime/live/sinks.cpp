#include "runtime/live/sinks.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "runtime/results/json.hpp"

namespace btk {

namespace {

// Cuts `path` after its last newline (a line a crash left half written).
expected<bool> drop_partial_line(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return true;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return error{path + ": " + ec.message()};
  std::ifstream in(path, std::ios::binary);
  std::uintmax_t keep = size;
  char c = 0;
  while (keep > 0) {
    in.seekg(static_cast<std::streamoff>(keep - 1));
    if (!in.get(c))
      return error{path + ": cannot read"};
    if (c == '\n')
      break;
    --keep;
  }
  if (keep != size)
    std::filesystem::resize_file(path, keep, ec);
  if (ec)
    return error{path + ": " + ec.message()};
  return true;
}

// The `"id":"..."` of every line of `path`.
std::set<std::string> ids_in(const std::string& path) {
  std::set<std::string> out;
  std::ifstream in(path);
  std::string line;
  const std::string key = "\"id\":\"";
  while (std::getline(in, line)) {
    const auto at = line.find(key);
    if (at == std::string::npos)
      continue;
    const auto from = at + key.size();
    const auto to = line.find('"', from);
    if (to != std::string::npos)
      out.insert(line.substr(from, to - from));
  }
  return out;
}

} // namespace

expected<std::unique_ptr<jsonl_sink>> jsonl_sink::open(const std::string& path,
                                                       filter f) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (ec)
    return error{path + ": cannot create its folder: " + ec.message()};
  auto cut = drop_partial_line(path);
  if (!cut)
    return cut.err();
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr)
    return error{path + ": cannot open for appending: " + std::strerror(errno)};
  return std::unique_ptr<jsonl_sink>(new jsonl_sink(path, f, file));
}

jsonl_sink::~jsonl_sink() {
  if (file_ != nullptr)
    std::fclose(file_);
}

std::string jsonl_sink::name() const {
  return (filter_ == filter::all ? "events:" : "trades:") + path_;
}

bool jsonl_sink::wanted(const live_event& e) const {
  if (filter_ == filter::all)
    return true;
  return !e.warning && (e.result.kind == action::closed ||
                        e.result.kind == action::cancelled);
}

expected<bool> jsonl_sink::deliver(const std::vector<live_event>& events) {
  std::string text;
  for (const auto& e : events)
    if (wanted(e)) {
      text += live_event_json_line(e);
      text += '\n';
    }
  if (text.empty())
    return true;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() ||
      std::fflush(file_) != 0)
    return error{path_ + ": write failed: " + std::strerror(errno)};
  return true;
}

expected<bool> jsonl_sink::recover(const std::vector<live_event>& events) {
  if (events.empty())
    return true;
  const auto have = ids_in(path_);
  std::vector<live_event> missing;
  for (const auto& e : events)
    if (have.count(e.id()) == 0)
      missing.push_back(e);
  return deliver(missing);
}

} // namespace btk
