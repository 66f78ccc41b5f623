#include "strategies/spec.hpp"

#include <charconv>
#include <cmath>

#include "core/stats/number_format.hpp"

namespace btk {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string describe(param_kind k) {
  switch (k) {
  case param_kind::number:
    return "a number";
  case param_kind::count:
    return "a whole number >= 1";
  case param_kind::side_choice:
    return "long, short or alt";
  case param_kind::text:
    return "text";
  default:
    return "one of 1m 3m 5m 15m 30m 1h";
  }
}

namespace {

std::string accepted(const strategy_info& info) {
  std::string out;
  for (const auto& p : info.params)
    out += (out.empty() ? "" : ", ") + p.name + "=" + p.default_value;
  return out.empty() ? "none" : out;
}

} // namespace

double param_values::number(const std::string& name) const {
  return values_.at(name).second;
}

std::int64_t param_values::count(const std::string& name) const {
  return static_cast<std::int64_t>(values_.at(name).second);
}

const std::string& param_values::text(const std::string& name) const {
  return values_.at(name).first;
}

interval param_values::iv(const std::string& name) const {
  return *parse_interval(values_.at(name).first);
}

void param_values::set(const std::string& name, std::string text,
                       double number) {
  values_[name] = {std::move(text), number};
}

expected<strategy_spec> parse_spec(std::string_view text) {
  strategy_spec out;
  const std::string whole{text};
  text = trim_blanks(text);
  const auto colon = text.find(':');
  out.name = std::string{trim_blanks(text.substr(0, colon))};
  if (out.name.empty())
    return error{"strategy spec '" + whole +
                 "': missing the strategy name (form: name:key=value,...)"};
  if (colon == std::string_view::npos)
    return out;
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim_blanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{}
                                           : rest.substr(comma + 1);
    if (item.empty())
      return error{"strategy spec '" + whole +
                   "': an empty parameter between commas (form: "
                   "name:key=value,...)"};
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return error{"strategy spec '" + whole + "': parameter '" +
                   std::string{item} + "' has no value (form: key=value)"};
    auto key = std::string{trim_blanks(item.substr(0, eq))};
    auto value = std::string{trim_blanks(item.substr(eq + 1))};
    for (const auto& [k, v] : out.params)
      if (k == key)
        return error{"strategy spec '" + whole + "': parameter '" + key +
                     "' is given twice"};
    out.params.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

expected<bool> strategy_registry::add(strategy_info info) {
  if (find(info.name) != nullptr)
    return error{"strategy '" + info.name + "' is already registered"};
  infos_.push_back(std::move(info));
  return true;
}

const strategy_info*
strategy_registry::find(std::string_view name) const noexcept {
  for (const auto& i : infos_)
    if (i.name == name)
      return &i;
  return nullptr;
}

expected<param_values>
strategy_registry::resolve(const strategy_spec& spec,
                           const strategy_info& info) const {
  for (const auto& [key, value] : spec.params) {
    bool known = false;
    for (const auto& p : info.params)
      known = known || p.name == key;
    if (!known)
      return error{"strategy '" + info.name + "': unknown parameter '" + key +
                   "' (accepted: " + accepted(info) + ")"};
  }
  param_values out;
  for (const auto& p : info.params) {
    std::string text = p.default_value;
    for (const auto& [key, value] : spec.params)
      if (key == p.name)
        text = value;
    double number = 0;
    bool ok = true;
    switch (p.kind) {
    case param_kind::number:
      ok = parse_js_number(text, number);
      break;
    case param_kind::count:
      ok = parse_js_number(text, number) && number >= 1 &&
           std::floor(number) == number && number < 1e12;
      break;
    case param_kind::side_choice:
      ok = text == "long" || text == "short" || text == "alt";
      break;
    case param_kind::signal_interval: {
      auto iv = parse_interval(text);
      ok = iv && is_signal_interval(*iv);
      break;
    }
    case param_kind::text:
      break;
    }
    if (!ok)
      return error{"strategy '" + info.name + "': parameter " + p.name +
                   " takes " + describe(p.kind) + " (got '" + text + "')"};
    out.set(p.name, text, number);
  }
  return out;
}

expected<std::unique_ptr<strategy>>
strategy_registry::make(std::string_view text) const {
  auto spec = parse_spec(text);
  if (!spec)
    return spec.err();
  const auto* info = find(spec->name);
  if (info == nullptr) {
    std::string names;
    for (const auto& i : infos_)
      names += (names.empty() ? "" : ", ") + i.name;
    return error{"unknown strategy '" + spec->name + "' (known: " + names +
                 ")"};
  }
  auto values = resolve(*spec, *info);
  if (!values)
    return values.err();
  return info->make(*values);
}

expected<std::string>
strategy_registry::canonical(std::string_view text) const {
  auto spec = parse_spec(text);
  if (!spec)
    return spec.err();
  const auto* info = find(spec->name);
  if (info == nullptr)
    return error{"unknown strategy '" + spec->name + "'"};
  auto values = resolve(*spec, *info);
  if (!values)
    return values.err();
  std::string out = info->name + ":";
  bool first = true;
  for (const auto& p : info->params) {
    out += (first ? "" : ",") + p.name + "=" + values->text(p.name);
    first = false;
  }
  return out;
}

} // namespace btk
