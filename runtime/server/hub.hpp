#pragma once

// What `btk serve` shows and controls: the runs of this process
// (backtests, walkers, sweeps and live sessions, started through the HTTP
// API or attached by a host) and the event stream WebSocket clients
// subscribe to. A run's threads publish into one bounded queue and never
// wait; one dispatcher thread encodes each event once and hands it to the
// subscribers, each with a bounded queue of its own, so a slow client is
// dropped and never slows a run.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/live_convert.hpp"

#include "core/stats/live_report.hpp"
#include "runtime/results/results.hpp"

namespace btk {

class live_session;

/// The WebSocket topics: signals (opened, closed, cancelled, scheduled
/// results; every tick with `all_ticks`), progress, done, risk (signals a
/// risk profile refused), partial (profit and loss milestones), walker
/// (rankings) and errors (warnings and failed runs).
inline constexpr std::array<std::string_view, 7> event_topics{
    "signals", "progress", "done", "risk", "partial", "walker", "errors"};

/// True for a name of `event_topics`.
bool is_event_topic(std::string_view name);

/// What a run is.
enum class run_kind { backtest, walker, sweep, live };

std::string_view to_string(run_kind k) noexcept;

/// One run the server knows. Its identity is fixed at creation; the rest
/// is guarded by `mtx` (the live session by its own lock as well).
struct server_run {
  /// `backtest-1`, `live-2`, ...: unique in the process.
  std::string id;
  run_kind kind = run_kind::backtest;
  /// What it runs, for people: strategies and symbols.
  std::string title;
  /// Wall time it started, epoch ms.
  timestamp started = 0;
  /// Set to stop it as its mode stops (graceful: no new signal, open
  /// positions run to their close), then `hard` to stop at once.
  std::atomic<bool> graceful{false};
  std::atomic<bool> hard{false};

  mutable std::mutex mtx;
  /// `running`, `stopping`, `done`, `stopped` or `failed`.
  std::string status = "running";
  /// Why it failed.
  std::string error;
  /// Progress: (done, total) of its jobs or runs; live: minutes run.
  double done = 0;
  double total = 0;
  /// The result once it ended (one of them, by kind).
  std::shared_ptr<const batch_report> batch;
  std::shared_ptr<const sweep_report> sweep;
  std::shared_ptr<const live_report> live;
  /// A live run's session while it runs; read it through `with_view` or
  /// `for_each` (they take the session's own lock).
  live_session* session = nullptr;
  /// A live run's books (`SYMBOL:name`) and configuration once its
  /// session closed, so its reports outlive it.
  std::map<std::string, std::shared_ptr<const live_event_book>> books;
  std::shared_ptr<const config> live_cfg;
  /// A live run's counters after its last minute.
  live_counters counters;
  /// Where its report files are (`GET /api/runs/ID/files/...`). Default:
  /// none
  std::string report_dir;
  /// A sweep's results file, one JSON line per job
  /// (`GET /api/runs/ID/results`, the heatmap's data). Default: none
  std::string results_file;
  /// Started through the API (counted against `max_runs`), not by the
  /// host.
  bool api = false;
  /// The sweep's metric, for its ranking.
  std::string metric;
  /// When progress was last published (throttled to 10 a second).
  std::chrono::steady_clock::time_point progress_at{};
};

/// Which events a subscriber gets: any of `topics` (empty: all), of run
/// `run` (empty: all), of instance `instance` (`SYMBOL:strategy`, or only
/// `SYMBOL`; empty: all; run-wide events such as `done` pass it).
struct event_filter {
  std::vector<std::string> topics;
  std::string run;
  std::string instance;

