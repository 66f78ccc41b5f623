#pragma once

// The `llm` strategy: at each signal bucket it asks a model for a position,
// with the candles of four timeframes and the strategy's text
// (seed-era.md §16), and reads the JSON answer into a signal. Every answer
// is kept in an answer cache, so a rerun asks nothing and is exact.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/llm/llm_cache.hpp"
#include "runtime/llm/llm_client.hpp"
#include "strategies/strategy.hpp"

namespace btk {

/// What an `llm` strategy asked and heard.
struct llm_strategy_stats {
  /// Ticks it asked about.
  std::uint64_t asked = 0;
  /// Answers found in the cache, and answers from the model.
  std::uint64_t cached = 0;
  std::uint64_t requested = 0;
  /// Signals returned to the engine.
  std::uint64_t signals = 0;
  /// Ticks left idle, by reason ("wait", "position 'maybe'", ...).
  std::map<std::string, std::uint64_t> idle;
};

/// The `llm` strategy over one client and one answer cache (which several
/// instances may share).
class llm_strategy final : public strategy {
public:
  /// `strategy_text` is the plain-text strategy the model follows (the
  /// optimizer's `getPrompt` result, or a file's contents).
  llm_strategy(std::shared_ptr<llm_client> client,
               std::shared_ptr<llm_cache> cache, std::string strategy_text,
               interval signal_iv);

  interval signal_interval() const override { return iv_; }
  std::int64_t lookback_minutes() const override;
  std::int64_t max_lifetime_minutes() const override;
  bool may_schedule() const override { return true; }

  /// Asks the cache, under a hash of what the question is made of (the
  /// prompt version, the API, the model, the schema, the strategy text, the
  /// symbol, the tick and its candles' values), then the model. A chat that
  /// fails (after the client's retries) throws with the client's message, and
  /// so does every later tick at once: the run's errors name it without waiting
  /// again.
  std::optional<signal_request> get_signal(const signal_context& ctx) override;

  llm_strategy_stats stats() const;

private:
  // The cache key of the question at `ctx`, or "" when the candles do not
  // reach back far enough.
  std::string tick_key(const signal_context& ctx) const;

  std::shared_ptr<llm_client> client_;
  std::shared_ptr<llm_cache> cache_;
  std::string text_;
  interval iv_;
  mutable std::mutex mtx_;
  llm_strategy_stats stats_;
  std::optional<std::string> failed_;
};

} // namespace btk

namespace btk {

struct strategy_info;

/// The registry entry of `llm:model=M,prompt=FILE,interval=5m,url=URL,
/// api=ollama|openai,cache=DIR` (`add_strategy`). Instances in one process
/// share one client per API, URL and model (so the limit on requests in
/// flight holds across them) and one answer cache per folder.
strategy_info llm_strategy_info();

} // namespace btk
