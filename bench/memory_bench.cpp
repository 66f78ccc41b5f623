// What memory costs a process that has just started: the first write to a
// page of new memory (the kernel allocates, zeroes and accounts it) against
// a write to memory already in use, for the sizes a one-year run needs.
// Cold runs of btk are bounded by the first: a year of 1-minute candles is
// 21 MB of columns, its 5-minute bars and VWAP array 8.4 MB more.
//
//   memory_bench [MB]   (default 32; best of 5 of each, fresh mappings)

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
      .count();
}

// Writes every byte of `p` (as the engine fills an array), returns ms.
double fill(char* p, std::size_t n) {
  const auto t0 = clock_type::now();
  std::memset(p, 1, n);
  const double ms = ms_since(t0);
  asm volatile("" : : "r"(p) : "memory");
  return ms;
}

} // namespace

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 32;
  const std::size_t n = mb << 20;
  double fresh = 1e300, populated = 1e300, reused = 1e300;
  for (int i = 0; i < 5; ++i) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return 1;
    fresh = std::min(fresh, fill(static_cast<char*>(p), n));
    reused = std::min(reused, fill(static_cast<char*>(p), n));
    ::munmap(p, n);
    const auto t0 = clock_type::now();
    p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED)
      return 1;
    fill(static_cast<char*>(p), n);
    populated = std::min(populated, ms_since(t0));
    ::munmap(p, n);
  }
  const double pages = static_cast<double>(n) / 4096;
  std::printf("| writing %zu MB | ms | per MB | per 4 KiB page |\n", mb);
  std::printf("|---|---:|---:|---:|\n");
  for (const auto& [label, ms] :
       {std::pair{"new memory (first touch)", fresh},
        std::pair{"new memory, MAP_POPULATE", populated},
        std::pair{"memory already in use", reused}})
    std::printf("| %s | %.1f | %.2f ms | %.2f us |\n", label, ms,
                ms / static_cast<double>(mb), ms * 1e3 / pages);
  return 0;
}
