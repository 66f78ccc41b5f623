#pragma once

// The one JSON encoder of btk's results: trades, statistics, configuration
// and the summaries of backtests, walkers and sweeps. The command line, the
// sweep's results file (and later the server and the nodes) all write
// through it, so a field is spelled one way everywhere. Field names follow
// backtest-kit where it has one (`shared/parity/README.md`).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/engine/config.hpp"
#include "core/engine/signal.hpp"
#include "core/stats/statistics.hpp"
#include "messages/live_convert.hpp"
#include "messages/sweep_convert.hpp"
#include "runtime/results/results.hpp"

namespace btk {

/// One closed or cancelled result as a JSON line with the field names of
/// the parity files, without the newline. Numbers are the shortest text that
/// reads back to the same double.
std::string trade_json_line(const tick_result& r, const std::string& strategy,
                            const std::string& symbol);

/// One live event as a JSON line with the reference's field names
/// (`../shared/parity-live/README.md`) plus btk's `id`, without the
/// newline: a tick result, or a warning as `"event":"error"`.
std::string live_event_json_line(const live_event& e);

/// One run of a batch as the summary lists it: names, counts, rejections,
/// statistics, report and coverage.
nlohmann::ordered_json strategy_run_json(const strategy_run& r);

/// The summary of a live run (`btk live --summary-out`): counters, then
/// every instance with its tick counts and `Live.getData` statistics.
nlohmann::ordered_json live_summary_json(const live_report& rep);

/// Every configuration key with its value (integers as integers, switches
/// as booleans), in `config_keys()` order.
nlohmann::ordered_json config_json(const config& cfg);

/// Named statistic fields (`stat_fields(...)` of any report) as a JSON
/// object, in their order (nulls as `null`).
nlohmann::ordered_json
fields_json(const std::vector<std::pair<std::string_view, stat_value>>& xs);

/// A `stat_list` (owned names) as a JSON object, in its order.
nlohmann::ordered_json stats_json(const stat_list& xs);

/// The statistics under the reference's key names (nulls as `null`).
nlohmann::ordered_json stats_json(const backtest_statistics& s);

/// `{interval, start, end, startIso, endIso}` of a frame.
nlohmann::ordered_json frame_json(const backtest_frame& f);

/// One line of a sweep's results file (`id`, `spec`, `symbol`, `window`,
/// `metric`, `stats`, `closed`, and `error` when it failed), without the
/// newline.
std::string sweep_result_line(const sweep_result& r, const std::string& metric);

/// The trades file of a batch: `trade_json_line` of every collected result,
/// run by run in the batch's order, one per line.
std::string batch_trades_jsonl(const batch_report& rep);

/// The summary of a backtest batch or a walker (`--summary-out`): mode,
/// data, frame, config, every run's counts and statistics, the Heat or
/// walker sections and the timing.
nlohmann::ordered_json batch_summary_json(const batch_report& rep);

/// The summary of a sweep: what ran, the job counts, the top table or the
/// walk-forward windows, and the timing.
nlohmann::ordered_json sweep_summary_json(const sweep_report& rep);

/// The sentence a capped statistic carries: "statistics cover the newest
/// 250 of 5242 closed trades (CC_MAX_BACKTEST_MARKDOWN_ROWS=250, as in
/// backtest-kit); --set CC_MAX_BACKTEST_MARKDOWN_ROWS=5242 covers them all".
std::string capped_note(std::uint64_t covered, std::uint64_t closed);

/// The sentence of a Heat report whose symbols kept only their newest `cap`
/// trades, and how to lift the cap; empty when it is not capped.
std::string heat_capped_note(const heat_summary& h, std::int64_t cap);

/// The sentence of a sweep with `rep.capped` jobs ranked on capped
/// statistics, and how to lift the cap; empty when none was.
std::string sweep_capped_note(const sweep_report& rep);

} // namespace btk
