#include "runtime/results/json.hpp"

#include <charconv>
#include <cmath>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace btk {

namespace {

using ojson = nlohmann::ordered_json;

void put_number(fmt::memory_buffer& out, const char* key, double x) {
  if (std::isfinite(x))
    fmt::format_to(std::back_inserter(out), ",\"{}\":{}", key, x);
  else
    fmt::format_to(std::back_inserter(out), ",\"{}\":null", key);
}

void put_int(fmt::memory_buffer& out, const char* key, std::int64_t x) {
  fmt::format_to(std::back_inserter(out), ",\"{}\":{}", key, x);
}

void put_text(fmt::memory_buffer& out, const char* key, std::string_view x) {
  // Keys and enum texts here need no escaping; ids and symbols are escaped
  // by nlohmann below.
  fmt::format_to(std::back_inserter(out), ",\"{}\":\"{}\"", key, x);
}

ojson nullable(const std::optional<double>& v) {
  return v ? ojson(*v) : ojson();
}

ojson nullable(const std::optional<std::string>& v) {
  return v ? ojson(*v) : ojson();
}

ojson data_json(const data_info& d) {
  ojson j;
  if (!d.store.empty()) {
    j["store"] = d.store;
    j["symbol"] = d.symbol;
  } else {
    j["file"] = d.file;
  }
  j["format"] = d.format;
  j["candles"] = d.candles;
  j["rows"] = d.rows;
  j["filled"] = d.filled;
  j["first"] = d.first;
  j["last"] = d.last;
  return j;
}

ojson coverage_json(const strategy_run& r) {
  ojson j;
  j["closed"] = r.outcome.counters.closed;
  j["inStats"] = r.stats.signal_list_length;
  j["capped"] = r.capped();
  if (r.capped())
    j["note"] =
        capped_note(r.stats.signal_list_length, r.outcome.counters.closed);
  return j;
}

} // namespace

ojson strategy_run_json(const strategy_run& r) {
  ojson rejected = ojson::object();
  for (const auto& [rule, v] : r.outcome.rejected)
    rejected[rule] = {{"count", v.first}, {"first", v.second}};
  return {{"strategyName", r.strategy},
          {"symbol", r.symbol},
          {"spec", r.spec},
          {"counts",
           {{"closed", r.outcome.counters.closed},
            {"cancelled", r.outcome.counters.cancelled}}},
          {"rejected", rejected},
          {"stats", stats_json(r.stats)},
          {"report", r.report_path},
          {"coverage", coverage_json(r)}};
}

namespace {

// A walker's section: the contract plus one progress entry per tested
// strategy, in tested order.
ojson walker_json(const walker_summary& w) {
  const auto& m = w.model;
  ojson progress = ojson::array();
  std::int64_t tested = 0;
  for (auto i = m.strategy_results.rbegin(); i != m.strategy_results.rend();
       ++i)
    progress.push_back({{"strategyName", i->strategy},
                        {"metricValue", nullable(i->metric_value)},
                        {"strategiesTested", ++tested},
                        {"totalStrategies", m.total_strategies}});
  ojson j;
  j["symbol"] = m.symbol;
  j["metric"] = m.metric;
  j["bestStrategy"] = nullable(m.best_strategy);
  j["bestMetric"] = nullable(m.best_metric);
  j["totalStrategies"] = m.total_strategies;
  j["progress"] = progress;
  if (!w.report_path.empty())
    j["report"] = w.report_path;
  return j;
}

} // namespace

