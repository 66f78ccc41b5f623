#pragma once

// `--config FILE` of `btk live`, `btk backtest` and `btk walker`: a TOML run
// file (runtime/api/run_file.hpp) fills every flag the command line did not
// give; flags given on the command line win.

#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace btk {

/// Declares `--config FILE` on `cmd`, bound to `path`.
void add_config_flag(CLI::App* cmd, std::string& path);

/// Applies the run file `path` to the options of `cmd` that the command
/// line did not give; its `[config]` overrides go before `sets`, so a
/// `--set` of the same key wins. Returns an error naming the file, the line
/// and the key (an unknown key lists the accepted ones), or "".
std::string apply_run_file(CLI::App& cmd, const std::string& path,
                           std::vector<std::string>& sets);

} // namespace btk
