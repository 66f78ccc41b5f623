#include "runtime/exchange/exchange_clock.hpp"

#include <algorithm>
#include <thread>

namespace btk {

using std::chrono::steady_clock;

expected<std::unique_ptr<exchange_clock>>
exchange_clock::start(binance_rest rest, std::chrono::milliseconds probe) {
  std::unique_ptr<exchange_clock> c{new exchange_clock(std::move(rest))};
  // The first readings may meet a rate limit: up to 20 tries, 100 ms
  // apart (the server's rate, which would scale its Retry-After, is what
  // these readings are for).
  auto reading = [&c](steady_clock::time_point& at) -> expected<timestamp> {
    for (int attempt = 1;; ++attempt) {
      at = steady_clock::now();
      auto t = c->rest_.server_time();
      if (t || attempt == 20)
        return t;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };
  steady_clock::time_point t0, t1;
  auto a = reading(t0);
  if (!a)
    return error{"exchange clock: " + a.err().message};
  std::this_thread::sleep_for(probe);
  auto b = reading(t1);
  if (!b)
    return error{"exchange clock: " + b.err().message};
  const double local =
      std::chrono::duration<double, std::milli>(t1 - t0).count();
  // Within 5 % of real time it is real time (Binance): no drift from noise.
  const double r = static_cast<double>(*b - *a) / local;
  c->rate_ = (r > 0.95 && r < 1.05) || r <= 0 ? 1.0 : r;
  c->server_ = *b;
  c->local_ = t1;
  c->next_sync_ = t1 + std::chrono::seconds(5);
  return c;
}

expected<bool> exchange_clock::sync() {
  const auto before = steady_clock::now();
  auto t = rest_.server_time();
  if (!t)
    return t.err();
  const auto after = steady_clock::now();
  server_ = *t;
  local_ = before + (after - before) / 2;
  next_sync_ = after + std::chrono::seconds(5);
  return true;
}

timestamp exchange_clock::now() {
  const auto at = steady_clock::now();
  if (at >= next_sync_) {
    // A failed sync keeps the extrapolation and tries again later.
    if (!sync())
      next_sync_ = at + std::chrono::seconds(5);
  }
  const double spent =
      std::chrono::duration<double, std::milli>(steady_clock::now() - local_)
          .count();
  last_ = std::max(last_, server_ + static_cast<timestamp>(spent * rate_));
  return last_;
}

bool exchange_clock::wait_until(timestamp t, const std::atomic<bool>& cancel) {
  while (!cancel.load()) {
    const timestamp left = t - now();
    if (left <= 0)
      return true;
    const double wall = static_cast<double>(left) / rate_;
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(
        std::clamp(wall, 1.0, 200.0)));
  }
  return false;
}

} // namespace btk
