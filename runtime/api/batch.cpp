#include "runtime/api/batch.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "runtime/api/engine.hpp"
#include "strategies/spec.hpp"

namespace btk::detail {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

config effective_config(const batch_options& opts) {
  // More threads than this is a typo (or a negative number wrapped).
  if (opts.workers > max_workers)
    throw api_error("workers " + std::to_string(opts.workers) + ": at most " +
                    std::to_string(max_workers) + " (0: one per core)");
  auto cfg = apply_config(opts.cfg, opts.overrides, opts.unsafe_config);
  if (!cfg)
    throw api_error(cfg.err().message);
  return *cfg;
}

std::vector<named_spec> name_specs(const std::vector<std::string>& specs) {
  add_host_strategies();
  std::vector<named_spec> out;
  for (const auto& spec : specs) {
    auto made = builtin_strategies().make(spec);
    if (!made) // the registry's message names the strategy and the reason
      throw api_error("spec '" + spec + "': " + made.err().message);
    out.push_back(
        {parse_spec(spec)->name + "#" + std::to_string(out.size() + 1), spec,
         needs_of(**made)});
  }
  return out;
}

std::vector<risk_limits> risk_profiles(const std::vector<std::string>& specs,
                                       const std::vector<named_spec>& named) {
  std::vector<risk_limits> out;
  for (const auto& spec : specs) {
    auto l = parse_risk_limits(spec);
    if (!l)
      throw api_error(l.err().message);
    for (const auto& o : out)
      if (o.name == l->name)
        throw api_error("risk '" + spec + "': a risk profile named '" +
                        l->name + "' is already given");
    for (const auto& s : l->strategies) {
      const bool known =
          std::any_of(named.begin(), named.end(), [&](const named_spec& n) {
            return n.name == s || n.name.substr(0, n.name.find('#')) == s;
          });
      if (!known) {
        std::string names;
        for (const auto& n : named)
          names += (names.empty() ? "" : ", ") + n.name;
        throw api_error("risk '" + spec + "': strategies names '" + s +
                        "', which is not a strategy of this run (" + names +
                        ")");
      }
    }
    out.push_back(std::move(*l));
  }
  return out;
}

std::vector<std::string> risks_of(const std::vector<risk_limits>& profiles,
                                  const std::string& name) {
  std::vector<std::string> out;
  for (const auto& p : profiles)
    if (p.applies_to(name))
      out.push_back(p.name);
  return out;
}

std::map<std::string, std::shared_ptr<const series>>
loaded_batch::by_symbol() const {
  std::map<std::string, std::shared_ptr<const series>> out;
  for (const auto& d : data)
    out[d.info.symbol] = d.data;
  return out;
}

loaded_batch load_batch(const batch_options& opts, const config& cfg,
                        const std::vector<frame_needs>& needs) {
  // Margins are subtracted and added around them: keep them where that
  // cannot overflow.
  for (const auto& [name, t] : {std::pair{"frame_start", opts.frame_start},
                                std::pair{"frame_end", opts.frame_end}})
    if (t && (*t < 0 || *t > latest_time))
      throw api_error(std::string{name} + " " + std::to_string(*t) +
                      " is outside 1970-01-01 .. 9999-12-31 (epoch ms 0 .. " +
                      std::to_string(latest_time) + ")");
  loaded_batch out;
  const auto margins = frame_margins_for(needs, cfg);
  // With the frame given, a store is read only around it: gaps elsewhere
  // (imports months apart) do not matter.
  auto source = opts.source;
  if (opts.frame_start)
    source.from = *opts.frame_start - margins.warmup_minutes * minute_ms;
  if (opts.frame_end)
    source.to = *opts.frame_end + margins.lookahead_minutes * minute_ms;
  const auto t0 = std::chrono::steady_clock::now();
  out.data = load_candles(source);
  out.load_ms = ms_since(t0);
  // The default frame fits every symbol's data.
  timestamp first = out.data.front().data->first();
  timestamp last = out.data.front().data->last();
  for (const auto& d : out.data) {
    first = std::max(first, d.data->first());
    last = std::min(last, d.data->last());
  }
  if (first > last) {
    std::string ranges;
    for (const auto& d : out.data)
      ranges += (ranges.empty() ? "" : ", ") + d.info.symbol + " covers " +
                to_iso(d.data->first()) + " .. " + to_iso(d.data->last());
    throw api_error("the symbols' candles share no minute, so no frame fits "
                    "them all: " +
                    ranges);
  }
  auto frame = resolve_frame(first, last, margins, opts.frame_start,
                             opts.frame_end, opts.frame_interval);
  if (!frame)
    throw api_error(frame.err().message);
  out.frame = *frame;
  return out;
}

void write_text(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
    throw api_error("cannot write " + path + ": cannot create " +
                    parent.string() + ": " + ec.message());
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out)
    out << text;
  out.close();
  if (!out)
    throw api_error("cannot write " + path + ": " +
                    (errno != 0 ? std::strerror(errno) : "write failed"));
}

timestamp dump_stamp() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return floor_div(now, minute_ms) * minute_ms;
}

} // namespace btk::detail
