#pragma once

// What every fuzz target shares: `fuzz_check` aborts with a message when an
// invariant fails, so libFuzzer (and the replay runner) report it as a crash
// with its input saved, under any build type.

#include <cstdio>
#include <cstdlib>

#define fuzz_check(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,          \
                   __LINE__, #cond);                                           \
      std::abort();                                                            \
    }                                                                          \
  } while (0)
