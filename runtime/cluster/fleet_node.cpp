// A node's part of a live fleet: the instances it owns (a live session each,
// on its own thread, every batch replicated through the coordinator to the
// standby before its events are published) and the replicas it keeps for
// instances other nodes own.

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/node_impl.hpp"
#include "runtime/cluster/wire.hpp"
#include "runtime/live/broker.hpp"
#include "runtime/live/clock.hpp"
#include "runtime/live/feed.hpp"
#include "runtime/live/live_store.hpp"
#include "runtime/live/session.hpp"
#include "runtime/live/sinks.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

// One instance this node owns: its session's thread.
struct owned {
  std::uint64_t epoch = 0;
  std::shared_ptr<std::atomic<bool>> hard_stop;
  std::thread thread;
};

// One instance this node stands by for.
struct replica {
  std::uint64_t epoch = 0;
  std::unique_ptr<live_store> store;
};

std::string hex(const std::string& bytes) {
  std::string out;
  char buf[3];
  for (const unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

} // namespace

struct fleet_host {
  std::mutex mtx;
  std::map<std::string, owned> owners;     // by fleet/instance
  std::map<std::string, replica> replicas; // by fleet/instance
  /// The highest epoch seen per fleet/instance: anything older is fenced.
  std::map<std::string, std::uint64_t> epochs;
};

namespace {

fleet_host& host(const std::shared_ptr<node_context>& ctx) {
  return *ctx->fleets;
}

// The state folder of an instance: the same name on its owner and its
// standby (hex, so no symbol or name can leave the folder).
std::string instance_dir(const node_context& ctx, const std::string& fleet,
                         const std::string& instance) {
  return ctx.state_dir + "/fleet-" + fleet + "/" + hex(instance);
}

// Asks the coordinator; "" or the error.
std::string ask(caf::actor_system& sys, const caf::actor& coordinator,
                std::chrono::milliseconds timeout, const caf::message& m) {
  caf::scoped_actor self{sys};
  std::string err = "no answer";
  self->request(coordinator, timeout, m)
      .receive([&](const std::string& e) { err = e; },
               [&](caf::error& e) { err = sys.render(e); });
  return err;
}

// One run of an owned instance as the coordinator knows it: every request
// names the fleet, the instance and the run's epoch.
struct owner_run {
  caf::actor_system* sys = nullptr;
  caf::actor coordinator;
  std::chrono::milliseconds timeout{};
  std::string fleet;
  std::string instance;
  std::uint64_t epoch = 0;

  // Asks `(atom, fleet, instance, epoch, xs...)`; "" or the error.
  template <class Atom, class... Ts>
  std::string ask(Atom atom, Ts&&... xs) const {
    return btk::ask(*sys, coordinator, timeout,
                    caf::make_message(atom, fleet, instance, epoch,
                                      std::forward<Ts>(xs)...));
  }
};

// Hands a minute's events to the coordinator; done only once it has them,
// so an acknowledged event is never lost with this node.
class fleet_sink final : public live_sink {
public:
  explicit fleet_sink(owner_run run)
      : run_(std::move(run)) {}
  std::string name() const override { return "fleet"; }
  expected<bool> deliver(const std::vector<live_event>& events) override {
    std::vector<std::string> bytes;
    bytes.reserve(events.size());
    for (const auto& e : events)
      bytes.push_back(encode_live_event(e));
    auto err = run_.ask(events_atom::value, std::move(bytes));
    if (!err.empty())
      return error{"the coordinator did not take the events: " + err};
    return true;
  }

private:
  owner_run run_;
};

// Sends an order only after the coordinator confirms this run still owns
// the instance: an owner fenced (or cut off) sends none. The order's client
// id is the same in every run, so the new owner sending it again is one
// order at the exchange.
class fenced_broker final : public broker {
public:
  explicit fenced_broker(owner_run run)
      : run_(std::move(run)) {}
  expected<broker_fill> submit(const broker_order& o) override {
    auto err = run_.ask(current_atom::value);
    if (!err.empty()) {
      // The minute must not be committed with this refusal in it: the
      // replicator fails it, and the run that owns the instance sends the
      // order.
      refused_ = true;
      return error{"not sent: this node may no longer own the instance (" +
                   err + ")"};
    }
    return inner_.submit(o);
  }
  std::optional<broker_fill> query(const std::string& client_id) override {
    return inner_.query(client_id);
  }
  /// An order of this run was refused.
  bool refused() const { return refused_; }

private:
  owner_run run_;
  paper_broker inner_;
  std::atomic<bool> refused_{false};
};

struct start_args {
  std::shared_ptr<node_context> ctx;
  std::shared_ptr<const node_sweep> sweep;
  std::uint64_t epoch = 0;
  std::string fleet, symbol, name, spec, clock, instance, dir;
  timestamp from = 0, until = 0, stop_at = 0;
  bool all_ticks = false;
  caf::actor coordinator;
};

// Runs an owned instance to its end (or until a newer epoch stops it), then
// tells the coordinator. `previous` is the thread of the epoch before on
// this node, stopped: it must let go of the state folder first.
void run_owned(start_args a, std::shared_ptr<std::atomic<bool>> hard_stop,
               std::thread previous) {
  if (previous.joinable())
    previous.join();
  auto& sys = *a.ctx->sys;
  const owner_run run{&sys,    a.coordinator, a.ctx->timeout,
                      a.fleet, a.instance,    a.epoch};
  auto replicate = [&](bool fresh, const std::string& batch) -> expected<bool> {
    auto err = run.ask(replicate_atom::value, fresh, batch);
    if (!err.empty())
      return error{err};
    return true;
  };
  auto body = [&]() -> std::string {
    // The standby's replica starts as a copy of the whole state.
    {
      auto store = live_store::open(a.dir);
      if (!store)
        return store.err().message;
      auto snap = store->snapshot();
      if (!snap)
        return snap.err().message;
      if (auto r = replicate(true, *snap); !r)
        return "the standby did not take the state: " + r.err().message;
    }
    live_session_options so;
    so.cfg = a.sweep->cfg;
    so.state_dir = a.dir;
    so.from = a.from;
    if (a.until != 0)
      so.until = a.until;
    if (a.stop_at != 0)
      so.stop_at = a.stop_at;
    so.all_ticks = a.all_ticks;
    auto orders = std::make_shared<fenced_broker>(run);
    so.replicator = [&, orders](const std::string& batch) -> expected<bool> {
      if (orders->refused())
        return error{"an order was refused: this run may no longer own the "
                     "instance"};
      return replicate(false, batch);
    };
    so.orders = orders;
    auto made = builtin_strategies().make(a.spec);
    if (!made)
      return made.err().message;
    live_instance_def def;
    def.symbol = a.symbol;
    def.name = a.name;
    def.spec = a.spec;
    def.strat = std::move(*made);
    so.instances.push_back(std::move(def));
    auto clock = make_clock(a.clock, a.from);
    if (!clock)
      return clock.err().message;
    auto session = live_session::open(
        std::move(so),
        std::make_unique<replay_feed>(
            std::map<std::string, std::shared_ptr<const series>>{
                {a.symbol, a.sweep->data.at(a.symbol)}}),
        std::move(*clock));
    if (!session)
      return session.err().message;
    (*session)->add_sink(std::make_unique<fleet_sink>(run));
    std::atomic<bool> graceful{false};
    auto ran = (*session)->run(graceful, *hard_stop);
    if (!ran)
      return ran.err().message;
    return {};
  };
  const auto err = body();
  if (!*hard_stop) {
    if (!err.empty())
      a.ctx->log("live instance " + a.instance + " (epoch " +
                 std::to_string(a.epoch) + ") stopped: " + err);
    caf::scoped_actor self{sys};
    self->send(a.coordinator, ended_atom::value, a.fleet, a.instance, a.epoch,
               err);
  }
}

// Stops the owned instance `key` (if any) and waits for its thread.
void stop_owned(fleet_host& h, std::unique_lock<std::mutex>& lock,
                const std::string& key) {
  auto i = h.owners.find(key);
  if (i == h.owners.end())
    return;
  *i->second.hard_stop = true;
  auto t = std::move(i->second.thread);
  h.owners.erase(i);
  lock.unlock();
  if (t.joinable())
    t.join();
  lock.lock();
}

bool safe_text(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max)
    return false;
  for (const unsigned char c : s)
    if (c < 32 || c == 127)
      return false;
  return true;
}

} // namespace

