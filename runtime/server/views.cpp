#include "runtime/server/views.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/market/interval.hpp"
#include "core/market/time.hpp"
#include "core/stats/report.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/live/session.hpp"
#include "runtime/results/html_report.hpp"
#include "runtime/results/json.hpp"
#include "runtime/store/candle_store.hpp"

namespace btk::serve {

namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

answer json_ok(const ojson& body) {
  answer a;
  a.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return a;
}

ojson nullable(const std::optional<double>& v) {
  return v ? ojson(*v) : ojson(nullptr);
}

std::string get(const query& q, const std::string& key) {
  const auto it = q.find(key);
  return it == q.end() ? std::string{} : it->second;
}

// One live instance as the tables show it.
ojson live_row(const live_session::instance_view& v) {
  const auto& st = *v.state;
  ojson row{
      {"symbol", v.symbol},       {"strategy", v.name},
      {"spec", v.spec},           {"phase", std::string{to_string(st.phase)}},
      {"ended", st.ended},        {"events", v.events},
      {"lastTick", st.last_tick}, {"riskRejected", v.risk_rejected}};
  if (st.phase != live_phase::flat) {
    const auto& s = st.signal;
    row["position"] = {{"id", s.id},
                       {"side", std::string{to_string(s.position)}},
                       {"priceOpen", s.price_open},
                       {"priceTakeProfit", s.price_take_profit},
                       {"priceStopLoss", s.price_stop_loss},
                       {"scheduledAt", s.scheduled_at},
                       {"pendingAt", s.pending_at}};
  }
  const auto closed = v.book->closed();
  double pnl = 0;
  for (const auto& t : closed)
    pnl += t.pnl.pnl_percentage;
  row["closed"] = closed.size();
  row["totalPnl"] = pnl;
  return row;
}

ojson batch_row(const strategy_run& r) {
  return {{"symbol", r.symbol},
          {"strategy", r.strategy},
          {"spec", r.spec},
          {"phase", "done"},
          {"closed", r.outcome.counters.closed},
          {"cancelled", r.outcome.counters.cancelled},
          {"totalPnl", nullable(r.stats.total_pnl)},
          {"winRate", nullable(r.stats.win_rate)},
          {"sharpeRatio", nullable(r.stats.sharpe_ratio)}};
}

const strategy_run* find_run(const batch_report& b, const std::string& symbol,
                             const std::string& strategy) {
  for (const auto& r : b.runs)
    if (r.symbol == symbol && r.strategy == strategy)
      return &r;
  return nullptr;
}

answer no_instance(const server_run& r, const std::string& symbol,
                   const std::string& strategy) {
  if (symbol.empty() || strategy.empty())
    return json_error(400, "give ?symbol=S&strategy=NAME (GET /api/runs/" +
                               r.id + " lists the instances)");
  return json_error(404, "run " + r.id + " has no instance " + symbol + ":" +
                             strategy + " (GET /api/runs/" + r.id +
                             " lists them)");
}

// Calls `f(book, cfg)` for live instance `symbol:strategy` of `r` (held
// under `r.mtx`): the running session's, or the books kept when it closed.
bool with_book(
    const server_run& r, const std::string& symbol, const std::string& strategy,
    const std::function<void(const live_event_book&, const config&)>& f) {
  if (r.session != nullptr)
    return r.session->with_view(
        symbol, strategy, [&](const auto& v) { f(*v.book, r.session->cfg()); });
  const auto it = r.books.find(symbol + ":" + strategy);
  if (it == r.books.end() || !r.live_cfg)
    return false;
  f(*it->second, *r.live_cfg);
  return true;
}

ojson trade_point(const tick_result& t) {
  return {{"time", t.close_timestamp},
          {"pnl", t.pnl.pnl_percentage},
          {"side", std::string{to_string(t.signal.position)}},
          {"priceOpen", t.pnl.price_open},
          {"priceClose", t.pnl.price_close},
          {"openedAt", t.signal.pending_at},
          {"reason", std::string{to_string(t.close)}}};
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

nlohmann::ordered_json run_json(const server_run& r, bool instances) {
  std::lock_guard<std::mutex> g{r.mtx};
  ojson j{{"id", r.id},
          {"kind", std::string{to_string(r.kind)}},
          {"title", r.title},
          {"status", r.status},
          {"started", r.started},
          {"progress", {{"done", r.done}, {"total", r.total}}}};
  if (!r.error.empty())
    j["error"] = r.error;
  if (r.kind == run_kind::live)
    j["live"] = {{"minutes", r.counters.minutes},
                 {"lastMinute", r.counters.last_minute},
                 {"events", r.counters.events},
                 {"ticks", r.counters.ticks},
                 {"lastMinuteMs", r.counters.last_minute_ms}};
  if (!instances)
    return j;
  ojson rows = ojson::array();
  if (r.session != nullptr)
    r.session->for_each([&](const live_session::instance_view& v) {
      rows.push_back(live_row(v));
    });
  else if (r.live)
    for (const auto& i : r.live->instances)
      rows.push_back({{"symbol", i.symbol},
                      {"strategy", i.strategy},
                      {"spec", i.spec},
                      {"phase", i.phase},
                      {"ended", i.ended},
                      {"closed", i.stats.total_closed},
                      {"totalPnl", i.stats.metrics.total_pnl.value_or(0)}});
  else if (r.batch)
    for (const auto& run : r.batch->runs)
      rows.push_back(batch_row(run));
  j["instances"] = rows;
  if (r.batch && !r.batch->walkers.empty()) {
    ojson ranks = ojson::array();
    for (const auto& w : r.batch->walkers) {
      ojson order = ojson::array();
      for (const auto& s : w.model.strategy_results)
        order.push_back(
            {{"strategy", s.strategy}, {"metric", nullable(s.metric_value)}});
      ranks.push_back(
          {{"symbol", w.model.symbol},
           {"metric", w.model.metric},
           {"best", w.model.best_strategy ? ojson(*w.model.best_strategy)
                                          : ojson(nullptr)},
           {"ranking", order}});
    }
    j["walkers"] = ranks;
  }
  if (r.sweep)
    j["summary"] = sweep_summary_json(*r.sweep);
  return j;
}

answer view_data(server_run& r, const query& q) {
  const auto symbol = get(q, "symbol");
  const auto strategy = get(q, "strategy");
  std::lock_guard<std::mutex> g{r.mtx};
  if (symbol.empty() && strategy.empty()) {
    if (r.batch)
      return json_ok(batch_summary_json(*r.batch));
    if (r.sweep)
      return json_ok(sweep_summary_json(*r.sweep));
    if (r.live)
      return json_ok(live_summary_json(*r.live));
    return json_ok(ojson{{"id", r.id},
                         {"status", r.status},
                         {"progress", {{"done", r.done}, {"total", r.total}}}});
  }
  if (r.kind == run_kind::live) {
    ojson out;
    if (with_book(r, symbol, strategy, [&](const auto& book, const auto&) {
          out = fields_json(stat_fields(compute_live_statistics(book)));
        }))
      return json_ok(out);
  } else if (r.batch) {
    if (const auto* run = find_run(*r.batch, symbol, strategy))
      return json_ok(strategy_run_json(*run));
  }
  return no_instance(r, symbol, strategy);
}

answer view_report(server_run& r, const query& q) {
  const auto symbol = get(q, "symbol");
  const auto strategy = get(q, "strategy");
  const auto format = get(q, "format").empty() ? "md" : get(q, "format");
  if (format != "md" && format != "html")
    return json_error(400, "format '" + format + "': expected md or html");
  std::string markdown;
  std::vector<report_series> series;
  // A live instance's book is copied under the locks and rendered after
  // them, so that a reader never holds up the session's next minute.
  std::optional<live_event_book> book;
  std::optional<config> cfg;
  {
    std::lock_guard<std::mutex> g{r.mtx};
    bool found = false;
    if (r.kind == run_kind::live) {
      found = with_book(r, symbol, strategy,
                        [&](const live_event_book& b, const config& c) {
                          book = b;
                          cfg = c;
                        });
    } else if (r.batch) {
      if (const auto* run = find_run(*r.batch, symbol, strategy)) {
        found = true;
        if (run->report_path.empty())
          return json_error(404, "run " + r.id + " wrote no report for " +
                                     symbol + ":" + strategy);
        auto text = read_file(run->report_path);
        if (!text)
          return json_error(410, "the report " + run->report_path +
                                     " is gone from the disk");
        markdown = std::move(*text);
        series.push_back({run->strategy, run->results});
      }
    }
    if (!found)
      return no_instance(r, symbol, strategy);
  }
  if (book) {
    markdown = render_live_report(strategy, symbol, *book,
                                  compute_live_statistics(*book), *cfg);
    const auto closed = book->closed();
    std::vector<tick_result> trades(closed.begin(), closed.end());
    std::reverse(trades.begin(), trades.end());
    series.push_back({strategy, std::move(trades)});
  }
  answer a;
  if (format == "md") {
    a.content_type = "text/markdown; charset=utf-8";
    a.body = std::move(markdown);
  } else {
    a.content_type = "text/html; charset=utf-8";
    a.body = html_report(symbol + " " + strategy, markdown, series);
  }
  return a;
}

answer view_trades(server_run& r, const query& q) {
  const auto symbol = get(q, "symbol");
  const auto strategy = get(q, "strategy");
  ojson out = ojson::array();
  std::lock_guard<std::mutex> g{r.mtx};
  bool found = false;
  if (r.kind == run_kind::live) {
    found = with_book(r, symbol, strategy, [&](const auto& book, const auto&) {
      const auto closed = book.closed();
      for (auto it = closed.end(); it != closed.begin();)
        out.push_back(trade_point(*--it));
    });
  } else if (r.batch) {
    if (const auto* run = find_run(*r.batch, symbol, strategy)) {
      found = true;
      for (const auto& t : run->results)
        if (t.kind == action::closed)
          out.push_back(trade_point(t));
    }
  }
  if (!found)
    return no_instance(r, symbol, strategy);
  return json_ok(out);
}

answer view_file(server_run& r, const std::string& rel,
                 const std::string* token_file) {
  std::string root;
  {
    std::lock_guard<std::mutex> g{r.mtx};
    root = r.report_dir;
  }
  if (root.empty())
    return json_error(404, "run " + r.id + " keeps no files");
  auto path = confined(root, rel);
  if (path && token_file && !token_file->empty()) {
    // A report folder that holds the token file never serves it.
    std::error_code ec;
    if (fs::weakly_canonical(*token_file, ec) == fs::path{*path})
      path.reset();
  }
  if (!path)
    return json_error(403, "'" + rel + "' is not a file under run " + r.id +
                               "'s folder");
  std::error_code ec;
  if (!fs::is_regular_file(*path, ec))
    return json_error(404, "run " + r.id + " has no file '" + rel + "'");
  auto text = read_file(*path);
  if (!text)
    return json_error(404, "run " + r.id + " has no file '" + rel + "'");
  answer a;
  const auto ext = fs::path{*path}.extension().string();
  a.content_type = ext == ".html"   ? "text/html; charset=utf-8"
                   : ext == ".md"   ? "text/markdown; charset=utf-8"
                   : ext == ".json" ? "application/json"
                                    : "text/plain; charset=utf-8";
  a.body = std::move(*text);
  return a;
}

answer view_results(server_run& r) {
  std::string path;
  {
    std::lock_guard<std::mutex> g{r.mtx};
    path = r.results_file;
  }
  if (path.empty())
    return json_error(404, "run " + r.id +
                               " has no results file (sweeps with a results "
                               "file have one)");
  auto text = read_file(path);
  if (!text)
    return json_error(404, "run " + r.id + " has written no results yet");
  answer a;
  a.content_type = "application/x-ndjson";
  a.body = std::move(*text);
  return a;
}

answer view_candles(core& c, const query& q) {
  if (c.o.store.empty())
    return json_error(404, "no candle store: start btk serve with --store DIR");
  const auto symbol = get(q, "symbol");
  if (symbol.empty())
    return json_error(400, "give ?symbol=S (and from, to, interval)");
  std::optional<timestamp> from, to;
  for (auto [key, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    const auto text = get(q, key);
    if (text.empty())
      continue;
    *out = parse_time(text);
    if (!*out)
      return json_error(400,
                        std::string{key} + " '" + text +
                            "': expected an ISO-8601 UTC time or epoch ms");
  }
  const auto iv_text = get(q, "interval").empty() ? "1m" : get(q, "interval");
  const auto iv = parse_interval(iv_text);
  if (!iv)
    return json_error(400, "interval '" + iv_text +
                               "': expected 1m, 3m, 5m, 15m, 30m, 1h, 2h, "
                               "4h, 6h, 8h, 12h, 1d or 3d");
  auto store = candle_store::open_read_only(c.o.store);
  if (!store)
    return json_error(503, store.err().message);
  auto rows = store->load(symbol, from, to);
  if (!rows)
    return json_error(404, rows.err().message);
  // Bars of `iv` from the minutes, aligned to the epoch as the engine's.
  constexpr std::size_t max_bars = 20000;
  const timestamp step = interval_ms(*iv);
  ojson out = ojson::array();
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows->size();) {
    const timestamp bucket = floor_div((*rows)[i].ts, step) * step;
    candle b = (*rows)[i];
    b.ts = bucket;
    for (++i; i < rows->size() && (*rows)[i].ts < bucket + step; ++i) {
      const auto& x = (*rows)[i];
      b.high = std::max(b.high, x.high);
      b.low = std::min(b.low, x.low);
      b.close = x.close;
      b.volume += x.volume;
    }
    if (++n > max_bars)
      return json_error(413,
                        "more than " + std::to_string(max_bars) +
                            " bars: narrow from/to or take a longer interval");
    out.push_back({b.ts, b.open, b.high, b.low, b.close, b.volume});
  }
  return json_ok(
      ojson{{"symbol", symbol},
            {"interval", iv_text},
            {"columns", {"time", "open", "high", "low", "close", "volume"}},
            {"bars", out}});
}

nlohmann::ordered_json instances_json(core& c) {
  ojson out = ojson::array();
  for (const auto& r : c.events.runs()) {
    auto j = run_json(*r, true);
    for (auto& row : j["instances"]) {
      row["run"] = r->id;
      row["kind"] = j["kind"];
      row["status"] = j["status"];
      out.push_back(std::move(row));
    }
  }
  if (c.o.state_dir.empty())
    return out;
  // Live state folders on disk (sessions of other processes, or ended).
  std::vector<fs::path> dirs{c.o.state_dir};
  std::error_code ec;
  for (const auto& e : fs::directory_iterator{c.o.state_dir, ec})
    if (e.is_directory(ec))
      dirs.push_back(e.path());
  for (const auto& d : dirs) {
    if (!fs::exists(d / "CURRENT", ec))
      continue;
    try {
      const auto st = live_status(d.string());
      for (const auto& i : st.instances)
        out.push_back({{"run", "state:" + d.filename().string()},
                       {"kind", "live"},
                       {"status", i.state.ended ? "done" : "stored"},
                       {"symbol", i.symbol},
                       {"strategy", i.name},
                       {"spec", i.spec},
                       {"phase", std::string{to_string(i.state.phase)}},
                       {"lastTick", i.state.last_tick},
                       {"minute", st.minute}});
    } catch (const api_error&) {
      // not live state: skipped
    }
  }
  return out;
}

} // namespace btk::serve
