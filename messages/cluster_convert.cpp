#include "messages/cluster_convert.hpp"

#include <set>

#include "messages/capnp_bytes.hpp"
#include "messages/cluster.capnp.h"

namespace btk {

namespace {

// A field from the network as an error shows it: at most 60 bytes.
std::string cut_field(const std::string& x) {
  if (x.size() <= 60)
    return "'" + x + "'";
  return "'" + x.substr(0, 60) + "…' (" + std::to_string(x.size()) + " bytes)";
}

} // namespace

std::string encode_sweep_setup(const sweep_setup& s) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::SweepSetup>();
  const auto& keys = config_keys();
  auto cl = b.initConfig(static_cast<unsigned>(keys.size()));
  for (unsigned i = 0; i < keys.size(); ++i) {
    double v = 0;
    get_config_value(s.cfg, keys[i].name, v);
    cl[i].setName(std::string{keys[i].name});
    cl[i].setValue(v);
  }
  b.setUnsafe(s.unsafe);
  auto sl = b.initSeries(static_cast<unsigned>(s.series.size()));
  for (unsigned i = 0; i < s.series.size(); ++i) {
    const auto& r = s.series[i];
    sl[i].setSymbol(r.symbol);
    sl[i].setHash(capnp::Data::Reader(
        reinterpret_cast<const kj::byte*>(r.hash.data()), r.hash.size()));
    sl[i].setCandles(r.candles);
    sl[i].setChunks(r.chunks);
  }
  return to_bytes(mb);
}

expected<sweep_setup> decode_sweep_setup(std::string_view bytes,
                                         std::size_t max_series) {
  auto decoded = with_reader(
      bytes, [&](capnp::FlatArrayMessageReader& rd) -> expected<sweep_setup> {
        auto b = rd.getRoot<schema::SweepSetup>();
        sweep_setup out;
        out.unsafe = b.getUnsafe();
        std::set<std::string> named;
        for (auto c : b.getConfig()) {
          const std::string name = c.getName();
          if (!named.insert(name).second)
            return error{"config " + cut_field(name) + " is given twice"};
          if (!set_config_value(out.cfg, name, c.getValue()))
            return error{"config " + cut_field(name) +
                         " is unknown or cannot hold " +
                         std::to_string(c.getValue())};
        }
        // Every setting, so the node runs exactly the coordinator's.
        for (const auto& key : config_keys())
          if (named.count(std::string{key.name}) == 0)
            return error{"config " + std::string{key.name} + " is missing"};
        const auto problems = out.cfg.problems(out.unsafe);
        if (!problems.empty())
          return error{problems.front()};
        if (b.getSeries().size() > max_series)
          return error{std::to_string(b.getSeries().size()) +
                       " series, more than " + std::to_string(max_series)};
        for (auto r : b.getSeries()) {
          series_manifest x;
          x.symbol = r.getSymbol();
          auto h = r.getHash();
          x.hash.assign(reinterpret_cast<const char*>(h.begin()), h.size());
          x.candles = r.getCandles();
          x.chunks = r.getChunks();
          if (x.symbol.empty() || x.symbol.size() > 64)
            return error{"symbol " + cut_field(x.symbol) +
                         " is empty or longer than 64 bytes"};
          if (x.hash.size() != 32)
            return error{x.symbol + " hash has " +
                         std::to_string(x.hash.size()) + " bytes, expected 32"};
          if (x.candles == 0 || x.chunks == 0)
            return error{x.symbol + " has no candles"};
          out.series.push_back(std::move(x));
        }
        return out;
      });
  if (!decoded)
    return error{"sweep setup: " + decoded.err().message};
  return decoded;
}

} // namespace btk
