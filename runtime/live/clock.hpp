#pragma once

// The clocks a live session runs on (`btk live --clock`).

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/market/time.hpp"

namespace btk {

/// Time for a live session.
class live_clock {
public:
  virtual ~live_clock() = default;
  /// The current time, ms UTC.
  virtual timestamp now() = 0;
  /// Blocks until `now() >= t`; returns false early once `*cancel` is set.
  virtual bool wait_until(timestamp t, const std::atomic<bool>& cancel) = 0;
  /// Whether minutes pass only as fast as the session runs them (replays,
  /// tests): then no tick is ever late.
  virtual bool is_virtual() const { return false; }
};

/// As fast as the data allows: waiting for `t` moves the clock to `t`.
class virtual_clock final : public live_clock {
public:
  explicit virtual_clock(timestamp start = 0)
      : now_(start) {}
  timestamp now() override { return now_; }
  bool wait_until(timestamp t, const std::atomic<bool>& cancel) override {
    if (t > now_)
      now_ = t;
    return !cancel.load();
  }
  bool is_virtual() const override { return true; }

private:
  timestamp now_;
};

/// Wall time, or wall time at `factor` times real speed from `origin`
/// (`x60`: an hour of trading per minute; `x1 --from T`: real speed from
/// T), starting when the clock is made.
class wall_clock final : public live_clock {
public:
  /// Without `origin`: factor 1 is the real clock, and another factor
  /// starts from the current minute.
  explicit wall_clock(double factor = 1,
                      std::optional<timestamp> origin = std::nullopt);
  timestamp now() override;
  bool wait_until(timestamp t, const std::atomic<bool>& cancel) override;

private:
  double factor_;
  std::optional<timestamp> origin_;
  std::chrono::steady_clock::time_point start_;
};

/// Reads `--clock`: `real`, `virtual` or `xN` (N > 0). `origin` is where
/// a virtual or `xN` clock starts (the session's `--from`; `x1` with it is
/// real speed from there); `real` ignores it.
expected<std::unique_ptr<live_clock>>
make_clock(const std::string& text, std::optional<timestamp> origin);

} // namespace btk