std::string fleet_start(const std::shared_ptr<node_context>& ctx,
                        const std::shared_ptr<const node_sweep>& sweep,
                        std::uint64_t epoch,
                        const std::vector<std::string>& text,
                        const std::vector<std::int64_t>& nums,
                        caf::actor coordinator) {
  if (ctx->state_dir.empty())
    return "this node keeps no live state: start it with --state DIR";
  if (text.size() != 5 || nums.size() != 4)
    return "a malformed fleet start";
  start_args a;
  a.ctx = ctx;
  a.sweep = sweep;
  a.epoch = epoch;
  a.fleet = text[0];
  a.symbol = text[1];
  a.name = text[2];
  a.spec = text[3];
  a.clock = text[4];
  a.from = nums[0];
  a.until = nums[1];
  a.stop_at = nums[2];
  a.all_ticks = nums[3] != 0;
  a.coordinator = std::move(coordinator);
  if (a.fleet.size() != 16 ||
      a.fleet.find_first_not_of("0123456789abcdef") != std::string::npos)
    return "a malformed fleet id";
  if (!safe_text(a.symbol, 64) || !safe_text(a.name, 256) ||
      !safe_text(a.spec, 4096) || !safe_text(a.clock, 32))
    return "a malformed instance (symbol, name, spec or clock)";
  if (sweep->data.count(a.symbol) == 0)
    return "no candles of " + a.symbol + " were sent";
  a.instance = a.symbol + "/" + a.name;
  a.dir = instance_dir(*ctx, a.fleet, a.instance);
  const std::string key = a.fleet + "/" + a.instance;
  auto& h = host(ctx);
  std::unique_lock<std::mutex> lock{h.mtx};
  auto& seen = h.epochs[key];
  if (epoch <= seen && h.owners.count(key) != 0)
    return "epoch " + std::to_string(epoch) + " is not newer than " +
           std::to_string(seen);
  seen = std::max(seen, epoch);
  // A newer epoch of an instance it runs (its standby changed): the new
  // run waits for the old one to let go of the state folder. One it stood
  // by for (its owner was lost): the replica is closed first.
  std::thread previous;
  if (auto i = h.owners.find(key); i != h.owners.end()) {
    *i->second.hard_stop = true;
    previous = std::move(i->second.thread);
    h.owners.erase(i);
  }
  h.replicas.erase(key);
  std::error_code ec;
  std::filesystem::create_directories(a.dir, ec);
  if (ec)
    return "cannot create " + a.dir + ": " + ec.message();
  auto stop = std::make_shared<std::atomic<bool>>(false);
  owned o;
  o.epoch = epoch;
  o.hard_stop = stop;
  ctx->log("runs live instance " + a.instance + " (epoch " +
           std::to_string(epoch) + ")");
  o.thread = std::thread(run_owned, std::move(a), stop, std::move(previous));
  h.owners[key] = std::move(o);
  return {};
}

