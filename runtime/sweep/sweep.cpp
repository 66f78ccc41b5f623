#include "runtime/sweep/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/scheduler.hpp"
#include "actors/sweep_worker.hpp"
#include "core/stats/statistics.hpp"
#include "messages/actor_messages.hpp"
#include "messages/sweep_messages.hpp"
#include "runtime/cluster/node_link.hpp"
#include "runtime/cluster/wire.hpp"
#include "runtime/results/json.hpp"
#include "runtime/sweep/results_writer.hpp"
#include "runtime/sweep/sweep_state.hpp"
#include "strategies/grid.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

// One grid of the sweep, with its cursor over the points to run. The grid
// lives on the heap: the cursor points at it, and the vector of runs moves
// its elements when it grows.
struct grid_run {
  std::unique_ptr<parameter_grid> grid;
  std::unique_ptr<grid_cursor> cursor;
};

// Builds the grids and their cursors (fresh cursors for every pass).
expected<std::vector<grid_run>> make_grids(const sweep_plan& opts) {
  std::vector<grid_run> out;
  for (const auto& text : opts.spec.grids) {
    auto g = parse_grid(text, builtin_strategies());
    if (!g)
      return g.err();
    grid_filter filter;
    if (!opts.spec.where.empty()) {
      auto f = parse_where(opts.spec.where, *g);
      if (!f)
        return f.err();
      filter = std::move(*f);
    }
    grid_run r{std::make_unique<parameter_grid>(std::move(*g)), nullptr};
    r.cursor = opts.spec.sample > 0
                   ? std::make_unique<grid_cursor>(
                         *r.grid, filter, opts.spec.sample, opts.spec.seed)
                   : std::make_unique<grid_cursor>(*r.grid, filter);
    out.push_back(std::move(r));
  }
  return out;
}

// The jobs of one pass, generated lazily in id order: every point of every
// grid, on every symbol.
class job_source {
public:
  job_source(std::vector<grid_run> grids, std::vector<std::string> symbols,
             backtest_frame frame, std::uint32_t window, std::uint64_t base)
      : grids_(std::move(grids))
      , symbols_(std::move(symbols))
      , frame_(frame)
      , window_(window)
      , next_id_(base) {}

  std::optional<sweep_job> next() {
    while (g_ < grids_.size()) {
      if (s_ == 0) {
        point_ = grids_[g_].cursor->next();
        if (!point_) {
          ++g_;
          continue;
        }
        spec_ = grids_[g_].grid->spec_at(*point_);
      }
      sweep_job j;
      j.id = next_id_++;
      j.spec = spec_;
      j.symbol = symbols_[s_];
      j.window = window_;
      j.frame = frame_;
      s_ = (s_ + 1) % symbols_.size();
      return j;
    }
    return std::nullopt;
  }

private:
  std::vector<grid_run> grids_;
  std::vector<std::string> symbols_;
  backtest_frame frame_;
  std::uint32_t window_;
  std::uint64_t next_id_;
  std::size_t g_ = 0;
  std::size_t s_ = 0;
  std::optional<std::uint64_t> point_;
  std::string spec_;
};

// A place leases go: a local worker (always up) or a node link (up once
// the node answers, with two leases per worker it has).
struct slot {
  caf::actor actor;
  std::size_t capacity = 0; // leases at once; 0 while down
  std::size_t in_flight = 0;
  /// Why the node refused the shared secret (empty: it did not).
  std::string refused;
};

// Runs one pass of jobs on the slots and hands every result to `emit` in
// job-id order (results arriving early wait in a buffer no larger than the
// jobs in flight). A lease lost with its node is re-queued; an answer to a
// lease that is no longer held (re-queued since) is ignored, so no job is
// counted twice.
class coordinator {
public:
  coordinator(caf::actor_system& sys, sweep_state* state, std::size_t batch,
              const sweep_plan& plan)
      : self_(sys)
      , state_(state)
      , batch_(std::max<std::size_t>(1, batch))
      , plan_(plan) {}

  caf::actor handle() { return caf::actor_cast<caf::actor>(self_); }
  void add_slot(caf::actor a, std::size_t capacity) {
    slots_.push_back({std::move(a), capacity, 0, {}});
  }
  std::vector<caf::actor> actors() const {
    std::vector<caf::actor> out;
    for (const auto& s : slots_)
      out.push_back(s.actor);
    return out;
  }

