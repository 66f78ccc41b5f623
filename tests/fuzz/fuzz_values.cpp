// The small text values of the command line and the run file on any text:
// times, intervals, walk-forward spans, risk profiles, sizing methods and
// `--set KEY=VALUE` overrides. The first byte picks the parser. What parses
// must print back to text that parses to the same value.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "core/market/interval.hpp"
#include "core/market/time.hpp"
#include "core/risk/risk_limits.hpp"
#include "core/risk/sizing.hpp"
#include "runtime/results/results.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

void times(std::string_view text) {
  auto t = btk::parse_time(text);
  if (!t)
    return;
  fuzz_check(*t >= 0 && *t <= btk::latest_time);
  auto back = btk::parse_time(btk::to_iso(*t));
  fuzz_check(back && *back == *t);
}

void intervals(std::string_view text) {
  auto iv = btk::parse_interval(text);
  if (!iv)
    return;
  auto back = btk::parse_interval(btk::to_string(*iv));
  fuzz_check(back && *back == *iv);
}

void walk_forward(std::string_view text) {
  auto wf = btk::parse_walk_forward(text);
  if (!wf) {
    fuzz_check(!wf.err().message.empty());
    return;
  }
  for (auto span : {wf->train, wf->test})
    fuzz_check(span > 0 && span <= btk::max_walk_forward_span);
  fuzz_check(wf->step >= 0 && wf->step <= btk::max_walk_forward_span);
}

void risk(std::string_view text) {
  auto l = btk::parse_risk_limits(text);
  if (!l) {
    fuzz_check(!l.err().message.empty());
    return;
  }
  const std::string spec = btk::to_spec(*l);
  auto back = btk::parse_risk_limits(spec);
  fuzz_check(back.has_value());
  fuzz_check(btk::to_spec(*back) == spec);
}

void sizing(std::string_view text) {
  auto m = btk::parse_sizing_method(text);
  if (!m)
    fuzz_check(!m.err().message.empty());
}

// Lines of KEY=VALUE, as repeated --set flags give them.
void overrides(std::string_view text, bool unsafe) {
  std::vector<std::pair<std::string, std::string>> sets;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    const auto eq = line.find('=');
    if (eq != std::string_view::npos)
      sets.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  auto cfg = btk::apply_config(btk::config{}, sets, unsafe);
  if (!cfg) {
    fuzz_check(!cfg.err().message.empty());
    return;
  }
  // Applying the same overrides again changes nothing.
  auto again = btk::apply_config(*cfg, sets, unsafe);
  fuzz_check(again.has_value());
  for (const auto& key : btk::config_keys()) {
    double a = 0, b = 0;
    fuzz_check(btk::get_config_value(*cfg, key.name, a));
    fuzz_check(btk::get_config_value(*again, key.name, b));
    fuzz_check(a == b || (a != a && b != b));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  unsigned pick = 0;
  std::string_view text;
  if (!fuzz_pick(data, size, pick, text))
    return 0;
  switch (pick % 7) {
  case 0:
    times(text);
    break;
  case 1:
    intervals(text);
    break;
  case 2:
    walk_forward(text);
    break;
  case 3:
    risk(text);
    break;
  case 4:
    sizing(text);
    break;
  case 5:
    overrides(text, false);
    break;
  default:
    overrides(text, true);
    break;
  }
  return 0;
}
