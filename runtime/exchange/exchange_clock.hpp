#pragma once

// `--clock exchange`: the exchange server's time (`/api/v3/time`), read
// now and then and run forward in between at the rate it was seen to move
// (1 for Binance; 600 for `btk exchange-sim --speed 600`).

#include <chrono>
#include <memory>

#include "runtime/exchange/binance_rest.hpp"
#include "runtime/live/clock.hpp"

namespace btk {

class exchange_clock final : public live_clock {
public:
  /// Reads the server time twice, `probe` apart, to learn its rate; then
  /// again every 5 s (real time) while `now` is called. Give `rest` a
  /// policy of one attempt: a failed reading keeps the extrapolation.
  static expected<std::unique_ptr<exchange_clock>>
  start(binance_rest rest,
        std::chrono::milliseconds probe = std::chrono::milliseconds(300));

  timestamp now() override;
  bool wait_until(timestamp t, const std::atomic<bool>& cancel) override;

  /// Server milliseconds per local millisecond.
  double rate() const noexcept { return rate_; }

private:
  explicit exchange_clock(binance_rest rest)
      : rest_(std::move(rest)) {}
  expected<bool> sync();

  binance_rest rest_;
  timestamp server_ = 0;
  std::chrono::steady_clock::time_point local_;
  double rate_ = 1;
  std::chrono::steady_clock::time_point next_sync_;
  // The last time handed out: the clock never goes back after a sync.
  timestamp last_ = 0;
};

} // namespace btk
