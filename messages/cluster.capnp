@0x92f47b0e940a5cce;
# Cluster records: what a sweep coordinator tells a `btk node` before it
# leases jobs. Jobs and results are `sweep.capnp`'s records, candles
# `candles.capnp`'s batches. Field numbers are forever: add fields, never
# renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("btk::schema");

# One engine setting (core/engine/config.hpp) as `get_config_value` gives
# it: booleans 0/1, integers exact.
struct ConfigValue {
  name @0 :Text;
  value @1 :Float64;
}

# The candles of one symbol, sent once per node and cached there under
# their content hash: SHA-256 of the batches' bytes, in order.
struct SeriesRef {
  symbol @0 :Text;
  # 32 bytes.
  hash @1 :Data;
  candles @2 :UInt64;
  # Number of `CandleBatch` messages the candles travel in.
  chunks @3 :UInt32;
}

# What every job of one sweep shares: the engine settings and the series.
struct SweepSetup {
  config @0 :List(ConfigValue);
  # The settings were accepted with --unsafe-config (skip the checks).
  unsafe @1 :Bool;
  series @2 :List(SeriesRef);
}
