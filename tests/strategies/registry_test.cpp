// The built-in registry takes each default from the strategy's `params`
// struct, and the README's strategy table shows those same defaults.

#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace btk;

namespace {

// `name:key=default,...` of a registered strategy.
std::string default_spec(const strategy_info& info) {
  std::string out = info.name + ":";
  for (std::size_t i = 0; i < info.params.size(); ++i)
    out += (i ? "," : "") + info.params[i].name + "=" +
           info.params[i].default_value;
  return out;
}

} // namespace

TEST_CASE("the registry's defaults are the strategies' params defaults") {
  const auto& reg = builtin_strategies();
  CHECK(default_spec(*reg.find("every-n")) ==
        "every-n:n=60,side=long,tp=1,sl=1,minutes=60");
  CHECK(default_spec(*reg.find("scheduled")) ==
        "scheduled:n=120,offset=0.3,side=long,tp=1,sl=1,minutes=60");
  // A spec without parameters builds the same object as the params struct.
  const sma_cross::params p{};
  auto made = reg.make("sma-cross");
  REQUIRE(made);
  CHECK((*made)->signal_interval() == p.iv);
  CHECK((*made)->lookback_minutes() == sma_cross{p}.lookback_minutes());
  CHECK((*made)->max_lifetime_minutes() == sma_cross{p}.max_lifetime_minutes());
}

TEST_CASE("the README's strategy table lists every built-in with its "
          "registry defaults") {
  std::ifstream in(std::string(BTK_SOURCE_DIR) + "/README.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  // Rows such as "| `every-n:n=60,...` | what it does |".
  const std::regex row(R"(\|\s*`([a-z-]+:[^`]*)`\s*\|)");
  std::set<std::string> listed;
  for (std::sregex_iterator i(readme.begin(), readme.end(), row), end; i != end;
       ++i)
    listed.insert((*i)[1].str());
  for (const auto& info : builtin_strategies().list())
    CHECK(listed.count(default_spec(info)) == 1);
}
