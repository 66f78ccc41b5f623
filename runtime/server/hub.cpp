#include "runtime/server/hub.hpp"

#include <algorithm>

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

hub::hub(hub_options o)
    : opts_(o) {
  thread_ = std::thread([this] { dispatch(); });
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

void hub::publish_raw(std::string_view topic, const std::string& run,
                      const std::string& instance, std::string data) {
  {
    std::lock_guard<std::mutex> g{mtx_};
    if (subs_.empty())
      return; // nobody listens: nothing to encode
    if (queue_.size() >= opts_.queue_limit) {
      ++stats_.overflowed;
      return;
    }
    ++stats_.published;
    queue_.push_back({std::string{topic}, run, instance, std::move(data)});
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
  listened_ = subs_.size();
  return id;
}

void hub::unsubscribe(std::uint64_t id) {
  std::lock_guard<std::mutex> g{mtx_};
  subs_.erase(id);
  listened_ = subs_.size();
}

void hub::flush() {
  std::unique_lock<std::mutex> g{mtx_};
  idle_.wait(g, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

hub_stats hub::stats() const {
  std::lock_guard<std::mutex> g{mtx_};
  auto s = stats_;
  s.subscribers = subs_.size();
  return s;
}

void hub::dispatch() {
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const subscriber>>> to;
  std::vector<std::uint64_t> refused;
  for (;;) {
    pending ev;
    {
      std::unique_lock<std::mutex> g{mtx_};
      busy_ = false;
      if (queue_.empty())
        idle_.notify_all();
      wake_.wait(g, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      ev = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      to.clear();
      for (const auto& [id, s] : subs_)
        if (s->filter.matches(ev.topic, ev.run, ev.instance))
          to.emplace_back(id, s);
    }
    if (to.empty())
      continue;
    // The names are btk's own (topics, run ids, symbols and strategy
    // names), escaped all the same.
    auto quoted = [](const std::string& x) {
      return nlohmann::json(x).dump(-1, ' ', false,
                                    nlohmann::json::error_handler_t::replace);
    };
    auto text = std::make_shared<const std::string>(
        "{\"topic\":" + quoted(ev.topic) + ",\"run\":" + quoted(ev.run) +
        ",\"instance\":" + quoted(ev.instance) + ",\"data\":" + ev.data + "}");
    refused.clear();
    for (const auto& [id, s] : to)
      if (!s->deliver(text))
        refused.push_back(id);
    if (!refused.empty()) {
      std::lock_guard<std::mutex> g{mtx_};
      for (auto id : refused)
        subs_.erase(id);
      listened_ = subs_.size();
      stats_.refused += refused.size();
    }
  }
}

} // namespace btk
