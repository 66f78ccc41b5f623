#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "core/engine/backtest.hpp"
#include "core/engine/config.hpp"
#include "core/engine/run_result.hpp"
#include "core/stats/statistics.hpp"
#include "messages/actor_messages.hpp"
#include "messages/events.hpp"
#include "strategies/callbacks.hpp"
#include "strategies/strategy.hpp"

namespace btk {

/// Where an instance stands (`list()`).
enum class instance_status : std::uint8_t {
  /// Created, never run.
  idle,
  /// A run is going on.
  running,
  /// The last run ended (finished, stopped or failed).
  done,
};

/// Name of a status: "idle", "running" or "done".
std::string_view to_string(instance_status s) noexcept;

/// What a strategy actor needs to run a backtest (in-process only: it holds
/// the shared series and actor handles).
struct run_job {
  series_ref data;
  backtest_frame frame;
  /// symbol, strategy, exchange and frame names of the events.
  event_source source;
  config cfg;
  /// The risk actors of the strategy's profiles (riskName + riskList).
  std::vector<caf::actor> risks;
  /// True when one of `risks` has validations: signals then wait for the
  /// risk decision (see `spawn_risk_actor`).
  bool gated = false;
  /// Global order of the instance in its batch; breaks ties in risk books.
  std::uint32_t rank = 0;
  /// Compute partial profit/loss milestones of closed positions.
  bool partials = false;
  /// The schema's callbacks, called at each result. Default: none
  std::shared_ptr<const strategy_callbacks> callbacks;
  /// Receives `std::vector<signal_event>` batches as they happen and the
  /// final `done_event` (the pull iterator of `backtest.run`). May be null.
  caf::actor stream;
  /// Batches `stream` may hold unread: the run then waits for an
  /// `ack_atom` per batch read, so it computes only a little ahead of its
  /// reader (as backtest-kit's generator computes only as far as it is
  /// read) and a reader that stops early stops the run there. A stopped run
  /// no longer waits. Default: 1
  std::size_t stream_window = 1;
  /// Which topics have listeners (bit `1 << topic`), kept up to date by
  /// the engine: events nobody listens to are not built. Null: all.
  std::shared_ptr<const std::atomic<std::uint32_t>> topics;
  /// Called with the outcome when the run ends (or is refused), on the
  /// actor's thread; lets a host wait without an actor of its own.
  /// Default: none
  std::function<void(const run_result&)> done;
  /// Simulated time per chunk between two looks at the mailbox while the
  /// run is watched (a stream, or a progress listener); unwatched runs take
  /// 30 chunks at a time. Stop and snapshot requests wait at most one
  /// chunk. Default: one day
  timestamp chunk = day_ms;
};

/// A copy of an instance's stored results, for get_data / get_report.
struct instance_snapshot {
  event_source source;
  instance_status status = instance_status::idle;
  /// Closed trades, newest first, capped at CC_MAX_BACKTEST_MARKDOWN_ROWS.
  closed_trade_list trades;
  /// The closed trades the Heat report pools when
  /// CC_MAX_HEATMAP_MARKDOWN_ROWS is above CC_MAX_BACKTEST_MARKDOWN_ROWS
  /// (newest first, capped at the heatmap's rows); empty otherwise, when
  /// `trades` holds all the Heat report can keep.
  closed_trade_list heat_trades{0};
  /// Scheduled, activated (scheduled_at != pending_at) and cancelled
  /// results in arrival order (capped at CC_MAX_SCHEDULE_MARKDOWN_ROWS).
  std::deque<tick_result> schedule;
  /// Partial milestones in arrival order (CC_MAX_PARTIAL_MARKDOWN_ROWS).
  std::deque<partial_event> partials;
  /// Risk rejections of this instance in arrival order
  /// (CC_MAX_RISK_MARKDOWN_ROWS).
  std::deque<risk_event> rejections;
  /// Wall-clock timings in arrival order
  /// (CC_MAX_PERFORMANCE_MARKDOWN_ROWS).
  std::deque<performance_event> performance;
  run_result last;
};

using snapshot_ptr = std::shared_ptr<const instance_snapshot>;

/// Spawns the actor of one `symbol:strategy` instance. It owns the strategy
/// object and its signal machine, and runs a backtest in chunks of
/// simulated time, publishing each chunk's results to `bus` (and the job's
/// stream), so other messages (stop, snapshot) are answered between chunks.
///
/// Messages: `(run_atom, run_job)` -> `run_result` when the run ends (an
/// error if already running); `stop_atom`: a stopped instance opens nothing
/// new, an open position still closes, the run then ends; idempotent;
/// `status_atom` -> `std::string`; `snapshot_atom` -> `snapshot_ptr`;
/// `ack_atom` from the job's stream: one batch was read.
caf::actor spawn_strategy_actor(caf::actor_system& sys,
                                std::unique_ptr<strategy> impl,
                                event_source source, caf::actor bus);

} // namespace btk

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::run_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::run_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(btk::snapshot_ptr)
