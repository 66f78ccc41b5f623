#include "runtime/api/live.hpp"
#include "runtime/api/listen_address.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "runtime/api/batch.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/cluster/fleet.hpp"
#include "runtime/exchange/binance_feed.hpp"
#include "runtime/exchange/exchange_clock.hpp"
#include "runtime/exchange/exchange_sim.hpp"
#include "runtime/results/html_report.hpp"
#include "runtime/results/json.hpp"
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
std::unique_ptr<market_feed> replay(const live_options& opts,
                                    std::vector<std::string>& symbols) {
  if (opts.source.file.empty() && opts.source.store.empty())
    throw api_error("--exchange replay needs --data FILE or --store DIR");
  std::map<std::string, std::shared_ptr<const series>> data;
  for (auto& l : load_candles(opts.source)) {
    symbols.push_back(l.info.symbol);
    data[l.info.symbol] = l.data;
  }
  return std::make_unique<replay_feed>(std::move(data));
}

template <class T>
T checked(expected<T> x) {
  if (!x)
    throw api_error(x.err().message);
  return std::move(*x);
}

// Binance's REST and WebSocket bases for `opts`.
std::pair<url_parts, url_parts> binance_urls(const live_options& opts,
                                             binance::market m) {
  if (!opts.ca_file.empty() && !std::ifstream{opts.ca_file})
    throw api_error("--ca-file '" + opts.ca_file + "': cannot read it");
  std::pair<url_parts, url_parts> out;
  if (!opts.base_url.empty()) {
    out.first = checked(parse_base_url(opts.base_url));
    out.second = out.first;
  } else {
    const bool usdm = m == binance::market::usdm;
    out = {checked(parse_base_url(usdm ? "https://fapi.binance.com"
                                       : "https://api.binance.com")),
           checked(parse_base_url(usdm ? "wss://fstream.binance.com"
                                       : "wss://stream.binance.com:9443"))};
  }
  out.first.ca_file = out.second.ca_file = opts.ca_file;
  return out;
}

// The longest history any strategy reads, plus the VWAP window and a day.
std::int64_t keep_minutes(const std::vector<detail::named_spec>& named,
                          const config& cfg) {
  std::int64_t longest = 0;
  for (const auto& n : named)
    longest = std::max(longest, n.needs.lookback_minutes);
  return longest + cfg.avg_price_candles_count + 1440;
}

// Everything a session needs from the exchange: feed, clock and symbols.
struct exchange_parts {
  std::unique_ptr<market_feed> feed;
  std::unique_ptr<live_clock> clock;
  std::vector<std::string> symbols;
  timestamp from = 0;
};

exchange_parts connect(const live_options& opts,
                       const std::vector<detail::named_spec>& named,
                       const config& cfg) {
  exchange_parts out;
  if (opts.exchange == "replay") {
    if (opts.clock == "exchange")
      throw api_error("--clock exchange needs --exchange binance");
    out.feed = replay(opts, out.symbols);
    out.clock = checked(make_clock(opts.clock, opts.from));
    out.from =
        opts.from.value_or(floor_div(out.clock->now(), minute_ms) * minute_ms);
    return out;
  }
  if (opts.exchange != "binance")
    throw api_error("--exchange " + opts.exchange +
                    ": expected replay or binance");
  if (opts.symbols.empty())
    throw api_error("--exchange binance needs --symbols A,B");
  for (const auto& s : opts.symbols)
    if (auto bad = file_name_problem("symbol", s); !bad.empty())
      throw api_error(bad);
  if (opts.clock == "virtual")
    throw api_error("--clock virtual needs recorded candles: use "
                    "--exchange replay, or --clock exchange with btk "
                    "exchange-sim");
  const auto m = checked(binance::parse_market(opts.market));
  const auto [rest, ws] = binance_urls(opts, m);
  double scale = 1;
  if (opts.clock == "exchange") {
    // One attempt per reading, so a rate limit never stalls the clock: a
    // failed reading keeps the extrapolation.
    rest_policy once;
    once.attempts = 1;
    once.timeout = std::chrono::milliseconds(2000);
    binance_rest client{rest, m, once};
    client.on_warning = opts.on_warning;
    auto clock = checked(exchange_clock::start(client));
    scale = 1 / clock->rate();
    out.clock = std::move(clock);
  }
  if (!out.clock)
    out.clock = checked(make_clock(opts.clock, opts.from));
  out.from =
      opts.from.value_or(floor_div(out.clock->now(), minute_ms) * minute_ms);
  binance_feed_options fo;
  fo.rest = rest;
  fo.ws = ws;
  fo.market = m;
  fo.symbols = opts.symbols;
  fo.keep_minutes = keep_minutes(named, cfg);
  fo.from = out.from;
  fo.on_warning = opts.on_warning;
  fo.pacing.retry_after_scale = scale;
  out.feed = checked(binance_feed::start(std::move(fo)));
  out.symbols = opts.symbols;
  return out;
}

