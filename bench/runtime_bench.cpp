// Actor-runtime overhead: 7 symbols x 20 strategies (140 runs) as plain core
// loops on one thread vs the same runs through `btk::engine` with 1 and 2
// scheduler threads.
//
//   runtime_bench [SHARED_DIR] [REPS]
//
// Data: the 7 bybit-linear 1-minute files of SHARED_DIR/data (default
// ../shared), all on one 29-day grid; generated candles when they are
// missing. One frame for all runs, with the CLI's warm-up and look-ahead
// margins. REPS (default 5) timed passes of each measurement after one
// warm-up pass; the measurements are interleaved (A, A2, B, C, A, ...) so a
// slow spell of the VM hits all of them, and the medians are reported.
//
//   A   plain core loops: `strategy->backtest(series, cfg, frame, sink)`
//       for the 140 pairs, sequentially on this thread.
//   A2  the same on 2 std::threads: what the hardware allows on two cores
//       (when it is well under 2x, another process holds a core).
//   B   one engine, `threads = 1`, `track_partials = false`: the 140 runs
//       started with the batch `backtest().background(...)`, then waited
//       for. Overhead = B / A - 1.
//   C   the same engine setup with `threads = 2`. Speed-up = A / C.
//
// The series are built once per engine (the exchange's first request, in the
// warm-up pass, not timed) and once for A; every timed pass runs on warm
// series caches. B and C must give the same counters and the same total PnL
// (bit for bit) per pair as A, else the program fails. "process CPU" is
// getrusage(RUSAGE_SELF) over the measurement (idle engine workers add about
// 1-2 ms to A); the per-pass lines also list the on-CPU ms of each busy
// thread (/proc/self/task/*/schedstat).
//
// RB_DAYS=N generates N days of candles per symbol instead of reading the
// 29 real days. Profiling aids (environment): RB_ONLY=A|A2|B|C times one
// measurement only;
// RB_PAUSE_MS (default 150) is the pause before each measurement;
// RB_SCHED_ROWS sets CC_MAX_SCHEDULE_MARKDOWN_ROWS (0: no schedule book).

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/engine/backtest.hpp"
#include "core/stats/statistics.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"
#include "strategies/spec.hpp"

namespace {

const char* const symbols[] = {"BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT",
                               "ADAUSDT", "DOTUSDT", "DOGEUSDT"};

// 20 built-in specs: every strategy, with different parameters.
const char* const specs[] = {
    "sma-cross",
    "sma-cross:fast=5,slow=20,interval=1m",
    "sma-cross:fast=5,slow=20,interval=15m",
    "sma-cross:fast=20,slow=50,interval=5m",
    "sma-cross:fast=8,slow=21,interval=30m",
    "sma-cross:fast=12,slow=26,interval=1h",
    "sma-cross:fast=3,slow=10,interval=3m,tp=0.6,sl=0.6,minutes=120",
    "every-n",
    "every-n:n=15,side=short,tp=0.6,sl=0.6,minutes=30",
    "every-n:n=240,side=alt,tp=2,sl=1,minutes=480",
    "every-n:n=5,side=alt,tp=0.6,sl=0.5,minutes=20",
    "rsi-reversion",
    "rsi-reversion:period=7,interval=5m,oversold=25,overbought=75",
    "rsi-reversion:period=21,interval=1h,tp=2,sl=1",
    "donchian-breakout",
    "donchian-breakout:period=55,interval=15m,tp=2,sl=1",
    "donchian-breakout:period=10,interval=5m,tp=1,sl=0.5,minutes=240",
    "scheduled",
    "scheduled:n=60,offset=0.2,side=alt",
    "scheduled:n=30,offset=0.5,side=short,tp=0.8,sl=0.6,minutes=120",
};

constexpr std::size_t n_specs = sizeof(specs) / sizeof(specs[0]);
constexpr std::size_t n_symbols = sizeof(symbols) / sizeof(symbols[0]);

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "runtime_bench: %s\n", what.c_str());
  std::exit(1);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// What one pair did: its counters and the sum of its closed trades' PnL %
// (in engine order, oldest first).
struct pair_result {
  btk::run_counters n;
  std::uint64_t trades = 0;
  double pnl = 0;
  // A keeps each pair's closed trades until the pass ends, as the engine
  // keeps them for get_data.
  std::shared_ptr<btk::closed_trade_list> kept;
};

