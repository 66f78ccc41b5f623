#include "runtime/api/candle_source.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/market/gaps.hpp"
#include "core/market/parallel.hpp"
#include "runtime/api/engine.hpp"
#include "runtime/api/parallel_parts.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/store/candle_store.hpp"

namespace btk {

namespace {

std::string symbol_from_path(const std::string& path) {
  std::string stem = std::filesystem::path(path).filename().string();
  stem = stem.substr(0, stem.find_first_of("-._"));
  for (auto& ch : stem)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return stem.empty() ? "SYMBOL" : stem;
}

struct raw_candles {
  std::vector<candle> candles;
  data_info info;
};

raw_candles from_file(const candle_source& src) {
  read_options ro;
  ro.fill_gaps = src.fill_gaps;
  auto data = read_candles(src.file, ro);
  if (!data)
    throw api_error(data.err().message);
  raw_candles out;
  out.info.symbol =
      src.symbols.empty() ? symbol_from_path(src.file) : src.symbols.front();
  out.info.file = src.file;
  out.info.format = std::move(data->format);
  out.info.rows = data->rows;
  out.info.filled = data->filled;
  out.info.gaps = data->gaps;
  out.candles = std::move(data->candles);
  return out;
}

raw_candles from_store(const candle_store& store, const candle_source& src,
                       const std::string& symbol) {
  auto candles = store.load(symbol, src.from, src.to);
  if (!candles)
    throw api_error(candles.err().message);
  raw_candles out;
  out.info.symbol = symbol;
  out.info.store = src.store;
  out.info.format = "store";
  out.info.rows = candles->size();
  const std::string where = "store " + src.store + ": " + symbol;
  const auto gaps = find_gaps(*candles);
  out.info.gaps = gaps.size();
  const read_options bounds;
  if (!gaps.empty() && !src.fill_gaps) {
    const bool too_long =
        std::any_of(gaps.begin(), gaps.end(), [&](const candle_gap& g) {
          return static_cast<std::uint64_t>(g.missing) >
                 bounds.max_fill_minutes;
        });
    throw api_error(
        where + ": " + describe_gaps(gaps, bounds.max_listed_gaps) + "; " +
        (too_long ? "a gap is longer than --fill-gaps fills (" +
                        std::to_string(bounds.max_fill_minutes) +
                        " minutes): read one period (--frame-start/--frame-end)"
                  : std::string(fill_gaps_hint)));
  }
  auto filled =
      fill_gaps(*candles, bounds.max_candles, bounds.max_fill_minutes);
  if (!filled)
    throw api_error(where + ": " + filled.err().message);
  out.info.filled = *filled;
  out.candles = std::move(*candles);
  return out;
}

// The store's symbols, for an error that says what to ask for.
std::string stored_symbols(const candle_store& store) {
  std::string names;
  if (auto all = store.list(); all)
    for (const auto& i : *all)
      names += (names.empty() ? "" : ", ") + i.symbol;
  return names.empty() ? std::string("the store is empty") : "stored: " + names;
}

loaded_series make_series(raw_candles raw, const std::string& origin) {
  auto s = series::make(raw.info.symbol, raw.candles);
  if (!s)
    throw api_error(origin + ": " + s.err().message);
  loaded_series out{std::move(raw.info), std::move(*s)};
  out.info.candles = out.data->size();
  out.info.first = out.data->first();
  out.info.last = out.data->last();
  return out;
}

// The fast path of a store: a range without gaps read straight into a
// series' columns; nullopt when the range has gaps (read by `from_store`).
std::optional<loaded_series> from_store_minutes(const candle_store& store,
                                                const candle_source& src,
                                                const std::string& symbol) {
  auto bars = store.load_minutes(symbol, src.from, src.to);
  if (!bars)
    throw api_error(bars.err().message);
  if (!*bars)
    return std::nullopt;
  auto s = series::from_minutes(symbol, std::move(**bars));
  if (!s)
    throw api_error("store " + src.store + ": " + s.err().message);
  loaded_series out{{}, std::move(*s)};
  out.info.symbol = symbol;
  out.info.store = src.store;
  out.info.format = "store";
  out.info.rows = out.data->size();
  out.info.candles = out.data->size();
  out.info.first = out.data->first();
  out.info.last = out.data->last();
  return out;
}

} // namespace

std::vector<loaded_series> load_candles(const candle_source& src) {
  if (!src.file.empty() && !src.store.empty())
    throw api_error("give either a candle file or a candle store, not both");
  for (std::size_t i = 0; i < src.symbols.size(); ++i)
    if (src.symbols[i].empty())
      throw api_error("symbol " + std::to_string(i + 1) + " of " +
                      std::to_string(src.symbols.size()) + " is empty");
    else if (auto bad = file_name_problem("symbol", src.symbols[i]);
             !bad.empty())
      throw api_error(bad);
  for (std::size_t i = 0; i < src.symbols.size(); ++i)
    if (std::find(src.symbols.begin(), src.symbols.begin() + i,
                  src.symbols[i]) != src.symbols.begin() + i)
      throw api_error("the symbols list " + src.symbols[i] + " twice");
  std::vector<loaded_series> out;
  if (!src.file.empty()) {
    if (src.symbols.size() > 1)
      throw api_error(src.file +
                      ": a candle file holds one symbol; load several from a "
                      "candle store (see `btk data import`)");
    out.push_back(make_series(from_file(src), src.file));
    // A symbol taken from the file's name is checked like a given one.
    if (auto bad = file_name_problem("symbol", out.back().info.symbol);
        !bad.empty())
      throw api_error(src.file + ": " + bad);
    return out;
  }
  if (src.store.empty())
    throw api_error("no candles: give a candle file, or a candle store and "
                    "its symbols (see `btk data import`)");
  auto open = [&] {
    auto store = candle_store::open_read_only(src.store);
    if (!store)
      throw api_error(store.err().message);
    return std::move(*store);
  };
  if (src.symbols.empty())
    throw api_error("store " + src.store + ": give the symbols to load (" +
                    stored_symbols(open()) + ")");
  // A long range is read on every core (`candle_store::load_minutes`),
  // also before an engine has installed its runner.
  if (!has_parallel_runner())
    install_parallel_runner(0);
  for (const auto& symbol : src.symbols) {
    if (auto fast = from_store_minutes(open(), src, symbol)) {
      out.push_back(std::move(*fast));
      continue;
    }
    // The store is closed (its table files unmapped) before the series is
    // built, so a year of candles is held twice at most, not three times.
    auto raw = from_store(open(), src, symbol);
    out.push_back(make_series(std::move(raw), "store " + src.store));
  }
  return out;
}

} // namespace btk
