#pragma once

// A small engine set up on generated candles, shared by the API tests.

#include <memory>
#include <string>
#include <vector>

#include "core/engine/backtest.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"
#include "strategies/spec.hpp"

namespace btk::test {

/// 2024-01-01T00:00:00Z.
inline constexpr timestamp day0 = 1'704'067'200'000;

/// `days` of generated 1-minute candles for `symbol` (seeded by the name).
inline std::vector<candle> synth_days(const std::string& symbol, int days) {
  synth_options o;
  o.seed = std::hash<std::string>{}(symbol) % 1000 + 1;
  o.minutes = days * 1440;
  o.start = day0;
  o.annual_vol = 0.9;
  return generate_candles(o);
}

/// An engine with exchange "synth" (30 days of candles per symbol), frame
/// "f" (day 1 to day 25, 1m) and the given strategies by spec, named
/// `name#k`.
inline std::unique_ptr<engine>
make_engine(const std::vector<std::string>& specs, engine_options opts = {}) {
  auto e = std::make_unique<engine>(opts);
  exchange_schema x;
  x.name = "synth";
  x.get_candles =
      [](const std::string& symbol) -> expected<std::vector<candle>> {
    return synth_days(symbol, 30);
  };
  e->add_exchange(std::move(x));
  frame_schema f;
  f.name = "f";
  f.start = day0 + day_ms;
  f.end = day0 + 25 * day_ms;
  e->add_frame(f);
  int k = 0;
  for (const auto& spec : specs)
    e->add_strategy(strategy_schema::from_spec(
        parse_spec(spec)->name + "#" + std::to_string(++k), spec));
  return e;
}

/// The results of the plain core loop for the same symbol, spec and frame.
inline std::vector<tick_result> plain_run(const std::string& symbol,
                                          const std::string& spec,
                                          const config& cfg = {}) {
  struct sink : null_sink {
    std::vector<tick_result> out;
    void on_result(const tick_result& r) { out.push_back(r); }
  } s;
  auto data = series::make(symbol, synth_days(symbol, 30));
  auto strat = builtin_strategies().make(spec);
  backtest_frame f{day0 + day_ms, day0 + 25 * day_ms, interval::m1};
  struct adapter : result_sink {
    sink* s;
    void on_result(const tick_result& r) override { s->on_result(r); }
  } a;
  a.s = &s;
  auto r = (*strat)->backtest(**data, cfg, f, a);
  if (!r)
    throw std::runtime_error(r.err().message);
  return s.out;
}

} // namespace btk::test
