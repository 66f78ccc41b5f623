#include "runtime/cli/candle_source.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/market/series.hpp"
#include "core/market/time.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/store/candle_store.hpp"

namespace btk {

namespace {

std::string symbol_from_path(const std::string& path) {
  std::string stem = std::filesystem::path(path).filename().string();
  const auto cut = stem.find_first_of("-._");
  stem = stem.substr(0, cut);
  for (auto& ch : stem)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return stem.empty() ? "SYMBOL" : stem;
}

expected<backtest_candles> from_file(const backtest_options& opts) {
  read_options ro;
  ro.fill_gaps = opts.fill_gaps;
  auto data = read_candles(opts.data, ro);
  if (!data)
    return data.err();
  backtest_candles out;
  out.candles = std::move(data->candles);
  out.symbol = opts.symbol.empty() ? symbol_from_path(opts.data) : opts.symbol;
  out.format = std::move(data->format);
  out.origin = opts.data;
  out.rows = data->rows;
  out.filled = data->filled;
  out.gaps = data->gaps;
  return out;
}

// Fills the missing minutes of `c` (ascending, maybe with gaps) with flat
// zero-volume candles at the previous close, as `read_candles` does, or
// fails naming the gaps. `where` prefixes the error.
expected<std::size_t> fill_or_refuse(std::vector<candle>& c, bool fill,
                                     const std::string& where,
                                     std::size_t& gaps) {
  const read_options limits; // the reader's listing and size limits
  std::int64_t missing = 0;
  std::string listed;
  gaps = 0;
  for (std::size_t i = 1; i < c.size(); ++i) {
    const std::int64_t n = (c[i].ts - c[i - 1].ts) / minute_ms - 1;
    if (n <= 0)
      continue;
    if (gaps++ < limits.max_listed_gaps)
      listed += (gaps > 1 ? ", " : "") + to_iso(c[i - 1].ts + minute_ms) +
                " .. " + to_iso(c[i].ts - minute_ms) + " (" +
                std::to_string(n) + ")";
    missing += n;
  }
  if (gaps == 0)
    return std::size_t{0};
  if (!fill) {
    if (gaps > limits.max_listed_gaps)
      listed +=
          " and " + std::to_string(gaps - limits.max_listed_gaps) + " more";
    return error{where + ": " + std::to_string(missing) +
                 " missing 1-minute candle" + (missing == 1 ? "" : "s") +
                 " in " + std::to_string(gaps) +
                 (gaps == 1 ? " gap: " : " gaps: ") + listed +
                 "; use --fill-gaps to fill them with flat zero-volume "
                 "candles at the previous close"};
  }
  const auto total = c.size() + static_cast<std::size_t>(missing);
  if (total > limits.max_candles)
    return error{where + ": filling " + std::to_string(missing) +
                 " missing minutes would exceed the limit of " +
                 std::to_string(limits.max_candles) + " candles"};
  std::vector<candle> out;
  out.reserve(total);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i > 0) {
      const double pc = out.back().close;
      for (timestamp t = c[i - 1].ts + minute_ms; t < c[i].ts; t += minute_ms)
        out.push_back({t, pc, pc, pc, pc, 0.0});
    }
    out.push_back(c[i]);
  }
  c = std::move(out);
  return static_cast<std::size_t>(missing);
}

expected<backtest_candles> from_store(const backtest_options& opts) {
  auto store = candle_store::open_read_only(opts.store);
  if (!store)
    return store.err();
  if (opts.symbol.empty()) {
    std::string names;
    if (auto all = store->list(); all)
      for (const auto& i : *all)
        names += (names.empty() ? "" : ", ") + i.symbol;
    return error{"--store " + opts.store + " needs --symbol" +
                 (names.empty() ? std::string(" (the store is empty)")
                                : " (stored: " + names + ")")};
  }
  auto candles = store->load(opts.symbol);
  if (!candles)
    return candles.err();
  backtest_candles out;
  out.candles = std::move(*candles);
  out.symbol = opts.symbol;
  out.format = "store";
  out.origin = "store " + opts.store;
  out.rows = out.candles.size();
  auto filled = fill_or_refuse(out.candles, opts.fill_gaps,
                               out.origin + ": " + opts.symbol, out.gaps);
  if (!filled)
    return filled.err();
  out.filled = *filled;
  return out;
}

} // namespace

expected<backtest_candles>
load_candles_for_backtest(const backtest_options& opts) {
  if (!opts.data.empty() && !opts.store.empty())
    return error{"give either --data FILE or --store DIR, not both"};
  if (!opts.data.empty())
    return from_file(opts);
  if (!opts.store.empty())
    return from_store(opts);
  return error{"no candles: give --data FILE, or --store DIR --symbol S "
               "(see `btk data import`)"};
}

nlohmann::ordered_json backtest_data_json(const backtest_options& opts,
                                          const backtest_candles& data,
                                          const series& s) {
  nlohmann::ordered_json j;
  if (data.format == "store") {
    j["store"] = opts.store;
    j["symbol"] = data.symbol;
  } else {
    j["file"] = opts.data;
  }
  j["format"] = data.format;
  j["candles"] = s.size();
  j["rows"] = data.rows;
  j["filled"] = data.filled;
  j["first"] = s.first();
  j["last"] = s.last();
  return j;
}

} // namespace btk
