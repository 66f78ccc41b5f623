#include "runtime/live/clock.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace btk {

wall_clock::wall_clock(double factor, std::optional<timestamp> origin)
    : factor_(factor)
    , origin_(origin)
    , start_(std::chrono::steady_clock::now()) {
  if (!origin_ && factor_ != 1) // sped up from the current minute
    origin_ = std::chrono::duration_cast<std::chrono::minutes>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count() *
              minute_ms;
}

timestamp wall_clock::now() {
  if (!origin_)
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  const auto spent = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start_)
                         .count();
  return *origin_ + static_cast<timestamp>(spent * factor_);
}

bool wall_clock::wait_until(timestamp t, const std::atomic<bool>& cancel) {
  while (!cancel.load()) {
    const timestamp left = t - now();
    if (left <= 0)
      return true;
    // Sleep in short steps so a stop is seen quickly.
    const double wall_ms = static_cast<double>(left) / factor_;
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(
        std::clamp(wall_ms, 1.0, 200.0)));
  }
  return false;
}

expected<std::unique_ptr<live_clock>>
make_clock(const std::string& text, std::optional<timestamp> origin) {
  if (text == "virtual")
    return std::unique_ptr<live_clock>(
        std::make_unique<virtual_clock>(origin.value_or(0)));
  if (text == "real")
    return std::unique_ptr<live_clock>(std::make_unique<wall_clock>());
  if (text.size() > 1 && text[0] == 'x') {
    char* end = nullptr;
    const double f = std::strtod(text.c_str() + 1, &end);
    if (*end == '\0' && std::isfinite(f) && f > 0 && f <= 1e6)
      return std::unique_ptr<live_clock>(
          std::make_unique<wall_clock>(f, origin));
  }
  return error{"--clock " + text +
               ": expected real, virtual or xN (N a speed-up factor > 0, "
               "at most 1000000, e.g. x60)"};
}

} // namespace btk