  bool matches(std::string_view topic, std::string_view run_id,
               std::string_view inst) const;
};

/// Limits of a hub.
struct hub_options {
  /// Events waiting for the dispatcher; a publish beyond it drops the
  /// event (counted). Default: 65536
  std::size_t queue_limit = 65536;
  /// Niceness added to the dispatcher's thread, so that a run's threads
  /// win the CPU when they compete with it (on Linux nice is per thread).
  /// Default: 10
  int nice = 10;
};

/// Adds `inc` to the calling thread's niceness (Linux; a no-op where it
/// cannot).
void lower_thread_priority(int inc);

/// Counters of a hub, for the metrics route.
struct hub_stats {
  std::uint64_t published = 0;
  /// Events dropped because the dispatcher's queue was full.
  std::uint64_t overflowed = 0;
  /// Deliveries a subscriber refused (its client was too slow).
  std::uint64_t refused = 0;
  std::size_t subscribers = 0;
};

class hub {
public:
  /// Receives one encoded event; returns false when the subscriber is
  /// gone or too slow (it is then removed). Called on the dispatcher's
  /// thread: it must not block.
  using sink = std::function<bool(std::shared_ptr<const std::string>)>;

  explicit hub(hub_options o = {});
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  /// A new run of `kind`, listed from now on.
  std::shared_ptr<server_run> add_run(run_kind kind, std::string title);
  /// Makes the next id of `kind` larger than `n` (ids of an earlier
  /// server's folders are never reused).
  void reserve(run_kind kind, std::uint64_t n);
  /// The run `id`, or null.
  std::shared_ptr<server_run> find(const std::string& id) const;
  /// Every run, oldest first.
  std::vector<std::shared_ptr<server_run>> runs() const;

  /// Queues an event `{"topic","run","instance","time","data"}`; never
  /// blocks (a full queue drops it and counts it).
  void publish(std::string_view topic, const std::string& run,
               const std::string& instance, const nlohmann::ordered_json& data);
  /// The same with `data` already JSON text (a live event's line).
  void publish_raw(std::string_view topic, const std::string& run,
                   const std::string& instance, std::string data);
  /// A live event (its line of `--events-out` as `data`), encoded on the
  /// dispatcher's thread rather than the caller's.
  void publish_event(std::string_view topic, const std::string& run,
                     const live_event& e);
  /// True while anyone subscribes (publishers may skip encoding).
  bool listened() const noexcept { return listened_.load() > 0; }
  /// Publishes `progress` of `r` unless one went out less than 100 ms ago
  /// (the last, `done == total`, always goes out).
  void progress(server_run& r, double done, double total);

  /// Adds a subscriber; returns its id.
  std::uint64_t subscribe(event_filter f, sink s);
  void unsubscribe(std::uint64_t id);

  /// Blocks until every event published so far was handed out.
  void flush();
  /// Removes every subscriber and waits until the dispatcher holds none
  /// (before the sockets they write to close).
  void drop_subscribers();

  hub_stats stats() const;

private:
  struct pending {
    std::string topic;
    std::string run;
    std::string instance;
    std::string data;
    /// A live event encoded by the dispatcher (when `data` is empty), so
    /// that the session's thread only copies it.
    std::optional<live_event> event;
  };
  struct subscriber {
    event_filter filter;
    sink deliver;
  };
  using entry = std::pair<std::uint64_t, std::shared_ptr<const subscriber>>;
  void dispatch();
  /// Queues `ev` unless nobody listens or the queue is full (counted).
  void enqueue(pending&& ev);
  static std::shared_ptr<const std::string> encode(const pending& ev);
  /// Rebuilds `snapshot_` from `subs_` (under `mtx_`).
  void resnap();

  hub_options opts_;
  mutable std::mutex runs_mtx_;
  std::vector<std::shared_ptr<server_run>> runs_;
  std::map<run_kind, std::uint64_t> counts_;

  mutable std::mutex mtx_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<pending> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::map<std::uint64_t, std::shared_ptr<const subscriber>> subs_;
  /// `subs_` as the dispatcher reads it, rebuilt when it changes.
  std::shared_ptr<const std::vector<entry>> snapshot_ =
      std::make_shared<const std::vector<entry>>();
  std::uint64_t next_sub_ = 1;
  std::atomic<std::size_t> listened_{0};
  hub_stats stats_;
  std::thread thread_;
};

} // namespace btk
