#pragma once

// What the live benchmarks share: the 20 strategies each symbol runs
// (every-n on a 1m throttle, sma-cross on 1m / 5m / 15m / 1h, scheduled
// entries) and percentiles of minute latencies.

#include <algorithm>
#include <string>
#include <vector>

namespace btk::bench {

inline std::vector<std::string> strategy_specs() {
  std::vector<std::string> out;
  for (int n : {5, 7, 11, 13, 17, 23, 31, 45})
    out.push_back("every-n:n=" + std::to_string(n) +
                  ",side=alt,tp=1,sl=0.8,minutes=30");
  for (const char* iv : {"1m", "5m", "15m", "1h"})
    for (const char* fs : {"fast=5,slow=20", "fast=9,slow=26"})
      out.push_back(std::string{"sma-cross:"} + fs + ",interval=" + iv +
                    ",tp=1,sl=0.8,minutes=120");
  for (int n : {15, 30, 45, 60})
    out.push_back("scheduled:n=" + std::to_string(n) +
                  ",offset=0.2,side=alt,tp=1,sl=1,minutes=60");
  return out;
}

/// The `p` quantile (0..1) of `xs`, by rank; 0 for none.
inline double percentile(std::vector<double> xs, double p) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  return xs[static_cast<std::size_t>(p * static_cast<double>(xs.size() - 1))];
}

} // namespace btk::bench
