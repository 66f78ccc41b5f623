#pragma once

#include <cstdint>
#include <string>

namespace btk {

/// Options of `btk data synth`.
struct synth_command_options {
  /// Output file (`.gz` for gzip). Required.
  std::string out;
  /// Generator seed. Default: 1
  std::uint64_t seed = 1;
  /// Days of 1-minute candles. Default: 30
  double days = 30;
  /// First candle (ISO-8601 UTC or epoch ms). Default: 2024-01-01
  std::string start = "2024-01-01T00:00:00Z";
  /// First open price. Default: 42000
  double price = 42000;
  /// Annualised volatility. Default: 0.6
  double vol = 0.6;
  /// Price decimals. Default: 2
  int decimals = 2;
};

/// Runs `btk data synth`; returns the exit code.
int run_synth_command(const synth_command_options& opts);

/// Runs `btk data check FILE`: reads and validates a candle file, prints
/// what it holds and how long reading took; returns the exit code.
int run_check_command(const std::string& path, bool fill_gaps);

} // namespace btk
