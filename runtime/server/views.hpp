#pragma once

// The read routes' answers: runs and their instances, statistics, reports,
// trades, report files, candles and metrics, as JSON (or Markdown, HTML,
// Prometheus text). Internal to runtime/server.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/server/router.hpp"

namespace btk::serve {

using query = std::map<std::string, std::string>;

/// `GET /api/runs/ID/data[?symbol=S&strategy=N]`: the run's summary, or
/// one instance's statistics (`get_data`).
answer view_data(server_run& r, const query& q);
/// `GET /api/runs/ID/report?symbol=S&strategy=N[&format=md|html]`.
answer view_report(server_run& r, const query& q);
/// `GET /api/runs/ID/trades?symbol=S&strategy=N`: closed trades, oldest
/// first, for the charts.
answer view_trades(server_run& r, const query& q);
/// `GET /api/runs/ID/files/PATH`: a report file under the run's folder.
/// Never the token file (`token_file`, when given).
answer view_file(server_run& r, const std::string& rel,
                 const std::string* token_file = nullptr);
/// `GET /api/runs/ID/results`: a sweep's results file (JSON lines).
answer view_results(server_run& r);
/// `GET /api/candles?symbol=S[&from=T&to=T&interval=1m]` from the store.
answer view_candles(core& c, const query& q);
/// `GET /api/instances`: every instance of every run, and of the live state
/// folders under `--state`.
nlohmann::ordered_json instances_json(core& c);

} // namespace btk::serve
