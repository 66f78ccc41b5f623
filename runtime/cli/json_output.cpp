#include "runtime/cli/json_output.hpp"

#include <cmath>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace btk {

namespace {

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

} // namespace

std::string trade_json_line(const tick_result& r, const std::string& strategy,
                            const std::string& symbol) {
  const auto& s = r.signal;
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{{\"strategy\":{}",
                 nlohmann::json(strategy).dump());
  put_text(out, "action", to_string(r.kind));
  fmt::format_to(std::back_inserter(out), ",\"symbol\":{}",
                 nlohmann::json(symbol).dump());
  fmt::format_to(std::back_inserter(out), ",\"id\":{}",
                 nlohmann::json(s.id).dump());
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
  put_int(out, "closeTimestamp", r.close_timestamp);
  if (r.kind == action::closed)
    put_text(out, "closeReason", to_string(r.close));
  else
    put_text(out, "cancelReason", to_string(r.cancel));
  put_number(out, "priceClose", r.price_close);
  if (r.kind == action::closed) {
    put_number(out, "pnlPercentage", r.pnl.pnl_percentage);
    put_number(out, "pnlCost", r.pnl.pnl_cost);
    put_number(out, "pnlEntries", r.pnl.pnl_entries);
    put_number(out, "pnlPriceOpen", r.pnl.price_open);
    put_number(out, "pnlPriceClose", r.pnl.price_close);
    put_number(out, "peakPnlPercentage", r.peak_pnl);
    put_number(out, "maxDrawdownPnlPercentage", r.max_drawdown_pnl);
  }
  if (!s.note.empty())
    fmt::format_to(std::back_inserter(out), ",\"note\":{}",
                   nlohmann::json(s.note).dump());
  out.push_back('}');
  return fmt::to_string(out);
}

nlohmann::ordered_json config_json(const config& cfg) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
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

nlohmann::ordered_json stats_json(const backtest_statistics& s) {
  return fields_json(stat_fields(s));
}

nlohmann::ordered_json
fields_json(const std::vector<std::pair<std::string_view, stat_value>>& xs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
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

} // namespace btk
