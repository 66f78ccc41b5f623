#include "runtime/llm/llm_prompt.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/market/time.hpp"
#include "core/stats/number_format.hpp"

namespace btk {

using json = nlohmann::json;

const std::vector<prompt_timeframe>& prompt_timeframes() {
  static const std::vector<prompt_timeframe> tfs{{interval::h1, 24},
                                                 {interval::m15, 24},
                                                 {interval::m5, 24},
                                                 {interval::m1, 30}};
  return tfs;
}

std::int64_t prompt_lookback_minutes() {
  return 25 * 60;
}

std::string candle_line(const candle& c, interval iv) {
  // JavaScript's toFixed, as the seeds print (ties away from zero).
  return to_iso(c.ts) + "[" + std::string{to_string(iv)} +
         "]: O:" + to_fixed(c.open, 2) + " H:" + to_fixed(c.high, 2) +
         " L:" + to_fixed(c.low, 2) + " C:" + to_fixed(c.close, 2) +
         " V:" + to_fixed(c.volume, 8);
}

namespace {

const char* const position_rules =
    "You answer with one trading decision as JSON.\n"
    "position: \"wait\" when there is no clear opportunity, \"long\" or "
    "\"short\" otherwise.\n"
    "LONG: priceTakeProfit > priceOpen > priceStopLoss.\n"
    "SHORT: priceStopLoss > priceOpen > priceTakeProfit.\n"
    "minuteEstimatedTime: minutes until the take profit is expected, at most "
    "360, estimated from volatility and trend strength (ATR, ADX, MACD).\n"
    "note: one sentence on why.";

} // namespace

std::vector<llm_message> signal_messages(const signal_context& ctx,
                                         const std::string& strategy_text) {
  std::vector<llm_message> out{{"system", position_rules}};
  for (const auto& tf : prompt_timeframes()) {
    const bar_window w = ctx.candles(tf.iv, tf.count);
    if (w.size != tf.count)
      return {};
    const std::string name{to_string(tf.iv)};
    std::string text = ctx.symbol() + "\nAnalyse the " + name + " candles:\n";
    for (std::size_t k = 0; k < w.size; ++k)
      text += candle_line(w.at(k), tf.iv) + "\n";
    out.push_back({"user", std::move(text)});
    out.push_back({"assistant", "The " + name + " trend is analysed."});
  }
  out.push_back(
      {"user", "Decide on a position for " + ctx.symbol() + " at " +
                   to_iso(ctx.when()) + " following this strategy:\n\n" +
                   strategy_text +
                   "\n\nIf the signals conflict, answer position: wait."});
  return out;
}

const std::string& signal_answer_schema() {
  static const std::string schema = json{
      {"type", "object"},
      {"properties",
       {{"position", {{"type", "string"}, {"enum", {"wait", "long", "short"}}}},
        {"note", {{"type", "string"}}},
        {"priceOpen", {{"type", "number"}}},
        {"priceTakeProfit", {{"type", "number"}}},
        {"priceStopLoss", {{"type", "number"}}},
        {"minuteEstimatedTime",
         {{"type", "number"}, {"minimum", 1}, {"maximum", llm_max_minutes}}}}},
      {"required",
       {"position", "note", "priceOpen", "priceTakeProfit", "priceStopLoss",
        "minuteEstimatedTime"}}}.dump();
  return schema;
}

namespace {

// The positive finite number `key` of `a`, or the reason it is not one.
std::optional<double> price_field(const json& a, const char* key,
                                  std::string& why) {
  if (!a.contains(key)) {
    why = std::string{key} + " missing";
    return std::nullopt;
  }
  const auto& v = a[key];
  if (!v.is_number() || !std::isfinite(v.get<double>()) ||
      v.get<double>() <= 0) {
    why = std::string{key} + " " + v.dump() + " is not a positive number";
    return std::nullopt;
  }
  return v.get<double>();
}

} // namespace

read_answer read_signal_answer(const std::string& text) {
  read_answer out;
  const auto a = json::parse(text, nullptr, false);
  if (a.is_discarded() || !a.is_object()) {
    out.idle_reason = "not a JSON object";
    return out;
  }
  if (!a.contains("position") || !a["position"].is_string()) {
    out.idle_reason = "position missing";
    return out;
  }
  const auto position = a["position"].get<std::string>();
  if (position == "wait") {
    out.idle_reason = "wait";
    return out;
  }
  if (position != "long" && position != "short") {
    out.idle_reason = "position '" + position + "'";
    return out;
  }
  signal_request r;
  r.position = position == "long" ? side::long_ : side::short_;
  std::string why;
  const auto tp = price_field(a, "priceTakeProfit", why);
  const auto sl = tp ? price_field(a, "priceStopLoss", why) : std::nullopt;
  if (!tp || !sl) {
    out.idle_reason = why;
    return out;
  }
  r.price_take_profit = *tp;
  r.price_stop_loss = *sl;
  if (a.contains("priceOpen") && !a["priceOpen"].is_null()) {
    const auto open = price_field(a, "priceOpen", why);
    if (!open) {
      out.idle_reason = why;
      return out;
    }
    r.price_open = *open;
  }
  if (!a.contains("minuteEstimatedTime") ||
      !a["minuteEstimatedTime"].is_number()) {
    out.idle_reason = "minuteEstimatedTime missing";
    return out;
  }
  const double minutes = a["minuteEstimatedTime"].get<double>();
  if (!(minutes >= 1 && minutes <= llm_max_minutes) ||
      minutes != std::floor(minutes)) {
    out.idle_reason = "minuteEstimatedTime " + a["minuteEstimatedTime"].dump() +
                      " is not a whole number of minutes in 1..360";
    return out;
  }
  r.minute_estimated_time = minutes;
  if (a.contains("note") && a["note"].is_string())
    r.note = a["note"].get<std::string>();
  out.signal = std::move(r);
  return out;
}

} // namespace btk
