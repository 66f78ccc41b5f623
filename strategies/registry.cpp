#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

#include "core/stats/number_format.hpp"

#include <mutex>

namespace btk {

namespace {

side_mode mode_of(const std::string& text) {
  return text == "long"    ? side_mode::long_only
         : text == "short" ? side_mode::short_only
                           : side_mode::alternate;
}

using k = param_kind;

// Defaults are written once, in each strategy's `params`; the registry
// (and so `btk strategies`, specs and grids) reads them from there.
std::string text(std::int64_t v) {
  return std::to_string(v);
}
std::string text(double v) {
  return js_number(v);
}
std::string text(interval iv) {
  return std::string{to_string(iv)};
}
std::string text(side_mode m) {
  return m == side_mode::long_only    ? "long"
         : m == side_mode::short_only ? "short"
                                      : "alt";
}

strategy_registry make_builtins() {
  strategy_registry reg;
  const every_n::params en{};
  reg.add({"every-n",
           "opens at the current price every n minutes",
           {{"n", k::count, text(en.n), "period in minutes"},
            {"side", k::side_choice, text(en.mode), "long, short or alt"},
            {"tp", k::number, text(en.tp), "take-profit, percent"},
            {"sl", k::number, text(en.sl), "stop-loss, percent"},
            {"minutes", k::number, text(en.minutes), "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<every_n>(every_n::params{
                 v.count("n"), mode_of(v.text("side")), v.number("tp"),
                 v.number("sl"), v.number("minutes")});
           }});
  const sma_cross::params sc{};
  reg.add({"sma-cross",
           "fast/slow moving-average cross on bars of an interval",
           {{"fast", k::count, text(sc.fast), "fast window, bars"},
            {"slow", k::count, text(sc.slow), "slow window, bars"},
            {"interval", k::signal_interval, text(sc.iv), "bar interval"},
            {"tp", k::number, text(sc.tp), "take-profit, percent"},
            {"sl", k::number, text(sc.sl), "stop-loss, percent"},
            {"minutes", k::number, text(sc.minutes), "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             if (v.count("fast") >= v.count("slow"))
               return error{"strategy 'sma-cross': fast (" + v.text("fast") +
                            ") must be less than slow (" + v.text("slow") +
                            ")"};
             return std::make_unique<sma_cross>(sma_cross::params{
                 v.count("fast"), v.count("slow"), v.iv("interval"),
                 v.number("tp"), v.number("sl"), v.number("minutes")});
           }});
  const scheduled_entry::params se{};
  reg.add({"scheduled",
           "limit entry offset percent away from the price every n minutes",
           {{"n", k::count, text(se.n), "period in minutes"},
            {"offset", k::number, text(se.offset), "entry offset, percent"},
            {"side", k::side_choice, text(se.mode), "long, short or alt"},
            {"tp", k::number, text(se.tp), "take-profit, percent"},
            {"sl", k::number, text(se.sl), "stop-loss, percent"},
            {"minutes", k::number, text(se.minutes), "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<scheduled_entry>(scheduled_entry::params{
                 v.count("n"), v.number("offset"), mode_of(v.text("side")),
                 v.number("tp"), v.number("sl"), v.number("minutes")});
           }});
  const rsi_reversion::params rr{};
  reg.add(
      {"rsi-reversion",
       "Wilder RSI leaving oversold (long) or overbought (short)",
       {{"period", k::count, text(rr.period), "RSI period, bars"},
        {"interval", k::signal_interval, text(rr.iv), "bar interval"},
        {"oversold", k::number, text(rr.oversold), "long trigger level"},
        {"overbought", k::number, text(rr.overbought), "short trigger level"},
        {"tp", k::number, text(rr.tp), "take-profit, percent"},
        {"sl", k::number, text(rr.sl), "stop-loss, percent"},
        {"minutes", k::number, text(rr.minutes), "lifetime in minutes"}},
       [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
         if (!(v.number("oversold") < v.number("overbought")))
           return error{
               "strategy 'rsi-reversion': oversold (" + v.text("oversold") +
               ") must be less than overbought (" + v.text("overbought") + ")"};
         return std::make_unique<rsi_reversion>(rsi_reversion::params{
             v.count("period"), v.iv("interval"), v.number("oversold"),
             v.number("overbought"), v.number("tp"), v.number("sl"),
             v.number("minutes")});
       }});
  const donchian_breakout::params db{};
  reg.add({"donchian-breakout",
           "close beyond the high/low channel of the previous bars",
           {{"period", k::count, text(db.period), "channel length, bars"},
            {"interval", k::signal_interval, text(db.iv), "bar interval"},
            {"tp", k::number, text(db.tp), "take-profit, percent"},
            {"sl", k::number, text(db.sl), "stop-loss, percent"},
            {"minutes", k::number, text(db.minutes), "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<donchian_breakout>(
                 donchian_breakout::params{v.count("period"), v.iv("interval"),
                                           v.number("tp"), v.number("sl"),
                                           v.number("minutes")});
           }});
  return reg;
}

} // namespace

namespace {

strategy_registry& process_registry() {
  static strategy_registry reg = make_builtins();
  return reg;
}

} // namespace

const strategy_registry& builtin_strategies() {
  return process_registry();
}

expected<bool> add_strategy(strategy_info info) {
  static std::mutex mtx;
  std::lock_guard<std::mutex> guard{mtx};
  return process_registry().add(std::move(info));
}

} // namespace btk
