#include "core/engine/config.hpp"

#include <charconv>
#include <cmath>

#include "core/stats/number_format.hpp"
#include <string>

namespace btk {

namespace {

struct binding {
  config_key key;
  double config::*number = nullptr;
  std::int64_t config::*integer = nullptr;
  bool config::*boolean = nullptr;
};

const std::vector<binding>& bindings() {
  using t = config_type;
  static const std::vector<binding> table = {
      {{"CC_PERCENT_FEE", t::number}, &config::percent_fee},
      {{"CC_PERCENT_SLIPPAGE", t::number}, &config::percent_slippage},
      {{"CC_AVG_PRICE_CANDLES_COUNT", t::integer},
       nullptr,
       &config::avg_price_candles_count},
      {{"CC_MIN_TAKEPROFIT_DISTANCE_PERCENT", t::number},
       &config::min_takeprofit_distance_percent},
      {{"CC_MIN_STOPLOSS_DISTANCE_PERCENT", t::number},
       &config::min_stoploss_distance_percent},
      {{"CC_MAX_STOPLOSS_DISTANCE_PERCENT", t::number},
       &config::max_stoploss_distance_percent},
      {{"CC_MAX_SIGNAL_LIFETIME_MINUTES", t::integer},
       nullptr,
       &config::max_signal_lifetime_minutes},
      {{"CC_SCHEDULE_AWAIT_MINUTES", t::integer},
       nullptr,
       &config::schedule_await_minutes},
      {{"CC_POSITION_ENTRY_COST", t::number}, &config::position_entry_cost},
      {{"CC_SIGNAL_LEVERAGE_MULTIPLIER", t::number},
       &config::signal_leverage_multiplier},
      {{"CC_MAX_SIGNAL_GENERATION_SECONDS", t::integer},
       nullptr,
       &config::max_signal_generation_seconds},
      {{"CC_ENABLE_LONG_SIGNAL", t::boolean},
       nullptr,
       nullptr,
       &config::enable_long_signal},
      {{"CC_ENABLE_SHORT_SIGNAL", t::boolean},
       nullptr,
       nullptr,
       &config::enable_short_signal},
      {{"CC_MAX_BACKTEST_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_backtest_markdown_rows},
      {{"CC_MAX_LIVE_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_live_markdown_rows},
      {{"CC_MAX_HEATMAP_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_heatmap_markdown_rows},
      {{"CC_MAX_SCHEDULE_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_schedule_markdown_rows},
      {{"CC_MAX_PERFORMANCE_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_performance_markdown_rows},
      {{"CC_MAX_PARTIAL_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_partial_markdown_rows},
      {{"CC_MAX_RISK_MARKDOWN_ROWS", t::integer},
       nullptr,
       &config::max_risk_markdown_rows},
      {{"CC_WALKER_MARKDOWN_TOP_N", t::integer},
       nullptr,
       &config::walker_markdown_top_n},
      {{"CC_REPORT_SHOW_SIGNAL_NOTE", t::boolean},
       nullptr,
       nullptr,
       &config::report_show_signal_note},
  };
  return table;
}

const binding* find_binding(std::string_view name) {
  for (const auto& b : bindings())
    if (b.key.name == name)
      return &b;
  return nullptr;
}

std::string fmt_num(double x) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, p);
}

} // namespace

const std::vector<config_key>& config_keys() {
  static const std::vector<config_key> keys = [] {
    std::vector<config_key> out;
    for (const auto& b : bindings())
      out.push_back(b.key);
    return out;
  }();
  return keys;
}

bool get_config_value(const config& cfg, std::string_view key, double& out) {
  const auto* b = find_binding(key);
  if (b == nullptr)
    return false;
  if (b->number)
    out = cfg.*(b->number);
  else if (b->integer)
    out = static_cast<double>(cfg.*(b->integer));
  else
    out = (cfg.*(b->boolean)) ? 1 : 0;
  return true;
}

bool set_config_value(config& cfg, std::string_view key, double value) {
  const auto* b = find_binding(key);
  if (b == nullptr)
    return false;
  if (b->number)
    cfg.*(b->number) = value;
  else if (b->integer) {
    // A whole number within ±2^53 (what a double holds exactly).
    if (!(std::fabs(value) <= 9007199254740992.0) || value != std::trunc(value))
      return false;
    cfg.*(b->integer) = static_cast<std::int64_t>(value);
  } else if (value == 0 || value == 1)
    cfg.*(b->boolean) = value != 0;
  else
    return false;
  return true;
}

std::vector<std::string> config::problems(bool unsafe) const {
  std::vector<std::string> out;
  if (avg_price_candles_count < 1)
    out.push_back("CC_AVG_PRICE_CANDLES_COUNT must be at least 1 (got " +
                  std::to_string(avg_price_candles_count) + ")");
  if (unsafe)
    return out;
  auto finite_nonneg = [&](const char* name, double v) {
    if (!(std::isfinite(v) && v >= 0))
      out.push_back(std::string{name} + " must be a finite number >= 0 (got " +
                    fmt_num(v) + ")");
  };
  finite_nonneg("CC_PERCENT_FEE", percent_fee);
  finite_nonneg("CC_PERCENT_SLIPPAGE", percent_slippage);
  const double min_tp_floor = 2 * percent_slippage + 2 * percent_fee;
  if (!(min_takeprofit_distance_percent > 0))
    out.push_back("CC_MIN_TAKEPROFIT_DISTANCE_PERCENT must be > 0 (got " +
                  fmt_num(min_takeprofit_distance_percent) + ")");
  else if (min_takeprofit_distance_percent < min_tp_floor)
    out.push_back("CC_MIN_TAKEPROFIT_DISTANCE_PERCENT must be >= 2 * "
                  "CC_PERCENT_SLIPPAGE + 2 * CC_PERCENT_FEE = " +
                  fmt_num(min_tp_floor) +
                  ", or every take-profit loses "
                  "money (got " +
                  fmt_num(min_takeprofit_distance_percent) + ")");
  if (!(min_stoploss_distance_percent > 0))
    out.push_back("CC_MIN_STOPLOSS_DISTANCE_PERCENT must be > 0 (got " +
                  fmt_num(min_stoploss_distance_percent) + ")");
  if (!(max_stoploss_distance_percent > 0))
    out.push_back("CC_MAX_STOPLOSS_DISTANCE_PERCENT must be > 0 (got " +
                  fmt_num(max_stoploss_distance_percent) + ")");
  if (min_stoploss_distance_percent > 0 && max_stoploss_distance_percent > 0 &&
      !(min_stoploss_distance_percent < max_stoploss_distance_percent))
    out.push_back("CC_MIN_STOPLOSS_DISTANCE_PERCENT (" +
                  fmt_num(min_stoploss_distance_percent) +
                  ") must be < CC_MAX_STOPLOSS_DISTANCE_PERCENT (" +
                  fmt_num(max_stoploss_distance_percent) + ")");
  auto positive = [&](const char* name, std::int64_t v) {
    if (v < 1)
      out.push_back(std::string{name} + " must be a positive integer (got " +
                    std::to_string(v) + ")");
  };
  positive("CC_MAX_SIGNAL_LIFETIME_MINUTES", max_signal_lifetime_minutes);
  positive("CC_SCHEDULE_AWAIT_MINUTES", schedule_await_minutes);
  positive("CC_MAX_SIGNAL_GENERATION_SECONDS", max_signal_generation_seconds);
  auto rows = [&](const char* name, std::int64_t v) {
    if (v < 0)
      out.push_back(std::string{name} + " must be >= 0 (got " +
                    std::to_string(v) + ")");
  };
  rows("CC_MAX_BACKTEST_MARKDOWN_ROWS", max_backtest_markdown_rows);
  rows("CC_MAX_LIVE_MARKDOWN_ROWS", max_live_markdown_rows);
  rows("CC_MAX_HEATMAP_MARKDOWN_ROWS", max_heatmap_markdown_rows);
  rows("CC_MAX_SCHEDULE_MARKDOWN_ROWS", max_schedule_markdown_rows);
  rows("CC_MAX_PERFORMANCE_MARKDOWN_ROWS", max_performance_markdown_rows);
  rows("CC_MAX_PARTIAL_MARKDOWN_ROWS", max_partial_markdown_rows);
  rows("CC_MAX_RISK_MARKDOWN_ROWS", max_risk_markdown_rows);
  if (!(std::isfinite(position_entry_cost) && position_entry_cost > 0))
    out.push_back("CC_POSITION_ENTRY_COST must be a finite number > 0 (got " +
                  fmt_num(position_entry_cost) + ")");
  if (!(std::isfinite(signal_leverage_multiplier) &&
        signal_leverage_multiplier > 0))
    out.push_back("CC_SIGNAL_LEVERAGE_MULTIPLIER must be a finite number > 0 "
                  "(got " +
                  fmt_num(signal_leverage_multiplier) + ")");
  return out;
}

expected<config>
apply_config(const config& base,
             const std::vector<std::pair<std::string, std::string>>& overrides,
             bool unsafe) {
  config next = base;
  std::vector<std::string> errs;
  for (const auto& [key, text] : overrides) {
    const auto* b = find_binding(key);
    if (b == nullptr) {
      std::string known;
      for (const auto& k : config_keys())
        known += (known.empty() ? "" : ", ") + std::string{k.name};
      errs.push_back("unknown configuration key '" + key +
                     "' (known: " + known + ")");
      continue;
    }
    if (b->boolean) {
      if (text == "true" || text == "1")
        next.*(b->boolean) = true;
      else if (text == "false" || text == "0")
        next.*(b->boolean) = false;
      else
        errs.push_back(key + " takes true or false (got '" + text + "')");
      continue;
    }
    double v = 0;
    if (!parse_js_number(text, v)) {
      errs.push_back(key + " takes a finite number (got '" + text + "')");
      continue;
    }
    if (b->number) {
      next.*(b->number) = v;
    } else if (std::floor(v) != v || std::fabs(v) > 9.0e15) {
      errs.push_back(key + " takes an integer (got '" + text + "')");
    } else {
      next.*(b->integer) = static_cast<std::int64_t>(v);
    }
  }
  for (auto& p : next.problems(unsafe))
    errs.push_back(std::move(p));
  if (!errs.empty()) {
    std::string msg = "invalid configuration";
    msg += unsafe ? " (unsafe mode):" : ":";
    for (const auto& e : errs)
      msg += "\n  - " + e;
    return error{std::move(msg)};
  }
  return next;
}

} // namespace btk
