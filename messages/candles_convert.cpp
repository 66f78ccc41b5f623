#include "messages/candles_convert.hpp"

#include "core/market/time.hpp"

#include <cstdint>
#include <cstring>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include "messages/candles.capnp.h"
#include "messages/capnp_bytes.hpp"

namespace btk {

namespace {

// Words of the single segment that holds a batch of `n` candles: root
// pointer and struct, six list pointers' targets (one word per value), the
// two texts, plus slack.
std::size_t batch_words(std::size_t n, std::size_t symbol_size) {
  return 16 + 6 * n + (symbol_size + 8) / 8 + 2;
}

expected<interval> interval_of(capnp::Text::Reader text) {
  const std::string_view s(text.cStr(), text.size());
  if (auto iv = parse_interval(s))
    return *iv;
  return error{"unknown interval '" + std::string(s) + "'"};
}

} // namespace

std::string encode_candle_batch(std::string_view symbol, interval iv,
                                const candle* candles, std::size_t n) {
  capnp::MallocMessageBuilder mb(
      static_cast<unsigned>(batch_words(n, symbol.size())));
  auto b = mb.initRoot<schema::CandleBatch>();
  set_text(b.initSymbol(static_cast<unsigned>(symbol.size())), symbol);
  const std::string_view ivs = to_string(iv);
  set_text(b.initInterval(static_cast<unsigned>(ivs.size())), ivs);
  const auto count = static_cast<unsigned>(n);
  auto ts = b.initOpenTime(count);
  auto open = b.initOpen(count);
  auto high = b.initHigh(count);
  auto low = b.initLow(count);
  auto close = b.initClose(count);
  auto volume = b.initVolume(count);
  for (unsigned i = 0; i < count; ++i) {
    const candle& c = candles[i];
    ts.set(i, c.ts);
    open.set(i, c.open);
    high.set(i, c.high);
    low.set(i, c.low);
    close.set(i, c.close);
    volume.set(i, c.volume);
  }
  return to_bytes(mb);
}

std::string encode_candle_batch(std::string_view symbol, interval iv,
                                const std::vector<candle>& candles) {
  return encode_candle_batch(symbol, iv, candles.data(), candles.size());
}

expected<candle_batch_header> append_candle_batch(std::string_view bytes,
                                                  std::vector<candle>& out) {
  return with_reader(
      bytes,
      [&](capnp::FlatArrayMessageReader& rd) -> expected<candle_batch_header> {
        const auto b = rd.getRoot<schema::CandleBatch>();
        auto iv = interval_of(b.getInterval());
        if (!iv)
          return iv.err();
        const auto ts = b.getOpenTime();
        const auto open = b.getOpen();
        const auto high = b.getHigh();
        const auto low = b.getLow();
        const auto close = b.getClose();
        const auto volume = b.getVolume();
        const unsigned n = ts.size();
        const std::pair<const char*, unsigned> sizes[] = {
            {"open", open.size()},
            {"high", high.size()},
            {"low", low.size()},
            {"close", close.size()},
            {"volume", volume.size()}};
        for (const auto& [name, size] : sizes)
          if (size != n)
            return error{std::string("column ") + name + " has " +
                         std::to_string(size) + " entries but openTime has " +
                         std::to_string(n)};
        // Everything that can throw is read before `out` changes.
        const auto sym = b.getSymbol();
        candle_batch_header h{std::string(sym.cStr(), sym.size()), *iv, n};
        out.reserve(out.size() + n);
        for (unsigned i = 0; i < n; ++i)
          out.push_back({ts[i], open[i], high[i], low[i], close[i], volume[i]});
        return h;
      });
}

expected<candle_batch> decode_candle_batch(std::string_view bytes) {
  candle_batch out;
  auto h = append_candle_batch(bytes, out.candles);
  if (!h)
    return h.err();
  out.symbol = std::move(h->symbol);
  out.iv = h->iv;
  return out;
}

std::string encode_candle_series_info(const candle_series_info& info) {
  capnp::MallocMessageBuilder mb(static_cast<unsigned>(
      32 + 2 * info.gaps.size() + info.symbol.size() / 8));
  auto b = mb.initRoot<schema::CandleSeriesInfo>();
  set_text(b.initSymbol(static_cast<unsigned>(info.symbol.size())),
           info.symbol);
  const std::string_view ivs = to_string(info.iv);
  set_text(b.initInterval(static_cast<unsigned>(ivs.size())), ivs);
  b.setFirst(info.first);
  b.setLast(info.last);
  b.setCount(info.count);
  b.setDays(info.days);
  auto gaps = b.initGaps(static_cast<unsigned>(info.gaps.size()));
  for (unsigned i = 0; i < gaps.size(); ++i) {
    gaps[i].setFrom(info.gaps[i].from);
    gaps[i].setTo(info.gaps[i].to);
  }
  return to_bytes(mb);
}

expected<candle_series_info> decode_candle_series_info(std::string_view bytes) {
  return with_reader(
      bytes,
      [&](capnp::FlatArrayMessageReader& rd) -> expected<candle_series_info> {
        const auto b = rd.getRoot<schema::CandleSeriesInfo>();
        auto iv = interval_of(b.getInterval());
        if (!iv)
          return iv.err();
        candle_series_info info;
        const auto sym = b.getSymbol();
        info.symbol.assign(sym.cStr(), sym.size());
        info.iv = *iv;
        info.first = b.getFirst();
        info.last = b.getLast();
        info.count = b.getCount();
        info.days = b.getDays();
        // Times outside btk's range would overflow the arithmetic on them.
        // The store keys days with 4-digit years: 0000-01-01 .. 9999-12-31.
        constexpr timestamp earliest = days_from_civil(0, 1, 1) * day_ms;
        auto in_range = [](timestamp t) {
          return t >= earliest && t <= latest_time;
        };
        if (!in_range(info.first) || !in_range(info.last) ||
            info.first > info.last)
          return error{"CandleSeriesInfo: first " + std::to_string(info.first) +
                       " and last " + std::to_string(info.last) +
                       " are not a range of times"};
        const auto gaps = b.getGaps();
        info.gaps.reserve(gaps.size());
        const timestamp step = interval_ms(info.iv);
        for (const auto g : gaps) {
          if (g.getFrom() < info.first || g.getTo() > info.last ||
              g.getFrom() > g.getTo())
            return error{"CandleSeriesInfo: the gap " +
                         std::to_string(g.getFrom()) + " .. " +
                         std::to_string(g.getTo()) + " is not within " +
                         std::to_string(info.first) + " .. " +
                         std::to_string(info.last)};
          info.gaps.push_back(
              {g.getFrom(), g.getTo(), (g.getTo() - g.getFrom()) / step + 1});
        }
        return info;
      });
}

} // namespace btk
