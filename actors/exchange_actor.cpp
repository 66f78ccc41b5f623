#include "actors/exchange_actor.hpp"

#include <map>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include "core/market/series.hpp"
#include "core/stats/number_format.hpp"
#include "messages/actor_messages.hpp"

namespace btk {

namespace {

struct exchange_state {
  exchange_schema schema;
  std::map<std::string, std::shared_ptr<const series>> cache;
  static inline const char* name = "btk.exchange";
};

using exchange_actor = caf::stateful_actor<exchange_state>;

caf::behavior exchange_impl(exchange_actor* self, exchange_schema schema) {
  self->state.schema = std::move(schema);
  return {
      [=](series_atom, const std::string& symbol) -> caf::result<series_ref> {
        auto& st = self->state;
        if (auto i = st.cache.find(symbol); i != st.cache.end())
          return series_ref{i->second};
        if (st.schema.get_series) {
          auto got = st.schema.get_series(symbol);
          if (!got)
            return caf::make_error(caf::sec::runtime_error,
                                   "exchange " + st.schema.name + ", symbol " +
                                       symbol + ": " + got.err().message);
          st.cache.emplace(symbol, *got);
          return series_ref{*got};
        }
        if (!st.schema.get_candles)
          return caf::make_error(caf::sec::runtime_error,
                                 "exchange " + st.schema.name +
                                     " has no get_candles function");
        auto candles = st.schema.get_candles(symbol);
        if (!candles)
          return caf::make_error(caf::sec::runtime_error,
                                 "exchange " + st.schema.name + ", symbol " +
                                     symbol + ": " + candles.err().message);
        auto s = series::make(symbol, *candles);
        if (!s)
          return caf::make_error(caf::sec::runtime_error,
                                 "exchange " + st.schema.name + ", symbol " +
                                     symbol + ": " + s.err().message);
        st.cache.emplace(symbol, *s);
        return series_ref{*s};
      },
      [=](format_atom, const std::string& symbol, double x,
          bool quantity) -> std::string {
        auto& st = self->state;
        if (quantity)
          return st.schema.format_quantity
                     ? st.schema.format_quantity(symbol, x)
                     : to_fixed(x, 8);
        return st.schema.format_price ? st.schema.format_price(symbol, x)
                                      : to_fixed(x, price_scale(x));
      },
  };
}

} // namespace

caf::actor spawn_exchange_actor(caf::actor_system& sys,
                                exchange_schema schema) {
  return sys.spawn(exchange_impl, std::move(schema));
}

} // namespace btk
