#include "strategies/builtins.hpp"
#include "strategies/spec.hpp"

namespace btk {

namespace {

side_mode mode_of(const std::string& text) {
  return text == "long"    ? side_mode::long_only
         : text == "short" ? side_mode::short_only
                           : side_mode::alternate;
}

using k = param_kind;

strategy_registry make_builtins() {
  strategy_registry reg;
  reg.add({"every-n",
           "opens at the current price every n minutes",
           {{"n", k::count, "60", "period in minutes"},
            {"side", k::side_choice, "long", "long, short or alt"},
            {"tp", k::number, "1", "take-profit, percent"},
            {"sl", k::number, "1", "stop-loss, percent"},
            {"minutes", k::number, "60", "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<every_n>(every_n::params{
                 v.count("n"), mode_of(v.text("side")), v.number("tp"),
                 v.number("sl"), v.number("minutes")});
           }});
  reg.add({"sma-cross",
           "fast/slow moving-average cross on bars of an interval",
           {{"fast", k::count, "10", "fast window, bars"},
            {"slow", k::count, "30", "slow window, bars"},
            {"interval", k::signal_interval, "5m", "bar interval"},
            {"tp", k::number, "1", "take-profit, percent"},
            {"sl", k::number, "1", "stop-loss, percent"},
            {"minutes", k::number, "240", "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             if (v.count("fast") >= v.count("slow"))
               return error{"strategy 'sma-cross': fast (" + v.text("fast") +
                            ") must be less than slow (" + v.text("slow") +
                            ")"};
             return std::make_unique<sma_cross>(sma_cross::params{
                 v.count("fast"), v.count("slow"), v.iv("interval"),
                 v.number("tp"), v.number("sl"), v.number("minutes")});
           }});
  reg.add({"scheduled",
           "limit entry offset percent away from the price every n minutes",
           {{"n", k::count, "120", "period in minutes"},
            {"offset", k::number, "0.3", "entry offset, percent"},
            {"side", k::side_choice, "long", "long, short or alt"},
            {"tp", k::number, "1", "take-profit, percent"},
            {"sl", k::number, "1", "stop-loss, percent"},
            {"minutes", k::number, "60", "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<scheduled_entry>(scheduled_entry::params{
                 v.count("n"), v.number("offset"), mode_of(v.text("side")),
                 v.number("tp"), v.number("sl"), v.number("minutes")});
           }});
  reg.add({"rsi-reversion",
           "Wilder RSI leaving oversold (long) or overbought (short)",
           {{"period", k::count, "14", "RSI period, bars"},
            {"interval", k::signal_interval, "15m", "bar interval"},
            {"oversold", k::number, "30", "long trigger level"},
            {"overbought", k::number, "70", "short trigger level"},
            {"tp", k::number, "1.5", "take-profit, percent"},
            {"sl", k::number, "1", "stop-loss, percent"},
            {"minutes", k::number, "360", "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             if (!(v.number("oversold") < v.number("overbought")))
               return error{"strategy 'rsi-reversion': oversold (" +
                            v.text("oversold") +
                            ") must be less than overbought (" +
                            v.text("overbought") + ")"};
             return std::make_unique<rsi_reversion>(rsi_reversion::params{
                 v.count("period"), v.iv("interval"), v.number("oversold"),
                 v.number("overbought"), v.number("tp"), v.number("sl"),
                 v.number("minutes")});
           }});
  reg.add({"donchian-breakout",
           "close beyond the high/low channel of the previous bars",
           {{"period", k::count, "20", "channel length, bars"},
            {"interval", k::signal_interval, "1h", "bar interval"},
            {"tp", k::number, "3", "take-profit, percent"},
            {"sl", k::number, "1.5", "stop-loss, percent"},
            {"minutes", k::number, "1440", "lifetime in minutes"}},
           [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
             return std::make_unique<donchian_breakout>(
                 donchian_breakout::params{v.count("period"), v.iv("interval"),
                                           v.number("tp"), v.number("sl"),
                                           v.number("minutes")});
           }});
  return reg;
}

} // namespace

const strategy_registry& builtin_strategies() {
  static const strategy_registry reg = make_builtins();
  return reg;
}

} // namespace btk
