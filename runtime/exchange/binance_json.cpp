#include "runtime/exchange/binance_json.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace btk::binance {

namespace {

using json = nlohmann::json;

// A price or volume Binance sends as a decimal string.
bool read_number(const json& j, double& out) {
  if (j.is_number()) {
    out = j.get<double>();
    return std::isfinite(out);
  }
  if (!j.is_string())
    return false;
  const auto& s = j.get_ref<const std::string&>();
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size() &&
         std::isfinite(out);
}

bool read_time(const json& j, timestamp& out) {
  if (!j.is_number_integer())
    return false;
  out = j.get<timestamp>();
  return true;
}

std::string fmt_double(double x) {
  return fmt::format("{}", x);
}

} // namespace

expected<market> parse_market(std::string_view text) {
  if (text == "spot")
    return market::spot;
  if (text == "usdm")
    return market::usdm;
  return error{"market '" + std::string{text} +
               "': expected spot or usdm (USD-M futures)"};
}

endpoints endpoints_of(market m) {
  if (m == market::usdm)
    return {"/fapi/v1/klines", "/fapi/v1/time", 1500};
  return {"/api/v3/klines", "/api/v3/time", 1000};
}

expected<std::vector<candle>> parse_klines(std::string_view body) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return error{"klines: not JSON (" + std::to_string(body.size()) +
                 " bytes)"};
  if (!j.is_array())
    return error{"klines: expected an array, got " +
                 std::string{j.type_name()}};
  std::vector<candle> out;
  out.reserve(j.size());
  const char* fields[] = {"open time", "open",  "high",
                          "low",       "close", "volume"};
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& k = j[i];
    if (!k.is_array() || k.size() < 6)
      return error{"klines[" + std::to_string(i) +
                   "]: expected an array of at least 6 fields"};
    candle c;
    bool ok = read_time(k[0], c.ts);
    double* v[] = {&c.open, &c.high, &c.low, &c.close, &c.volume};
    std::size_t f = ok ? 1 : 0;
    for (; ok && f < 6; ++f)
      ok = read_number(k[f], *v[f - 1]);
    if (!ok)
      return error{"klines[" + std::to_string(i) + "]: bad " +
                   fields[f == 0 ? 0 : f - 1] + " " +
                   k[f == 0 ? 0 : f - 1].dump()};
    out.push_back(c);
  }
  return out;
}

expected<kline_event> parse_kline_message(std::string_view text) {
  const auto j = json::parse(text, nullptr, false);
  if (j.is_discarded())
    return error{"kline message: not JSON (" + std::to_string(text.size()) +
                 " bytes)"};
  const json* d = &j;
  if (j.is_object() && j.contains("data"))
    d = &j["data"];
  if (!d->is_object() || !d->contains("k") || !(*d)["k"].is_object())
    return error{"kline message: no kline object 'k'"};
  const auto& k = (*d)["k"];
  kline_event e;
  if (!k.contains("s") || !k["s"].is_string())
    return error{"kline message: no symbol 'k.s'"};
  e.symbol = k["s"].get<std::string>();
  const char* names[] = {"o", "h", "l", "c", "v"};
  double* v[] = {&e.c.open, &e.c.high, &e.c.low, &e.c.close, &e.c.volume};
  if (!k.contains("t") || !read_time(k["t"], e.c.ts))
    return error{"kline message for " + e.symbol + ": bad open time 'k.t'"};
  for (int f = 0; f < 5; ++f)
    if (!k.contains(names[f]) || !read_number(k[names[f]], *v[f]))
      return error{"kline message for " + e.symbol + ": bad 'k." + names[f] +
                   "'"};
  if (!k.contains("x") || !k["x"].is_boolean())
    return error{"kline message for " + e.symbol + ": no 'k.x'"};
  e.closed = k["x"].get<bool>();
  return e;
}

expected<timestamp> parse_server_time(std::string_view body) {
  const auto j = json::parse(body, nullptr, false);
  timestamp t = 0;
  if (j.is_discarded() || !j.is_object() || !j.contains("serverTime") ||
      !read_time(j["serverTime"], t))
    return error{"server time: expected {\"serverTime\": ms}, got '" +
                 std::string{body.substr(0, 80)} + "'"};
  return t;
}

std::string kline_array_json(const candle& c) {
  return fmt::format(
      "[{},\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",{},\"0\",0,\"0\",\"0\",\"0\"]",
      c.ts, fmt_double(c.open), fmt_double(c.high), fmt_double(c.low),
      fmt_double(c.close), fmt_double(c.volume), c.ts + minute_ms - 1);
}

std::string kline_event_json(const std::string& symbol, const candle& c,
                             bool closed, timestamp event_time) {
  std::string lower = symbol;
  for (auto& ch : lower)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return fmt::format(
      "{{\"stream\":\"{}@kline_1m\",\"data\":{{\"e\":\"kline\",\"E\":{},"
      "\"s\":\"{}\",\"k\":{{\"t\":{},\"T\":{},\"s\":\"{}\",\"i\":\"1m\","
      "\"o\":\"{}\",\"c\":\"{}\",\"h\":\"{}\",\"l\":\"{}\",\"v\":\"{}\","
      "\"x\":{}}}}}}}",
      lower, event_time, symbol, c.ts, c.ts + minute_ms - 1, symbol,
      fmt_double(c.open), fmt_double(c.close), fmt_double(c.high),
      fmt_double(c.low), fmt_double(c.volume), closed ? "true" : "false");
}

} // namespace btk::binance
