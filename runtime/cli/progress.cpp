#include "runtime/cli/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace btk {

progress_bar::progress_bar(std::string label, double total)
    : label_(std::move(label))
    , total_(total > 0 ? total : 1)
    , enabled_(isatty(STDERR_FILENO) == 1)
    , start_(std::chrono::steady_clock::now())
    , last_(start_) {}

progress_bar::~progress_bar() {
  finish();
}

void progress_bar::update(double done) {
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100))
    return;
  last_ = now;
  drawn_ = true;
  const double frac = done < 0 ? 0 : done > total_ ? 1 : done / total_;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double eta = frac > 0 ? secs / frac - secs : 0;
  constexpr int width = 30;
  const int full = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(full), '#');
  bar.resize(width, '.');
  // Labels up to 40 characters ("sweep 1013/11964 jobs, 2500 jobs/s").
  std::fprintf(stderr, "\r%-24.40s [%s] %5.1f%%  ETA %5.1fs ", label_.c_str(),
               bar.c_str(), frac * 100, eta);
  std::fflush(stderr);
}

void progress_bar::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r%100s\r", "");
    std::fflush(stderr);
    drawn_ = false;
  }
}

} // namespace btk
