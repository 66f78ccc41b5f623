#include "core/risk/risk_limits.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace btk {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = s.find(sep);
    out.push_back(trim(s.substr(0, at)));
    if (at == std::string_view::npos)
      return out;
    s.remove_prefix(at + 1);
  }
}

bool valid_name(std::string_view s) {
  if (s.empty())
    return false;
  for (const char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

// A whole number >= 0, or nothing.
bool read_count(std::string_view v, std::int64_t& out) {
  if (v.empty() || v.size() > 12 ||
      v.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  out = std::strtoll(std::string{v}.c_str(), nullptr, 10);
  return true;
}

// A finite number >= 0, or nothing.
bool read_amount(std::string_view v, double& out) {
  const std::string s{v};
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out) &&
         out >= 0;
}

std::string fmt_number(double x) {
  std::ostringstream o;
  o.precision(17);
  o << x;
  return o.str();
}

// Counts the open positions `pick` selects.
template <class Pick>
std::int64_t count_open(const risk_args& a, Pick pick) {
  std::int64_t n = 0;
  for (const auto& p : a.active_positions)
    if (pick(p))
      ++n;
  return n;
}

} // namespace

bool risk_limits::applies_to(std::string_view run_name) const {
  if (strategies.empty())
    return true;
  const auto kind = run_name.substr(0, run_name.find('#'));
  for (const auto& s : strategies)
    if (s == run_name || s == kind)
      return true;
  return false;
}

expected<risk_limits> parse_risk_limits(std::string_view spec) {
  const auto colon = spec.find(':');
  risk_limits out;
  out.name = std::string{trim(spec.substr(0, colon))};
  const std::string where = "risk '" + std::string{spec} + "'";
  if (!valid_name(out.name))
    return error{where + ": the name '" + out.name +
                 "' must be letters, digits, '_', '-' or '.' (NAME:key=value,"
                 "...)"};
  if (colon == std::string_view::npos)
    return error{where + ": no limits; give NAME:key=value,... with keys "
                         "max_positions, max_per_symbol, max_per_strategy, "
                         "min_reward_risk, max_stop_percent, strategies"};
  for (const auto item : split(spec.substr(colon + 1), ',')) {
    const auto eq = item.find('=');
    const auto key = trim(item.substr(0, eq));
    const auto value = eq == std::string_view::npos ? std::string_view{}
                                                    : trim(item.substr(eq + 1));
    if (trim(item).empty())
      return error{where + ": an empty item between commas"};
    const std::string kv =
        "'" + std::string{key} + "=" + std::string{value} + "'";
    bool ok = eq != std::string_view::npos;
    if (key == "max_positions")
      ok = ok && read_count(value, out.max_positions);
    else if (key == "max_per_symbol")
      ok = ok && read_count(value, out.max_per_symbol);
    else if (key == "max_per_strategy")
      ok = ok && read_count(value, out.max_per_strategy);
    else if (key == "min_reward_risk")
      ok = ok && read_amount(value, out.min_reward_risk);
    else if (key == "max_stop_percent")
      ok = ok && read_amount(value, out.max_stop_percent);
    else if (key == "strategies") {
      for (const auto s : split(value, '|'))
        if (!s.empty())
          out.strategies.emplace_back(s);
      ok = ok && !out.strategies.empty();
    } else
      return error{where + ": unknown key '" + std::string{key} +
                   "' (accepted: max_positions, max_per_symbol, "
                   "max_per_strategy, min_reward_risk, max_stop_percent, "
                   "strategies)"};
    if (!ok)
      return error{where + ": " + kv +
                   (key == "strategies"
                        ? " must name strategies, separated by '|'"
                    : key.substr(0, 4) == "max_" && key != "max_stop_percent"
                        ? " must be a whole number >= 0"
                        : " must be a number >= 0")};
  }
  // 0 turns a limit off; a profile must keep at least one on.
  if (out.max_positions == 0 && out.max_per_symbol == 0 &&
      out.max_per_strategy == 0 && out.min_reward_risk == 0 &&
      out.max_stop_percent == 0)
    return error{where + ": limits nothing (every limit is off; 0 means off)"};
  return out;
}

std::string to_spec(const risk_limits& l) {
  std::string out = l.name + ":";
  auto add = [&](const char* key, const std::string& v) {
    out += (out.back() == ':' ? "" : ",") + std::string{key} + "=" + v;
  };
  if (l.max_positions > 0)
    add("max_positions", std::to_string(l.max_positions));
  if (l.max_per_symbol > 0)
    add("max_per_symbol", std::to_string(l.max_per_symbol));
  if (l.max_per_strategy > 0)
    add("max_per_strategy", std::to_string(l.max_per_strategy));
  if (l.min_reward_risk > 0)
    add("min_reward_risk", fmt_number(l.min_reward_risk));
  if (l.max_stop_percent > 0)
    add("max_stop_percent", fmt_number(l.max_stop_percent));
  if (!l.strategies.empty()) {
    std::string names;
    for (const auto& s : l.strategies)
      names += (names.empty() ? "" : "|") + s;
    add("strategies", names);
  }
  return out;
}

risk_schema make_risk_schema(const risk_limits& l) {
  risk_schema out;
  out.name = l.name;
  out.note = to_spec(l);
  auto add = [&](std::string note, std::function<bool(const risk_args&)> f) {
    out.validations.push_back({std::move(f), std::move(note)});
  };
  if (l.max_positions > 0)
    add("max_positions " + std::to_string(l.max_positions),
        [n = l.max_positions](const risk_args& a) {
          return static_cast<std::int64_t>(a.active_position_count) < n;
        });
  if (l.max_per_symbol > 0)
    add("max_per_symbol " + std::to_string(l.max_per_symbol),
        [n = l.max_per_symbol](const risk_args& a) {
          return count_open(a, [&](const risk_position& p) {
                   return p.symbol == a.symbol;
                 }) < n;
        });
  if (l.max_per_strategy > 0)
    add("max_per_strategy " + std::to_string(l.max_per_strategy),
        [n = l.max_per_strategy](const risk_args& a) {
          return count_open(a, [&](const risk_position& p) {
                   return p.strategy == a.strategy;
                 }) < n;
        });
  // The entry a signal would get: its limit price, or the current price.
  auto entry = [](const risk_args& a) {
    return a.pending.has_price_open() ? a.pending.price_open : a.current_price;
  };
  if (l.min_reward_risk > 0)
    add("min_reward_risk " + fmt_number(l.min_reward_risk),
        [x = l.min_reward_risk, entry](const risk_args& a) {
          const double e = entry(a);
          const double risk = std::abs(e - a.pending.price_stop_loss);
          return risk > 0 &&
                 std::abs(a.pending.price_take_profit - e) >= x * risk;
        });
  if (l.max_stop_percent > 0)
    add("max_stop_percent " + fmt_number(l.max_stop_percent),
        [x = l.max_stop_percent, entry](const risk_args& a) {
          const double e = entry(a);
          return e > 0 &&
                 std::abs(e - a.pending.price_stop_loss) / e * 100 <= x;
        });
  return out;
}

} // namespace btk
