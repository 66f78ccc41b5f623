// The records btk reads back from its RocksDB stores (candle store: one
// `CandleBatch` per day and a `CandleSeriesInfo` per series; live store:
// instance records and events) on any bytes, the first byte picking the
// decoder. A record that decodes encodes to bytes that decode to the same
// encoding: nothing is read that could not have been written.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "messages/candles_convert.hpp"
#include "messages/live_convert.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  unsigned pick = 0;
  std::string_view bytes;
  if (!fuzz_pick(data, size, pick, bytes))
    return 0;
  switch (pick % 4) {
  case 0:
    fuzz_round_trip(
        bytes, btk::decode_candle_batch, [](const btk::candle_batch& b) {
          return btk::encode_candle_batch(b.symbol, b.iv, b.candles);
        });
    break;
  case 1:
    fuzz_round_trip(bytes, btk::decode_candle_series_info,
                    btk::encode_candle_series_info);
    break;
  case 2:
    fuzz_round_trip(bytes, btk::decode_live_instance,
                    btk::encode_live_instance);
    break;
  default:
    fuzz_round_trip(bytes, btk::decode_live_event, btk::encode_live_event);
    break;
  }
  return 0;
}
