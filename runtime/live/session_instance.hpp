#pragma once

// One instance of a live session: its strategy, machine, what was last
// persisted, and its Live.getData book. Internal to runtime/live.

#include <array>
#include <memory>
#include <string>

#include "runtime/live/session.hpp"

namespace btk {

struct live_session::instance {
  std::string symbol;
  std::string name;
  std::string spec;
  std::unique_ptr<strategy> strat;
  std::shared_ptr<const strategy_callbacks> callbacks;
  live_machine machine;
  // The state and event count as last persisted.
  live_state saved;
  std::uint64_t events = 0;
  std::uint64_t saved_events = 0;
  live_event_book book;
  std::array<std::uint64_t, 7> counts{};
  timestamp throttle;
  // Restored after a restart: its first tick calls on_active / on_schedule.
  bool restored = false;
  bool ended_told = false;
  // Partial levels reached at or before this minute are not reported.
  timestamp quiet_until = 0;
  // Its risk profiles' names and books, and its rank in them (the order
  // instances tick in).
  std::vector<std::string> risks;
  std::vector<risk_profile*> profiles;
  std::uint32_t rank = 0;
  std::uint64_t risk_rejected = 0;
  // The exchange its risk validations see (empty: the session's).
  std::string exchange;

  instance(live_instance_def def, const config& cfg, live_state st,
           std::uint64_t n)
      : symbol(std::move(def.symbol))
      , name(std::move(def.name))
      , spec(std::move(def.spec))
      , strat(std::move(def.strat))
      , callbacks(std::move(def.callbacks))
      , machine(cfg, strat->signal_interval(), st)
      , saved(std::move(st))
      , events(n)
      , saved_events(n)
      , book(cfg.max_live_markdown_rows)
      , throttle(interval_ms(strat->signal_interval()))
      , risks(std::move(def.risks))
      , exchange(std::move(def.exchange)) {}
};

} // namespace btk
