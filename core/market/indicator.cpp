#include "core/market/indicator.hpp"
#include "core/market/vector_clones.hpp"

#include <algorithm>
#include <limits>

namespace btk {

namespace {

std::atomic<std::size_t> cache_budget{default_indicator_cache_budget};
std::atomic<std::size_t> cache_bytes{0};

} // namespace

indicator_values::indicator_values(const bar_series& bars, indicator_fill fill)
    : bars_(bars)
    , fill_(std::move(fill))
    , n_(bars.size())
    , nblocks_((n_ + block - 1) / block)
    , blocks_(new std::atomic<double*>[nblocks_ == 0 ? 1 : nblocks_]) {
  for (std::size_t b = 0; b < nblocks_; ++b)
    blocks_[b].store(nullptr, std::memory_order_relaxed);
}

indicator_values::~indicator_values() {
  for (std::size_t b = 0; b < nblocks_; ++b)
    delete[] blocks_[b].load(std::memory_order_relaxed);
}

const double* indicator_values::fill_block(std::size_t b) const {
  std::lock_guard<std::mutex> guard{fill_mtx_};
  if (const double* p = blocks_[b].load(std::memory_order_relaxed))
    return p;
  const std::size_t from = b * block;
  const std::size_t to = std::min(n_, from + block);
  std::unique_ptr<double[]> values{new double[block]};
  fill_(bars_, from, to, values.get());
  double* p = values.release();
  blocks_[b].store(p, std::memory_order_release);
  filled_.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void set_indicator_cache_budget(std::size_t bytes) noexcept {
  cache_budget.store(bytes);
}

std::size_t indicator_cache_budget() noexcept {
  return cache_budget.load();
}

std::size_t indicator_cache_bytes() noexcept {
  return cache_bytes.load();
}

namespace detail {

indicator_charge::indicator_charge(std::size_t bytes) noexcept {
  if (bytes == 0)
    return;
  std::size_t now = cache_bytes.load();
  do {
    if (now + bytes > cache_budget.load())
      return;
  } while (!cache_bytes.compare_exchange_weak(now, now + bytes));
  bytes_ = bytes;
}

indicator_charge::indicator_charge(indicator_charge&& other) noexcept
    : bytes_(other.bytes_) {
  other.bytes_ = 0;
}

indicator_charge&
indicator_charge::operator=(indicator_charge&& other) noexcept {
  if (this != &other) {
    if (bytes_ != 0)
      cache_bytes.fetch_sub(bytes_);
    bytes_ = other.bytes_;
    other.bytes_ = 0;
  }
  return *this;
}

indicator_charge::~indicator_charge() {
  if (bytes_ != 0)
    cache_bytes.fetch_sub(bytes_);
}

} // namespace detail

namespace {

// Values `[from, to)` of the simple moving average of `period` closes `c`
// into `out[0 .. to - from)` (`sma_fill`). sum[i] is the window ending at
// bar k + i. Adding close j of every window in turn keeps each window's
// additions in its own order (oldest first) while the loop over windows
// vectorises.
BTK_VECTOR_CLONES
void fill_sma(const double* c, std::size_t period, std::size_t from,
              std::size_t to, double* out) {
  const auto p = static_cast<double>(period);
  std::size_t k = from;
  // Bars without `period` closes before them.
  for (; k < to && k + 1 < period; ++k)
    out[k - from] = std::numeric_limits<double>::quiet_NaN();
  if (k >= to || period == 0)
    return;
  double sum[indicator_values::block];
  const std::size_t m = to - k;
  const double* first = c + (k + 1 - period);
  for (std::size_t i = 0; i < m; ++i)
    sum[i] = 0.0 + first[i];
  for (std::size_t j = 1; j < period; ++j) {
    const double* cj = first + j;
    for (std::size_t i = 0; i < m; ++i)
      sum[i] += cj[i];
  }
  for (std::size_t i = 0; i < m; ++i)
    out[k - from + i] = sum[i] / p;
}

} // namespace

indicator_fill sma_fill(std::size_t period) {
  return [period](const bar_series& bars, std::size_t from, std::size_t to,
                  double* out) {
    fill_sma(bars.close.data(), period, from, to, out);
  };
}

} // namespace btk
