#pragma once

// What the `llm` strategy asks a model at a signal bucket and how it reads
// the answer (seed-era.md §16): the candles of four timeframes in the
// seeds' line format with the strategy's text, and a JSON answer turned
// into a signal, or into "stay idle" with the reason.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/engine/signal_context.hpp"
#include "core/market/candle.hpp"
#include "core/market/interval.hpp"
#include "runtime/llm/llm_client.hpp"

namespace btk {

/// One timeframe of the prompt: `count` closed candles of `iv`.
struct prompt_timeframe {
  interval iv;
  std::size_t count;
};

/// The version of the questions `signal_messages` writes: part of every
/// cached answer's key (`llm_strategy`), so a change of their wording must
/// change it, or old answers would answer new questions.
inline constexpr const char* prompt_version = "btk-llm-prompt 1";

/// The seeds' timeframes: 1h x 24, 15m x 24, 5m x 24, 1m x 30.
const std::vector<prompt_timeframe>& prompt_timeframes();

/// Minutes of history the prompt reads before a tick (the 24 hours of 1h
/// candles and the hour that is forming).
std::int64_t prompt_lookback_minutes();

/// The longest `minuteEstimatedTime` the answer schema allows: 360.
constexpr std::int64_t llm_max_minutes = 360;

/// `ISO-time[tf]: O:... H:... L:... C:... V:...`: prices with 2 decimals,
/// the volume with 8, as the seeds print a candle.
std::string candle_line(const candle& c, interval iv);

/// The messages for a tick: the position rules (system), one user message
/// of candles and one assistant acknowledgement per timeframe, and the
/// question with `strategy_text`. Empty when `ctx` lacks the candles
/// (`ctx.missing()` says which).
std::vector<llm_message> signal_messages(const signal_context& ctx,
                                         const std::string& strategy_text);

/// The JSON schema of an answer: position wait|long|short, note, priceOpen,
/// priceTakeProfit, priceStopLoss, minuteEstimatedTime (1..360).
const std::string& signal_answer_schema();

/// An answer read: a signal, or why the tick stays idle.
struct read_answer {
  std::optional<signal_request> signal;
  /// Why there is no signal: "wait", or what is wrong with the answer
  /// ("not JSON", "position 'maybe'", "priceStopLoss missing", ...).
  std::string idle_reason;
};

/// Reads a model's answer. `wait` and every malformed answer give no
/// signal and a reason; a long or short answer with positive prices and a
/// whole `minuteEstimatedTime` in 1..360 gives the signal (the engine's
/// own validation still applies). `priceOpen`, when given, is a limit
/// entry, as the seeds pass the answer through.
read_answer read_signal_answer(const std::string& text);

} // namespace btk