bool same(const pair_result& a, const pair_result& b) {
  const auto& x = a.n;
  const auto& y = b.n;
  return x.ticks == y.ticks && x.signal_calls == y.signal_calls &&
         x.walked == y.walked && x.scheduled == y.scheduled &&
         x.opened == y.opened && x.closed == y.closed &&
         x.cancelled == y.cancelled && x.rejected == y.rejected &&
         a.trades == b.trades &&
         std::memcmp(&a.pnl, &b.pnl, sizeof(double)) == 0;
}

// What a plain loop must keep to give what the runtime gives: the closed
// trades get_data computes the statistics from (capped as the runtime caps
// them), plus the counts the check compares.
struct counting_sink final : btk::result_sink {
  explicit counting_sink(std::int64_t cap)
      : trades(cap) {}
  btk::closed_trade_list trades;
  std::uint64_t closed = 0;
  double pnl = 0;
  void on_result(const btk::tick_result& r) override {
    if (r.kind == btk::action::closed) {
      ++closed;
      pnl += r.pnl.pnl_percentage;
      trades.push(r);
    }
  }
};

struct timing {
  double wall = 0;
  double cpu = 0;
  // B / C: the part spent in the `background(...)` call (names resolved,
  // series fetched from the exchange, jobs sent).
  double start = 0;
  // On-CPU ms of each thread that ran during the measurement, descending.
  std::vector<double> threads;
  // B / C: the same after `background()` returned (the runs executing).
  std::vector<double> exec_threads;
};

// On-CPU time of every thread of this process, ns (Linux schedstat).
std::map<int, std::uint64_t> thread_cpu_ns() {
  std::map<int, std::uint64_t> out;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string tid = e.path().filename().string();
    if (FILE* f = std::fopen((e.path() / "schedstat").c_str(), "r")) {
      unsigned long long ns = 0;
      if (std::fscanf(f, "%llu", &ns) == 1)
        out[std::atoi(tid.c_str())] = ns;
      std::fclose(f);
    }
  }
  return out;
}

