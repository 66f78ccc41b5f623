#include "runtime/cli/run_flags.hpp"
#include "runtime/cli/run_file_flags.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

namespace btk {

void add_run_flags(CLI::App* cmd, run_flags& f) {
  auto& o = f.options;
  cmd->add_option("--data", o.source.file,
                  "candle file (CSV or Binance dump, plain or .gz); this or "
                  "--store");
  cmd->add_option("--store", o.source.store,
                  "candle store directory to read --symbol from (see `btk "
                  "data import`); this or --data");
  cmd->add_option("--symbol", f.symbol,
                  "symbol (required with --store; default: from the file "
                  "name)");
  cmd->add_option("--symbols", o.source.symbols,
                  "several symbols from --store, comma-separated; every "
                  "symbol runs every strategy as concurrent actors")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--workers", o.workers,
                  "scheduler threads of the actor runtime, at most 1024 "
                  "(default 0: one per core)")
      ->check(CLI::Range(std::size_t{0}, max_workers));
  cmd->add_option("--strategy", o.strategies,
                  "strategy spec name:key=value,... (repeatable; see `btk "
                  "strategies`)");
  cmd->add_option("--risk", o.risks,
                  "risk profile NAME:key=value,... shared by the strategies "
                  "(repeatable; keys max_positions, max_per_symbol, "
                  "max_per_strategy, min_reward_risk, max_stop_percent, "
                  "strategies=A|B; default: all strategies)");
  cmd->add_option("--frame-start", f.frame_start,
                  "first tick: ISO-8601 UTC or epoch ms (default: first "
                  "candle + warm-up)");
  cmd->add_option("--frame-end", f.frame_end,
                  "last tick (default: last candle - look-ahead)");
  cmd->add_option("--frame-interval", f.frame_interval, "tick spacing")
      ->capture_default_str();
  cmd->add_option("--set", f.sets,
                  "configuration override CC_KEY=VALUE (repeatable)");
  cmd->add_flag("--unsafe-config", o.unsafe_config,
                "apply --set values without the safety rules");
  cmd->add_flag("--fill-gaps", o.source.fill_gaps,
                "fill missing minutes with flat candles instead of failing");
  cmd->add_option("--trades-out", o.trades_out,
                  "write closed/cancelled results as JSON lines");
  cmd->add_option("--summary-out", o.summary_out, "write a JSON summary");
  cmd->add_option("--report-dir", o.report_dir, "report folder ('' to skip)")
      ->capture_default_str();
  cmd->add_option("--report-format", o.report_format,
                  "reports as md, html (one self-contained page with charts "
                  "of the PNL, drawdown and trades) or both")
      ->check(CLI::IsMember({"md", "html", "both"}))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", f.quiet, "print only errors");
  add_config_flag(cmd, f.config_file);
}

// `--symbol A,B` reads as `--symbols A,B`.
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos <= text.size();) {
    auto comma = text.find(',', pos);
    if (comma == std::string::npos)
      comma = text.size();
    out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

std::string read_time(const char* flag, const std::string& text,
                      std::optional<timestamp>& out) {
  if (text.empty())
    return {};
  if (auto t = parse_time(text)) {
    out = *t;
    return {};
  }
  return std::string{flag} + " '" + text +
         "': expected an ISO-8601 UTC time or epoch milliseconds, from "
         "1970-01-01 to 9999-12-31";
}

std::string read_sets(const std::vector<std::string>& sets,
                      std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos)
      return "--set '" + s + "': expected KEY=VALUE";
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return {};
}

std::string read_flags(run_flags& f) {
  auto& out = f.options;
  if (auto e = read_sets(f.sets, out.overrides); !e.empty())
    return e;
  auto iv = parse_interval(f.frame_interval);
  if (!iv)
    return "--frame-interval '" + f.frame_interval +
           "': expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d";
  out.frame_interval = *iv;
  if (auto e = read_time("--frame-start", f.frame_start, out.frame_start);
      !e.empty())
    return e;
  if (auto e = read_time("--frame-end", f.frame_end, out.frame_end); !e.empty())
    return e;
  auto& src = out.source;
  if (!f.symbol.empty() && !src.symbols.empty())
    return "give --symbol or --symbols, not both";
  if (!f.symbol.empty())
    src.symbols = split_commas(f.symbol);
  for (const auto& sym : src.symbols)
    if (sym.empty())
      return "--symbol" + std::string(f.symbol.empty() ? "s" : "") +
             ": an empty symbol name in '" +
             (f.symbol.empty() ? std::string{","} : f.symbol) + "'";
  if (!src.file.empty() && !src.store.empty())
    return "give either --data FILE or --store DIR, not both";
  if (src.file.empty() && src.store.empty())
    return "no candles: give --data FILE, or --store DIR --symbol S (see "
           "`btk data import`)";
  if (!src.file.empty() && src.symbols.size() > 1)
    return "--symbols needs --store DIR (files hold one symbol each; import "
           "them with `btk data import`)";
  for (std::size_t i = 0; i < src.symbols.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (src.symbols[i] == src.symbols[j])
        return "--symbols lists " + src.symbols[i] + " twice";
  return {};
}

std::string clip_long_words(const std::string& message) {
  constexpr std::size_t longest = 120, kept = 60;
  std::string out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    auto end = message.find_first_of(" \n", pos);
    if (end == std::string::npos)
      end = message.size();
    if (end - pos > longest)
      out += message.substr(pos, kept) + "...(" + std::to_string(end - pos) +
             " bytes)";
    else
      out += message.substr(pos, end - pos);
    if (end < message.size())
      out += message[end];
    pos = end + 1;
  }
  return out;
}

int fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "btk %s: %s\n", verb, clip_long_words(message).c_str());
  return 1;
}

} // namespace btk
