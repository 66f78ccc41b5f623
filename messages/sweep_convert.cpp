#include "messages/sweep_convert.hpp"

#include <cmath>
#include <variant>

#include "messages/capnp_bytes.hpp"
#include "messages/sweep.capnp.h"

namespace btk {

stat_list to_stat_list(const backtest_statistics& s) {
  stat_list out;
  for (auto& [name, value] : stat_fields(s))
    out.emplace_back(std::string{name}, value);
  return out;
}

std::optional<double> stat_number(const stat_list& stats,
                                  std::string_view name) {
  for (const auto& [key, value] : stats)
    if (key == name)
      return numeric_value(value);
  return std::nullopt;
}

bool sweep_result::capped() const {
  const auto stored = stat_number(stats, "signalListLength");
  return stored && static_cast<double>(closed) > *stored;
}

std::string encode_sweep_result(const sweep_result& r) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::SweepResult>();
  b.setId(r.id);
  b.setSpec(r.spec);
  b.setSymbol(r.symbol);
  b.setWindow(r.window);
  b.setError(r.error);
  b.setClosed(r.closed);
  auto list = b.initStats(static_cast<unsigned>(r.stats.size()));
  for (unsigned i = 0; i < r.stats.size(); ++i) {
    auto f = list[i];
    const auto& [name, value] = r.stats[i];
    f.setName(name);
    if (const auto* n = std::get_if<std::int64_t>(&value))
      f.setInteger(*n);
    else if (const auto* d = std::get_if<double>(&value))
      f.setNumber(*d);
    else if (const auto* t = std::get_if<std::string>(&value))
      f.setText(*t);
    else
      f.setNull();
  }
  return to_bytes(mb);
}

expected<sweep_result> decode_sweep_result(std::string_view bytes) {
  return with_reader(
      bytes, [](capnp::FlatArrayMessageReader& rd) -> expected<sweep_result> {
        auto x = rd.getRoot<schema::SweepResult>();
        sweep_result r;
        r.id = x.getId();
        r.spec = x.getSpec().cStr();
        r.symbol = x.getSymbol().cStr();
        r.window = x.getWindow();
        r.error = x.getError().cStr();
        r.closed = x.getClosed();
        for (auto f : x.getStats()) {
          stat_value v;
          switch (f.which()) {
          case schema::StatField::INTEGER:
            v = static_cast<std::int64_t>(f.getInteger());
            break;
          case schema::StatField::NUMBER:
            v = f.getNumber();
            break;
          case schema::StatField::TEXT:
            v = std::string{f.getText().cStr()};
            break;
          default:
            break;
          }
          r.stats.emplace_back(f.getName().cStr(), std::move(v));
        }
        return r;
      });
}

std::string encode_sweep_job(const sweep_job& j) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::SweepJob>();
  b.setId(j.id);
  b.setSpec(j.spec);
  b.setSymbol(j.symbol);
  b.setWindow(j.window);
  b.setFrameStart(j.frame.start);
  b.setFrameEnd(j.frame.end);
  b.setFrameStepMs(interval_ms(j.frame.iv));
  return to_bytes(mb);
}

expected<sweep_job> decode_sweep_job(std::string_view bytes) {
  return with_reader(
      bytes, [](capnp::FlatArrayMessageReader& rd) -> expected<sweep_job> {
        auto x = rd.getRoot<schema::SweepJob>();
        sweep_job j;
        j.id = x.getId();
        j.spec = x.getSpec().cStr();
        j.symbol = x.getSymbol().cStr();
        j.window = x.getWindow();
        j.frame.start = x.getFrameStart();
        j.frame.end = x.getFrameEnd();
        bool found = false;
        for (std::size_t k = 0; k < interval_count; ++k) {
          const auto iv = static_cast<interval>(k);
          if (interval_ms(iv) == x.getFrameStepMs()) {
            j.frame.iv = iv;
            found = true;
          }
        }
        if (!found)
          return error{"sweep job " + std::to_string(j.id) +
                       ": no interval of " +
                       std::to_string(x.getFrameStepMs()) + " ms"};
        return j;
      });
}

} // namespace btk
