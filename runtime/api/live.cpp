#include "runtime/api/live.hpp"

#include <map>
#include <memory>

#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

config live_config(const live_options& opts) {
  auto cfg = apply_config(opts.cfg, opts.overrides, opts.unsafe_config);
  if (!cfg)
    throw api_error(cfg.err().message);
  return *cfg;
}

// The replay feed of `opts` and its symbols, in the source's order.
std::unique_ptr<market_feed> make_feed(const live_options& opts,
                                       std::vector<std::string>& symbols) {
  if (opts.exchange != "replay")
    throw api_error("--exchange " + opts.exchange +
                    ": this build serves only replay (recorded candles)");
  if (opts.source.file.empty() && opts.source.store.empty())
    throw api_error("--exchange replay needs --data FILE or --store DIR");
  std::map<std::string, std::shared_ptr<const series>> data;
  for (auto& l : load_candles(opts.source)) {
    symbols.push_back(l.info.symbol);
    data[l.info.symbol] = l.data;
  }
  return std::make_unique<replay_feed>(std::move(data));
}

} // namespace

live_session_stats run_live(const live_options& opts,
                            const std::atomic<bool>& graceful,
                            const std::atomic<bool>& hard) {
  if (opts.strategies.empty())
    throw api_error("live: give at least one --strategy");
  if (opts.clock == "virtual" && !opts.from)
    throw api_error("--clock virtual needs --from T (the first tick)");
  const auto named = detail::name_specs(opts.strategies);
  live_session_options so;
  so.cfg = live_config(opts);
  std::vector<std::string> symbols;
  auto feed = make_feed(opts, symbols);
  for (const auto& symbol : symbols)
    for (const auto& n : named) {
      auto made = builtin_strategies().make(n.spec);
      so.instances.push_back({symbol, n.name, n.spec, std::move(*made)});
    }
  so.from = opts.from.value_or(0);
  so.until = opts.until;
  so.stop_at = opts.stop_at;
  so.all_ticks = opts.all_ticks;
  so.state_dir = opts.state_dir;
  auto clock = make_clock(opts.clock, so.from);
  if (!clock)
    throw api_error(clock.err().message);
  auto session =
      live_session::open(std::move(so), std::move(feed), std::move(*clock));
  if (!session)
    throw api_error(session.err().message);
  auto& s = **session;
  if (!opts.events_out.empty()) {
    auto sink = jsonl_sink::open(opts.events_out, jsonl_sink::filter::all);
    if (!sink)
      throw api_error(sink.err().message);
    s.add_sink(std::move(*sink));
  }
  if (!opts.trades_out.empty()) {
    auto sink = jsonl_sink::open(opts.trades_out, jsonl_sink::filter::trades);
    if (!sink)
      throw api_error(sink.err().message);
    s.add_sink(std::move(*sink));
  }
  if (opts.on_event)
    s.add_sink(std::make_unique<callback_sink>("callback", opts.on_event));
  if (opts.on_minute)
    s.on_minute(opts.on_minute);
  auto stats = s.run(graceful, hard);
  if (!stats)
    throw api_error(stats.err().message);
  return *stats;
}

live_status_report live_status(const std::string& state_dir) {
  auto store = live_store::open(state_dir, true);
  if (!store)
    throw api_error(store.err().message);
  auto recs = store->instances();
  if (!recs)
    throw api_error(recs.err().message);
  live_status_report out;
  out.minute = store->minute();
  for (auto& [key, r] : *recs)
    out.instances.push_back(std::move(r));
  return out;
}

} // namespace btk
