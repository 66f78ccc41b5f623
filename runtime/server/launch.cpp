// Runs started through the API (`POST /api/backtests`, `/api/walkers`,
// `/api/live`): the body's options, checked here, become the public API's
// options; the run goes on a thread of its own and reports to the hub.
// Only what a remote client may choose is accepted: candles come from the
// server's store or its data folder, and outputs go to the server's dump
// and state folders, never to a path the client names.

#include <filesystem>
#include <functional>

#include "core/market/interval.hpp"
#include "core/market/time.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/results/json.hpp"
#include "runtime/server/router.hpp"
#include "runtime/server/server_impl.hpp"
#include "strategies/spec.hpp"

namespace btk::serve {

namespace {

using json = nlohmann::json;

// A value as the command line's texts: a scalar is one, an array one per
// element.
expected<std::vector<std::string>> texts(const std::string& key,
                                         const json& v) {
  std::vector<std::string> out;
  auto one = [&](const json& x) -> bool {
    if (x.is_string())
      out.push_back(x.get<std::string>());
    else if (x.is_boolean())
      out.push_back(x.get<bool>() ? "true" : "false");
    else if (x.is_number_integer())
      out.push_back(x.dump());
    else if (x.is_number())
      out.push_back(x.dump());
    else
      return false;
    return true;
  };
  if (v.is_array()) {
    for (const auto& x : v)
      if (!one(x))
        return error{"'" + key + "': expected strings or numbers in the list"};
  } else if (!one(v)) {
    return error{"'" + key + "': expected a string, number, boolean or list"};
  }
  return out;
}

expected<std::string> text(const std::string& key, const json& v) {
  auto t = texts(key, v);
  if (!t)
    return t.err();
  if (t->size() != 1)
    return error{"'" + key + "' takes one value, not a list"};
  return t->front();
}

// `A,B` and lists alike.
expected<std::vector<std::string>> names(const std::string& key,
                                         const json& v) {
  auto t = texts(key, v);
  if (!t)
    return t;
  std::vector<std::string> out;
  for (const auto& item : *t) {
    std::size_t pos = 0;
    for (;;) {
      const auto comma = v.is_array() ? std::string::npos : item.find(',', pos);
      auto part = item.substr(
          pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (part.empty())
        return error{"'" + key + "': an empty name in '" + item + "'"};
      out.push_back(std::move(part));
      if (comma == std::string::npos)
        break;
      pos = comma + 1;
    }
  }
  return out;
}

expected<bool> flag(const std::string& key, const json& v) {
  if (!v.is_boolean())
    return error{"'" + key + "': expected true or false"};
  return v.get<bool>();
}

expected<timestamp> time_of(const std::string& key, const json& v) {
  auto t = text(key, v);
  if (!t)
    return t.err();
  if (auto x = parse_time(*t))
    return *x;
  return error{"'" + key + "' '" + *t +
               "': expected an ISO-8601 UTC time or epoch milliseconds"};
}

// `"set": {"CC_KEY": value}` or `["CC_KEY=value"]`.
expected<std::vector<std::pair<std::string, std::string>>>
overrides(const json& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      auto t = text("set." + k, x);
      if (!t)
        return t.err();
      out.emplace_back(k, *t);
    }
    return out;
  }
  auto t = texts("set", v);
  if (!t)
    return t.err();
  for (const auto& s : *t) {
    const auto eq = s.find('=');
    if (eq == std::string::npos)
      return error{"'set' item '" + s + "': expected CC_KEY=VALUE"};
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

std::string canonical_key(std::string k) {
  for (auto& c : k)
    if (c == '-')
      c = '_';
  if (k == "strategy")
    return "strategies";
  if (k == "symbol")
    return "symbols";
  if (k == "risk")
    return "risks";
  if (k == "grid")
    return "grids";
  return k;
}

// Where the candles come from: `data` under the data folder, else the
// store.
expected<candle_source> source_of(const core& c, const json& body) {
  candle_source src;
  if (body.contains("data")) {
    auto f = text("data", body.at("data"));
    if (!f)
      return f.err();
    if (c.o.data_dir.empty())
      return error{"'data': this server has no data folder (btk serve "
                   "--data-dir DIR); runs take candles from its store"};
    auto path = confined(c.o.data_dir, *f);
    if (!path)
      return error{"'data' '" + *f + "': not a file under the data folder"};
    src.file = *path;
  } else if (!c.o.store.empty()) {
    src.store = c.o.store;
  } else {
    return error{"this server has no candles: start btk serve with --store "
                 "DIR or --data-dir DIR"};
  }
  for (const char* key : {"symbols", "symbol"}) {
    if (!body.contains(key))
      continue;
    auto s = names(key, body.at(key));
    if (!s)
      return s.err();
    src.symbols = std::move(*s);
  }
  if (!src.store.empty() && src.symbols.empty())
    return error{"'symbols': give the symbols to run from the store"};
  return src;
}

// Reads the keys every batch shares; `extra` handles the mode's own and
// returns false for a key it does not know either.
using extra_keys =
    std::function<bool(const std::string& key, const std::string& raw,
                       const json& v, expected<bool>& ok)>;

expected<bool> read_batch(const core& c, const json& body, batch_options& o,
                          const std::string& accepted, const extra_keys& extra,
                          bool sweep) {
  auto src = source_of(c, body);
  if (!src)
    return src.err();
  o.source = std::move(*src);
  for (const auto& [raw, v] : body.items()) {
    const auto k = canonical_key(raw);
    expected<bool> ok = true;
    if (k == "data" || k == "symbols") {
      continue;
    } else if (k == "strategies") {
      auto s = texts(raw, v);
      if (!s)
        return s.err();
      o.strategies = std::move(*s);
    } else if (k == "risks") {
      auto s = texts(raw, v);
      if (!s)
        return s.err();
      o.risks = std::move(*s);
    } else if (k == "frame_start" || k == "frame_end") {
      auto t = time_of(raw, v);
      if (!t)
        return t.err();
      (k == "frame_start" ? o.frame_start : o.frame_end) = *t;
    } else if (k == "frame_interval") {
      auto t = text(raw, v);
      if (!t)
        return t.err();
      auto iv = parse_interval(*t);
      if (!iv)
        return error{"'" + raw + "' '" + *t + "': expected 1m, 5m, 1h, ..."};
      o.frame_interval = *iv;
    } else if (k == "set") {
      auto s = overrides(v);
      if (!s)
        return s.err();
      o.overrides = std::move(*s);
    } else if (k == "fill_gaps") {
      auto b = flag(raw, v);
      if (!b)
        return b.err();
      o.source.fill_gaps = *b;
    } else if (k == "workers") {
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max_workers)
        return error{"'" + raw + "': expected a whole number from 0 to " +
                     std::to_string(max_workers)};
      o.workers = v.get<std::size_t>();
    } else if (!extra(k, raw, v, ok)) {
      return error{"unknown key '" + raw + "' (accepted: " + accepted + ")"};
    }
    if (!ok)
      return ok.err();
  }
  if (o.strategies.empty() && !sweep)
    return error{"'strategies': give at least one strategy spec (GET "
                 "/api/health names the version; `btk strategies` lists "
                 "them)"};
  return true;
}

const char* batch_keys = "symbols, strategies, data, frame_start, frame_end, "
                         "frame_interval, set, risks, fill_gaps, workers";

std::string title_of(const std::vector<std::string>& strategies,
                     const std::vector<std::string>& symbols) {
  std::string s;
  for (const auto& x : strategies)
    s += (s.empty() ? "" : " ") + x;
  std::string y;
  for (const auto& x : symbols)
    y += (y.empty() ? "" : ",") + x;
  return s + (y.empty() ? "" : " on " + y);
}

} // namespace

std::size_t core::running() const {
  std::size_t n = 0;
  for (const auto& r : const_cast<btk::hub&>(events).runs()) {
    std::lock_guard<std::mutex> g{r->mtx};
    if (r->api && (r->status == "running" || r->status == "stopping"))
      ++n;
  }
  return n;
}

// Every spec makes a strategy, so a typo is a 400 and not a failed run.
expected<bool> check_specs(const std::vector<std::string>& specs) {
  for (const auto& s : specs)
    if (auto made = builtin_strategies().make(s); !made)
      return error{"strategy '" + s + "': " + made.err().message};
  return true;
}

expected<std::string> core::start(run_kind kind, const nlohmann::json& body) {
  namespace fs = std::filesystem;
  if (kind == run_kind::live) {
    live_options lo;
    auto src = source_of(*this, body);
    if (!src)
      return src.err();
    lo.source = std::move(*src);
    lo.symbols = lo.source.symbols;
    lo.clock = "virtual";
    for (const auto& [raw, v] : body.items()) {
      const auto k = canonical_key(raw);
      if (k == "data" || k == "symbols")
        continue;
      if (k == "strategies" || k == "risks") {
        auto s = texts(raw, v);
        if (!s)
          return s.err();
        (k == "strategies" ? lo.strategies : lo.risks) = std::move(*s);
      } else if (k == "clock") {
        auto t = text(raw, v);
        if (!t)
          return t.err();
        lo.clock = *t;
      } else if (k == "from" || k == "until" || k == "stop_at") {
        auto t = time_of(raw, v);
        if (!t)
          return t.err();
        (k == "from" ? lo.from : k == "until" ? lo.until : lo.stop_at) = *t;
      } else if (k == "all_ticks") {
        auto b = flag(raw, v);
        if (!b)
          return b.err();
        lo.all_ticks = *b;
      } else if (k == "set") {
        auto s = overrides(v);
        if (!s)
          return s.err();
        lo.overrides = std::move(*s);
      } else {
        return error{"unknown key '" + raw +
                     "' (accepted: symbols, strategies, data, clock, from, "
                     "until, stop_at, all_ticks, set, risks)"};
      }
    }
    if (lo.strategies.empty())
      return error{"'strategies': give at least one strategy spec"};
    if (auto ok = check_specs(lo.strategies); !ok)
      return ok.err();
    if (lo.clock != "virtual" && lo.clock != "real" &&
        (lo.clock.size() < 2 || lo.clock[0] != 'x'))
      return error{"'clock' '" + lo.clock + "': expected virtual, real or xN"};
    if (lo.clock == "virtual" && !lo.from)
      return error{"'from': a virtual clock needs the first tick"};
    if (o.state_dir.empty())
      return error{"this server keeps no live state: start btk serve with "
                   "--state DIR to start live runs"};
    if (o.dry_run)
      return std::string{"dry-run"};
    auto r =
        events.add_run(run_kind::live, title_of(lo.strategies, lo.symbols));
    {
      std::lock_guard<std::mutex> g{r->mtx};
      r->api = true;
    }
    lo.state_dir = (fs::path{o.state_dir} / r->id).string();
    launch_live(*this, r, std::move(lo));
    return r->id;
  }
  walker_options wo;
  sweep_options so;
  bool grids = false;
  auto extra = [&](const std::string& k, const std::string& raw, const json& v,
                   expected<bool>& ok) {
    if (kind != run_kind::walker)
      return false;
    if (k == "metric") {
      auto t = text(raw, v);
      ok = t ? expected<bool>{true} : expected<bool>{t.err()};
      if (t)
        wo.metric = so.metric = *t;
      return true;
    }
    if (k == "grids") {
      auto t = texts(raw, v);
      ok = t ? expected<bool>{true} : expected<bool>{t.err()};
      if (t)
        so.grids = *t;
      grids = true;
      return true;
    }
    if (k == "top" || k == "sample" || k == "seed") {
      if (!v.is_number_unsigned()) {
        ok = error{"'" + raw + "': expected a whole number"};
        return true;
      }
      (k == "top"      ? so.top
       : k == "sample" ? so.sample
                       : so.seed) = v.get<std::uint64_t>();
      return true;
    }
    if (k == "where") {
      auto t = text(raw, v);
      ok = t ? expected<bool>{true} : expected<bool>{t.err()};
      if (t)
        so.where = *t;
      return true;
    }
    return false;
  };
  const std::string accepted =
      std::string{batch_keys} +
      (kind == run_kind::walker ? ", metric, grids, where, sample, seed, top"
                                : "");
  batch_options bo;
  // A sweep's grids stand in for the strategies.
  const bool sweep = kind == run_kind::walker &&
                     (body.contains("grids") || body.contains("grid"));
  if (auto ok = read_batch(*this, body, bo, accepted, extra, sweep); !ok)
    return ok.err();
  if (auto ok = check_specs(bo.strategies); !ok)
    return ok.err();
  if (o.dry_run)
    return std::string{"dry-run"};
  const auto rk = grids ? run_kind::sweep : kind;
  auto r = events.add_run(
      rk, title_of(grids ? so.grids : bo.strategies, bo.source.symbols));
  const auto dir = (fs::path{o.dump_dir} / r->id).string();
  {
    std::lock_guard<std::mutex> g{r->mtx};
    r->report_dir = dir;
    r->metric = so.metric;
    r->api = true;
  }
  if (grids) {
    static_cast<batch_options&>(so) = bo;
    so.results_out = (fs::path{dir} / "results.jsonl").string();
    so.report_dir = dir; // sweep-heatmap.html
    so.report_format = "html";
    {
      std::lock_guard<std::mutex> g{r->mtx};
      r->results_file = so.results_out;
    }
    launch_sweep(*this, r, std::move(so));
  } else {
    bo.report_dir = dir;
    bo.report_format = "both";
    bo.keep_results = true;
    if (kind == run_kind::walker) {
      static_cast<batch_options&>(wo) = bo;
      launch_walker(*this, r, std::move(wo));
    } else {
      backtest_options b;
      static_cast<batch_options&>(b) = bo;
      launch_backtest(*this, r, std::move(b));
    }
  }
  return r->id;
}

} // namespace btk::serve
