#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/market/series.hpp"

namespace btk {

/// One indicator over the bars of one interval of a series: a value per
/// bar, computed a block of `block` bars at a time on first use and then
/// shared read-only by every run on the series (the way the VWAP array
/// is). A backtest sweep computes each block once for all of its jobs; a
/// live tick computes, and allocates, only the block it reads. Thread-safe.
class indicator_values {
public:
  /// Bars per block: small, so that a live tick on a long series holds
  /// little, and large enough that a sweep fills its values in vectorised
  /// runs. Default: 64
  static constexpr std::size_t block = 64;

  /// Values over `bars`, which must outlive this object.
  indicator_values(const bar_series& bars, indicator_fill fill);
  ~indicator_values();
  indicator_values(const indicator_values&) = delete;
  indicator_values& operator=(const indicator_values&) = delete;

  /// Number of values: one per bar.
  std::size_t size() const noexcept { return n_; }

  /// Bytes the values take once every block is computed.
  std::size_t full_bytes() const noexcept { return n_ * sizeof(double); }

  /// Bytes of the blocks computed so far.
  std::size_t bytes() const noexcept {
    return filled_.load(std::memory_order_relaxed) * block * sizeof(double);
  }

  /// The value of bar `k` (`k < size()`), computing its block first when
  /// no run has needed it yet.
  double at(std::size_t k) const {
    const double* p = blocks_[k / block].load(std::memory_order_acquire);
    if (p == nullptr)
      p = fill_block(k / block);
    return p[k % block];
  }

private:
  const double* fill_block(std::size_t b) const;

  const bar_series& bars_;
  indicator_fill fill_;
  std::size_t n_;
  std::size_t nblocks_;
  /// Each block's values once computed (owned), else nullptr.
  std::unique_ptr<std::atomic<double*>[]> blocks_;
  mutable std::atomic<std::size_t> filled_{0};
  mutable std::mutex fill_mtx_;
};

/// The bound on what the indicator caches of all series in the process
/// may hold, counted as each cached indicator's `full_bytes()`. A series
/// adding one drops its own oldest first; an indicator that still does not
/// fit is computed for the runs that asked and not cached. Default: 1 GiB
constexpr std::size_t default_indicator_cache_budget = std::size_t{1} << 30;

/// Sets the process-wide indicator cache budget in bytes (0: cache
/// nothing). Caches already over it shrink as their series add more.
void set_indicator_cache_budget(std::size_t bytes) noexcept;

/// The process-wide indicator cache budget in bytes.
std::size_t indicator_cache_budget() noexcept;

/// Bytes the indicator caches of all series hold now (`full_bytes()`).
std::size_t indicator_cache_bytes() noexcept;

namespace detail {

/// The cache's share of the process-wide budget, held while an indicator
/// is cached and given back when it leaves the cache.
class indicator_charge {
public:
  indicator_charge() = default;
  /// Takes `bytes` when they fit in the budget; `held()` says whether.
  explicit indicator_charge(std::size_t bytes) noexcept;
  indicator_charge(indicator_charge&& other) noexcept;
  indicator_charge& operator=(indicator_charge&& other) noexcept;
  ~indicator_charge();
  bool held() const noexcept { return bytes_ != 0; }
  std::size_t bytes() const noexcept { return bytes_; }

private:
  std::size_t bytes_ = 0;
};

} // namespace detail

/// The simple moving average of `period` closes: value `k` is the sum of
/// closes `k - period + 1 ..= k`, added oldest to newest, divided by
/// `period` (the reference's order, parity/README.md); NaN for the first
/// `period - 1` bars. Fills several bars at once with the same additions in
/// the same order, so every value has the bits of the one-window loop.
indicator_fill sma_fill(std::size_t period);

} // namespace btk
