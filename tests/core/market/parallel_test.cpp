// Tests of the parallel cache build (core/market/parallel.hpp): how
// `for_each_part` splits a range, and that a series' VWAP array and bars
// built in parts on several threads have every bit of the one-thread build.

#include "core/market/parallel.hpp"
#include "core/market/series.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

using namespace btk;

namespace {

// Installs a runner for one test and puts "no runner" back after it.
struct runner_guard {
  runner_guard(parallel_runner r, std::size_t threads) {
    set_parallel_runner(std::move(r), threads);
  }
  ~runner_guard() { set_parallel_runner(nullptr, 1); }
};

// Runs the parts on threads of their own, as the runtime's runner does.
void on_threads(std::size_t parts,
                const std::function<void(std::size_t)>& body) {
  std::vector<std::thread> ts;
  for (std::size_t k = 0; k < parts; ++k)
    ts.emplace_back([&body, k] { body(k); });
  for (auto& t : ts)
    t.join();
}

// Runs the parts in turn, last first: a build that depended on the order
// of its parts would show it.
void backwards(std::size_t parts,
               const std::function<void(std::size_t)>& body) {
  for (std::size_t k = parts; k-- > 0;)
    body(k);
}

// Runs the parts in turn from part 0, which finds every range free.
void in_order(std::size_t parts, const std::function<void(std::size_t)>& body) {
  for (std::size_t k = 0; k < parts; ++k)
    body(k);
}

using ranges = std::vector<std::pair<std::size_t, std::size_t>>;

ranges parts_of(std::size_t n, std::size_t min_part) {
  ranges out;
  std::mutex mtx;
  for_each_part(n, min_part, [&](std::size_t from, std::size_t to) {
    std::lock_guard<std::mutex> g{mtx};
    out.emplace_back(from, to);
  });
  std::sort(out.begin(), out.end());
  return out;
}

// `n` random 1-minute candles; every 97th minute onwards has no volume for
// a while, so some VWAP windows take the closes' mean.
std::vector<candle> random_candles(std::size_t n) {
  std::mt19937_64 rng{42};
  std::uniform_real_distribution<double> step{-0.002, 0.002};
  std::uniform_real_distribution<double> wick{0, 0.003};
  std::uniform_real_distribution<double> vol{0, 50};
  const timestamp t0 = 1'709'510'400'000;
  std::vector<candle> out;
  double p = 100;
  for (std::size_t i = 0; i < n; ++i) {
    const double o = p;
    p *= 1 + step(rng);
    const double hi = std::max(o, p) * (1 + wick(rng));
    const double lo = std::min(o, p) * (1 - wick(rng));
    const double v = i % 97 < 9 ? 0.0 : vol(rng);
    out.push_back(
        {t0 + static_cast<timestamp>(i) * minute_ms, o, hi, lo, p, v});
  }
  return out;
}

bool same_bits(const double* a, const double* b, std::size_t n) {
  return std::memcmp(a, b, n * sizeof(double)) == 0;
}

bool same_bars(const bar_series& a, const bar_series& b) {
  const std::size_t n = a.size();
  return a.first == b.first && a.step == b.step && b.size() == n &&
         same_bits(a.open.data(), b.open.data(), n) &&
         same_bits(a.high.data(), b.high.data(), n) &&
         same_bits(a.low.data(), b.low.data(), n) &&
         same_bits(a.close.data(), b.close.data(), n) &&
         same_bits(a.volume.data(), b.volume.data(), n);
}

} // namespace

