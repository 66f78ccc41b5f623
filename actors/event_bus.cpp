#include "actors/event_bus.hpp"

#include <array>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/actor_messages.hpp"

namespace btk {

namespace {

using subscriptions =
    std::array<std::vector<std::pair<std::uint64_t, caf::actor>>, topic_count>;

struct bus_state {
  subscriptions subs;
  static inline const char* name = "btk.event_bus";
};

using bus_actor = caf::stateful_actor<bus_state>;

template <class T>
void forward(bus_actor* self, topic t, const T& msg) {
  for (auto& [id, listener] : self->state.subs[static_cast<std::size_t>(t)])
    self->send(listener, msg);
}

// Takes its initial subscriptions: CAF 0.17 dereferences a null argument
// tuple when it spawns a function actor without arguments (UBSan reports
// it), so every btk actor function takes at least one argument.
caf::behavior event_bus(bus_actor* self, subscriptions initial) {
  self->state.subs = std::move(initial);
  return {
      [=](subscribe_atom, topic t, std::uint64_t id, caf::actor listener) {
        self->state.subs[static_cast<std::size_t>(t)].emplace_back(
            id, std::move(listener));
      },
      [=](unsub_atom, std::uint64_t id) {
        for (auto& list : self->state.subs) {
          for (auto i = list.begin(); i != list.end(); ++i) {
            if (i->first == id) {
              self->send_exit(i->second, caf::exit_reason::user_shutdown);
              list.erase(i);
              break;
            }
          }
        }
      },
      [=](const std::vector<signal_event>& batch) {
        if (batch.empty())
          return;
        forward(self, topic::signal, batch);
        // A batch comes from one instance, so it is one mode.
        forward(self,
                batch.front().source.backtest ? topic::signal_backtest
                                              : topic::signal_live,
                batch);
      },
      [=](const std::vector<progress_event>& batch) {
        forward(self, topic::progress_backtest, batch);
      },
      [=](const std::vector<risk_event>& batch) {
        forward(self, topic::risk, batch);
      },
      [=](const std::vector<partial_event>& batch) {
        std::vector<partial_event> profit;
        std::vector<partial_event> loss;
        for (const auto& e : batch)
          (e.profit ? profit : loss).push_back(e);
        if (!profit.empty())
          forward(self, topic::partial_profit, profit);
        if (!loss.empty())
          forward(self, topic::partial_loss, loss);
      },
      [=](const std::vector<performance_event>& batch) {
        forward(self, topic::performance, batch);
      },
      [=](const done_event& e) {
        forward(self,
                e.source.backtest ? topic::done_backtest : topic::done_live,
                std::vector<done_event>{e});
      },
      [=](topic t, const error_event& e) {
        forward(self, t, std::vector<error_event>{e});
      },
      [=](const std::vector<walker_event>& batch) {
        forward(self, topic::walker, batch);
      },
      [=](const walker_complete_event& e) {
        forward(self, topic::walker_complete,
                std::vector<walker_complete_event>{e});
      },
      [=](topic t, const done_event& e) {
        forward(self, t, std::vector<done_event>{e});
      },
      [=](flush_atom) -> caf::result<flush_atom> {
        // Every listener acknowledges in its own order; answer after all.
        std::vector<caf::actor> all;
        for (auto& list : self->state.subs)
          for (auto& [id, l] : list)
            all.push_back(l);
        auto rp = self->make_response_promise<flush_atom>();
        if (all.empty()) {
          rp.deliver(flush_atom::value);
          return rp;
        }
        auto left = std::make_shared<std::size_t>(all.size());
        for (auto& l : all) {
          self->request(l, caf::infinite, flush_atom::value)
              .then(
                  [=](flush_atom) mutable {
                    if (--*left == 0)
                      rp.deliver(flush_atom::value);
                  },
                  [=](caf::error&) mutable {
                    // The listener ended (once): nothing left to wait for.
                    if (--*left == 0)
                      rp.deliver(flush_atom::value);
                  });
        }
        return rp;
      },
  };
}

template <class E>
caf::behavior listener(caf::event_based_actor* self,
                       std::function<bool(const E&)> filter,
                       std::function<void(const E&)> fn, bool once,
                       caf::actor bus, std::uint64_t id) {
  return {
      [=](const std::vector<E>& batch) {
        for (const auto& e : batch) {
          if (filter && !filter(e))
            continue;
          try {
            fn(e);
          } catch (...) {
            // A throwing listener must not take the bus down; the event
            // counts as delivered.
          }
          if (once) {
            self->send(bus, unsub_atom::value, id);
            self->quit();
            return;
          }
        }
      },
      [=](flush_atom) { return flush_atom::value; },
  };
}

} // namespace

caf::actor spawn_event_bus(caf::actor_system& sys) {
  return sys.spawn(event_bus, subscriptions{});
}

template <class E>
caf::actor spawn_listener(caf::actor_system& sys,
                          std::function<bool(const E&)> filter,
                          std::function<void(const E&)> fn, bool once,
                          caf::actor bus, std::uint64_t id) {
  return sys.spawn<caf::detached>(listener<E>, std::move(filter), std::move(fn),
                                  once, std::move(bus), id);
}

#define BTK_LISTENER(E)                                                        \
  template caf::actor spawn_listener<E>(                                       \
      caf::actor_system&, std::function<bool(const E&)>,                       \
      std::function<void(const E&)>, bool, caf::actor, std::uint64_t);
BTK_LISTENER(signal_event)
BTK_LISTENER(progress_event)
BTK_LISTENER(done_event)
BTK_LISTENER(risk_event)
BTK_LISTENER(partial_event)
BTK_LISTENER(performance_event)
BTK_LISTENER(error_event)
BTK_LISTENER(walker_event)
BTK_LISTENER(walker_complete_event)
#undef BTK_LISTENER

} // namespace btk
