@0xb5d3f0a4c2e17a91;
# Live-mode records: an instance's state and the events it publishes. Both
# go to RocksDB (crash-safe live state, `btk live --state DIR`) and, later,
# to other nodes. Field numbers are forever: add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("btk::schema");

# A signal row (core/engine/signal.hpp `signal_row`).
struct SignalRow {
  id @0 :Text;
  note @1 :Text;
  # 0 long, 1 short.
  position @2 :UInt8;
  priceOpen @3 :Float64;
  originalPriceOpen @4 :Float64;
  priceTakeProfit @5 :Float64;
  priceStopLoss @6 :Float64;
  minuteEstimatedTime @7 :Int64;
  scheduledAt @8 :Int64;
  pendingAt @9 :Int64;
}

struct Excursion {
  price @0 :Float64;
  pnl @1 :Float64;
  at @2 :Int64;
}

# Everything an instance needs to continue after a restart
# (core/live/live_machine.hpp `live_state`), plus what it was made from.
struct LiveInstance {
  symbol @0 :Text;
  # Run name `name#k`.
  name @1 :Text;
  # The strategy spec it runs; a restart with another spec under the same
  # name is refused.
  spec @2 :Text;
  # 0 flat, 1 scheduled, 2 pending.
  phase @3 :UInt8;
  signal @4 :SignalRow;
  peak @5 :Excursion;
  fall @6 :Excursion;
  lastBucket @7 :Int64;
  lastTick @8 :Int64;
  signals @9 :UInt64;
  lastPendingId @10 :Text;
  stopped @11 :Bool;
  cancelDue @12 :Bool;
  ended @13 :Bool;
  # Events this instance has published; the next gets `events + 1`.
  events @14 :UInt64;
  # The minute of the batch that wrote this record. Minutes after it ran
  # without changing the instance (see `live_instance_record`).
  writtenAt @15 :Int64;
  # The open position's partial profit and loss levels reached (0: none).
  profitLevel @16 :UInt8;
  lossLevel @17 :UInt8;
  # The risk profiles it answers to: a restart counts its open position in
  # them even when it does not run the instance.
  risks @18 :List(Text);
}

# One published event: a tick result or a caught warning.
struct LiveEvent {
  # Position in the process-wide order of events (the RocksDB key).
  seq @0 :UInt64;
  symbol @1 :Text;
  name @2 :Text;
  # The instance's own event number: the id is `symbol:name:number`.
  number @3 :UInt64;
  when @4 :Int64;
  # core `action` (0 idle .. 6 waiting); 255 for a warning.
  kind @5 :UInt8;
  signal @6 :SignalRow;
  currentPrice @7 :Float64;
  closeReason @8 :UInt8;
  cancelReason @9 :UInt8;
  closeTimestamp @10 :Int64;
  priceClose @11 :Float64;
  pnlPercentage @12 :Float64;
  pnlCost @13 :Float64;
  pnlEntries @14 :Float64;
  pnlPriceOpen @15 :Float64;
  pnlPriceClose @16 :Float64;
  peakPnl @17 :Float64;
  maxDrawdownPnl @18 :Float64;
  percentTp @19 :Float64;
  percentSl @20 :Float64;
  # A warning's text.
  message @21 :Text;
  # The broker's answer to an opened or closed result: its order id, fill
  # price and quantity (empty id: no order).
  orderId @22 :Text;
  fillPrice @23 :Float64;
  fillQuantity @24 :Float64;
}
