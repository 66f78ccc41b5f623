#include "actors/frame_actor.hpp"

#include <map>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/actor_messages.hpp"

namespace btk {

namespace {

struct frame_state {
  std::map<std::string, frame_schema> frames;
  static inline const char* name = "btk.frame";
};

using frame_actor = caf::stateful_actor<frame_state>;

// Takes its initial frames (see event_bus.cpp on why every actor function
// takes an argument).
caf::behavior frame_impl(frame_actor* self,
                         std::map<std::string, frame_schema> initial) {
  self->state.frames = std::move(initial);
  return {
      [=](frame_atom, const std::string& name, const backtest_frame& f) {
        frame_schema& x = self->state.frames[name];
        static_cast<backtest_frame&>(x) = f;
        x.name = name;
      },
      [=](frame_atom, const std::string& name) -> caf::result<backtest_frame> {
        auto i = self->state.frames.find(name);
        if (i == self->state.frames.end())
          return caf::make_error(caf::sec::runtime_error,
                                 "frame " + name + " is not registered");
        return static_cast<const backtest_frame&>(i->second);
      },
      [=](frame_atom, const std::string& name,
          bool) -> caf::result<std::vector<timestamp>> {
        auto i = self->state.frames.find(name);
        if (i == self->state.frames.end())
          return caf::make_error(caf::sec::runtime_error,
                                 "frame " + name + " is not registered");
        std::vector<timestamp> ticks;
        const auto step = interval_ms(i->second.iv);
        for (timestamp t = i->second.start; t <= i->second.end; t += step)
          ticks.push_back(t);
        return ticks;
      },
  };
}

} // namespace

caf::actor spawn_frame_actor(caf::actor_system& sys) {
  return sys.spawn(frame_impl, std::map<std::string, frame_schema>{});
}

} // namespace btk
