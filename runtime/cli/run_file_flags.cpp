#include "runtime/cli/run_file_flags.hpp"

#include <CLI/CLI.hpp>

#include "runtime/api/engine.hpp"
#include "runtime/api/run_file.hpp"

namespace btk {

void add_config_flag(CLI::App* cmd, std::string& path) {
  cmd->add_option("--config", path,
                  "TOML run file: any long flag as a key (`events_out` or "
                  "`events-out`), CC_* overrides in a [config] table; flags "
                  "on the command line win");
}

namespace {

// The long flags `cmd` accepts, for an error message.
std::string accepted(const CLI::App& cmd) {
  std::string out;
  for (const auto* o : cmd.get_options()) {
    for (const auto& name : o->get_lnames())
      if (name != "help" && name != "config" && name != "set")
        out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

} // namespace

std::string apply_run_file(CLI::App& cmd, const std::string& path,
                           std::vector<std::string>& sets) {
  run_file file;
  try {
    file = read_run_file(path);
  } catch (const api_error& e) {
    return e.what();
  }
  for (const auto& item : file.items) {
    std::string flag = item.key;
    for (auto& c : flag)
      if (c == '_')
        c = '-';
    // The repeatable flags read naturally as plurals in a file.
    if (flag == "strategies")
      flag = "strategy";
    else if (flag == "grids")
      flag = "grid";
    const auto place = path + ":" + std::to_string(item.line);
    auto* opt = flag == "config" || flag == "set" || flag == "help"
                    ? nullptr
                    : cmd.get_option_no_throw("--" + flag);
    if (opt == nullptr)
      return place + ": unknown key '" + item.key + "' for btk " +
             cmd.get_name() + " (accepted: " + accepted(cmd) +
             "; CC_* keys go in a [config] table)";
    if (opt->count() > 0)
      continue; // given on the command line: it wins
    if (item.values.size() > 1 && opt->get_items_expected_max() < 2 &&
        opt->get_expected_max() < 2)
      return place + ": '" + item.key + "' takes one value, not a list";
    try {
      for (const auto& v : item.values)
        opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return place + ": '" + item.key + "': " + e.what();
    }
  }
  if (!file.risks.empty()) {
    auto* opt = cmd.get_option_no_throw("--risk");
    if (opt == nullptr)
      return path + ":" + std::to_string(file.risks.front().line) + ": btk " +
             cmd.get_name() + " takes no risk profiles";
    if (opt->count() == 0) { // --risk on the command line wins
      for (const auto& r : file.risks)
        opt->add_result(r.spec);
      opt->run_callback();
    }
  }
  std::vector<std::string> merged;
  for (const auto& [k, v] : file.config)
    merged.push_back(k + "=" + v);
  merged.insert(merged.end(), sets.begin(), sets.end());
  sets = std::move(merged);
  return {};
}

} // namespace btk
