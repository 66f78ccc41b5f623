@0x8cfa94d7150aa583;
# Sweep records: one job (a parameter set x symbol x frame) and its result.
# The same records go to RocksDB (resumable sweeps) and, later, to other
# nodes. Field numbers are forever: add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("btk::schema");

struct SweepJob {
  # Stable id: the same sweep command gives every job the same id.
  id @0 :UInt64;
  # Strategy spec `name:key=value,...` of the parameter set.
  spec @1 :Text;
  symbol @2 :Text;
  # Walk-forward window (0 when the sweep has none).
  window @3 :UInt32;
  frameStart @4 :Int64;
  frameEnd @5 :Int64;
  # Tick spacing in ms.
  frameStepMs @6 :Int64;
}

# One statistic under its reference name; exactly one value or none (null).
struct StatField {
  name @0 :Text;
  union {
    null @1 :Void;
    integer @2 :Int64;
    number @3 :Float64;
    text @4 :Text;
  }
}

struct SweepResult {
  id @0 :UInt64;
  spec @1 :Text;
  symbol @2 :Text;
  window @3 :UInt32;
  # The statistics, in the reference's field order.
  stats @4 :List(StatField);
  # Set when the run failed (the stats are then empty).
  error @5 :Text;
  # Closed trades of the run; the stats may cover only the newest
  # CC_MAX_BACKTEST_MARKDOWN_ROWS of them.
  closed @6 :UInt64;
}