namespace {

// A signal's fields, `position` to `pendingAt`, as the parity files name them.
void put_signal(fmt::memory_buffer& out, const tick_result& r) {
  const auto& s = r.signal;
  put_text(out, "position", to_string(s.position));
  put_number(out, "priceOpen", s.price_open);
  put_number(out, "priceTakeProfit", s.price_take_profit);
  put_number(out, "priceStopLoss", s.price_stop_loss);
  put_number(out, "originalPriceOpen", s.original_price_open);
  put_number(out, "originalPriceTakeProfit", s.price_take_profit);
  put_number(out, "originalPriceStopLoss", s.price_stop_loss);
  put_int(out, "minuteEstimatedTime", s.minute_estimated_time);
  put_int(out, "scheduledAt", s.scheduled_at);
  put_int(out, "pendingAt", r.kind == action::cancelled ? 0 : s.pending_at);
}

// How a closed or cancelled result ended, its PnL when closed, the note,
// and the closing brace.
std::string finish_trade(fmt::memory_buffer& out, const tick_result& r) {
  if (r.kind == action::closed || r.kind == action::cancelled) {
    put_int(out, "closeTimestamp", r.close_timestamp);
    if (r.kind == action::closed)
      put_text(out, "closeReason", to_string(r.close));
    else
      put_text(out, "cancelReason", to_string(r.cancel));
    put_number(out, "priceClose", r.price_close);
  }
  if (r.kind == action::closed) {
    put_number(out, "pnlPercentage", r.pnl.pnl_percentage);
    put_number(out, "pnlCost", r.pnl.pnl_cost);
    put_number(out, "pnlEntries", r.pnl.pnl_entries);
    put_number(out, "pnlPriceOpen", r.pnl.price_open);
    put_number(out, "pnlPriceClose", r.pnl.price_close);
    put_number(out, "peakPnlPercentage", r.peak_pnl);
    put_number(out, "maxDrawdownPnlPercentage", r.max_drawdown_pnl);
  }
  if (!r.signal.note.empty())
    fmt::format_to(std::back_inserter(out), ",\"note\":{}",
                   nlohmann::json(r.signal.note).dump());
  out.push_back('}');
  return fmt::to_string(out);
}

} // namespace

std::string trade_json_line(const tick_result& r, const std::string& strategy,
                            const std::string& symbol) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{{\"strategy\":{}",
                 nlohmann::json(strategy).dump());
  put_text(out, "action", to_string(r.kind));
  fmt::format_to(std::back_inserter(out), ",\"symbol\":{}",
                 nlohmann::json(symbol).dump());
  fmt::format_to(std::back_inserter(out), ",\"id\":{}",
                 nlohmann::json(r.signal.id).dump());
  put_signal(out, r);
  return finish_trade(out, r);
}

