// What a Binance server (or anything pretending to be one) sends btk's live
// feed: REST klines, WebSocket kline events and the server time, on any
// bytes, the first byte picking the parser. Errors never crash; klines that
// parse are candles with finite values.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/exchange/binance_json.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

void finite(const btk::candle& c) {
  for (double v : {c.open, c.high, c.low, c.close, c.volume})
    fuzz_check(std::isfinite(v));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  unsigned pick = 0;
  std::string_view text;
  if (!fuzz_pick(data, size, pick, text))
    return 0;
  switch (pick % 3) {
  case 0: {
    auto ks = btk::binance::parse_klines(text);
    if (ks)
      for (const auto& c : *ks)
        finite(c);
    else
      fuzz_check(!ks.err().message.empty());
    break;
  }
  case 1: {
    auto e = btk::binance::parse_kline_message(text);
    if (e)
      finite(e->c);
    else
      fuzz_check(!e.err().message.empty());
    break;
  }
  default: {
    auto t = btk::binance::parse_server_time(text);
    if (!t)
      fuzz_check(!t.err().message.empty());
    break;
  }
  }
  return 0;
}
