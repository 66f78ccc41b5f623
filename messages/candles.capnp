@0xde9a0f86c5a7594c;
# Market data records: what the candle store keeps on disk and what nodes
# send each other. Field numbers are forever: add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("btk::schema");

# Candles of one symbol and interval, stored column-wise. In the candle
# store one batch holds one UTC day.
struct CandleBatch {
  symbol @0 :Text;
  # Interval text as btk writes it ("1m", "1h", ...).
  interval @1 :Text;
  # Open time of each candle, ms since the Unix epoch, ascending.
  openTime @2 :List(Int64);
  open @3 :List(Float64);
  high @4 :List(Float64);
  low @5 :List(Float64);
  close @6 :List(Float64);
  volume @7 :List(Float64);
}
