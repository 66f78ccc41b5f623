#pragma once

// The runner with which core/ builds a series' caches and the store reads
// a long range on several threads (core/market/parallel.hpp).

#include <cstddef>

namespace btk {

/// Installs the process-wide parallel runner: part 0 of a build on the
/// calling thread, the others on threads of their own (tens of
/// microseconds to start, against milliseconds of work). `threads` is how
/// many may run at once; 0 means one per core. The engine installs it with
/// its scheduler's thread count, and loading candles installs it first.
void install_parallel_runner(std::size_t threads);

} // namespace btk