  expected<bool> run(job_source& jobs,
                     const std::function<void(sweep_result&&, bool)>& emit) {
    pass p{jobs, emit, {}, {}, false, {}};
    for (;;) {
      for (std::size_t k = 0; k < slots_.size(); ++k)
        while (p.err.empty() && slots_[k].in_flight < slots_[k].capacity &&
               feed(p, k))
          flush(p);
      flush(p);
      if (leases_.empty() &&
          (!p.err.empty() || (p.exhausted && requeued_.empty())))
        break;
      receive(p);
    }
    flush(p);
    if (!p.err.empty())
      return error{p.err};
    return true;
  }

private:
  struct lease {
    std::size_t slot = 0;
    std::vector<sweep_job> jobs;
  };
  struct pass {
    job_source& jobs;
    const std::function<void(sweep_result&&, bool)>& emit;
    std::map<std::uint64_t, std::pair<sweep_result, bool>> ready;
    std::optional<std::uint64_t> next_emit;
    bool exhausted = false;
    std::string err;
  };

  void flush(pass& p) {
    while (p.next_emit) {
      auto i = p.ready.find(*p.next_emit);
      if (i == p.ready.end())
        break;
      p.emit(std::move(i->second.first), i->second.second);
      p.ready.erase(i);
      ++*p.next_emit;
    }
  }

  // The next job to run: a re-queued one first, else the next of the pass
  // (jobs the state holds go straight to the reorder buffer).
  std::optional<sweep_job> pull(pass& p) {
    if (!requeued_.empty()) {
      auto j = std::move(requeued_.begin()->second);
      requeued_.erase(requeued_.begin());
      return j;
    }
    // Resumed results wait for the jobs in flight before them; stop
    // pulling while too many wait, so memory stays flat.
    while (!p.exhausted && p.err.empty() && p.ready.size() < 4096) {
      auto j = p.jobs.next();
      if (!j) {
        p.exhausted = true;
        break;
      }
      if (!p.next_emit)
        p.next_emit = j->id;
      if (state_ != nullptr) {
        auto found = state_->find(j->id);
        if (!found) {
          p.err = found.err().message;
          break;
        }
        if (*found) {
          p.ready.emplace(j->id, std::make_pair(std::move(**found), true));
          continue;
        }
      }
      return j;
    }
    return std::nullopt;
  }

  // Sends slot `k` a lease of up to `batch_` jobs; false when none is left.
  bool feed(pass& p, std::size_t k) {
    lease l{k, {}};
    while (l.jobs.size() < batch_) {
      auto j = pull(p);
      if (!j)
        break;
      l.jobs.push_back(std::move(*j));
    }
    if (l.jobs.empty())
      return false;
    const auto id = next_lease_++;
    ++slots_[k].in_flight;
    self_->send(slots_[k].actor, id, l.jobs);
    leases_.emplace(id, std::move(l));
    return true;
  }

  void notice(const std::string& text) {
    if (plan_.on_notice)
      plan_.on_notice(text);
  }

