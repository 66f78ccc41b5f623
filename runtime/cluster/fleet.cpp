#include "runtime/cluster/fleet.hpp"

#include <chrono>
#include <cstdio>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/scheduler.hpp"
#include "messages/actor_messages.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/fleet_state.hpp"
#include "runtime/cluster/node_link.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

namespace {

using clock_type = std::chrono::steady_clock;

struct instance_state {
  fleet_instance def;
  std::string key; // symbol/name
  std::optional<std::size_t> owner;
  std::optional<std::size_t> standby;
  std::uint64_t epoch = 0;
  bool done = false;
  /// The last event number published (events are numbered 1, 2, ...).
  std::uint64_t last_number = 0;
  /// A failed run waits until this time before it is started again.
  std::optional<clock_type::time_point> restart_at;
  /// Since when its owner and standby have both been down.
  std::optional<clock_type::time_point> stranded_since;
  /// When its owner was declared down (for the failover time).
  std::optional<clock_type::time_point> lost_at;
  /// Restored from the coordinator's state: its next events may have been
  /// published before the restart.
  bool again = false;
};

// The fleet's id on the nodes: what it runs, hashed.
std::string fleet_id(const fleet_options& o) {
  std::string text = o.clock + "|" + std::to_string(o.from);
  for (const auto& i : o.instances)
    text += "|" + i.symbol + "/" + i.name + "=" + i.spec;
  const auto h = sha256(text);
  std::string out;
  char buf[3];
  for (int k = 0; k < 8; ++k) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(h[k]));
    out += buf;
  }
  return out;
}

// Puts batches on standbys for the coordinator, which delegates each
// owner's request here and goes on at once: a standby that is slow or gone
// never holds up the coordinator (its down is noticed meanwhile). The
// relay lives in the coordinator's process, so standbys take its requests
// as their authenticated peer's.
caf::behavior relay(caf::event_based_actor* self,
                    std::chrono::milliseconds timeout) {
  return {
      [=](replica_atom, const caf::actor& standby, const std::string& name,
          const std::string& fleet, const std::string& key, std::uint64_t epoch,
          bool fresh, const std::string& batch) -> caf::result<std::string> {
        auto rp = self->make_response_promise<std::string>();
        self->request(standby, timeout, replica_atom::value, fleet, key, epoch,
                      fresh, batch)
            .then(
                [=](const std::string& e) mutable {
                  rp.deliver(
                      e.empty() ? e : "the standby " + name + " refused: " + e);
                },
                [=](caf::error& e) mutable {
                  rp.deliver("the standby " + name +
                             " did not answer: " + self->system().render(e));
                });
        return rp;
      },
  };
}

class fleet_coordinator {
public:
  fleet_coordinator(caf::actor_system& sys, const fleet_options& o,
                    fleet_state* state)
      : self_(sys)
      , o_(o)
      , id_(fleet_id(o))
      , relay_(sys.spawn(relay, o.cluster.timeout))
      , state_(state) {
    for (const auto& n : o.nodes)
      names_.push_back(n.text());
    up_.assign(names_.size(), false);
    sessions_.resize(names_.size());
    for (const auto& d : o.instances) {
      instance_state i;
      i.def = d;
      i.key = d.symbol + "/" + d.name;
      inst_.push_back(std::move(i));
    }
    if (state_ != nullptr)
      restore();
  }

  caf::actor handle() { return caf::actor_cast<caf::actor>(self_); }

  ~fleet_coordinator() {
    caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
  }

  expected<fleet_report> run(std::uint64_t key) {
    key_ = key;
    const auto t0 = clock_type::now();
    auto last_up = t0;
    std::optional<clock_type::time_point> first_up;
    while (err_.empty() && !all_done()) {
      receive();
      const auto now = clock_type::now();
      bool any = false;
      std::size_t count = 0;
      for (const bool u : up_) {
        any = any || u;
        count += u ? 1 : 0;
      }
      if (any) {
        last_up = now;
        if (!first_up)
          first_up = now;
      } else if (now - last_up > o_.cluster.give_up)
        err_ = "no node has answered for " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                  o_.cluster.give_up)
                                  .count()) +
               " s";
      // Place once every node is up, or the timeout after the first came
      // up (not after the start: on nodes slow to answer, the first alone
      // would get every instance).
      if (!placed_ && any &&
          (count == up_.size() || now - *first_up > o_.cluster.timeout)) {
        placed_ = true;
        for (std::size_t i = 0; i < inst_.size(); ++i)
          start(i);
      }
      for (std::size_t i = 0; i < inst_.size(); ++i)
        if (inst_[i].restart_at && now >= *inst_[i].restart_at)
          start(i);
    }
    if (!err_.empty())
      return error{err_};
    return report_;
  }