// `btk live --nodes`: the instances on btk nodes (runtime/cluster/fleet).
live_report run_live_fleet(const live_options& opts,
                           const std::vector<detail::named_spec>& named) {
  if (opts.exchange != "replay")
    throw api_error("--nodes: a live fleet replays recorded candles for now "
                    "(--exchange replay)");
  if (!opts.risks.empty())
    throw api_error("--nodes: risk profiles keep one book of every open "
                    "position, which does not span nodes yet; run them in one "
                    "process");
  if (!opts.summary_out.empty() || !opts.report_dir.empty())
    throw api_error("--nodes: --summary-out and --report-dir are not written "
                    "for a fleet yet (the events are)");
  if (opts.clock == "exchange")
    throw api_error("--clock exchange needs --exchange binance");
  fleet_options fo;
  auto read =
      checked(read_cluster_flags(opts.nodes, opts.secret_file, opts.cluster));
  fo.nodes = std::move(read.nodes);
  fo.cluster = std::move(read.cluster);
  fo.cfg = live_config(opts);
  std::vector<std::string> symbols;
  if (opts.source.file.empty() && opts.source.store.empty())
    throw api_error("--exchange replay needs --data FILE or --store DIR");
  for (auto& l : load_candles(opts.source)) {
    symbols.push_back(l.info.symbol);
    fo.data[l.info.symbol] = l.data;
  }
  for (const auto& symbol : symbols)
    for (const auto& n : named)
      fo.instances.push_back({symbol, n.name, n.spec});
  fo.clock = opts.clock;
  if (!opts.from)
    throw api_error("--nodes: give --from T (the fleet's first tick)");
  fo.from = *opts.from;
  fo.until = opts.until;
  fo.stop_at = opts.stop_at;
  fo.all_ticks = opts.all_ticks;
  fo.on_notice = opts.on_notice;
  std::vector<std::unique_ptr<live_sink>> sinks;
  if (!opts.events_out.empty())
    sinks.push_back(
        checked(jsonl_sink::open(opts.events_out, jsonl_sink::filter::all)));
  if (!opts.trades_out.empty())
    sinks.push_back(
        checked(jsonl_sink::open(opts.trades_out, jsonl_sink::filter::trades)));
  std::string sink_error;
  fo.state_dir = opts.state_dir;
  fo.on_event = [&](const live_event& e, bool again) {
    for (auto& s : sinks)
      if (auto r = again ? s->recover({e}) : s->deliver({e});
          !r && sink_error.empty())
        sink_error = r.err().message;
    if (opts.on_event)
      opts.on_event(e);
  };
  auto rep = run_fleet(fo);
  if (!rep)
    throw api_error(rep.err().message);
  if (!sink_error.empty())
    throw api_error(sink_error);
  live_report out;
  out.cfg = fo.cfg;
  out.events = rep->events;
  out.nodes = fo.nodes.size();
  out.failovers = rep->failovers;
  out.failover_ms = rep->failover_ms;
  out.duplicates = rep->duplicates;
  out.fenced = rep->fenced;
  return out;
}

// Every instance's Live report into `opts.report_dir`, as Markdown and/or
// a page with charts.
void write_live_reports(const live_options& opts, const live_session& s) {
  for (const auto& v : s.view()) {
    const auto md = render_live_report(
        v.name, v.symbol, *v.book, compute_live_statistics(*v.book), s.cfg());
    const auto stem =
        (std::filesystem::path(opts.report_dir) / (v.symbol + "_" + v.name))
            .string();
    if (opts.report_format != "html")
      detail::write_text(stem + ".md", md);
    if (opts.report_format != "md") {
      const auto closed = v.book->closed();
      std::vector<tick_result> trades(closed.begin(), closed.end());
      std::reverse(trades.begin(), trades.end()); // oldest first
      detail::write_text(stem + ".html",
                         html_report(v.symbol + "_" + v.name, md,
                                     {{v.name, std::move(trades)}}));
    }
  }
}

} // namespace

