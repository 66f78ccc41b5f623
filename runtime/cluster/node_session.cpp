// A coordinator's session on a node, and the node's workers.

#include <chrono>
#include <deque>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/sweep_worker.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/node_impl.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

namespace {

using idle_atom = caf::atom_constant<caf::atom("idle")>;

// `index` only names the worker: CAF 0.17 spawning a function with no
// argument but `self` dereferences a null pointer (UBSan reports it).
caf::behavior node_worker(caf::event_based_actor* self, std::size_t index) {
  (void)index;
  return {
      [self](const node_lease& lease) {
        std::vector<std::string> out;
        out.reserve(lease.jobs.size());
        for (const auto& j : lease.jobs)
          out.push_back(encode_sweep_result(
              run_sweep_job(j, lease.sweep->data, lease.sweep->cfg)));
        self->send(lease.reply_to, result_atom::value, lease.id, std::move(out),
                   std::string{});
        self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                   idle_atom::value, caf::actor{self});
      },
  };
}

struct dispatcher_state {
  std::deque<node_lease> queue;
  std::vector<caf::actor> idle;
};

caf::behavior node_dispatcher(caf::stateful_actor<dispatcher_state>* self,
                              std::vector<caf::actor> workers) {
  self->state.idle = std::move(workers);
  return {
      [self](node_lease& lease) {
        auto& st = self->state;
        if (st.idle.empty()) {
          st.queue.push_back(std::move(lease));
          return;
        }
        auto w = std::move(st.idle.back());
        st.idle.pop_back();
        self->send(w, std::move(lease));
      },
      [self](idle_atom, caf::actor& w) {
        auto& st = self->state;
        if (st.queue.empty()) {
          st.idle.push_back(std::move(w));
          return;
        }
        self->send(w, std::move(st.queue.front()));
        st.queue.pop_front();
      },
  };
}

struct session_state {
  std::shared_ptr<node_context> ctx;
  caf::actor peer;
  caf::node_id peer_node;
  std::string who;
  /// Sweeps set up, by the key the coordinator gave.
  std::map<std::uint64_t, std::shared_ptr<node_sweep>> sweeps;
  /// What each sweep still waits for: hash -> symbol.
  std::map<std::uint64_t, std::map<std::string, series_manifest>> waiting;
  /// Series arriving, by hash.
  std::map<std::string, std::unique_ptr<series_assembly>> arriving;
  /// Leases and jobs taken, for the closing log line.
  std::uint64_t leases = 0;
  std::uint64_t jobs = 0;
};

using session_actor = caf::stateful_actor<session_state>;

// True when the current message comes from the authenticated peer's node;
// anything else is logged and dropped.
bool from_peer(session_actor* self) {
  const auto& s = self->current_sender();
  if (s && s->node() == self->state.peer_node)
    return true;
  self->state.ctx->log("session of " + self->state.who +
                       ": dropped a message from " +
                       (s ? "node " + caf::to_string(s->node())
                          : std::string{"an anonymous sender"}) +
                       ", which did not authenticate it");
  return false;
}

// Sets the series `hash` into every sweep that waits for it.
void deliver(session_actor* self, const std::string& hash,
             const std::shared_ptr<const series>& s) {
  for (auto& [key, refs] : self->state.waiting) {
    auto i = refs.find(hash);
    if (i == refs.end())
      continue;
    self->state.sweeps[key]->data[i->second.symbol] = s;
    refs.erase(i);
  }
}

caf::message on_setup(session_actor* self, std::uint64_t key,
                      const std::string& bytes) {
  auto& st = self->state;
  auto setup = decode_sweep_setup(bytes);
  auto fail = [&](const std::string& why) {
    st.ctx->log("session of " + st.who + ": refused a sweep setup: " + why);
    return caf::make_message(setup_atom::value, key, std::vector<std::string>{},
                             why);
  };
  if (!setup)
    return fail(setup.err().message);
  if (st.sweeps.size() >= 64)
    st.sweeps.erase(st.sweeps.begin()), st.waiting.erase(st.waiting.begin());
  auto sweep = std::make_shared<node_sweep>();
  sweep->cfg = setup->cfg;
  std::map<std::string, series_manifest> refs;
  std::vector<std::string> missing;
  for (const auto& r : setup->series) {
    if (r.candles > wire_limits::max_series_candles)
      return fail(r.symbol + ": " + std::to_string(r.candles) +
                  " candles, more than " +
                  std::to_string(wire_limits::max_series_candles));
    if (auto s = st.ctx->cache.find(r.hash)) {
      sweep->data[r.symbol] = s;
      continue;
    }
    refs[r.hash] = r;
    missing.push_back(r.hash);
    if (st.arriving.count(r.hash) == 0)
      st.arriving[r.hash] = std::make_unique<series_assembly>(r);
  }
  st.sweeps[key] = sweep;
  st.waiting[key] = std::move(refs);
  return caf::make_message(setup_atom::value, key, std::move(missing),
                           std::string{});
}

void on_candles(session_actor* self, const std::string& hash,
                std::uint32_t index, const std::string& bytes) {
  auto& st = self->state;
  auto i = st.arriving.find(hash);
  auto reply = [&](const std::string& err) {
    if (!err.empty())
      st.ctx->log("session of " + st.who + ": refused candles: " + err);
    self->send(st.peer, candles_atom::value, hash, err);
  };
  if (i == st.arriving.end())
    return reply("candles " + short_hex(hash) + " were not announced");
  auto added = i->second->add(index, bytes);
  if (!added) {
    st.arriving.erase(i);
    return reply(added.err().message);
  }
  if (!i->second->complete())
    return;
  auto s = i->second->finish();
  st.arriving.erase(i);
  if (!s)
    return reply(s.err().message);
  st.ctx->cache.put(hash, *s);
  deliver(self, hash, *s);
  reply({});
}