private:
  // The placement, epochs and events of the coordinator that ran before.
  void restore() {
    auto stored = state_->load();
    if (!stored) {
      err_ = stored.err().message;
      return;
    }
    auto index = [&](const std::string& text) -> std::optional<std::size_t> {
      for (std::size_t k = 0; k < names_.size(); ++k)
        if (names_[k] == text)
          return k;
      return std::nullopt;
    };
    for (auto& i : inst_) {
      auto s = stored->find(i.key);
      if (s == stored->end())
        continue;
      const auto& p = s->second;
      i.owner = index(p.owner);
      i.standby = index(p.standby);
      if (!i.owner) {
        err_ = "the fleet state runs " + i.key + " on " + p.owner +
               ", which is not in --nodes";
        return;
      }
      i.epoch = p.epoch;
      i.done = p.done;
      i.last_number = p.last_number;
      i.again = true;
    }
  }

  // Records `i` in the coordinator's state (synced); false on error.
  bool record(const instance_state& i) {
    if (state_ == nullptr)
      return true;
    fleet_placement p;
    p.owner = i.owner ? names_[*i.owner] : std::string{};
    p.standby = i.standby ? names_[*i.standby] : std::string{};
    p.epoch = i.epoch;
    p.done = i.done;
    p.last_number = i.last_number;
    auto put = state_->put(i.key, p);
    if (!put && err_.empty())
      err_ = put.err().message;
    return static_cast<bool>(put);
  }

  bool all_done() const {
    for (const auto& i : inst_)
      if (!i.done)
        return false;
    return !inst_.empty();
  }

  void notice(const std::string& text) {
    if (o_.on_notice)
      o_.on_notice(text);
  }

  // The best node that is up for `i`, other than `not_this`.
  std::optional<std::size_t> best(const instance_state& i,
                                  std::optional<std::size_t> not_this) const {
    const auto ranked = rendezvous_rank(names_, i.key);
    if (!not_this) {
      // An owner: the first in the instance's own order that runs fewer
      // than its share (rendezvous order with bounded loads), so that four
      // instances never all land on one of three nodes by chance.
      std::size_t up = 0, active = 0;
      std::vector<std::size_t> owned(names_.size(), 0);
      for (std::size_t k = 0; k < up_.size(); ++k)
        up += up_[k] ? 1 : 0;
      for (const auto& j : inst_)
        if (!j.done) {
          ++active;
          if (j.owner && &j != &i)
            ++owned[*j.owner];
        }
      const std::size_t share = up == 0 ? 0 : (active + up - 1) / up;
      for (const auto k : ranked)
        if (up_[k] && owned[k] < share)
          return k;
    }
    for (const auto k : ranked)
      if (up_[k] && k != not_this)
        return k;
    return std::nullopt;
  }

  // Starts instance `i` under a new epoch: on its owner when that is up,
  // else on its standby (which holds its state), with a fresh standby.
  void start(std::size_t idx) {
    auto& i = inst_[idx];
    i.restart_at.reset();
    if (i.done)
      return; // ended (restored so from the coordinator's state)
    std::optional<std::size_t> owner;
    if (i.owner && up_[*i.owner])
      owner = i.owner;
    else if (i.owner && i.standby && up_[*i.standby])
      owner = i.standby;
    else if (i.owner) {
      // Its state is on those two nodes only: wait for either to answer
      // again (a node declared down under load often does), up to give_up.
      const auto now = clock_type::now();
      const std::string holders =
          "its owner " + names_[*i.owner] +
          (i.standby ? " and its standby " + names_[*i.standby]
                     : std::string{" (it had no standby)"});
      if (!i.stranded_since) {
        i.stranded_since = now;
        notice("live instance " + i.key + " lost " + holders +
               ", which hold its state; it waits for them");
      } else if (now - *i.stranded_since > o_.cluster.give_up) {
        err_ = "live instance " + i.key + " lost " + holders +
               ", which hold its state, and none came back within " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                  o_.cluster.give_up)
                                  .count()) +
               " s";
        return;
      }
      i.restart_at = now + o_.cluster.retry;
      return;
    } else
      owner = best(i, std::nullopt);
    if (!owner) {
      i.restart_at = clock_type::now() + o_.cluster.retry;
      return;
    }
    // The nodes holding its state, kept when the start fails.
    const auto held_by = i.owner;
    const auto copy_on = i.standby;
    // Epochs start from the wall clock in microseconds, so a coordinator
    // started again outranks every epoch of the one before.
    i.epoch = i.epoch == 0 ? first_epoch_ : i.epoch + 1;
    // The epoch is on disk before the node hears of it, so a restarted
    // coordinator starts above every epoch a node may run; the holders on
    // disk stay those with the state until the new owner has taken it.
    if (held_by && !record(i))
      return;
    i.owner = owner;
    i.standby = best(i, owner);
    if (!held_by && !record(i))
      return;
    const std::vector<std::string> text{id_, i.def.symbol, i.def.name,
                                        i.def.spec, o_.clock};
    const std::vector<std::int64_t> nums{o_.from, o_.until.value_or(0),
                                         o_.stop_at.value_or(0),
                                         o_.all_ticks ? 1 : 0};
    std::string err = "no answer";
    self_
        ->request(sessions_[*owner], o_.cluster.timeout, fleet_atom::value,
                  key_, i.epoch, text, nums, handle())
        .receive([&](std::string& e) { err = std::move(e); },
                 [&](caf::error& e) { err = self_->system().render(e); });
    if (!err.empty()) {
      notice("node " + names_[*owner] + " did not start live instance " +
             i.key + ": " + err);
      // Its state is still where it was (a new standby got none); the
      // raised epoch stays, fencing whatever the node does late.
      i.owner = held_by;
      i.standby = copy_on;
      if (held_by) // else the disk keeps the new owner: no state anywhere
        record(i);
      i.restart_at = clock_type::now() + o_.cluster.retry;
      return;
    }
    i.stranded_since.reset();
    if (held_by && (*owner != *held_by || i.standby != copy_on) && !record(i))
      return;
    if (held_by && *owner != *held_by)
      ++report_.failovers;
    if (i.lost_at) {
      const double ms = std::chrono::duration<double, std::milli>(
                            clock_type::now() - *i.lost_at)
                            .count();
      report_.failover_ms = std::max(report_.failover_ms, ms);
      notice("live instance " + i.key + " resumed on " + names_[*owner] +
             " (epoch " + std::to_string(i.epoch) + ") " +
             std::to_string(static_cast<long long>(ms)) +
             " ms after its node was lost");
      i.lost_at.reset();
    }
    if (!i.standby)
      notice("live instance " + i.key + " runs on " + names_[*owner] +
             " without a standby: no other node is up");
  }

  // The instance a node's message is about, when it comes from the owner
  // of its current epoch; otherwise the reason it is fenced.
  instance_state* current(const std::string& fleet, const std::string& key,
                          std::uint64_t epoch, std::string& why) {
    if (fleet != id_) {
      why = "not this fleet";
      return nullptr;
    }
    for (auto& i : inst_) {
      if (i.key != key)
        continue;
      const auto& from = self_->current_sender();
      if (epoch != i.epoch || !i.owner || !sessions_[*i.owner] || !from ||
          from->node() != sessions_[*i.owner].node()) {
        ++report_.fenced;
        why = "fenced: epoch " + std::to_string(epoch) + " of " + key +
              " is not the current one (" + std::to_string(i.epoch) + ")";
        return nullptr;
      }
      return &i;
    }
    why = "no live instance " + key.substr(0, 80) + " in this fleet";
    return nullptr;
  }

  void on_down(std::size_t k, const std::string& reason) {
    up_[k] = false;
    sessions_[k] = nullptr;
    (void)reason;
    if (!placed_)
      return;
    const auto now = clock_type::now();
    for (std::size_t idx = 0; idx < inst_.size(); ++idx) {
      auto& i = inst_[idx];
      if (i.done)
        continue;
      if (i.owner == k) {
        i.lost_at = now;
        start(idx);
      } else if (i.standby == k) {
        start(idx); // the owner goes on under a new epoch, a new standby
      }
    }
  }

  void on_up(std::size_t k) {
    up_[k] = true;
    if (!placed_)
      return;
    for (std::size_t idx = 0; idx < inst_.size(); ++idx) {
      auto& i = inst_[idx];
      if (!i.done && !i.standby && i.owner && *i.owner != k && !i.restart_at)
        start(idx); // it gets a standby again
    }
  }

  void receive() {
    self_->receive(
        [&](session_atom, std::uint32_t k, caf::actor& s) {
          if (k < sessions_.size())
            sessions_[k] = std::move(s);
        },
        [&](up_atom, std::uint32_t k, std::uint32_t, std::string&) {
          if (k < up_.size())
            on_up(k);
        },
        [&](down_atom, std::uint32_t k, std::string& reason) {
          if (k < up_.size())
            on_down(k, reason);
        },
        [&](refused_atom, std::uint32_t, std::string& why) { notice(why); },
        [&](notice_atom, std::string& text) { notice(text); },
        [&](replicate_atom, std::string& fleet, std::string& key,
            std::uint64_t epoch, bool fresh, std::string& batch) {
          std::string why;
          auto* i = current(fleet, key, epoch, why);
          if (i != nullptr && i->standby && sessions_[*i->standby]) {
            self_->delegate(relay_, replica_atom::value, sessions_[*i->standby],
                            names_[*i->standby], std::move(fleet),
                            std::move(key), epoch, fresh, std::move(batch));
            return;
          }
          auto rp = self_->make_response_promise();
          if (i != nullptr && i->standby)
            why = "its standby " + names_[*i->standby] + " is down";
          // No standby at all (one node up): one copy until there is.
          rp.deliver(why);
        },
        [&](events_atom, std::string& fleet, std::string& key,
            std::uint64_t epoch, std::vector<std::string>& bytes) {
          std::string why;
          auto* i = current(fleet, key, epoch, why);
          if (i != nullptr)
            why = publish(*i, bytes);
          self_->make_response_promise().deliver(why);
        },
        [&](current_atom, std::string& fleet, std::string& key,
            std::uint64_t epoch) {
          std::string why;
          current(fleet, key, epoch, why);
          self_->make_response_promise().deliver(why);
        },
        [&](ended_atom, std::string& fleet, std::string& key,
            std::uint64_t epoch, std::string& err) {
          std::string why;
          auto* i = current(fleet, key, epoch, why);
          if (i == nullptr)
            return; // an older epoch's run ending: expected after failover
          if (err.empty()) {
            i->done = true;
            record(*i);
            return;
          }
          notice("live instance " + key + " stopped on " + names_[*i->owner] +
                 ": " + err + "; it starts again");
          i->restart_at = clock_type::now() + o_.cluster.timeout;
        },
        caf::after(std::chrono::milliseconds(100)) >> [] {});
  }

  std::string publish(instance_state& i,
                      const std::vector<std::string>& bytes) {
    std::vector<live_event> events;
    for (const auto& b : bytes) {
      auto e = decode_live_event(b);
      if (!e)
        return "a malformed event: " + e.err().message;
      if (e->symbol != i.def.symbol || e->name != i.def.name)
        return "an event of " + e->symbol + "/" + e->name + " sent as " + i.key;
      events.push_back(std::move(*e));
    }
    const auto before = i.last_number;
    for (const auto& e : events) {
      if (e.number <= i.last_number) {
        ++report_.duplicates; // redelivered after a failover
        continue;
      }
      i.last_number = e.number;
      ++report_.events;
      if (o_.on_event)
        o_.on_event(e, i.again);
    }
    i.again = false;
    // Recorded before the node hears its events are taken.
    if (i.last_number != before && !record(i))
      return "the coordinator could not record the events";
    return {};
  }

  caf::scoped_actor self_;
  const fleet_options& o_;
  std::string id_;
  caf::actor relay_;
  fleet_state* state_;
  std::uint64_t first_epoch_ = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::uint64_t key_ = 0;
  std::vector<std::string> names_;
  std::vector<bool> up_;
  std::vector<caf::actor> sessions_;
  std::vector<instance_state> inst_;
  bool placed_ = false;
  std::string err_;
  fleet_report report_;
};

} // namespace

