#pragma once

// Where a live session publishes its events. Every event is persisted
// before a sink sees it; a sink's acknowledgement is persisted with the
// next minute's batch, and after a restart the events a sink has not
// acknowledged are handed to `recover`, which must skip the ones it
// already has: outputs are exactly-once by event id.

#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "messages/live_convert.hpp"

namespace btk {

/// A consumer of live events.
class live_sink {
public:
  virtual ~live_sink() = default;
  /// A stable name: the key of its acknowledgement in the state.
  virtual std::string name() const = 0;
  /// Takes one minute's events, in order. An error stops the session (the
  /// events stay persisted and are handed over again after a restart).
  virtual expected<bool> deliver(const std::vector<live_event>& events) = 0;
  /// After a restart: events persisted but not acknowledged, some of which
  /// the sink may already have. Default: `deliver`
  virtual expected<bool> recover(const std::vector<live_event>& events) {
    return deliver(events);
  }
};

/// JSON lines in a file, appended (`--events-out`, `--trades-out`). On
/// open, a line cut short by a crash is removed; `recover` skips events
/// whose id is already in the file.
class jsonl_sink final : public live_sink {
public:
  /// Which events a file takes.
  enum class filter {
    /// Everything the session publishes (`--events-out`).
    all,
    /// Closed and cancelled results (`--trades-out`).
    trades,
  };

  static expected<std::unique_ptr<jsonl_sink>> open(const std::string& path,
                                                    filter f);
  ~jsonl_sink() override;

  std::string name() const override;
  expected<bool> deliver(const std::vector<live_event>& events) override;
  expected<bool> recover(const std::vector<live_event>& events) override;

private:
  jsonl_sink(std::string path, filter f, std::FILE* file)
      : path_(std::move(path))
      , filter_(f)
      , file_(file) {}
  bool wanted(const live_event& e) const;

  std::string path_;
  filter filter_;
  std::FILE* file_;
};

/// Calls a function for every event (a host's listener).
class callback_sink final : public live_sink {
public:
  callback_sink(std::string name, std::function<void(const live_event&)> f)
      : name_(std::move(name))
      , f_(std::move(f)) {}
  std::string name() const override { return name_; }
  expected<bool> deliver(const std::vector<live_event>& events) override {
    for (const auto& e : events)
      f_(e);
    return true;
  }

private:
  std::string name_;
  std::function<void(const live_event&)> f_;
};

} // namespace btk
