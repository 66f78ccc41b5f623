#include "runtime/api/run_file.hpp"

#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/risk/risk_limits.hpp"
#include "runtime/api/engine.hpp"

namespace btk {

namespace {

std::string where(const std::string& path, const toml::node& n) {
  const auto& at = n.source().begin;
  return path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

// A scalar as text, or an error naming the key.
std::string text_of(const std::string& path, const std::string& key,
                    const toml::node& n) {
  if (auto s = n.as_string())
    return s->get();
  if (auto i = n.as_integer())
    return std::to_string(i->get());
  if (auto f = n.as_floating_point())
    return fmt::format("{}", f->get());
  if (auto b = n.as_boolean())
    return b->get() ? "true" : "false";
  if (auto d = n.as_date_time()) {
    // An offset date-time (`2024-04-01T00:05:00Z`) is a time btk reads.
    std::ostringstream out;
    out << d->get();
    return out.str();
  }
  if (auto d = n.as_date()) {
    std::ostringstream out;
    out << d->get();
    return out.str();
  }
  throw api_error(where(path, n) + ": '" + key +
                  "' must be a string, number, boolean, date or an array of "
                  "them");
}

// `[risk.NAME]` tables: each becomes the spec `NAME:key=value,...`, checked
// here so that a mistake names its line.
void read_risks(const std::string& path, const toml::table& risks,
                std::vector<run_file_risk>& out) {
  for (const auto& [k, node] : risks) {
    const std::string name{k.str()};
    const auto* table = node.as_table();
    if (table == nullptr)
      throw api_error(where(path, node) + ": 'risk." + name +
                      "' must be a table of limits ([risk." + name + "])");
    std::string spec = name + ":";
    for (const auto& [lk, lv] : *table) {
      const std::string key{lk.str()};
      std::string value;
      if (auto arr = lv.as_array()) {
        for (const auto& e : *arr)
          value += (value.empty() ? "" : "|") + text_of(path, key, e);
      } else {
        value = text_of(path, key, lv);
      }
      spec += (spec.back() == ':' ? "" : ",") + key + "=" + value;
    }
    if (auto bad = parse_risk_limits(spec); !bad)
      throw api_error(where(path, node) + ": [risk." + name +
                      "]: " + bad.err().message);
    out.push_back({spec, static_cast<int>(node.source().begin.line)});
  }
}

} // namespace

run_file read_run_file(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw api_error(path + ":" + std::to_string(at.line) + ":" +
                    std::to_string(at.column) + ": " +
                    std::string{e.description()});
  }
  run_file out;
  out.path = path;
  for (const auto& [k, node] : t) {
    const std::string key{k.str()};
    if (auto table = node.as_table()) {
      if (key == "risk") {
        read_risks(path, *table, out.risks);
        continue;
      }
      if (key != "config")
        throw api_error(where(path, node) + ": unknown table [" + key +
                        "] (a run file has settings, a [config] table "
                        "of CC_* overrides and [risk.NAME] tables)");
      for (const auto& [ck, cv] : *table)
        out.config.emplace_back(std::string{ck.str()},
                                text_of(path, std::string{ck.str()}, cv));
      continue;
    }
    run_file_item item;
    item.key = key;
    item.line = static_cast<int>(node.source().begin.line);
    if (auto arr = node.as_array()) {
      for (const auto& e : *arr)
        item.values.push_back(text_of(path, key, e));
    } else {
      item.values.push_back(text_of(path, key, node));
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

} // namespace btk