std::string fleet_replica(const std::shared_ptr<node_context>& ctx,
                          const std::string& fleet, const std::string& instance,
                          std::uint64_t epoch, bool fresh,
                          const std::string& batch) {
  if (ctx->state_dir.empty())
    return "this node keeps no live state: start it with --state DIR";
  if (fleet.size() != 16 ||
      fleet.find_first_not_of("0123456789abcdef") != std::string::npos ||
      !safe_text(instance, 330))
    return "a malformed replica";
  const std::string key = fleet + "/" + instance;
  auto& h = host(ctx);
  std::unique_lock<std::mutex> lock{h.mtx};
  auto& seen = h.epochs[key];
  if (epoch < seen)
    return "fenced: epoch " + std::to_string(epoch) + " is older than " +
           std::to_string(seen);
  if (h.owners.count(key) != 0) {
    if (epoch == seen)
      return "this node owns the instance";
    // A newer owner elsewhere: this node's run is over.
    stop_owned(h, lock, key);
  }
  seen = epoch;
  auto& r = h.replicas[key];
  const auto dir = instance_dir(*ctx, fleet, instance);
  if (fresh || !r.store || r.epoch != epoch) {
    if (!fresh)
      return "no replica of epoch " + std::to_string(epoch) +
             " to add to (a fresh copy comes first)";
    r.store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    auto st = live_store::open(dir);
    if (!st) {
      h.replicas.erase(key);
      return st.err().message;
    }
    r.store = std::make_unique<live_store>(std::move(*st));
    r.epoch = epoch;
  }
  auto applied = r.store->apply_replicated(batch);
  if (!applied) {
    ctx->log("refused a replica batch of " + instance + ": " +
             applied.err().message);
    return applied.err().message;
  }
  return {};
}

std::shared_ptr<fleet_host> make_fleet_host() {
  return std::make_shared<fleet_host>();
}

void fleet_stop_all(const std::shared_ptr<node_context>& ctx) {
  if (!ctx->fleets)
    return;
  auto& h = *ctx->fleets;
  std::unique_lock<std::mutex> lock{h.mtx};
  while (!h.owners.empty())
    stop_owned(h, lock, h.owners.begin()->first);
  h.replicas.clear();
}

} // namespace btk
