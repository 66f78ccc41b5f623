#pragma once

// The engine's private state (CAF inside). Included by runtime/api/*.cpp
// only.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/strategy_actor.hpp"
#include "runtime/api/engine.hpp"

namespace btk {

/// The text of an actor error (the message an actor failed with).
std::string describe(const caf::error& err);

/// Writes `text` to `{dir}/{file}`, creating `dir`; returns the path.
/// Throws api_error naming `where` on failure.
std::string write_report(const std::string& where, const std::string& dir,
                         const std::string& file, const std::string& text);

struct engine::impl {
  explicit impl(const engine_options& opts);
  ~impl();

  struct exchange_entry {
    caf::actor actor;
  };
  struct risk_entry {
    caf::actor actor;
    std::size_t validations = 0;
    // The profile as registered: live sessions check it themselves.
    risk_schema schema;
  };
  struct instance {
    std::string symbol;
    std::string strategy;
    /// Empty for `backtest` runs; the walker's name for its own runs, so
    /// walkers sharing a strategy on a symbol never share an instance.
    std::string scope;
    std::string exchange;
    std::string frame;
    std::uint32_t rank = 0;
    caf::actor actor;
  };
  /// A run resolved against the registry, ready to start.
  struct prepared {
    run_job job;
    caf::actor actor;
    caf::actor exchange;
  };

  prepared prepare(const std::string& where, const std::string& symbol,
                   const backtest_context& ctx, const std::string& scope = "");
  /// Gives every job its frame and series (one request per distinct
  /// exchange and symbol, all in flight at once) and joins the risks.
  void load(const std::string& where, std::vector<prepared>& ps);
  /// Counts a listener of `t` in or out of the topic mask.
  void count_listener(topic t, int delta);
  /// `symbol:strategy`, or `scope/symbol:strategy` for a walker's runs.
  static std::string instance_key(const std::string& scope,
                                  const std::string& symbol,
                                  const std::string& strategy);
  caf::actor instance_actor(const std::string& symbol,
                            const std::string& strategy,
                            const std::string& scope = "");
  snapshot_ptr snapshot(const std::string& where, const std::string& symbol,
                        const std::string& strategy,
                        const std::string& scope = "");
  /// Snapshots of every instance in rank order.
  std::vector<snapshot_ptr> snapshots();
  std::string instance_names();

  /// A blocking request; throws api_error naming `where` on failure.
  template <class R, class... Ts>
  R ask(const std::string& where, const caf::actor& a, Ts&&... xs) {
    caf::scoped_actor self{*sys};
    R out{};
    std::string err;
    self->request(a, caf::infinite, std::forward<Ts>(xs)...)
        .receive([&](R& r) { out = std::move(r); },
                 [&](caf::error& e) { err = describe(e); });
    if (!err.empty())
      throw api_error(where + ": " + err);
    return out;
  }

  engine_options options;
  caf::actor_system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor bus;
  caf::actor frames;

  std::mutex mtx;
  config cfg;
  std::map<std::string, exchange_entry> exchanges;
  std::map<std::string, strategy_schema> strategies;
  std::map<std::string, frame_schema> frame_schemas;
  std::map<std::string, risk_entry> risks;
  std::map<std::string, sizing_params> sizings;
  std::map<std::string, walker_schema> walkers;
  std::map<std::string, instance> instances;
  std::map<std::uint64_t, caf::actor> listeners;
  std::atomic<std::uint64_t> next_listener{0};
  std::size_t partial_listeners = 0;
  /// Frames and series already fetched from their actors (neither changes
  /// once registered or loaded), so repeated runs skip the round trips.
  std::map<std::string, backtest_frame> frame_cache;
  std::map<std::pair<std::string, std::string>, series_ref> series_cache;
  /// Listeners per topic, and the mask of topics with any (shared with
  /// strategy actors, which skip events nobody listens to).
  std::array<int, topic_count> listeners_per_topic{};
  std::shared_ptr<std::atomic<std::uint32_t>> topic_mask =
      std::make_shared<std::atomic<std::uint32_t>>(0);
  std::uint32_t next_rank = 0;
  /// Walker runs by `symbol:walker`: the last completed model (for
  /// get_data / get_report) and the stop flag of a run going on.
  struct walker_entry {
    std::string status = "idle";
    std::shared_ptr<std::atomic<bool>> stop;
    std::shared_ptr<walker_statistics> data;
    std::vector<closed_trade_list> lists;
  };
  std::map<std::string, walker_entry> walkers_run;
};

} // namespace btk