  void receive(pass& p) {
    bool up = false;
    for (const auto& s : slots_)
      up = up || s.capacity > 0;
    const auto now = std::chrono::steady_clock::now();
    if (up)
      last_up_ = now;
    else if (now - last_up_ > plan_.cluster.give_up && p.err.empty()) {
      p.err = "no node has answered for " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                 plan_.cluster.give_up)
                                 .count()) +
              " s; the sweep gave up" +
              (state_ != nullptr ? " (its state keeps the finished jobs)" : "");
      for (auto& [id, l] : leases_)
        slots_[l.slot].in_flight = 0;
      leases_.clear();
      return;
    }
    self_->receive(
        [&](std::uint64_t id, std::vector<sweep_result>& results) {
          auto i = leases_.find(id);
          if (i == leases_.end())
            return; // re-queued since: its jobs run (or ran) elsewhere
          --slots_[i->second.slot].in_flight;
          leases_.erase(i);
          if (state_ != nullptr) {
            auto put = state_->put(results);
            if (!put && p.err.empty())
              p.err = put.err().message;
          }
          for (auto& r : results) {
            const auto rid = r.id;
            p.ready.emplace(rid, std::make_pair(std::move(r), false));
          }
          flush(p);
        },
        [&](up_atom, std::uint32_t k, std::uint32_t workers, std::string&) {
          if (k < slots_.size()) {
            slots_[k].capacity = 2 * std::size_t{workers};
            slots_[k].refused.clear();
          }
        },
        [&](refused_atom, std::uint32_t k, std::string& why) {
          if (k >= slots_.size())
            return;
          slots_[k].refused = std::move(why);
          // A wrong secret does not mend itself: with every node refusing
          // and none up, stop and say why.
          std::string all;
          for (const auto& s : slots_) {
            if (s.capacity > 0 || s.refused.empty())
              return;
            all += (all.empty() ? "" : "; ") + s.refused;
          }
          if (p.err.empty())
            p.err = all;
        },
        [&](down_atom, std::uint32_t k, std::string&) {
          if (k >= slots_.size())
            return;
          slots_[k].capacity = 0;
          slots_[k].in_flight = 0;
          for (auto i = leases_.begin(); i != leases_.end();) {
            if (i->second.slot != k) {
              ++i;
              continue;
            }
            for (auto& j : i->second.jobs)
              requeued_.emplace(j.id, std::move(j));
            i = leases_.erase(i);
          }
        },
        [&](notice_atom, std::string& text) { notice(text); },
        [&](session_atom, std::uint32_t, caf::actor&) {}, // a fleet's
        caf::after(std::chrono::milliseconds(200)) >> [] {});
  }

  caf::scoped_actor self_;
  std::vector<slot> slots_;
  sweep_state* state_;
  std::size_t batch_;
  const sweep_plan& plan_;
  std::uint64_t next_lease_ = 1;
  std::map<std::uint64_t, lease> leases_;
  std::map<std::uint64_t, sweep_job> requeued_;
  std::chrono::steady_clock::time_point last_up_ =
      std::chrono::steady_clock::now();
};

// A fingerprint of a series' candles: their range, count and a 64-bit mix
// of every value's bits, so a state is never resumed over other candles.
nlohmann::ordered_json fingerprint(const series& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto& m = s.minutes();
  for (const auto* column : {&m.open, &m.high, &m.low, &m.close, &m.volume})
    for (const double v : *column) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      h = (h ^ bits) * 0x100000001b3ull;
      h ^= h >> 29;
    }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return {{"first", s.first()},
          {"last", s.last()},
          {"candles", s.size()},
          {"hash", hex}};
}

// The sweep's identity in its state: what it runs and on which candles.
std::string describe_sweep(
    const sweep_plan& o,
    const std::map<std::string, std::shared_ptr<const series>>& data) {
  const auto& sp = o.spec;
  nlohmann::ordered_json j;
  j["grids"] = sp.grids;
  j["where"] = sp.where;
  j["sample"] = sp.sample;
  j["seed"] = sp.seed;
  j["symbols"] = sp.symbols;
  j["frame"] = {sp.frame.start, sp.frame.end,
                std::string{to_string(sp.frame.iv)}};
  j["metric"] = sp.metric;
  if (sp.walk_forward)
    j["walkForward"] = {sp.walk_forward->train, sp.walk_forward->test,
                        sp.walk_forward->step};
  j["config"] = config_json(sp.cfg);
  nlohmann::ordered_json candles = nlohmann::ordered_json::object();
  for (const auto& symbol : sp.symbols)
    candles[symbol] = fingerprint(*data.at(symbol));
  j["data"] = candles;
  return j.dump();
}

// Keeps the best `k` results by metric (ties: lower id first).
class top_table {
public:
  explicit top_table(std::size_t k)
      : k_(k) {}
  void offer(const sweep_result& r, std::optional<double> m) {
    if (!m || k_ == 0)
      return;
    auto better = [](const ranked_result& a, const ranked_result& b) {
      return *a.metric > *b.metric ||
             (*a.metric == *b.metric && a.result.id < b.result.id);
    };
    ranked_result x{r, m};
    if (rows_.size() == k_ && !better(x, rows_.back()))
      return;
    rows_.insert(std::upper_bound(rows_.begin(), rows_.end(), x, better),
                 std::move(x));
    if (rows_.size() > k_)
      rows_.pop_back();
  }
  std::vector<ranked_result> rows() && { return std::move(rows_); }

private:
  std::size_t k_;
  std::vector<ranked_result> rows_;
};

std::uint64_t frame_candles(const backtest_frame& f) {
  return static_cast<std::uint64_t>((f.end - f.start) / minute_ms + 1);
}

} // namespace