// The busiest threads between two `thread_cpu_ns` readings, in ms,
// descending: how many cores a measurement kept busy.
std::vector<double> busy_threads(const std::map<int, std::uint64_t>& before,
                                 const std::map<int, std::uint64_t>& after) {
  std::vector<double> out;
  for (const auto& [tid, ns] : after) {
    auto i = before.find(tid);
    const double ms =
        static_cast<double>(ns - (i == before.end() ? 0 : i->second)) / 1e6;
    if (ms >= 0.5)
      out.push_back(ms);
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

std::string list_ms(const std::vector<double>& xs) {
  std::string out;
  char buf[32];
  for (double x : xs) {
    std::snprintf(buf, sizeof buf, "%s%.1f", out.empty() ? "" : " + ", x);
    out += buf;
  }
  return out.empty() ? "0" : out;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const auto n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

std::string strategy_name(std::size_t k) {
  return "s" + std::to_string(k + 1);
}

// A: the 140 runs as plain core loops, one after the other on this thread
// (`threads` = 1); A2: the same spread over `threads` std::threads taking
// the next pair from a shared counter: the ceiling for the engine on as
// many threads.
timing run_plain(const std::vector<std::shared_ptr<const btk::series>>& data,
                 const btk::config& cfg, const btk::backtest_frame& frame,
                 std::vector<pair_result>& out, unsigned threads = 1) {
  // Fresh strategy objects (they may keep state between calls), made
  // before the clock starts.
  std::vector<std::unique_ptr<btk::strategy>> strats;
  for (std::size_t i = 0; i < n_symbols; ++i)
    for (std::size_t k = 0; k < n_specs; ++k) {
      auto made = btk::builtin_strategies().make(specs[k]);
      strats.push_back(std::move(*made));
    }
  // Keep the previous pass's lists until each pair replaces its own, in
  // the timed loop, as an engine instance drops its last run's results
  // when it runs again.
  out.resize(n_symbols * n_specs);
  const auto one = [&](std::size_t j) {
    const std::size_t i = j / n_specs;
    const std::size_t k = j % n_specs;
    counting_sink sink{cfg.max_backtest_markdown_rows};
    auto r = strats[j]->backtest(*data[i], cfg, frame, sink);
    if (!r)
      die(std::string{symbols[i]} + " " + specs[k] + ": " + r.err().message);
    out[j].n = *r;
    out[j].trades = sink.closed;
    out[j].pnl = sink.pnl;
    out[j].kept =
        std::make_shared<btk::closed_trade_list>(std::move(sink.trades));
  };
  const auto th0 = thread_cpu_ns();
  const double c0 = cpu_seconds();
  const auto t0 = clock_type::now();
  if (threads <= 1) {
    for (std::size_t j = 0; j < out.size(); ++j)
      one(j);
  } else {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned n = 0; n < threads; ++n)
      pool.emplace_back([&] {
        for (std::size_t j; (j = next.fetch_add(1)) < out.size();)
          one(j);
      });
    for (auto& t : pool)
      t.join();
  }
  timing t;
  t.wall = seconds_since(t0);
  t.cpu = cpu_seconds() - c0;
  t.threads = busy_threads(th0, thread_cpu_ns());
  return t;
}

// B / C: one engine with `threads` scheduler threads.
struct runtime_case {
  btk::engine eng;
  std::vector<std::pair<std::string, btk::backtest_context>> runs;
  double setup_s = 0; // engine, schemas
  double first_s = 0; // the first pass: series built, actors spawned

  runtime_case(std::size_t threads,
               const std::vector<std::shared_ptr<const btk::series>>& data,
               const btk::config& cfg, const btk::backtest_frame& frame)
      : eng(make_options(threads)) {
    const auto t0 = clock_type::now();
    eng.set_config(cfg);
    // The exchange serves the very series A reads: the same memory, so
    // the comparison measures the runtime, not where the arrays landed.
    btk::exchange_schema x;
    x.name = "bybit";
    x.get_series = [data](const std::string& symbol)
        -> btk::expected<std::shared_ptr<const btk::series>> {
      for (const auto& s : data)
        if (s->symbol() == symbol)
          return s;
      return btk::error{"no candles for " + symbol};
    };
    eng.add_exchange(std::move(x));
    btk::frame_schema f;
    f.name = "all";
    f.start = frame.start;
    f.end = frame.end;
    f.iv = frame.iv;
    eng.add_frame(f);
    for (std::size_t k = 0; k < n_specs; ++k)
      eng.add_strategy(
          btk::strategy_schema::from_spec(strategy_name(k), specs[k]));
    for (std::size_t i = 0; i < n_symbols; ++i)
      for (std::size_t k = 0; k < n_specs; ++k)
        runs.push_back({symbols[i], {strategy_name(k), "bybit", "all"}});
    setup_s = seconds_since(t0);
  }

  static btk::engine_options make_options(std::size_t threads) {
    btk::engine_options o;
    o.threads = threads;
    o.track_partials = false;
    return o;
  }

  timing pass(std::vector<pair_result>& out) {
    const auto th0 = thread_cpu_ns();
    const double c0 = cpu_seconds();
    const auto t0 = clock_type::now();
    auto handles = eng.backtest().background(runs);
    const double started = seconds_since(t0);
    const auto th1 = thread_cpu_ns();
    std::vector<btk::run_result> results;
    results.reserve(handles.size());
    btk::run_handle::wait_all(handles);
    for (auto& h : handles)
      results.push_back(h.wait());
    timing t;
    t.wall = seconds_since(t0);
    t.cpu = cpu_seconds() - c0;
    const auto th2 = thread_cpu_ns();
    t.threads = busy_threads(th0, th2);
    t.exec_threads = busy_threads(th1, th2);
    t.start = started;
    // Collect what each pair did (not timed).
    out.assign(runs.size(), {});
    for (std::size_t j = 0; j < runs.size(); ++j) {
      const auto& r = results[j];
      if (!r.error.empty())
        die(runs[j].first + ":" + runs[j].second.strategy + ": " + r.error);
      out[j].n = r.counters;
      const auto trades =
          eng.backtest().get_trades(runs[j].first, runs[j].second.strategy);
      // Newest first: sum oldest first, as the sink of A does.
      double pnl = 0;
      for (auto it = trades.end(); it != trades.begin();) {
        --it;
        pnl += it->pnl.pnl_percentage;
      }
      out[j].trades = trades.size();
      out[j].pnl = pnl;
    }
    return t;
  }
};

void check(const char* what, const std::vector<pair_result>& want,
           const std::vector<pair_result>& got) {
  for (std::size_t j = 0; j < want.size(); ++j) {
    if (same(want[j], got[j]))
      continue;
    const auto& a = want[j];
    const auto& b = got[j];
    std::fprintf(stderr,
                 "runtime_bench: %s differs from the plain loops on %s %s:\n"
                 "  plain:   closed %llu opened %llu ticks %llu walked %llu "
                 "trades %llu pnl %.17g\n"
                 "  runtime: closed %llu opened %llu ticks %llu walked %llu "
                 "trades %llu pnl %.17g\n",
                 what, symbols[j / n_specs], specs[j % n_specs],
                 (unsigned long long)a.n.closed, (unsigned long long)a.n.opened,
                 (unsigned long long)a.n.ticks, (unsigned long long)a.n.walked,
                 (unsigned long long)a.trades, a.pnl,
                 (unsigned long long)b.n.closed, (unsigned long long)b.n.opened,
                 (unsigned long long)b.n.ticks, (unsigned long long)b.n.walked,
                 (unsigned long long)b.trades, b.pnl);
    std::exit(1);
  }
}

} // namespace

int main(int argc, char** argv) {
  const std::string shared = argc > 1 ? argv[1] : "../shared";
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

  // -- data
  std::map<std::string, std::vector<btk::candle>> candles;
  std::string data_label;
  const auto load0 = clock_type::now();
  {
    const std::string dir = shared + "/data/bybit-linear/";
    // RB_DAYS=N: N days of generated candles per symbol instead (the same
    // work with longer runs, where the per-run cost weighs less).
    const char* days_env = std::getenv("RB_DAYS");
    const long days = days_env != nullptr ? std::atol(days_env) : 0;
    bool ok = days <= 0;
    for (const char* sym : symbols) {
      if (!ok)
        break;
      auto got =
          btk::read_candles(dir + sym + "-1m-2025-05-31-2025-06-28.csv.gz");
      if (!got) {
        std::printf("(bybit-linear data not found: %s)\n",
                    got.err().message.c_str());
        ok = false;
        break;
      }
      candles[sym] = std::move(got->candles);
    }
    if (ok) {
      data_label = "bybit-linear, 7 symbols x 41,760 x 1m (29 days, real)";
    } else {
      candles.clear();
      std::uint64_t seed = 101;
      for (const char* sym : symbols) {
        btk::synth_options so;
        so.seed = seed++;
        so.start = 1748649600000; // 2025-05-31
        so.minutes = days > 0 ? days * 1440 : 41'760;
        so.price = 100;
        candles[sym] = btk::generate_candles(so);
      }
      data_label = "generated, 7 symbols x " +
                   std::to_string(days > 0 ? days : 29) +
                   " days of 1m (synthetic)";
    }
  }
  const double load_ms =
      std::chrono::duration<double, std::milli>(clock_type::now() - load0)
          .count();
  std::vector<std::shared_ptr<const btk::series>> data;
  for (const char* sym : symbols) {
    auto s = btk::series::make(sym, candles[sym]);
    if (!s)
      die(std::string{sym} + ": " + s.err().message);
    data.push_back(*s);
  }
  btk::timestamp first = data[0]->first();
  btk::timestamp last = data[0]->last();
  for (const auto& s : data) {
    first = std::max(first, s->first());
    last = std::min(last, s->last());
  }

  // -- the frame, with the CLI's warm-up and look-ahead margins
  btk::config cfg;
  // Keep every closed trade, so the runtime's total PnL can be checked.
  cfg.max_backtest_markdown_rows = 1'000'000;
  if (const char* v = std::getenv("RB_SCHED_ROWS"))
    cfg.max_schedule_markdown_rows = std::atoll(v);
  std::int64_t warmup = cfg.avg_price_candles_count;
  std::int64_t lookahead = 0;
  for (const char* spec : specs) {
    auto made = btk::builtin_strategies().make(spec);
    if (!made)
      die(std::string{spec} + ": " + made.err().message);
    const auto& st = **made;
    warmup = std::max(warmup, st.lookback_minutes());
    std::int64_t life = st.max_lifetime_minutes();
    if (life <= 0)
      life = cfg.max_signal_lifetime_minutes;
    if (st.may_schedule())
      life += cfg.schedule_await_minutes;
    lookahead = std::max(lookahead, life + 1);
  }
  btk::backtest_frame frame;
  frame.start = first + warmup * btk::minute_ms;
  frame.end = last - lookahead * btk::minute_ms;
  const double ticks =
      static_cast<double>((frame.end - frame.start) / btk::minute_ms + 1);

  std::printf("data: %s (read in %.0f ms)\n", data_label.c_str(), load_ms);
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[64] = {};
    if (std::fgets(buf, sizeof buf, f))
      std::printf("load average at start: %s", buf);
    std::fclose(f);
  }
  std::printf("frame: %s .. %s (%.0f ticks; warm-up %lld min, look-ahead "
              "%lld min), %zu pairs, %d timed passes each\n",
              btk::to_iso(frame.start).c_str(), btk::to_iso(frame.end).c_str(),
              ticks, static_cast<long long>(warmup),
              static_cast<long long>(lookahead), n_symbols * n_specs, reps);

  // -- warm-up: A once (fills the series caches), then each engine once
  // (builds its series, spawns the 140 actors)
  std::vector<pair_result> want;
  std::vector<pair_result> got;
  const timing a_cold = run_plain(data, cfg, frame, want);
  runtime_case b{1, data, cfg, frame};
  const auto b0 = clock_type::now();
  b.pass(got);
  b.first_s = seconds_since(b0);
  check("runtime (1 thread), first pass", want, got);
  runtime_case c{2, data, cfg, frame};
  const auto c0 = clock_type::now();
  c.pass(got);
  c.first_s = seconds_since(c0);
  check("runtime (2 threads), first pass", want, got);

  std::uint64_t trades = 0;
  std::uint64_t results = 0;
  for (const auto& p : want) {
    trades += p.n.closed;
    results += p.n.scheduled + p.n.opened + p.n.closed + p.n.cancelled;
  }

  // -- timed passes, interleaved. Profiling aids: RB_ONLY=A|B|C times one
  // measurement only; RB_PAUSE_MS sets the pause before each (default 150:
  // an idle CAF worker polls with 50 us sleeps for some 30 ms before it
  // blocks, so a measurement must not start right after another engine's).
  const char* only_env = std::getenv("RB_ONLY");
  const std::string only = only_env ? only_env : "";
  const int pause_ms =
      std::getenv("RB_PAUSE_MS") ? std::atoi(std::getenv("RB_PAUSE_MS")) : 150;
  const auto pause = [&] {
    // Lets the engines' idle workers settle between measurements.
    if (pause_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  };
  std::vector<double> aw, ac, a2w, a2c, bw, bc, bs, cw, cc, cs, ratio_b,
      ratio_c;
  std::vector<pair_result> again;
  for (int rep = 0; rep < reps; ++rep) {
    timing ta, ta2, tb, tc;
    if (only.empty() || only == "A") {
      pause();
      ta = run_plain(data, cfg, frame, again);
      check("plain loops, a later pass", want, again);
    }
    if (only.empty() || only == "A2") {
      pause();
      ta2 = run_plain(data, cfg, frame, again, 2);
      check("plain loops on 2 threads", want, again);
    }
    if (only.empty() || only == "B") {
      pause();
      tb = b.pass(got);
      check("runtime (1 thread)", want, got);
    }
    if (only.empty() || only == "C") {
      pause();
      tc = c.pass(got);
      check("runtime (2 threads)", want, got);
    }
    aw.push_back(ta.wall);
    ac.push_back(ta.cpu);
    a2w.push_back(ta2.wall);
    a2c.push_back(ta2.cpu);
    bw.push_back(tb.wall);
    bc.push_back(tb.cpu);
    bs.push_back(tb.start);
    cw.push_back(tc.wall);
    cc.push_back(tc.cpu);
    cs.push_back(tc.start);
    ratio_b.push_back(tb.wall / ta.wall);
    ratio_c.push_back(ta.wall / tc.wall);
    std::printf("pass %d: A %.1f ms (cpu %.1f: %s); A2 %.1f ms (cpu %.1f)\n",
                rep + 1, ta.wall * 1e3, ta.cpu * 1e3,
                list_ms(ta.threads).c_str(), ta2.wall * 1e3, ta2.cpu * 1e3);
    for (const auto* x : {&tb, &tc})
      std::printf("        %s %.1f ms (cpu %.1f: %s): background() %.1f ms, "
                  "then %.1f ms (cpu per thread %s)\n",
                  x == &tb ? "B" : "C", x->wall * 1e3, x->cpu * 1e3,
                  list_ms(x->threads).c_str(), x->start * 1e3,
                  (x->wall - x->start) * 1e3, list_ms(x->exec_threads).c_str());
  }
  if (!only.empty())
    return 0;

  const double a_w = median(aw), b_w = median(bw), c_w = median(cw);
  const double a_c = median(ac), b_c = median(bc), c_c = median(cc);
  const double candles_total = ticks * static_cast<double>(n_symbols * n_specs);
  std::printf("\nall %zu pairs identical to the plain loops (counters, "
              "closed trades, total PnL bit for bit); a pass emits %llu "
              "results (scheduled, opened, closed, cancelled), %llu of them "
              "closed trades\n\n",
              n_symbols * n_specs, static_cast<unsigned long long>(results),
              static_cast<unsigned long long>(trades));
  std::printf("| | wall ms (median of %d) | min ms | of which in "
              "`background()` ms | process CPU ms | CPU / wall | M candles/s | "
              "vs A |\n",
              reps);
  std::printf("|---|---:|---:|---:|---:|---:|---:|---|\n");
  std::printf("| A: plain core loops, 1 thread | %.1f | %.1f | — | %.1f | "
              "%.2f | %.0f | — |\n",
              a_w * 1e3, *std::min_element(aw.begin(), aw.end()) * 1e3,
              a_c * 1e3, a_c / a_w, candles_total / a_w / 1e6);
  std::printf("| A2: plain core loops, 2 std::threads (ceiling) | %.1f | "
              "%.1f | — | %.1f | %.2f | %.0f | speed-up %.2fx |\n",
              median(a2w) * 1e3,
              *std::min_element(a2w.begin(), a2w.end()) * 1e3,
              median(a2c) * 1e3, median(a2c) / median(a2w),
              candles_total / median(a2w) / 1e6, a_w / median(a2w));
  std::printf("| B: engine, threads = 1 | %.1f | %.1f | %.1f | %.1f | %.2f | "
              "%.0f | overhead %+.1f %% (median of per-pass ratios %+.1f %%) "
              "|\n",
              b_w * 1e3, *std::min_element(bw.begin(), bw.end()) * 1e3,
              median(bs) * 1e3, b_c * 1e3, b_c / b_w, candles_total / b_w / 1e6,
              (b_w / a_w - 1) * 100, (median(ratio_b) - 1) * 100);
  std::printf("| C: engine, threads = 2 | %.1f | %.1f | %.1f | %.1f | %.2f | "
              "%.0f | speed-up %.2fx (median of per-pass ratios %.2fx) |\n",
              c_w * 1e3, *std::min_element(cw.begin(), cw.end()) * 1e3,
              median(cs) * 1e3, c_c * 1e3, c_c / c_w, candles_total / c_w / 1e6,
              a_w / c_w, median(ratio_c));
  std::printf("\nnot timed above: A's first pass (cold series caches) %.1f ms; "
              "engine set-up %.1f / %.1f ms and first pass (series built by "
              "the exchange, 140 actors spawned, cold caches) %.1f / %.1f ms "
              "for B / C\n",
              a_cold.wall * 1e3, b.setup_s * 1e3, c.setup_s * 1e3,
              b.first_s * 1e3, c.first_s * 1e3);
  if (a_w / median(a2w) < 1.6)
    std::printf("\nWARNING: the plain loops on 2 threads ran only %.2fx "
                "faster than on one: the second core was busy (another "
                "process?), so the 2-thread figures do not show what the "
                "runtime can do; retry when the machine is idle\n",
                a_w / median(a2w));
  const double overhead = b_w / a_w - 1;
  std::printf("\nruntime overhead on one thread: %+.1f %% (%s the 5 %% "
              "budget)\n",
              overhead * 100, overhead < 0.05 ? "within" : "OVER");
  return 0;
}