std::string live_event_json_line(const live_event& e) {
  const live_result& r = e.result;
  const auto& s = r.signal;
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{{\"when\":{},\"strategy\":{}",
                 r.when, nlohmann::json(e.name).dump());
  if (e.warning)
    put_text(out, "event", "error");
  else
    put_text(out, "action", to_string(r.kind));
  fmt::format_to(std::back_inserter(out), ",\"symbol\":{},\"id\":{}",
                 nlohmann::json(e.symbol).dump(),
                 nlohmann::json(e.id()).dump());
  if (e.warning) {
    fmt::format_to(std::back_inserter(out), ",\"message\":{}}}",
                   nlohmann::json(e.message).dump());
    return fmt::to_string(out);
  }
  if (r.kind == action::idle) {
    put_number(out, "currentPrice", r.current_price);
    out.push_back('}');
    return fmt::to_string(out);
  }
  if (r.kind == action::waiting || r.kind == action::active) {
    put_text(out, "position", to_string(s.position));
    put_number(out, "priceOpen", s.price_open);
    put_number(out, "currentPrice", r.current_price);
    put_number(out, "percentTp", r.percent_tp);
    put_number(out, "percentSl", r.percent_sl);
    put_number(out, "pnlPercentage", r.pnl.pnl_percentage);
    put_number(out, "peakPnlPercentage", r.peak_pnl);
    put_number(out, "maxDrawdownPnlPercentage", r.max_drawdown_pnl);
    out.push_back('}');
    return fmt::to_string(out);
  }
  fmt::format_to(std::back_inserter(out), ",\"signalId\":{}",
                 nlohmann::json(s.id).dump());
  put_signal(out, r);
  put_number(out, "currentPrice", r.current_price);
  if (!e.order_id.empty()) {
    fmt::format_to(std::back_inserter(out), ",\"orderId\":{}",
                   nlohmann::json(e.order_id).dump());
    put_number(out, "fillPrice", e.fill_price);
    put_number(out, "fillQuantity", e.fill_quantity);
  }
  return finish_trade(out, r);
}

ojson live_summary_json(const live_report& rep) {
  ojson instances = ojson::array();
  for (const auto& i : rep.instances) {
    ojson counts = ojson::object();
    for (const auto& [k, v] : i.counts)
      counts[k] = v;
    instances.push_back({{"symbol", i.symbol},
                         {"strategyName", i.strategy},
                         {"spec", i.spec},
                         {"counts", counts},
                         {"liveTicks", i.ticks},
                         {"riskRejected", i.risk_rejected},
                         {"phase", i.phase},
                         {"ended", i.ended},
                         {"stats", fields_json(stat_fields(i.stats))}});
  }
  return {{"mode", "live"},
          {"minutes", rep.minutes},
          {"ticks", rep.ticks},
          {"failedTicks", rep.failed_ticks},
          {"riskRejected", rep.risk_rejected},
          {"events", rep.events},
          {"syncedBatches", rep.syncs},
          {"lastMinute", rep.last_minute},
          {"dataEnded", rep.data_ended},
          {"config", config_json(rep.cfg)},
          {"strategies", instances}};
}

ojson config_json(const config& cfg) {
  ojson out = ojson::object();
  for (const auto& key : config_keys()) {
    double v = 0;
    get_config_value(cfg, key.name, v);
    const std::string name{key.name};
    switch (key.type) {
    case config_type::boolean:
      out[name] = v != 0;
      break;
    case config_type::integer:
      out[name] = static_cast<std::int64_t>(v);
      break;
    default:
      out[name] = v;
    }
  }
  return out;
}

ojson fields_json(
    const std::vector<std::pair<std::string_view, stat_value>>& xs) {
  ojson out = ojson::object();
  for (const auto& [key, value] : xs) {
    const std::string name{key};
    if (std::holds_alternative<std::monostate>(value))
      out[name] = nullptr;
    else if (auto* i = std::get_if<std::int64_t>(&value))
      out[name] = *i;
    else if (auto* d = std::get_if<double>(&value))
      out[name] = *d;
    else
      out[name] = std::get<std::string>(value);
  }
  return out;
}

ojson stats_json(const stat_list& xs) {
  std::vector<std::pair<std::string_view, stat_value>> fields;
  fields.reserve(xs.size());
  for (const auto& [k, v] : xs)
    fields.emplace_back(k, v);
  return fields_json(fields);
}

ojson stats_json(const backtest_statistics& s) {
  return fields_json(stat_fields(s));
}

ojson frame_json(const backtest_frame& f) {
  return {{"interval", std::string{to_string(f.iv)}},
          {"start", f.start},
          {"end", f.end},
          {"startIso", to_iso(f.start)},
          {"endIso", to_iso(f.end)}};
}

namespace {

// Appends what nlohmann's dump writes for these values, without building a
// document: a sweep writes a line per job, and the coordinator of a cluster
// writes them all (tests/runtime/results pins the bytes to dump's).
void line_string(std::string& out, std::string_view x) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto at = out.size();
  out += '"';
  std::size_t plain = 0; // start of the run of bytes copied as they are
  for (std::size_t k = 0; k < x.size(); ++k) {
    const auto u = static_cast<unsigned char>(x[k]);
    if (u >= 0x20 && u != '"' && u != '\\' && u < 0x80)
      continue;
    if (u >= 0x80) { // dump checks the UTF-8 and may throw: let it
      out.resize(at);
      out += ojson(std::string{x}).dump();
      return;
    }
    out.append(x.data() + plain, k - plain);
    plain = k + 1;
    switch (u) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  out.append(x.data() + plain, x.size() - plain);
  out += '"';
}

void line_double(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

template <class Int>
void line_int(std::string& out, Int x) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void line_key(std::string& out, std::string_view key) {
  line_string(out, key);
  out += ':';
}

} // namespace

std::string sweep_result_line(const sweep_result& r,
                              const std::string& metric) {
  std::string out;
  out.reserve(256 + 40 * r.stats.size());
  out += "{\"id\":";
  line_int(out, r.id);
  out += ",\"spec\":";
  line_string(out, r.spec);
  out += ",\"symbol\":";
  line_string(out, r.symbol);
  out += ",\"window\":";
  line_int(out, r.window);
  out += ",\"metric\":";
  if (const auto m = stat_number(r.stats, metric))
    line_double(out, *m);
  else
    out += "null";
  out += ",\"stats\":{";
  // The names are unique (to_stat_list makes them so).
  bool first = true;
  for (const auto& [name, value] : r.stats) {
    const stat_value* v = &value;
    if (!first)
      out += ',';
    first = false;
    line_key(out, name);
    if (auto* i = std::get_if<std::int64_t>(v))
      line_int(out, *i);
    else if (auto* d = std::get_if<double>(v))
      line_double(out, *d);
    else if (auto* t = std::get_if<std::string>(v))
      line_string(out, *t);
    else
      out += "null";
  }
  out += "},\"closed\":";
  line_int(out, r.closed);
  if (!r.error.empty()) {
    out += ",\"error\":";
    line_string(out, r.error);
  }
  out += '}';
  return out;
}

std::string batch_trades_jsonl(const batch_report& rep) {
  std::string out;
  for (const auto& run : rep.runs)
    for (const auto& r : run.results) {
      out += trade_json_line(r, run.strategy, run.symbol);
      out += '\n';
    }
  return out;
}

ojson batch_summary_json(const batch_report& rep) {
  const bool walker = rep.mode == "walker";
  ojson s;
  s["mode"] = rep.mode;
  s["symbol"] = rep.data.empty() ? std::string{} : rep.data.front().symbol;
  if (rep.data.size() > 1) {
    s["symbols"] = rep.symbols();
    ojson data = ojson::array();
    for (const auto& d : rep.data)
      data.push_back(data_json(d));
    s["data"] = data;
  } else if (!rep.data.empty()) {
    s["data"] = data_json(rep.data.front());
  }
  s["frame"] = frame_json(rep.frame);
  s["config"] = config_json(rep.cfg);
  s["configUnsafe"] = rep.unsafe_config;
  ojson runs = ojson::array();
  for (const auto& r : rep.runs)
    runs.push_back(strategy_run_json(r));
  s["strategies"] = runs;
  if (rep.heat) {
    ojson heat = fields_json(stat_fields(rep.heat->model));
    heat["report"] = rep.heat->report_path;
    heat["coverage"] = {{"closed", rep.heat->closed},
                        {"capped", rep.heat->capped}};
    if (rep.heat->capped)
      heat["coverage"]["note"] =
          heat_capped_note(*rep.heat, rep.cfg.max_heatmap_markdown_rows);
    s["heat"] = heat;
  }
  if (walker) {
    if (rep.walkers.size() == 1) {
      s["walker"] = walker_json(rep.walkers.front());
    } else {
      ojson all = ojson::array();
      for (const auto& w : rep.walkers)
        all.push_back(walker_json(w));
      s["walkers"] = all;
    }
  }
  s["timing"] = {{"load_ms", rep.timing.load_ms},
                 {"engine_ms", rep.timing.engine_ms},
                 {"candles_per_second", rep.timing.candles_per_second},
                 {"workers", rep.timing.workers}};
  return s;
}

ojson sweep_summary_json(const sweep_report& rep) {
  ojson s;
  s["mode"] = "sweep";
  s["metric"] = rep.spec.metric;
  s["grids"] = rep.spec.grids;
  s["where"] = rep.spec.where;
  s["symbols"] = rep.spec.symbols;
  s["frame"] = frame_json(rep.spec.frame);
  s["config"] = config_json(rep.spec.cfg);
  s["jobs"] = {{"total", rep.jobs},
               {"run", rep.run},
               {"resumed", rep.resumed},
               {"failed", rep.failed},
               {"capped", rep.capped}};
  ojson top = ojson::array();
  for (const auto& r : rep.top)
    top.push_back({{"id", r.result.id},
                   {"spec", r.result.spec},
                   {"symbol", r.result.symbol},
                   {"metric", nullable(r.metric)},
                   {"stats", stats_json(r.result.stats)},
                   {"closed", r.result.closed},
                   {"capped", r.result.capped()}});
  s["top"] = top;
  if (rep.capped > 0)
    s["note"] = sweep_capped_note(rep);
  if (rep.spec.walk_forward) {
    ojson windows = ojson::array();
    for (const auto& w : rep.windows)
      windows.push_back({{"window", w.index},
                         {"symbol", w.symbol},
                         {"trainStart", w.train.start},
                         {"trainEnd", w.train.end},
                         {"testStart", w.test.start},
                         {"testEnd", w.test.end},
                         {"bestSpec", w.best_spec},
                         {"trainMetric", nullable(w.train_metric)},
                         {"testMetric", nullable(w.test_metric)},
                         {"testStats", stats_json(w.test_stats)}});
    s["walkForward"] = {{"windows", windows}};
    ojson oos = ojson::object();
    for (const auto& [symbol, st] : rep.out_of_sample)
      oos[symbol] = stats_json(st);
    s["walkForward"]["outOfSample"] = oos;
  }
  const double eps =
      rep.seconds > 0
          ? static_cast<double>(rep.candle_evaluations) / rep.seconds
          : 0;
  s["timing"] = {{"load_ms", rep.load_ms},
                 {"seconds", rep.seconds},
                 {"candle_evaluations_per_second", eps},
                 {"workers", rep.spec.workers}};
  return s;
}

std::string capped_note(std::uint64_t covered, std::uint64_t closed) {
  return "statistics cover the newest " + std::to_string(covered) + " of " +
         std::to_string(closed) +
         " closed trades (CC_MAX_BACKTEST_MARKDOWN_ROWS=" +
         std::to_string(covered) +
         ", as in backtest-kit); --set CC_MAX_BACKTEST_MARKDOWN_ROWS=" +
         std::to_string(closed) + " covers them all";
}

std::string heat_capped_note(const heat_summary& h, std::int64_t cap) {
  if (!h.capped)
    return {};
  return "portfolio figures cover the newest " + std::to_string(cap) +
         " closed trades of each symbol (CC_MAX_HEATMAP_MARKDOWN_ROWS, as in "
         "backtest-kit) of " +
         std::to_string(h.closed) +
         " in all; --set CC_MAX_HEATMAP_MARKDOWN_ROWS=" +
         std::to_string(h.closed) + " covers them all";
}

std::string sweep_capped_note(const sweep_report& rep) {
  if (rep.capped == 0)
    return {};
  return std::to_string(rep.capped) + " of " + std::to_string(rep.jobs) +
         " jobs are ranked on their newest " +
         std::to_string(rep.spec.cfg.max_backtest_markdown_rows) +
         " closed trades only (CC_MAX_BACKTEST_MARKDOWN_ROWS, as in "
         "backtest-kit); --set CC_MAX_BACKTEST_MARKDOWN_ROWS=N with N above "
         "every job's closed trades ranks on all of them";
}

} // namespace btk
