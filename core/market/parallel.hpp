#pragma once

#include <cstddef>
#include <functional>

namespace btk {

/// Runs `body(0)`, ..., `body(parts - 1)`, possibly at once on several
/// threads, and returns when every call has returned; when a body throws,
/// the runner rethrows the first exception after all have returned. core/
/// starts no threads itself: the host installs a runner
/// (`set_parallel_runner`); without one, the parts run in turn on the
/// calling thread.
using parallel_runner = std::function<void(
    std::size_t parts, const std::function<void(std::size_t)>& body)>;

/// Installs the process-wide runner and the number of threads it may use at
/// once (at least 1). A series uses it to build the caches a run needs
/// first (the VWAP array, aggregated bars) on several cores, since a cold
/// run spends most of its time there. Default: none, 1 thread
void set_parallel_runner(parallel_runner runner, std::size_t threads);

/// Whether a runner is installed.
bool has_parallel_runner();

/// Splits `[0, n)` into ranges of at least `min_part` elements, up to four
/// per thread of the runner, and runs `body(from, to)` for each, the
/// runner's threads taking the next range as they finish one (so a thread
/// that starts late holds up nobody). Without a runner, or when `n` is
/// under two ranges, `body(0, n)` runs on the calling thread. Every element
/// is in exactly one range, so a body that computes each element on its
/// own gives the same bits however the range is split.
void for_each_part(
    std::size_t n, std::size_t min_part,
    const std::function<void(std::size_t from, std::size_t to)>& body);

} // namespace btk