expected<sweep_report> run_sweep_plan(
    const sweep_plan& opts,
    const std::map<std::string, std::shared_ptr<const series>>& data) {
  const auto t0 = std::chrono::steady_clock::now();
  if (opts.spec.grids.empty())
    return error{"give at least one --grid (or --strategy)"};
  if (opts.spec.symbols.empty())
    return error{"give at least one symbol"};
  for (const auto& s : opts.spec.symbols)
    if (data.count(s) == 0)
      return error{"no candles loaded for " + s};
  // Validate the grids (and count the jobs) before anything runs.
  auto probe = make_grids(opts);
  if (!probe)
    return probe.err();
  std::uint64_t points = 0;
  for (auto& g : *probe)
    while (g.cursor->next())
      ++points;
  // Windows: the whole frame, or the walk-forward train/test spans.
  struct window {
    backtest_frame train;
    backtest_frame test;
  };
  std::vector<window> windows;
  if (opts.spec.walk_forward) {
    const auto& w = *opts.spec.walk_forward;
    for (timestamp start = opts.spec.frame.start;; start += w.step) {
      const timestamp train_end = start + w.train - minute_ms;
      const timestamp test_end = train_end + w.test;
      if (test_end > opts.spec.frame.end)
        break;
      windows.push_back(
          {{start, train_end, opts.spec.frame.iv},
           {train_end + minute_ms, test_end, opts.spec.frame.iv}});
    }
    if (windows.empty())
      return error{"--walk-forward: the frame " +
                   to_iso(opts.spec.frame.start) + " .. " +
                   to_iso(opts.spec.frame.end) +
                   " is shorter than one train + test span"};
  } else {
    windows.push_back({opts.spec.frame, {}});
  }
  sweep_report rep;
  rep.spec = opts.spec;
  rep.jobs = points * opts.spec.symbols.size() * windows.size();
  std::optional<sweep_state> state;
  if (!opts.state_dir.empty()) {
    auto st = sweep_state::open(opts.state_dir, describe_sweep(opts, data));
    if (!st)
      return st.err();
    state.emplace(std::move(*st));
  }
  std::string first_failure;
  // Formats and writes the lines on a thread of its own.
  std::unique_ptr<results_writer> out;
  // The results go to a temporary file renamed over `results_out` once
  // complete, so a failed run never leaves a file cut mid-line (a device
  // such as /dev/stdout is written directly).
  std::string writing = opts.results_out;
  if (!opts.results_out.empty()) {
    // Like every other output file, its folder is made when missing.
    const auto parent = std::filesystem::path(opts.results_out).parent_path();
    std::error_code ec;
    if (!parent.empty())
      std::filesystem::create_directories(parent, ec);
    // The path itself: /dev/stdout is a link, whatever it points at.
    const auto kind =
        std::filesystem::symlink_status(opts.results_out, ec).type();
    if (kind == std::filesystem::file_type::not_found ||
        kind == std::filesystem::file_type::regular)
      writing += ".tmp";
    auto opened =
        results_writer::open(writing, opts.spec.metric, opts.results_out);
    if (!opened)
      return opened.err();
    out = std::move(*opened);
  }
  caf::actor_system_config cfg;
  add_message_types(cfg);
  if (!opts.nodes.empty())
    configure_cluster(cfg, opts.cluster);
  std::size_t threads = 2;
  if (opts.nodes.empty())
    threads = configure_scheduler(cfg, opts.spec.workers);
  else
    configure_light_scheduler(cfg, threads);
  caf::actor_system sys{cfg};
  std::vector<caf::actor> workers;
  std::string err;
  {
    coordinator coord{sys, state ? &*state : nullptr, opts.batch, opts};
    if (opts.nodes.empty()) {
      for (std::size_t i = 0; i < threads; ++i)
        coord.add_slot(spawn_sweep_worker(sys, data, opts.spec.cfg), 2);
    } else {
      std::map<std::string, std::shared_ptr<const series>> used;
      for (const auto& symbol : opts.spec.symbols)
        used[symbol] = data.at(symbol);
      auto shipment = make_sweep_shipment(opts.spec.cfg, used);
      for (std::uint32_t k = 0; k < opts.nodes.size(); ++k)
        coord.add_slot(opts.make_node ? opts.make_node(sys, coord.handle(), k)
                                      : spawn_node_link(sys, coord.handle(), k,
                                                        opts.nodes[k],
                                                        opts.cluster, shipment),
                       0);
    }
    workers = coord.actors();
    top_table top{opts.spec.top};
    std::uint64_t done = 0;
    std::map<std::string, closed_trade_list> oos;
    for (std::uint32_t w = 0; w < windows.size() && err.empty(); ++w) {
      auto grids = make_grids(opts);
      if (!grids) { // no return: the temporary results file goes below
        err = grids.err().message;
        break;
      }
      job_source jobs{std::move(*grids), opts.spec.symbols, windows[w].train,
                      opts.spec.walk_forward ? w + 1 : 0,
                      static_cast<std::uint64_t>(w) << 40};
      // The best train result per symbol (in id order: ties keep the first).
      std::map<std::string, ranked_result> best;
      auto emit = [&](sweep_result&& r, bool resumed) {
        const auto m = stat_number(r.stats, opts.spec.metric);
        (resumed ? rep.resumed : rep.run) += 1;
        if (!r.error.empty() && rep.failed++ == 0)
          first_failure = r.symbol + " " + r.spec + ": " + r.error;
        if (r.capped())
          ++rep.capped;
        if (!resumed)
          rep.candle_evaluations += frame_candles(windows[w].train);
        if (opts.spec.walk_forward) {
          auto& b = best[r.symbol];
          if (m && (!b.metric || *m > *b.metric))
            b = ranked_result{r, m};
        } else {
          top.offer(r, m);
        }
        if (opts.on_progress)
          opts.on_progress(++done, rep.jobs);
        if (out)
          out->push(std::move(r)); // last: `r` is copied above
      };
      auto ran = coord.run(jobs, emit);
      if (!ran) {
        err = ran.err().message;
        break;
      }
      if (!opts.spec.walk_forward)
        continue;
      // Evaluate each symbol's best train spec on the following test span.
      for (const auto& symbol : opts.spec.symbols) {
        walk_window ww;
        ww.index = w + 1;
        ww.symbol = symbol;
        ww.train = windows[w].train;
        ww.test = windows[w].test;
        auto b = best.find(symbol);
        if (b != best.end() && b->second.metric) {
          ww.best_spec = b->second.result.spec;
          ww.train_metric = b->second.metric;
          sweep_job test;
          test.spec = ww.best_spec;
          test.symbol = symbol;
          test.window = ww.index;
          test.frame = ww.test;
          // Every test trade, whatever the row cap: the out-of-sample
          // statistics are btk's own, over all of them.
          closed_trade_list trades{std::int64_t{1} << 40};
          auto r = run_sweep_job(test, data, opts.spec.cfg, &trades);
          if (!r.error.empty()) {
            err = "walk-forward window " + std::to_string(ww.index) + ", " +
                  symbol + ", test " + ww.best_spec + ": " + r.error;
            break;
          }
          ww.test_stats = r.stats;
          ww.test_metric = stat_number(r.stats, opts.spec.metric);
          // Stitch the test trades, oldest first.
          auto& all =
              oos.try_emplace(symbol, std::int64_t{1} << 40).first->second;
          std::vector<const tick_result*> xs;
          for (const auto& t : trades)
            xs.push_back(&t);
          for (auto i = xs.rbegin(); i != xs.rend(); ++i)
            all.push(**i);
        }
        rep.windows.push_back(std::move(ww));
      }
    }
    rep.top = std::move(top).rows();
    for (auto& [symbol, list] : oos)
      rep.out_of_sample[symbol] =
          to_stat_list(compute_backtest_statistics(list));
  }
  for (auto& w : workers)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  if (out) {
    if (auto closed = out->close(); !closed && err.empty())
      err = closed.err().message;
    std::error_code ec;
    if (!err.empty() && writing != opts.results_out)
      std::filesystem::remove(writing, ec);
    else if (writing != opts.results_out) {
      std::filesystem::rename(writing, opts.results_out, ec);
      if (ec)
        err = "cannot write " + opts.results_out + ": " + ec.message();
    }
  }
  if (err.empty() && rep.run + rep.resumed > 0 &&
      rep.failed == rep.run + rep.resumed)
    err = "every job of the sweep failed (" + std::to_string(rep.failed) +
          "); the first: " + first_failure;
  if (!err.empty())
    return error{err};
  rep.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return rep;
}

} // namespace btk
