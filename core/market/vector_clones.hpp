#pragma once

/// Marks a function whose loops vectorise to be compiled twice, for AVX2
/// and for the baseline, with the choice made once at load time by the
/// CPU it runs on (GCC's and Clang's `target_clones`). Only for loops whose
/// lanes each do their own IEEE additions and divisions in the written
/// order: wider vectors then change no bit (and -ffp-contract=off keeps
/// FMA out). Empty where ifunc is not available.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) &&          \
    !defined(BTK_NO_VECTOR_CLONES)
#define BTK_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BTK_VECTOR_CLONES
#endif
