#include "runtime/cli/backtest_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/report.hpp"
#include "core/statistics.hpp"
#include "runtime/cli/candle_source.hpp"
#include "runtime/cli/json_output.hpp"
#include "runtime/cli/progress.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
      .count();
}

// Collects one strategy's results: trade lines, the statistics list, counts
// and the reasons signals were dropped.
class collecting_sink final : public result_sink {
public:
  collecting_sink(std::string name, const series& s, const config& cfg,
                  std::string* trades, progress_bar* bar, double done_before,
                  timestamp frame_start)
      : name_(std::move(name))
      , series_(s)
      , cfg_(cfg)
      , trades_(trades)
      , list_(cfg.max_backtest_markdown_rows)
      , bar_(bar)
      , done_before_(done_before)
      , frame_start_(frame_start) {}

  void on_result(const tick_result& r) override {
    if (r.kind == action::closed)
      ++closed_;
    else if (r.kind == action::cancelled)
      ++cancelled_;
    else
      return;
    list_.push(r);
    if (trades_ != nullptr) {
      *trades_ += trade_json_line(r, name_, series_.symbol());
      *trades_ += '\n';
    }
  }

  void on_rejected(timestamp t, signal_rule rule, const signal_request& req,
                   double entry) override {
    auto& slot = rejected_[std::string{to_string(rule)}];
    if (slot.first++ == 0)
      slot.second =
          to_iso(t) + ": " + describe_rejection(rule, req, entry, cfg_);
  }

  void on_error(timestamp t, const std::string& what) override {
    if (errors_++ == 0)
      first_error_ = to_iso(t) + ": " + what;
  }

  void on_progress(timestamp t) override {
    if (bar_ != nullptr)
      bar_->update(done_before_ + static_cast<double>(t - frame_start_));
  }

  const closed_trade_list& list() const { return list_; }
  std::uint64_t closed() const { return closed_; }
  std::uint64_t cancelled() const { return cancelled_; }
  const std::map<std::string, std::pair<std::uint64_t, std::string>>&
  rejected() const {
    return rejected_;
  }
  std::uint64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }

private:
  std::string name_;
  const series& series_;
  const config& cfg_;
  std::string* trades_;
  closed_trade_list list_;
  progress_bar* bar_;
  double done_before_;
  timestamp frame_start_;
  std::uint64_t closed_ = 0;
  std::uint64_t cancelled_ = 0;
  std::map<std::string, std::pair<std::uint64_t, std::string>> rejected_;
  std::uint64_t errors_ = 0;
  std::string first_error_;
};

bool write_text(const std::string& path, const std::string& text,
                std::string& err) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    err = "cannot write " + path;
    return false;
  }
  out << text;
  out.close();
  if (!out) {
    err = "cannot write " + path;
    return false;
  }
  return true;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "btk backtest: %s\n", msg.c_str());
  return 1;
}

std::string opt_text(const std::optional<double>& v, int digits,
                     const char* suffix = "") {
  return v ? fmt::format("{:.{}f}{}", *v, digits, suffix) : "n/a";
}

} // namespace

