#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/engine/config.hpp"
#include "core/engine/signal.hpp"
#include "core/stats/statistics.hpp"

namespace btk {

/// One closed or cancelled result as a JSON line with the field names of
/// the parity files (`shared/parity/README.md`), without the newline.
/// Numbers are the shortest text that reads back to the same double.
std::string trade_json_line(const tick_result& r, const std::string& strategy,
                            const std::string& symbol);

/// Every configuration key with its value (integers as integers, switches
/// as booleans), in `config_keys()` order.
nlohmann::ordered_json config_json(const config& cfg);

/// Named statistic fields (`stat_fields(...)` of any report) as a JSON
/// object, in their order (nulls as `null`).
nlohmann::ordered_json
fields_json(const std::vector<std::pair<std::string_view, stat_value>>& xs);

/// The statistics under the reference's key names (nulls as `null`).
nlohmann::ordered_json stats_json(const backtest_statistics& s);

} // namespace btk
