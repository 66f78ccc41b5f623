// Tests of shared indicators: `indicator_values` (block-wise, on first
// use), the moving average's bits, the series' cache and its memory bound,
// and the views a `signal_context` gives a strategy.

#include "core/engine/signal_context.hpp"
#include "core/market/indicator.hpp"
#include "core/market/series.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace btk;

namespace {

constexpr timestamp t0 = 1'709'510'400'000; // 2024-03-04T00:00:00Z

/// `n` candles of a random walk whose closes have long, unround decimals,
/// so that a sum in another order would differ in its last bits.
std::shared_ptr<const series> walk(int n, unsigned seed = 7) {
  std::mt19937_64 rng{seed};
  std::normal_distribution<double> step{0, 0.37};
  std::vector<candle> cs;
  double p = 1234.56789;
  for (int k = 0; k < n; ++k) {
    const double o = p;
    p = std::max(1.0, p + step(rng));
    cs.push_back({t0 + k * minute_ms, o, std::max(o, p) + 0.013,
                  std::min(o, p) - 0.011, p, 1.5 + (k % 7)});
  }
  auto s = series::make("WALKUSDT", cs);
  REQUIRE(s.has_value());
  return *s;
}

/// The one-window mean the strategies used before sharing: oldest to
/// newest, then one division.
double window_mean(const double* c, std::size_t end, std::size_t period) {
  double sum = 0;
  for (std::size_t k = end + 1 - period; k <= end; ++k)
    sum += c[k];
  return sum / static_cast<double>(period);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

TEST_CASE("every moving average value has the bits of its one-window mean") {
  const auto s = walk(3000);
  const auto& m = s->minutes();
  for (const std::size_t period : {1u, 2u, 7u, 30u, 255u, 256u, 257u, 600u}) {
    const indicator_values v{m, sma_fill(period)};
    REQUIRE(v.size() == m.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (k + 1 < period) {
        CHECK(std::isnan(v.at(k)));
        continue;
      }
      const double want = window_mean(m.close.data(), k, period);
      if (!same_bits(v.at(k), want))
        FAIL("period " << period << " bar " << k << ": " << v.at(k)
                       << " != " << want);
    }
  }
}

TEST_CASE("indicator values come out the same whatever order their blocks "
          "are first read in") {
  const auto s = walk(2000);
  const auto& m = s->minutes();
  const indicator_values forward{m, sma_fill(40)};
  const indicator_values backward{m, sma_fill(40)};
  for (std::size_t k = backward.size(); k-- > 0;)
    (void)backward.at(k);
  for (std::size_t k = 0; k < forward.size(); ++k)
    CHECK(same_bits(forward.at(k), backward.at(k)));
}

TEST_CASE("a block is computed only when a value in it is read") {
  const auto s = walk(10 * static_cast<int>(indicator_values::block));
  std::vector<std::size_t> starts;
  const indicator_values v{
      s->minutes(),
      [&](const bar_series&, std::size_t from, std::size_t to, double* out) {
        starts.push_back(from);
        for (std::size_t k = from; k < to; ++k)
          out[k - from] = static_cast<double>(k);
      }};
  CHECK(v.at(v.size() - 1) == static_cast<double>(v.size() - 1));
  CHECK(v.at(v.size() - 2) == static_cast<double>(v.size() - 2));
  CHECK(v.at(5) == 5);
  CHECK(starts == std::vector<std::size_t>{9 * indicator_values::block, 0});
}

TEST_CASE("threads reading one indicator at once see the same values") {
  const auto s = walk(20000);
  const auto& m = s->minutes();
  const indicator_values shared{m, sma_fill(90)};
  const indicator_values alone{m, sma_fill(90)};
  std::vector<double> seen[2];
  std::thread a{[&] {
    for (std::size_t k = 0; k < shared.size(); ++k)
      seen[0].push_back(shared.at(k));
  }};
  std::thread b{[&] {
    for (std::size_t k = shared.size(); k-- > 0;)
      seen[1].push_back(shared.at(k));
  }};
  a.join();
  b.join();
  REQUIRE(seen[0].size() == alone.size());
  for (std::size_t k = 90; k < alone.size(); ++k) {
    CHECK(same_bits(seen[0][k], alone.at(k)));
    CHECK(same_bits(seen[1][alone.size() - 1 - k], alone.at(k)));
  }
}

TEST_CASE("a series shares one indicator per interval and key") {
  const auto s = walk(3000);
  const auto a = s->indicator(interval::m5, "sma:10", sma_fill(10));
  const auto b = s->indicator(interval::m5, "sma:10", sma_fill(10));
  const auto c = s->indicator(interval::m15, "sma:10", sma_fill(10));
  const auto d = s->indicator(interval::m5, "sma:11", sma_fill(11));
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
  CHECK(a->size() == s->bars(interval::m5)->size());
  CHECK(c->size() == s->bars(interval::m15)->size());
  CHECK(s->indicator_bytes() ==
        a->full_bytes() + c->full_bytes() + d->full_bytes());
  // Nothing is computed, or allocated, before a run reads it.
  CHECK(a->bytes() == 0);
  (void)a->at(a->size() - 1);
  CHECK(a->bytes() == indicator_values::block * sizeof(double));
}

TEST_CASE("the indicator caches stay within the process budget, dropping "
          "the oldest first and leaving runs their values") {
  struct restore {
    std::size_t was = indicator_cache_budget();
    ~restore() { set_indicator_cache_budget(was); }
  } keep;
  auto s = walk(30000);
  const auto first = s->indicator(interval::m1, "sma:5", sma_fill(5));
  const std::size_t one = first->full_bytes();
  set_indicator_cache_budget(indicator_cache_bytes() + one / 2);
  const auto second = s->indicator(interval::m1, "sma:6", sma_fill(6));
  CHECK(s->indicator_bytes() == one); // the first made room for it
  CHECK(s->indicator(interval::m1, "sma:6", sma_fill(6)) == second);
  const auto again = s->indicator(interval::m1, "sma:5", sma_fill(5));
  CHECK(again != first);
  CHECK(indicator_cache_bytes() <= indicator_cache_budget());
  // The run that held the dropped one still reads the right values.
  const auto& m = s->minutes();
  for (std::size_t k = 4; k < first->size(); k += 997)
    CHECK(same_bits(first->at(k), window_mean(m.close.data(), k, 5)));
  // Another series cannot take what this one holds: it computes, and
  // does not cache.
  const auto other = walk(30000, 8);
  const auto loose = other->indicator(interval::m1, "sma:8", sma_fill(8));
  CHECK(other->indicator_bytes() == 0);
  CHECK(same_bits(loose->at(100),
                  window_mean(other->minutes().close.data(), 100, 8)));
  // A series that goes away gives its share back.
  const std::size_t before = indicator_cache_bytes();
  const std::size_t held = s->indicator_bytes();
  s.reset();
  CHECK(indicator_cache_bytes() == before - held);
}

TEST_CASE("a context's moving average is the mean of the closed bars before "
          "the tick, never the forming one") {
  const auto s = walk(3000);
  signal_context ctx{*s};
  const auto bars = s->bars(interval::m5);
  for (const std::int64_t minute : {700, 703, 1504, 2995}) {
    const timestamp t = t0 + minute * minute_ms;
    ctx.set_tick(t, 0);
    const bar_window w = ctx.candles(interval::m5, 21);
    REQUIRE(w.size == 21);
    const indicator_view v = ctx.sma(interval::m5, 20);
    // The last closed 5m bar is the last bar of the window.
    REQUIRE(v.size() ==
            static_cast<std::size_t>((w.first - bars->first) / w.step + 21));
    CHECK(same_bits(v.back(0), window_mean(w.close, 20, 20)));
    CHECK(same_bits(v.back(1), window_mean(w.close, 19, 20)));
    CHECK(ctx.missing().empty());
  }
  // The context's average is the series' one.
  CHECK(s->indicator_bytes() == s->sma(interval::m5, 20)->full_bytes());
}

TEST_CASE("a user's own indicator is shared through the context by its key") {
  const auto s = walk(3000);
  int fills = 0;
  const indicator_fill range = [&fills](const bar_series& b, std::size_t from,
                                        std::size_t to, double* out) {
    ++fills;
    for (std::size_t k = from; k < to; ++k)
      out[k - from] = b.high[k] - b.low[k];
  };
  signal_context one{*s};
  signal_context two{*s};
  one.set_tick(t0 + 600 * minute_ms, 0);
  two.set_tick(t0 + 600 * minute_ms, 0);
  const auto a = one.indicator(interval::m15, "range", range);
  const auto b = two.indicator(interval::m15, "range", range);
  const auto bars = s->bars(interval::m15);
  REQUIRE(a.size() == 40);
  CHECK(a.back() == bars->high[39] - bars->low[39]);
  CHECK(b.back(3) == bars->high[36] - bars->low[36]);
  CHECK(fills == 1);
}

TEST_CASE("an indicator on an interval that is not a candle interval is "
          "empty and says why") {
  const auto s = walk(600);
  signal_context ctx{*s};
  ctx.set_tick(t0 + 300 * minute_ms, 0);
  const auto v = ctx.indicator(interval::h12, "x", sma_fill(3));
  CHECK(v.size() == 0);
  CHECK(ctx.missing().find("not a candle interval") != std::string::npos);
}