int run_backtest_command(const backtest_options& opts) {
  // -- configuration ---------------------------------------------------------
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& s : opts.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos)
      return fail("--set '" + s + "': expected KEY=VALUE");
    kv.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  auto cfg = apply_config(config{}, kv, opts.unsafe_config);
  if (!cfg)
    return fail(cfg.err().message);

  // -- strategies ------------------------------------------------------------
  if (opts.strategies.empty())
    return fail("give at least one --strategy SPEC (see `btk strategies`)");
  struct entry {
    std::string name;
    std::string spec;
    std::unique_ptr<strategy> impl;
  };
  std::vector<entry> entries;
  for (const auto& spec : opts.strategies) {
    auto made = builtin_strategies().make(spec);
    if (!made)
      return fail("--strategy '" + spec + "': " + made.err().message);
    const auto parsed = parse_spec(spec);
    const int k = static_cast<int>(entries.size()) + 1;
    entries.push_back(
        {parsed->name + "#" + std::to_string(k), spec, std::move(*made)});
  }
  auto frame_iv = parse_interval(opts.frame_interval);
  if (!frame_iv)
    return fail("--frame-interval '" + opts.frame_interval +
                "': expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d");

  // -- data
  // --------------------------------------------------------------------
  const auto load_start = clock_type::now();
  auto data = load_candles_for_backtest(opts);
  if (!data)
    return fail(data.err().message);
  const std::string symbol = data->symbol;
  auto made_series = series::make(symbol, data->candles);
  if (!made_series)
    return fail(data->origin + ": " + made_series.err().message);
  const series& s = **made_series;
  const double load_ms = ms_since(load_start);
  if (data->filled > 0 && !opts.quiet)
    std::fprintf(stderr,
                 "btk backtest: filled %zu missing minute%s in %zu "
                 "gap%s with flat candles (--fill-gaps)\n",
                 data->filled, data->filled == 1 ? "" : "s", data->gaps,
                 data->gaps == 1 ? "" : "s");

  // -- frame
  // -------------------------------------------------------------------
  std::int64_t warmup = cfg->avg_price_candles_count;
  std::int64_t lookahead = 0;
  for (const auto& e : entries) {
    warmup = std::max(warmup, e.impl->lookback_minutes());
    std::int64_t life = e.impl->max_lifetime_minutes();
    if (life <= 0)
      life = cfg->max_signal_lifetime_minutes;
    if (e.impl->may_schedule())
      life += cfg->schedule_await_minutes;
    lookahead = std::max(lookahead, life + 1);
  }
  backtest_frame frame;
  frame.iv = *frame_iv;
  if (opts.frame_start.empty()) {
    frame.start = s.first() + warmup * minute_ms;
  } else if (auto t = parse_time(opts.frame_start)) {
    frame.start = *t;
  } else {
    return fail("--frame-start '" + opts.frame_start +
                "': expected an ISO-8601 UTC time or epoch milliseconds");
  }
  if (opts.frame_end.empty()) {
    frame.end = s.last() - lookahead * minute_ms;
  } else if (auto t = parse_time(opts.frame_end)) {
    frame.end = *t;
  } else {
    return fail("--frame-end '" + opts.frame_end +
                "': expected an ISO-8601 UTC time or epoch milliseconds");
  }
  if (frame.end < frame.start)
    return fail("the frame is empty: start " + to_iso(frame.start) +
                " is after end " + to_iso(frame.end) + " (the data covers " +
                to_iso(s.first()) + " .. " + to_iso(s.last()) + "; warm-up " +
                std::to_string(warmup) + " min, look-ahead " +
                std::to_string(lookahead) + " min)");

  // -- run
  // -----------------------------------------------------------------------
  std::string trades;
  std::string* trades_ptr = opts.trades_out.empty() ? nullptr : &trades;
  const double span = static_cast<double>(frame.end - frame.start) + 1;
  progress_bar bar{"backtest", span * static_cast<double>(entries.size())};
  nlohmann::ordered_json strategies_json = nlohmann::ordered_json::array();
  double engine_ms = 0;
  std::vector<std::string> lines;
  const timestamp dump_ts =
      floor_div(std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count(),
                minute_ms) *
      minute_ms;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    auto& e = entries[k];
    bar.set_label(e.name);
    collecting_sink sink{e.name,     s,    *cfg,
                         trades_ptr, &bar, span * static_cast<double>(k),
                         frame.start};
    const auto t0 = clock_type::now();
    auto counters = e.impl->backtest(s, *cfg, frame, sink);
    engine_ms += ms_since(t0);
    if (!counters) {
      bar.finish();
      return fail(e.name + ": " + counters.err().message);
    }
    const auto stats = compute_backtest_statistics(sink.list());
    std::string report_path;
    if (!opts.report_dir.empty()) {
      report_path = (std::filesystem::path(opts.report_dir) /
                     fmt::format("{}_{}_local_{}_backtest-{}.md", symbol,
                                 e.name, to_string(frame.iv), dump_ts))
                        .string();
      std::string err;
      const auto text =
          render_backtest_report(e.name, symbol, sink.list(), stats, *cfg);
      if (!write_text(report_path, text, err)) {
        bar.finish();
        return fail(err);
      }
    }
    nlohmann::ordered_json rejected = nlohmann::ordered_json::object();
    for (const auto& [rule, v] : sink.rejected())
      rejected[rule] = {{"count", v.first}, {"first", v.second}};
    strategies_json.push_back(
        {{"strategyName", e.name},
         {"spec", e.spec},
         {"counts",
          {{"closed", sink.closed()}, {"cancelled", sink.cancelled()}}},
         {"rejected", rejected},
         {"stats", stats_json(stats)},
         {"report", report_path}});
    bar.finish();
    if (!opts.quiet) {
      for (const auto& [rule, v] : sink.rejected())
        std::fprintf(stderr,
                     "btk backtest: %s: %llu signals dropped (%s); "
                     "first at %s\n",
                     e.name.c_str(), static_cast<unsigned long long>(v.first),
                     rule.c_str(), v.second.c_str());
      if (sink.errors() > 0)
        std::fprintf(stderr,
                     "btk backtest: %s: get_signal failed %llu "
                     "times; first at %s\n",
                     e.name.c_str(),
                     static_cast<unsigned long long>(sink.errors()),
                     sink.first_error().c_str());
    }
    lines.push_back(fmt::format(
        "  {:<22} {:>5} closed {:>4} cancelled  win rate {:>7}  total PnL {:>9}"
        "  Sharpe {:>7}{}",
        e.name, sink.closed(), sink.cancelled(),
        opt_text(stats.win_rate, 2, "%"), opt_text(stats.total_pnl, 2, "%"),
        opt_text(stats.sharpe_ratio, 3),
        report_path.empty()
            ? ""
            : "\n  " + std::string(22, ' ') + " report: " + report_path));
  }

  // -- outputs
  // -------------------------------------------------------------------
  const double frame_minutes = span / static_cast<double>(minute_ms);
  const double cps = engine_ms > 0
                         ? frame_minutes * static_cast<double>(entries.size()) /
                               (engine_ms / 1000)
                         : 0;
  std::string err;
  if (!opts.trades_out.empty() && !write_text(opts.trades_out, trades, err))
    return fail(err);
  if (!opts.summary_out.empty()) {
    nlohmann::ordered_json summary;
    summary["mode"] = "backtest";
    summary["symbol"] = symbol;
    summary["data"] = backtest_data_json(opts, *data, s);
    summary["frame"] = {{"interval", std::string{to_string(frame.iv)}},
                        {"start", frame.start},
                        {"end", frame.end},
                        {"startIso", to_iso(frame.start)},
                        {"endIso", to_iso(frame.end)}};
    summary["config"] = config_json(*cfg);
    summary["configUnsafe"] = opts.unsafe_config;
    summary["strategies"] = strategies_json;
    summary["timing"] = {{"load_ms", load_ms},
                         {"engine_ms", engine_ms},
                         {"candles_per_second", cps}};
    if (!write_text(opts.summary_out, summary.dump(2) + "\n", err))
      return fail(err);
  }
  if (!opts.quiet) {
    std::printf("%s: %zu candles %s .. %s (%s), frame %s .. %s\n",
                symbol.c_str(), s.size(), to_iso(s.first()).c_str(),
                to_iso(s.last()).c_str(), data->format.c_str(),
                to_iso(frame.start).c_str(), to_iso(frame.end).c_str());
    for (const auto& l : lines)
      std::printf("%s\n", l.c_str());
    std::printf("load %.1f ms, engine %.1f ms (%.1f M candles/s)\n", load_ms,
                engine_ms, cps / 1e6);
  }
  return 0;
}

} // namespace btk
