#include "actors/sweep_worker.hpp"

#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "core/stats/statistics.hpp"
#include "messages/sweep_messages.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

// Keeps what the statistics need: the closed trades, capped as configured.
class trades_sink final : public result_sink {
public:
  trades_sink(std::int64_t cap, closed_trade_list* keep)
      : trades_(cap)
      , keep_(keep) {}
  void on_result(const tick_result& r) override {
    closed_ += r.kind == action::closed ? 1 : 0;
    trades_.push(r);
    if (keep_ != nullptr)
      keep_->push(r);
  }
  const closed_trade_list& trades() const { return trades_; }
  std::uint64_t closed() const { return closed_; }

private:
  closed_trade_list trades_;
  closed_trade_list* keep_;
  std::uint64_t closed_ = 0;
};

} // namespace

sweep_result
run_sweep_job(const sweep_job& job,
              const std::map<std::string, std::shared_ptr<const series>>& data,
              const config& cfg, closed_trade_list* keep) {
  sweep_result r;
  r.id = job.id;
  r.spec = job.spec;
  r.symbol = job.symbol;
  r.window = job.window;
  auto s = data.find(job.symbol);
  if (s == data.end()) {
    r.error = "symbol " + job.symbol + " is not loaded";
    return r;
  }
  auto strat = builtin_strategies().make(job.spec);
  if (!strat) {
    r.error = strat.err().message;
    return r;
  }
  trades_sink sink{cfg.max_backtest_markdown_rows, keep};
  auto run = (*strat)->backtest(*s->second, cfg, job.frame, sink);
  if (!run) {
    r.error = run.err().message;
    return r;
  }
  r.stats = to_stat_list(compute_backtest_statistics(sink.trades()));
  r.closed = sink.closed();
  return r;
}

namespace {

caf::behavior
sweep_worker(caf::event_based_actor*,
             std::map<std::string, std::shared_ptr<const series>> data,
             config cfg) {
  return {
      [data, cfg](std::uint64_t lease, const std::vector<sweep_job>& jobs) {
        std::vector<sweep_result> out;
        out.reserve(jobs.size());
        for (const auto& j : jobs)
          out.push_back(run_sweep_job(j, data, cfg));
        return caf::make_message(lease, std::move(out));
      },
  };
}

} // namespace

caf::actor
spawn_sweep_worker(caf::actor_system& sys,
                   std::map<std::string, std::shared_ptr<const series>> data,
                   config cfg) {
  return sys.spawn(sweep_worker, std::move(data), std::move(cfg));
}

} // namespace btk