void on_lease(session_actor* self, std::uint64_t id, std::uint64_t key,
              const std::vector<std::string>& jobs) {
  auto& st = self->state;
  auto fail = [&](const std::string& why) {
    st.ctx->log("session of " + st.who + ": refused lease " +
                std::to_string(id) + ": " + why);
    self->send(st.peer, result_atom::value, id, std::vector<std::string>{},
               why);
  };
  auto s = st.sweeps.find(key);
  if (s == st.sweeps.end())
    return fail("its sweep was not set up");
  if (!st.waiting[key].empty())
    return fail("its sweep still waits for candles");
  if (jobs.empty() || jobs.size() > wire_limits::max_jobs_per_lease)
    return fail(std::to_string(jobs.size()) + " jobs (1 .. " +
                std::to_string(wire_limits::max_jobs_per_lease) + " allowed)");
  node_lease lease;
  lease.sweep = s->second;
  lease.id = id;
  // The worker answers here, and the session passes it on: a worker that
  // sent to a remote actor would be held in CAF's registry as that
  // message's sender, and its thread would keep the node from shutting down.
  lease.reply_to = caf::actor{self};
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    if (jobs[k].size() > wire_limits::max_record_bytes)
      return fail("job " + std::to_string(k) + " has " +
                  std::to_string(jobs[k].size()) + " bytes");
    auto j = decode_sweep_job(jobs[k]);
    if (!j)
      return fail("job " + std::to_string(k) + ": " + j.err().message);
    lease.jobs.push_back(std::move(*j));
  }
  ++st.leases;
  st.jobs += lease.jobs.size();
  self->send(st.ctx->dispatcher, std::move(lease));
}

caf::behavior node_session(session_actor* self,
                           std::shared_ptr<node_context> ctx, caf::actor peer,
                           std::string who) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.peer = peer;
  st.peer_node = peer.node();
  st.who = std::move(who);
  self->monitor(peer);
  self->set_down_handler([self](caf::down_msg&) {
    const auto& st = self->state;
    st.ctx->log("session of " + st.who + " ended: the coordinator is gone (" +
                std::to_string(st.jobs) + " jobs in " +
                std::to_string(st.leases) + " leases)");
    self->quit();
  });
  self->set_default_handler(
      [self](caf::scheduled_actor*,
             caf::message_view&) -> caf::result<caf::message> {
        if (from_peer(self))
          self->state.ctx->log("session of " + self->state.who +
                               ": dropped a message it does not know");
        return caf::sec::unexpected_message;
      });
  return {
      [self](setup_atom, std::uint64_t key,
             const std::string& bytes) -> caf::message {
        if (!from_peer(self))
          return {};
        return on_setup(self, key, bytes);
      },
      [self](candles_atom, const std::string& hash, std::uint32_t index,
             const std::string& bytes) {
        if (from_peer(self))
          on_candles(self, hash, index, bytes);
      },
      [self](lease_atom, std::uint64_t id, std::uint64_t key,
             const std::vector<std::string>& jobs) {
        if (from_peer(self))
          on_lease(self, id, key, jobs);
      },
      [self](fleet_atom, std::uint64_t key, std::uint64_t epoch,
             const std::vector<std::string>& text,
             const std::vector<std::int64_t>& nums,
             caf::actor& coordinator) -> std::string {
        if (!from_peer(self))
          return "not authenticated";
        auto& st = self->state;
        auto s = st.sweeps.find(key);
        if (s == st.sweeps.end() || !st.waiting[key].empty())
          return "its candles and settings were not set up";
        auto err = fleet_start(st.ctx, s->second, epoch, text, nums,
                               std::move(coordinator));
        if (!err.empty())
          st.ctx->log("session of " + st.who +
                      ": refused a live instance: " + err);
        return err;
      },
      [self](replica_atom, const std::string& fleet,
             const std::string& instance, std::uint64_t epoch, bool fresh,
             const std::string& batch) -> std::string {
        if (!from_peer(self))
          return "not authenticated";
        return fleet_replica(self->state.ctx, fleet, instance, epoch, fresh,
                             batch);
      },
      [self](result_atom, std::uint64_t id, std::vector<std::string>& results,
             std::string& err) {
        // From this node's own workers only.
        const auto& from = self->current_sender();
        if (from && from->node() == self->node())
          self->send(self->state.peer, result_atom::value, id,
                     std::move(results), std::move(err));
      },
      [self](ping_atom, std::uint64_t n) {
        if (from_peer(self))
          self->send(self->state.peer, pong_atom::value, n);
      },
  };
}

} // namespace

caf::actor spawn_node_worker(caf::actor_system& sys, std::size_t index) {
  return sys.spawn<caf::detached>(node_worker, index);
}

caf::actor spawn_node_dispatcher(caf::actor_system& sys,
                                 std::vector<caf::actor> workers) {
  return sys.spawn(node_dispatcher, std::move(workers));
}

caf::actor spawn_node_session(caf::actor_system& sys,
                              std::shared_ptr<node_context> ctx,
                              caf::actor peer, std::string who) {
  auto* c = ctx.get();
  auto s =
      sys.spawn(node_session, std::move(ctx), std::move(peer), std::move(who));
  std::lock_guard<std::mutex> lock{c->sessions_mtx};
  c->sessions.push_back(s.address());
  return s;
}

} // namespace btk