expected<fleet_report> run_fleet(const fleet_options& opts) {
  if (opts.nodes.empty())
    return error{"a fleet needs at least one node"};
  if (opts.instances.empty())
    return error{"a fleet needs at least one instance"};
  if (auto ok = check_cluster_options(opts.cluster); !ok)
    return ok.err();
  caf::actor_system_config cfg;
  add_message_types(cfg);
  configure_cluster(cfg, opts.cluster);
  configure_light_scheduler(cfg, 2);
  caf::actor_system sys{cfg};
  std::vector<caf::actor> links;
  expected<fleet_report> out = error{"not run"};
  std::optional<fleet_state> state;
  if (!opts.state_dir.empty()) {
    auto st = fleet_state::open(opts.state_dir, fleet_id(opts));
    if (!st)
      return st.err();
    state.emplace(std::move(*st));
  }
  {
    fleet_coordinator coord{sys, opts, state ? &*state : nullptr};
    auto shipment = make_sweep_shipment(opts.cfg, opts.data);
    for (std::uint32_t k = 0; k < opts.nodes.size(); ++k)
      links.push_back(spawn_node_link(sys, coord.handle(), k, opts.nodes[k],
                                      opts.cluster, shipment));
    out = coord.run(shipment->key);
  }
  for (auto& l : links)
    caf::anon_send_exit(l, caf::exit_reason::user_shutdown);
  return out;
}

} // namespace btk
