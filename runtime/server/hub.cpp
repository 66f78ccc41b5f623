#include "runtime/server/hub.hpp"

#include "runtime/results/json.hpp"

#include <algorithm>
#include <cerrno>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace btk {

bool is_event_topic(std::string_view name) {
  return std::find(event_topics.begin(), event_topics.end(), name) !=
         event_topics.end();
}

std::string_view to_string(run_kind k) noexcept {
  switch (k) {
  case run_kind::backtest:
    return "backtest";
  case run_kind::walker:
    return "walker";
  case run_kind::sweep:
    return "sweep";
  case run_kind::live:
    return "live";
  }
  return "backtest";
}

bool event_filter::matches(std::string_view topic, std::string_view run_id,
                           std::string_view inst) const {
  if (!topics.empty() &&
      std::find(topics.begin(), topics.end(), topic) == topics.end())
    return false;
  if (!run.empty() && run != run_id)
    return false;
  // Run-wide events (progress, done) have no instance: they reach every
  // subscriber of the run.
  if (instance.empty() || inst.empty() || instance == inst)
    return true;
  // `SYMBOL` matches every instance `SYMBOL:...`.
  return inst.size() > instance.size() && inst[instance.size()] == ':' &&
         inst.substr(0, instance.size()) == instance;
}

void lower_thread_priority(int inc) {
  if (inc <= 0)
    return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0)
    ::setpriority(PRIO_PROCESS, tid, now + inc);
}

hub::hub(hub_options o)
    : opts_(o) {
  thread_ = std::thread([this] {
    lower_thread_priority(opts_.nice);
    dispatch();
  });
}

hub::~hub() {
  {
    std::lock_guard<std::mutex> g{mtx_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<server_run> hub::add_run(run_kind kind, std::string title) {
  auto r = std::make_shared<server_run>();
  r->kind = kind;
  r->title = std::move(title);
  r->started = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  std::lock_guard<std::mutex> g{runs_mtx_};
  r->id = std::string{to_string(kind)} + "-" + std::to_string(++counts_[kind]);
  runs_.push_back(r);
  return r;
}

void hub::reserve(run_kind kind, std::uint64_t n) {
  std::lock_guard<std::mutex> g{runs_mtx_};
  auto& c = counts_[kind];
  c = std::max(c, n);
}

std::shared_ptr<server_run> hub::find(const std::string& id) const {
  std::lock_guard<std::mutex> g{runs_mtx_};
  for (const auto& r : runs_)
    if (r->id == id)
      return r;
  return nullptr;
}

std::vector<std::shared_ptr<server_run>> hub::runs() const {
  std::lock_guard<std::mutex> g{runs_mtx_};
  return runs_;
}

void hub::publish(std::string_view topic, const std::string& run,
                  const std::string& instance,
                  const nlohmann::ordered_json& data) {
  if (!listened())
    return; // nobody listens: nothing to encode
  publish_raw(
      topic, run, instance,
      data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void hub::publish_event(std::string_view topic, const std::string& run,
                        const live_event& e) {
  enqueue({std::string{topic}, run, e.symbol + ":" + e.name, {}, e});
}

void hub::publish_raw(std::string_view topic, const std::string& run,
                      const std::string& instance, std::string data) {
  enqueue({std::string{topic}, run, instance, std::move(data), std::nullopt});
}

void hub::enqueue(pending&& ev) {
  {
    std::lock_guard<std::mutex> g{mtx_};
    if (subs_.empty())
      return; // nobody listens
    if (queue_.size() >= opts_.queue_limit) {
      ++stats_.overflowed;
      return;
    }
    ++stats_.published;
    queue_.push_back(std::move(ev));
  }
  wake_.notify_one();
}

void hub::progress(server_run& r, double done, double total) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> g{r.mtx};
    r.done = done;
    r.total = total;
    const bool last = total > 0 && done >= total;
    if (!last && now - r.progress_at < std::chrono::milliseconds(100))
      return;
    r.progress_at = now;
  }
  publish("progress", r.id, "",
          nlohmann::ordered_json{{"done", done}, {"total", total}});
}

std::uint64_t hub::subscribe(event_filter f, sink s) {
  std::lock_guard<std::mutex> g{mtx_};
  const auto id = next_sub_++;
  subs_[id] = std::make_shared<const subscriber>(
      subscriber{std::move(f), std::move(s)});
  resnap();
  return id;
}

void hub::unsubscribe(std::uint64_t id) {
  std::lock_guard<std::mutex> g{mtx_};
  subs_.erase(id);
  resnap();
}

void hub::flush() {
  std::unique_lock<std::mutex> g{mtx_};
  idle_.wait(g, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void hub::drop_subscribers() {
  std::unique_lock<std::mutex> g{mtx_};
  subs_.clear();
  resnap();
  queue_.clear();
  idle_.wait(g, [this] { return !busy_ || stopping_; });
}

hub_stats hub::stats() const {
  std::lock_guard<std::mutex> g{mtx_};
  auto s = stats_;
  s.subscribers = subs_.size();
  return s;
}

void hub::dispatch() {
  std::deque<pending> batch;
  std::vector<std::uint64_t> refused;
  for (;;) {
    // Takes every queued event at once: a publisher waits on the lock for
    // a swap, never for a delivery.
    std::shared_ptr<const std::vector<entry>> subs;
    {
      std::unique_lock<std::mutex> g{mtx_};
      busy_ = false;
      if (queue_.empty())
        idle_.notify_all();
      wake_.wait(g, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      batch.swap(queue_);
      busy_ = true;
      subs = snapshot_;
    }
    refused.clear();
    for (auto& ev : batch) {
      std::shared_ptr<const std::string> text;
      for (const auto& [id, s] : *subs) {
        if (!s->filter.matches(ev.topic, ev.run, ev.instance) ||
            std::find(refused.begin(), refused.end(), id) != refused.end())
          continue;
        try {
          if (!text)
            text = encode(ev);
          if (!s->deliver(text))
            refused.push_back(id);
        } catch (const std::exception&) {
          refused.push_back(id); // out of memory: this subscriber goes
        }
      }
    }
    batch.clear();
    if (!refused.empty()) {
      std::lock_guard<std::mutex> g{mtx_};
      for (auto id : refused)
        subs_.erase(id);
      stats_.refused += refused.size();
      resnap();
    }
  }
}

std::shared_ptr<const std::string> hub::encode(const pending& ev) {
  // The names are btk's own (topics, run ids, symbols and strategy names),
  // escaped all the same.
  auto quoted = [](const std::string& x) {
    return nlohmann::json(x).dump(-1, ' ', false,
                                  nlohmann::json::error_handler_t::replace);
  };
  return std::make_shared<const std::string>(
      "{\"topic\":" + quoted(ev.topic) + ",\"run\":" + quoted(ev.run) +
      ",\"instance\":" + quoted(ev.instance) + ",\"data\":" +
      (ev.event ? live_event_json_line(*ev.event) : ev.data) + "}");
}

void hub::resnap() {
  auto next = std::make_shared<std::vector<entry>>();
  for (const auto& [id, s] : subs_)
    next->emplace_back(id, s);
  snapshot_ = std::move(next);
  listened_ = subs_.size();
}

} // namespace btk
