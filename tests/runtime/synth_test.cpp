#include "runtime/data/synth.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

using namespace btk;

namespace {

bool identical(const std::vector<candle>& a, const std::vector<candle>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const candle& x = a[i];
    const candle& y = b[i];
    if (x.ts != y.ts || std::memcmp(&x.open, &y.open, sizeof(double)) ||
        std::memcmp(&x.high, &y.high, sizeof(double)) ||
        std::memcmp(&x.low, &y.low, sizeof(double)) ||
        std::memcmp(&x.close, &y.close, sizeof(double)) ||
        std::memcmp(&x.volume, &y.volume, sizeof(double)))
      return false;
  }
  return true;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Annualised realised volatility of the close-to-close log returns.
double realised_vol(const std::vector<candle>& c) {
  double sum = 0;
  for (std::size_t i = 1; i < c.size(); ++i) {
    const double r = std::log(c[i].close / c[i - 1].close);
    sum += r * r;
  }
  return std::sqrt(sum / static_cast<double>(c.size() - 1) * 525'600.0);
}

} // namespace

TEST_CASE("The same seed gives identical candles") {
  synth_options o;
  o.seed = 42;
  o.minutes = 5000;
  const auto a = generate_candles(o);
  const auto b = generate_candles(o);
  REQUIRE(a.size() == 5000);
  CHECK(identical(a, b));
}

TEST_CASE("Different seeds give different candles") {
  synth_options o;
  o.minutes = 1000;
  o.seed = 1;
  const auto a = generate_candles(o);
  o.seed = 2;
  const auto b = generate_candles(o);
  REQUIRE(a.size() == b.size());
  CHECK_FALSE(identical(a, b));
  std::size_t same_close = 0;
  for (std::size_t i = 1; i < a.size(); ++i)
    same_close += a[i].close == b[i].close;
  CHECK(same_close < a.size() / 2);
}

TEST_CASE("Every generated candle is valid, contiguous and rounded to the "
          "requested decimals") {
  struct setup {
    double price;
    int decimals;
    double vol;
  };
  for (const setup s : {setup{42000, 2, 0.6}, setup{0.5, 6, 1.5},
                        setup{0.05, 2, 3.0}, setup{2500, 1, 0.3}}) {
    synth_options o;
    o.seed = 9;
    o.start = 1'709'510'400'000 + 30'000; // floored to the minute
    o.minutes = 20'000;
    o.price = s.price;
    o.decimals = s.decimals;
    o.annual_vol = s.vol;
    const auto c = generate_candles(o);
    REQUIRE(c.size() == 20'000);
    CHECK(c.front().ts == 1'709'510'400'000);
    const double scale = std::pow(10.0, s.decimals);
    std::size_t bad = 0, off_tick = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const candle& k = c[i];
      const bool ok =
          std::isfinite(k.open) && std::isfinite(k.close) && k.low > 0 &&
          k.low <= std::min(k.open, k.close) &&
          k.high >= std::max(k.open, k.close) && std::isfinite(k.high) &&
          std::isfinite(k.volume) && k.volume >= 0 && k.ts % 60'000 == 0 &&
          (i == 0 ||
           (k.ts == c[i - 1].ts + 60'000 && k.open == c[i - 1].close));
      bad += !ok;
      for (double p : {k.open, k.high, k.low, k.close})
        off_tick += std::round(p * scale) / scale != p;
    }
    INFO("price " << s.price << " decimals " << s.decimals);
    CHECK(bad == 0);
    CHECK(off_tick == 0);
  }
}

TEST_CASE("Generated candles have roughly the requested volatility, "
          "volatility clustering and volume that follows activity") {
  for (double target : {0.3, 0.6, 1.2}) {
    synth_options o;
    o.seed = 123;
    o.minutes = 30 * 1440;
    o.price = 30000;
    o.decimals = 2;
    o.annual_vol = target;
    const auto c = generate_candles(o);
    const double rv = realised_vol(c);
    INFO("target " << target << " realised " << rv);
    CHECK(rv > target / 1.5);
    CHECK(rv < target * 1.5);

    std::vector<double> abs_r, abs_r_next, vol;
    for (std::size_t i = 1; i + 1 < c.size(); ++i) {
      abs_r.push_back(std::fabs(std::log(c[i].close / c[i - 1].close)));
      abs_r_next.push_back(std::fabs(std::log(c[i + 1].close / c[i].close)));
      vol.push_back(c[i].volume);
    }
    // Clustering: |r| today predicts |r| tomorrow; i.i.d. returns give ~0.
    CHECK(correlation(abs_r, abs_r_next) > 0.08);
    // Busy minutes move more.
    CHECK(correlation(abs_r, vol) > 0.2);
  }
}

TEST_CASE("Generated volume is higher at the US open than in the Asian night "
          "and wicks are present") {
  synth_options o;
  o.seed = 5;
  o.minutes = 28 * 1440;
  const auto c = generate_candles(o);
  double busy = 0, quiet = 0;
  std::size_t with_wick = 0;
  for (const candle& k : c) {
    const int hour = static_cast<int>(k.ts / 3'600'000 % 24);
    if (hour == 14)
      busy += k.volume;
    if (hour == 5)
      quiet += k.volume;
    with_wick +=
        k.high > std::max(k.open, k.close) || k.low < std::min(k.open, k.close);
  }
  CHECK(busy > 1.5 * quiet);
  CHECK(with_wick > c.size() / 2);
}

TEST_CASE("A drift moves the price in its direction") {
  synth_options o;
  o.seed = 3;
  o.minutes = 60 * 1440;
  o.annual_vol = 0.2;
  o.annual_drift = 5.0; // +5 log units a year: about +0.82 over 60 days
  const auto up = generate_candles(o);
  o.annual_drift = -5.0;
  const auto down = generate_candles(o);
  CHECK(up.back().close > 1.5 * o.price);
  CHECK(down.back().close < o.price / 1.5);
}

TEST_CASE("No candles are generated for a non-positive length") {
  synth_options o;
  o.minutes = 0;
  CHECK(generate_candles(o).empty());
  o.minutes = -5;
  CHECK(generate_candles(o).empty());
}
