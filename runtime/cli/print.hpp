#pragma once

// The short human summaries `btk backtest` and `btk walker` print from the
// result models (machine-readable output goes to files through
// runtime/results/json.hpp).

#include "runtime/results/results.hpp"

namespace btk {

/// Notes on stderr (filled gaps, dropped signals, strategy errors) unless
/// `quiet`, then the summary on stdout: the candles, the frame, one line
/// per run with its report and, when its statistics are capped, how to lift
/// the cap; the walkers' best strategies or the Heat figures; the timing.
void print_batch(const batch_report& rep, const char* verb, bool quiet);

/// The sweep's job counts and throughput, then its top table (or its
/// walk-forward windows), with a note when statistics were capped.
void print_sweep(const sweep_report& rep, bool quiet);

} // namespace btk
