// Candle batches and series info to and from Cap'n Proto bytes: exact to
// the bit, and every malformed input refused with the reason.

#include <catch2/catch.hpp>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "messages/candles.capnp.h"
#include "messages/candles_convert.hpp"

namespace {

using btk::candle;

bool same_bits(const candle& a, const candle& b) {
  return std::memcmp(&a, &b, sizeof(candle)) == 0;
}

double nan_with_payload() {
  const std::uint64_t bits = 0x7ff8'0000'dead'beefULL;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// Candles whose doubles are awkward to carry as text: shortest round-trip
// decimals, denormals, extremes, negative zero, infinity, a NaN payload.
std::vector<candle> awkward_candles() {
  const double inf = std::numeric_limits<double>::infinity();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double big = std::numeric_limits<double>::max();
  return {
      {1'704'067'200'000, 0.1, 0.30000000000000004, 1e-300, 42000.01, 0},
      {1'704'067'260'000, tiny, big, -0.0, inf, nan_with_payload()},
      {-60'000, 1.0 / 3, 2.0 / 3, 123456.789012345, 9.87654321e-7, 1e21},
  };
}

std::string batch_bytes(
    const std::function<void(btk::schema::CandleBatch::Builder)>& fill) {
  capnp::MallocMessageBuilder mb;
  fill(mb.initRoot<btk::schema::CandleBatch>());
  const auto words = capnp::messageToFlatArray(mb);
  const auto bytes = words.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

} // namespace

TEST_CASE("A candle batch round-trips every double to the bit") {
  const auto in = awkward_candles();
  const auto bytes = btk::encode_candle_batch("BTCUSDT", btk::interval::m1, in);
  CHECK(bytes.size() % 8 == 0);
  auto out = btk::decode_candle_batch(bytes);
  REQUIRE(out);
  CHECK(out->symbol == "BTCUSDT");
  CHECK(out->iv == btk::interval::m1);
  REQUIRE(out->candles.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    INFO("candle " << i);
    CHECK(same_bits(out->candles[i], in[i]));
  }
}

TEST_CASE("An empty candle batch round-trips with its symbol and interval") {
  const auto bytes = btk::encode_candle_batch("ETHUSDT", btk::interval::h4,
                                              std::vector<candle>{});
  auto out = btk::decode_candle_batch(bytes);
  REQUIRE(out);
  CHECK(out->symbol == "ETHUSDT");
  CHECK(out->iv == btk::interval::h4);
  CHECK(out->candles.empty());
}

TEST_CASE("A candle batch decodes from bytes that are not word-aligned") {
  const auto in = awkward_candles();
  const auto bytes = btk::encode_candle_batch("X", btk::interval::m1, in);
  std::string shifted = "?" + bytes; // data() + 1 is misaligned
  auto out = btk::decode_candle_batch(std::string_view(shifted).substr(1));
  REQUIRE(out);
  REQUIRE(out->candles.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i)
    CHECK(same_bits(out->candles[i], in[i]));
}

TEST_CASE("Appending a candle batch keeps what the vector held") {
  std::vector<candle> day1 = {{0, 1, 1, 1, 1, 1}, {60'000, 2, 2, 2, 2, 2}};
  std::vector<candle> day2 = {{86'400'000, 3, 3, 3, 3, 3}};
  std::vector<candle> all;
  auto h1 = btk::append_candle_batch(
      btk::encode_candle_batch("S", btk::interval::m1, day1), all);
  auto h2 = btk::append_candle_batch(
      btk::encode_candle_batch("S", btk::interval::m1, day2), all);
  REQUIRE(h1);
  REQUIRE(h2);
  CHECK(h1->count == 2);
  CHECK(h2->count == 1);
  REQUIRE(all.size() == 3);
  CHECK(all[0].ts == 0);
  CHECK(all[1].close == 2);
  CHECK(all[2].ts == 86'400'000);
}

TEST_CASE("Bytes that are not exactly one message are refused with the "
          "reason and leave the output untouched") {
  const auto good =
      btk::encode_candle_batch("S", btk::interval::m1, awkward_candles());
  std::vector<candle> out = {{0, 1, 1, 1, 1, 1}};
  auto check = [&](std::string_view bytes, const std::string& part) {
    auto r = btk::append_candle_batch(bytes, out);
    REQUIRE_FALSE(r);
    INFO(r.err().message);
    CHECK(r.err().message.find(part) != std::string::npos);
    CHECK(out.size() == 1);
  };
  check("", "multiple of 8");
  check(std::string_view(good).substr(0, 7), "multiple of 8");
  check(std::string_view(good).substr(0, good.size() - 8), "malformed");
  check(good + std::string(8, '\0'), "trailing bytes");
  check(std::string(64, '\xff'), "malformed");
}

TEST_CASE("A batch whose columns differ in length is refused naming the "
          "column") {
  const auto bytes = batch_bytes([](btk::schema::CandleBatch::Builder b) {
    b.setSymbol("S");
    b.setInterval("1m");
    b.initOpenTime(2);
    b.initOpen(2);
    b.initHigh(2);
    b.initLow(1);
    b.initClose(2);
    b.initVolume(2);
  });
  auto r = btk::decode_candle_batch(bytes);
  REQUIRE_FALSE(r);
  CHECK(r.err().message == "column low has 1 entries but openTime has 2");
}

TEST_CASE("A batch with an unknown interval is refused naming it") {
  const auto bytes = batch_bytes([](btk::schema::CandleBatch::Builder b) {
    b.setSymbol("S");
    b.setInterval("7m");
  });
  auto r = btk::decode_candle_batch(bytes);
  REQUIRE_FALSE(r);
  CHECK(r.err().message == "unknown interval '7m'");
}

TEST_CASE("Series info round-trips with its gaps") {
  btk::candle_series_info in;
  in.symbol = "FILUSDT";
  in.iv = btk::interval::m1;
  in.first = 1'690'848'000'000;
  in.last = 1'701'388'740'000;
  in.count = 175'000;
  in.days = 122;
  in.gaps = {{1'690'900'000'000, 1'690'900'060'000},
             {1'700'000'000'000, 1'700'000'000'000}};
  auto out = btk::decode_candle_series_info(btk::encode_candle_series_info(in));
  REQUIRE(out);
  CHECK(out->symbol == in.symbol);
  CHECK(out->iv == in.iv);
  CHECK(out->first == in.first);
  CHECK(out->last == in.last);
  CHECK(out->count == in.count);
  CHECK(out->days == in.days);
  REQUIRE(out->gaps.size() == 2);
  CHECK(out->gaps[0].from == in.gaps[0].from);
  CHECK(out->gaps[0].to == in.gaps[0].to);
  CHECK(out->gaps[1].from == in.gaps[1].from);
  CHECK(out->gaps[1].to == in.gaps[1].to);

  auto bad = btk::decode_candle_series_info("12345678");
  CHECK_FALSE(bad);
}
