@0xde9a0f86c5a7594c;
# Market data records: what the candle store keeps on disk and what nodes
# send each other. Field numbers are forever: add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("btk::schema");

# Candles of one symbol and interval, stored column-wise. In the candle
# store one batch holds one UTC day (the store key names the day).
struct CandleBatch {
  symbol @0 :Text;
  # Interval text as btk writes it ("1m", "1h", ...).
  interval @1 :Text;
  # Open time of each candle, ms since the Unix epoch, ascending. Every
  # other list has exactly as many entries.
  openTime @2 :List(Int64);
  open @3 :List(Float64);
  high @4 :List(Float64);
  low @5 :List(Float64);
  close @6 :List(Float64);
  volume @7 :List(Float64);
}

# A run of missing candles: open times of the first and the last missing
# candle, both included, ms since the Unix epoch.
struct CandleGap {
  from @0 :Int64;
  to @1 :Int64;
}

# What the candle store holds for one symbol and interval; written in the
# same atomic batch as the day values it describes, so `btk data ls` never
# has to read the candles.
struct CandleSeriesInfo {
  symbol @0 :Text;
  interval @1 :Text;
  # Open times of the first and the last stored candle.
  first @2 :Int64;
  last @3 :Int64;
  # Stored candles (first .. last minus the gaps).
  count @4 :UInt64;
  # Stored day values (UTC days holding at least one candle).
  days @5 :UInt32;
  # Missing stretches between first and last, ascending.
  gaps @6 :List(CandleGap);
}
