#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/market/interval.hpp"
#include "strategies/strategy.hpp"

namespace btk {

/// Kind of a strategy parameter.
enum class param_kind : std::uint8_t {
  /// Any finite decimal number.
  number,
  /// A whole number >= 1.
  count,
  /// `long`, `short` or `alt`.
  side_choice,
  /// A signal interval: 1m 3m 5m 15m 30m 1h.
  signal_interval,
  /// Any text without commas (a model name, a file, a URL); may be empty.
  text,
};

/// What values a parameter of kind `k` takes, for error messages
/// ("a whole number >= 1").
std::string describe(param_kind k);

/// `s` without leading and trailing blanks (spaces, tabs), as specs and
/// grids read their items.
std::string_view trim_blanks(std::string_view s);

/// One parameter a strategy accepts, with its default.
struct param_spec {
  std::string name;
  param_kind kind = param_kind::number;
  std::string default_value;
  std::string help;
};

/// Parameter values after parsing and validation.
class param_values {
public:
  double number(const std::string& name) const;
  std::int64_t count(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  interval iv(const std::string& name) const;

  /// Sets a value (already validated).
  void set(const std::string& name, std::string text, double number);

private:
  std::map<std::string, std::pair<std::string, double>> values_;
};

/// A named strategy the registry can build from a spec string.
struct strategy_info {
  std::string name;
  std::string help;
  std::vector<param_spec> params;
  /// Builds an instance; fails when the values contradict each other.
  std::function<expected<std::unique_ptr<strategy>>(const param_values&)> make;
};

/// A parsed spec: `name:key=value,...`.
struct strategy_spec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;
};

/// Splits `name:key=value,...` into its parts (no knowledge of names).
expected<strategy_spec> parse_spec(std::string_view text);

/// Named strategies that can be built from spec strings. Unknown names and
/// parameters are errors that list what is accepted.
class strategy_registry {
public:
  /// Adds a strategy; fails on a duplicate name.
  expected<bool> add(strategy_info info);

  /// Builds the strategy a spec names, with defaults for parameters it does
  /// not set.
  expected<std::unique_ptr<strategy>> make(std::string_view spec) const;

  /// The spec with every parameter spelled out, defaults included, in
  /// declaration order (`every-n:n=60,side=long,...`).
  expected<std::string> canonical(std::string_view spec) const;

  const std::vector<strategy_info>& list() const noexcept { return infos_; }

  const strategy_info* find(std::string_view name) const noexcept;

private:
  expected<param_values> resolve(const strategy_spec& spec,
                                 const strategy_info& info) const;

  std::vector<strategy_info> infos_;
};

/// The process's strategies: every built-in (every-n, sma-cross,
/// scheduled, rsi-reversion, donchian-breakout) and those the host added
/// with `add_strategy` (the runtime adds `llm`).
const strategy_registry& builtin_strategies();

/// Adds a strategy to the process's registry, for strategies that need
/// what strategies/ may not use (files, the network). Call it before any
/// run starts: the registry is read without a lock. Fails on a duplicate
/// name.
expected<bool> add_strategy(strategy_info info);

} // namespace btk