live_report run_live(const live_options& opts,
                     const std::atomic<bool>& graceful,
                     const std::atomic<bool>& hard) {
  if (opts.strategies.empty())
    throw api_error("live: give at least one --strategy");
  if (opts.clock == "virtual" && !opts.from)
    throw api_error("--clock virtual needs --from T (the first tick)");
  const auto named = detail::name_specs(opts.strategies);
  if (!opts.nodes.empty())
    return run_live_fleet(opts, named);
  const auto risks = detail::risk_profiles(opts.risks, named);
  live_session_options so;
  so.cfg = live_config(opts);
  for (const auto& r : risks)
    so.risks.push_back(make_risk_schema(r));
  so.exchange = opts.exchange;
  auto ex = connect(opts, named, so.cfg);
  for (const auto& symbol : ex.symbols)
    for (const auto& n : named) {
      auto made = builtin_strategies().make(n.spec);
      so.instances.push_back({symbol,
                              n.name,
                              n.spec,
                              std::move(*made),
                              {},
                              detail::risks_of(risks, n.name),
                              opts.exchange});
    }
  so.from = ex.from;
  so.until = opts.until;
  so.stop_at = opts.stop_at;
  so.all_ticks = opts.all_ticks;
  so.state_dir = opts.state_dir;
  if (opts.report_format != "md" && opts.report_format != "html" &&
      opts.report_format != "both")
    throw api_error("--report-format: md, html or both, not '" +
                    opts.report_format + "'");
  so.keep_reports = !opts.summary_out.empty() || !opts.report_dir.empty() ||
                    opts.keep_reports;
  auto session = live_session::open(std::move(so), std::move(ex.feed),
                                    std::move(ex.clock));
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
  if (opts.on_minute || opts.on_minute_stats)
    s.on_minute([&s, &opts](const live_session_stats& st) {
      if (opts.on_minute_stats)
        opts.on_minute_stats(st);
      if (opts.on_minute)
        opts.on_minute(st, s.view());
    });
  if (opts.on_session)
    opts.on_session(&s);
  struct unhook {
    const live_options& o;
    ~unhook() {
      if (o.on_session)
        o.on_session(nullptr);
    }
  } unhook_session{opts};
  auto stats = s.run(graceful, hard);
  if (!stats)
    throw api_error(stats.err().message);
  live_report rep;
  static_cast<live_counters&>(rep) = *stats;
  rep.cfg = live_config(opts);
  if (!opts.report_dir.empty())
    write_live_reports(opts, s);
  for (const auto& v : s.view()) {
    live_instance_report r;
    r.symbol = v.symbol;
    r.strategy = v.name;
    r.spec = v.spec;
    for (std::size_t k = 0; k < v.counts.size(); ++k)
      if (v.counts[k] > 0) {
        r.counts[std::string{to_string(static_cast<action>(k))}] = v.counts[k];
        r.ticks += v.counts[k];
      }
    r.stats = compute_live_statistics(*v.book);
    r.phase = std::string{to_string(v.state->phase)};
    r.ended = v.state->ended;
    r.risk_rejected = v.risk_rejected;
    rep.instances.push_back(std::move(r));
  }
  if (!opts.summary_out.empty())
    detail::write_text(opts.summary_out, live_summary_json(rep).dump(2) + "\n");
  return rep;
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

exchange_sim_stats run_exchange_sim(const exchange_sim_run_options& opts,
                                    const std::atomic<bool>& stop) {
  exchange_sim_options so;
  for (auto& l : load_candles(opts.source))
    so.data[l.info.symbol] = l.data;
  std::tie(so.host, so.port) = detail::parse_listen(opts.listen);
  so.speed = opts.speed;
  so.from = opts.from.value_or(0);
  so.faults = checked(parse_sim_faults(opts.faults));
  so.seed = opts.seed;
  so.tls_cert = opts.tls_cert;
  so.tls_key = opts.tls_key;
  auto sim = checked(exchange_sim::start(std::move(so)));
  if (opts.on_listening)
    opts.on_listening(sim->base_url());
  while (!stop.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return sim->stats();
}

} // namespace btk
