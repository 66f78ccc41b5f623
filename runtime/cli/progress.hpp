#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace btk {

/// A one-line progress bar with ETA on stderr. Draws only when stderr is a
/// terminal, at most ten times a second, so it costs nothing in pipes and
/// CI logs.
class progress_bar {
public:
  /// `label` is printed before the bar; `total` is the amount of work.
  progress_bar(std::string label, double total);
  ~progress_bar();

  /// Sets the amount done so far.
  void update(double done);

  /// Changes the label (e.g. to the strategy that runs now).
  void set_label(std::string label) { label_ = std::move(label); }

  /// Clears the line.
  void finish();

  /// True when the bar draws (stderr is a terminal).
  bool enabled() const noexcept { return enabled_; }

private:
  std::string label_;
  double total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

} // namespace btk