TEST_CASE("for_each_part covers a range once, in ranges of at least the "
          "minimum size, at most four per thread",
          "[parallel]") {
  SECTION("without a runner the whole range is one call") {
    CHECK(parts_of(1000, 10) == ranges{{0, 1000}});
  }
  SECTION("with a runner of 3 threads") {
    runner_guard g{on_threads, 3};
    const auto many = parts_of(1200, 10);
    REQUIRE(many.size() == 12);
    for (std::size_t k = 0; k < many.size(); ++k)
      CHECK(many[k] == std::make_pair(k * 100, k * 100 + 100));
    CHECK(parts_of(25, 10) == ranges{{0, 12}, {12, 25}});
    CHECK(parts_of(19, 10) == ranges{{0, 19}});
    CHECK(parts_of(0, 10).empty());
    CHECK(parts_of(5, 0) == ranges{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}});
  }
  SECTION("a runner of 1 thread is not called") {
    bool called = false;
    runner_guard g{[&](std::size_t, const std::function<void(std::size_t)>&) {
                     called = true;
                   },
                   1};
    CHECK(parts_of(1000, 1) == ranges{{0, 1000}});
    CHECK_FALSE(called);
  }
  SECTION("one thread takes every range when the others are late") {
    // The runner runs part 0 alone to its end before the others start.
    runner_guard g{in_order, 2};
    std::vector<std::size_t> who;
    for_each_part(800, 100,
                  [&](std::size_t from, std::size_t) { who.push_back(from); });
    CHECK(who ==
          std::vector<std::size_t>{0, 100, 200, 300, 400, 500, 600, 700});
  }
}

TEST_CASE("a series built in parts on several threads has the VWAP arrays and "
          "bars of the one-thread build, bit for bit",
          "[parallel][series]") {
  // Over 2^16 minutes a part, so a year-like series splits.
  const auto candles = random_candles(300'000);
  const auto one = *series::make("X", candles);
  const std::vector<int> windows{1, 5, 7, 64};
  const std::vector<interval> ivs{interval::m3, interval::m5, interval::h1,
                                  interval::d1};
  std::vector<std::shared_ptr<const column>> vw;
  for (int w : windows)
    vw.push_back(one->vwap(w));
  std::vector<std::shared_ptr<const bar_series>> bars;
  for (auto iv : ivs)
    bars.push_back(one->bars(iv));

  // The one-thread build agrees with the reference's per-window VWAP.
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const auto w = static_cast<std::size_t>(windows[k]);
    const auto& v = *vw[k];
    REQUIRE(v.size() == candles.size());
    for (std::size_t i = 0; i + 1 < w; ++i)
      CHECK(std::isnan(v[i]));
    std::size_t differ = 0;
    for (std::size_t i = w - 1; i < v.size(); i += 13)
      differ += vwap_of(one->minutes(), i + 1 - w, i) != v[i];
    CHECK(differ == 0);
  }

  auto check_runner = [&](parallel_runner r, std::size_t threads) {
    runner_guard g{std::move(r), threads};
    const auto s = *series::make("X", candles);
    for (std::size_t k = 0; k < windows.size(); ++k)
      CHECK(same_bits(s->vwap(windows[k])->data(), vw[k]->data(),
                      candles.size()));
    for (std::size_t k = 0; k < ivs.size(); ++k)
      CHECK(same_bars(*s->bars(ivs[k]), *bars[k]));
  };
  SECTION("on threads") {
    check_runner(on_threads, 4);
  }
  SECTION("parts in reverse order") {
    check_runner(backwards, 3);
  }
}

TEST_CASE("a series checked in parts on several threads refuses a bad candle "
          "in a later part with the one-thread message",
          "[parallel][series]") {
  auto candles = random_candles(300'000);
  auto messages = [&](const std::vector<candle>& cs) {
    bar_series m;
    m.first = cs.front().ts;
    for (const auto& c : cs) {
      m.open.push_back(c.open);
      m.high.push_back(c.high);
      m.low.push_back(c.low);
      m.close.push_back(c.close);
      m.volume.push_back(c.volume);
    }
    auto made = series::make("X", cs);
    auto taken = series::from_minutes("X", std::move(m));
    return std::make_pair(made ? std::string{} : made.err().message,
                          taken ? std::string{} : taken.err().message);
  };
  auto low_above_high = candles;
  low_above_high[250'000].low = low_above_high[250'000].high * 1.01;
  auto off_grid = candles;
  off_grid[200'000].ts += 1;
  for (const auto* cs : {&low_above_high, &off_grid}) {
    const auto one = messages(*cs);
    CHECK_FALSE(one.first.empty());
    runner_guard g{on_threads, 4};
    CHECK(messages(*cs) == one);
  }
  CHECK(messages(low_above_high).first ==
        messages(low_above_high).second); // the same words either way
}
