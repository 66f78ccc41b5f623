// Coordinator capacity: how many jobs per second a sweep coordinator leases
// and reduces when nodes answer at once.
//
// Model: N in-process fake nodes (2 workers each, so 4 leases in flight
// each) answer every lease with a canned result per job. Each fake node
// pays what a node link pays in the coordinator process for every job: it
// encodes the job (Cap'n Proto, as sent to a node) and decodes a result
// from its bytes (as received). The coordinator then does its real work:
// the reorder buffer, the results file (one JSON line per job), the top
// table and the progress count. Jobs never run, so the figure is the
// coordinator's ceiling. It is compared, in the same run, with what one
// node of this machine (2 workers) consumes on the shortest jobs that
// matter: month-long 5-minute sma-cross jobs on synthetic candles.
//
//   coordinator_bench [NODES] [JOBS_APPROX] [OUT_DIR]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/sweep_worker.hpp"
#include "core/market/series.hpp"
#include "messages/sweep_messages.hpp"
#include "runtime/cluster/wire.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/sweep/sweep.hpp"

using namespace btk;

namespace {

std::shared_ptr<const series> one_day() {
  std::vector<candle> cs;
  for (int i = 0; i < 1440; ++i) {
    const double p = 100 + (i % 60) * 0.05;
    cs.push_back({1704067200000 + i * 60000LL, p, p + 0.2, p - 0.2, p, 5});
  }
  return *series::make("BENCHUSDT", cs);
}

// Thirty-two days of btk's synthetic 1-minute candles (as `btk data synth
// --seed 5`, which the cluster benchmark sweeps a year of).
std::shared_ptr<const series> one_month() {
  synth_options o;
  o.seed = 5;
  o.minutes = 32 * 1440;
  return *series::make("MONTHUSDT", generate_candles(o));
}

// The best jobs per second of `reps` runs of `plan` (exits on an error);
// `jobs` gets the sweep's job count.
double best_rate(const sweep_plan& plan,
                 const std::map<std::string, std::shared_ptr<const series>>& d,
                 int reps, std::uint64_t& jobs) {
  double best = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_sweep_plan(plan, d);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    if (!r) {
      std::fprintf(stderr, "%s\n", r.err().message.c_str());
      std::exit(1);
    }
    jobs = r->jobs;
    best = std::max(best, static_cast<double>(jobs) / secs);
  }
  return best;
}

// Jobs per second one node of this machine's class (2 workers) consumes
// on month-long 5-minute sma-cross jobs: the short jobs that ask the most
// of a coordinator.
double one_node_rate(const std::string& out_dir) {
  auto m = one_month();
  sweep_plan plan;
  plan.spec.grids = {"sma-cross:fast=5..44:1,slow=50..240:4,interval=5m"};
  plan.spec.symbols = {"MONTHUSDT"};
  // A day of warm-up for the slowest average, a day after the frame for
  // the last signals to close: 30 days of ticks.
  plan.spec.frame = {m->first() + 1440 * minute_ms,
                     m->last() - 1440 * minute_ms, interval::m1};
  plan.spec.metric = "sharpeRatio";
  plan.spec.workers = 2;
  plan.results_out = out_dir + "/coordinator_bench_node.jsonl";
  std::uint64_t jobs = 0;
  return best_rate(plan, {{"MONTHUSDT", m}}, 2, jobs);
}

// A canned result: a real job's statistics.
sweep_result canned(const std::shared_ptr<const series>& s) {
  sweep_job j;
  j.spec = "sma-cross:fast=5,slow=20,interval=5m";
  j.symbol = "BENCHUSDT";
  j.frame = {s->first() + 300 * minute_ms, s->last() - 60 * minute_ms,
             interval::m1};
  return run_sweep_job(j, {{"BENCHUSDT", s}}, config{});
}

caf::behavior fake_node(caf::event_based_actor* self, caf::actor coordinator,
                        std::uint32_t slot, std::string proto) {
  self->send(coordinator, up_atom::value, slot, std::uint32_t{2},
             std::string{"fake"});
  return {
      [=](std::uint64_t lease, std::vector<sweep_job>& jobs) {
        std::vector<sweep_result> out;
        out.reserve(jobs.size());
        for (const auto& j : jobs) {
          const auto wire_job = encode_sweep_job(j); // as sent to a node
          (void)wire_job;
          // A node encodes its result; its link decodes the bytes.
          auto r = *decode_sweep_result(proto);
          r.id = j.id;
          r.spec = j.spec;
          r.symbol = j.symbol;
          out.push_back(std::move(r));
        }
        self->send(coordinator, lease, std::move(out));
      },
  };
}

} // namespace

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::atoi(argv[1]) : 100;
  const std::string out_dir = argc > 3 ? argv[3] : "/tmp";
  auto s = one_day();
  const auto proto = canned(s);
  sweep_plan plan;
  // 200 x 250 points = 50,000 jobs (fast < slow is not required here).
  plan.spec.grids = {"sma-cross:fast=1..200:1,slow=2..251:1,interval=5m"};
  plan.spec.symbols = {"BENCHUSDT"};
  plan.spec.frame = {s->first() + 300 * minute_ms, s->last() - 60 * minute_ms,
                     interval::m1};
  plan.spec.metric = "sharpeRatio";
  plan.results_out = out_dir + "/coordinator_bench.jsonl";
  for (int k = 0; k < nodes; ++k)
    plan.nodes.push_back({"fake", static_cast<std::uint16_t>(k + 1)});
  plan.cluster.secret = "unused by fake nodes";
  const auto bytes = encode_sweep_result(proto);
  plan.make_node = [bytes](caf::actor_system& sys, caf::actor coordinator,
                           std::uint32_t k) {
    return sys.spawn(fake_node, coordinator, k, bytes);
  };
  const double node = one_node_rate(out_dir);
  std::printf("| one node, 2 local workers, month-long 5m jobs | | | %.0f "
              "jobs/s |\n",
              node);
  for (std::size_t batch : {4, 16}) {
    plan.batch = batch;
    std::uint64_t jobs = 0;
    const double best = best_rate(plan, {{"BENCHUSDT", s}}, 3, jobs);
    std::printf("| %d fake nodes | %zu jobs per lease | %llu jobs | %.0f "
                "jobs/s (%.0fx one node) |\n",
                nodes, batch, static_cast<unsigned long long>(jobs), best,
                best / node);
  }
  std::remove(plan.results_out.c_str());
  std::remove((out_dir + "/coordinator_bench_node.jsonl").c_str());
  return 0;
}
