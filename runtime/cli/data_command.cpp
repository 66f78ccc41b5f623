#include "runtime/cli/data_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "core/market/time.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/store/candle_store.hpp"

namespace btk {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

const char* plural(std::uint64_t n) {
  return n == 1 ? "" : "s";
}

} // namespace

int run_synth_command(const synth_command_options& opts) {
  const auto start = parse_time(opts.start);
  if (!start || *start % minute_ms != 0) {
    std::fprintf(stderr,
                 "btk data synth: --start '%s': expected a whole-minute "
                 "ISO-8601 UTC time or epoch milliseconds\n",
                 opts.start.c_str());
    return 1;
  }
  if (!(opts.days > 0 && opts.days <= 36500) || !(opts.price > 0) ||
      !(opts.vol >= 0) || opts.decimals < 0 || opts.decimals > 12) {
    std::fprintf(stderr, "btk data synth: need 0 < --days <= 36500, --price > "
                         "0, --vol >= 0, 0 <= --decimals <= 12\n");
    return 1;
  }
  synth_options so;
  so.seed = opts.seed;
  so.start = *start;
  so.minutes = static_cast<std::int64_t>(opts.days * 1440);
  so.price = opts.price;
  so.annual_vol = opts.vol;
  so.decimals = opts.decimals;
  const auto candles = generate_candles(so);
  const auto parent = std::filesystem::path(opts.out).parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  auto written = write_candles_csv(opts.out, candles, opts.decimals);
  if (!written) {
    std::fprintf(stderr, "btk data synth: %s\n", written.err().message.c_str());
    return 1;
  }
  std::printf("wrote %zu synthetic 1-minute candles (%s .. %s, seed %llu) to "
              "%s\n",
              *written, to_iso(candles.front().ts).c_str(),
              to_iso(candles.back().ts).c_str(),
              static_cast<unsigned long long>(opts.seed), opts.out.c_str());
  return 0;
}

int run_check_command(const std::string& path, bool fill_gaps) {
  const auto t0 = std::chrono::steady_clock::now();
  read_options ro;
  ro.fill_gaps = fill_gaps;
  auto data = read_candles(path, ro);
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
  if (!data) {
    std::fprintf(stderr, "btk data check: %s\n", data.err().message.c_str());
    return 1;
  }
  const auto& c = data->candles;
  std::printf("%s: %s, %zu rows, %zu candles %s .. %s, %zu gaps (%zu filled), "
              "read in %.1f ms\n",
              path.c_str(), data->format.c_str(), data->rows, c.size(),
              to_iso(c.front().ts).c_str(), to_iso(c.back().ts).c_str(),
              data->gaps, data->filled, ms);
  return 0;
}

int run_import_command(const import_command_options& opts) {
  if (auto why = invalid_symbol_reason(opts.symbol)) {
    std::fprintf(stderr, "btk data import: --symbol '%s': %s\n",
                 opts.symbol.c_str(), why->c_str());
    return 1;
  }
  // Parse and validate the whole file first: a bad file never touches (or
  // creates) the store.
  const auto t0 = std::chrono::steady_clock::now();
  read_options ro;
  ro.fill_gaps = opts.fill_gaps;
  auto data = read_candles(opts.file, ro);
  if (!data) {
    std::fprintf(stderr, "btk data import: %s\n", data.err().message.c_str());
    return 1;
  }
  const double read_ms = ms_since(t0);
  auto store = candle_store::open(opts.store, true);
  if (!store) {
    std::fprintf(stderr, "btk data import: %s\n", store.err().message.c_str());
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  auto rep = store->put(opts.symbol, data->candles);
  if (!rep) {
    std::fprintf(stderr, "btk data import: %s\n", rep.err().message.c_str());
    return 1;
  }
  const double put_ms = ms_since(t1);
  const auto& a = rep->after;
  fmt::print("{}: {}, {} row{} ({} filled in {} gap{}), read in {:.1f} ms\n",
             opts.file, data->format, data->rows, plural(data->rows),
             data->filled, data->gaps, plural(data->gaps), read_ms);
  fmt::print("store {}: {} {}: {} day{} written, {} minute{} added, {} "
             "replaced, {} unchanged, in {:.1f} ms\n",
             opts.store, opts.symbol, to_string(a.iv), rep->days_written,
             plural(rep->days_written), rep->added, plural(rep->added),
             rep->replaced, rep->unchanged, put_ms);
  fmt::print("{} {} now: {} .. {}, {} candle{} in {} day{}, {} gap{}\n",
             a.symbol, to_string(a.iv), to_iso(a.first), to_iso(a.last),
             a.count, plural(a.count), a.days, plural(a.days), a.gaps.size(),
             plural(a.gaps.size()));
  if (rep->replaced > 0)
    std::fprintf(stderr,
                 "btk data import: %zu stored minute%s of %s had different "
                 "values and now hold those of %s (the newer import wins)\n",
                 rep->replaced, plural(rep->replaced), opts.symbol.c_str(),
                 opts.file.c_str());
  return 0;
}

int run_ls_command(const ls_command_options& opts) {
  auto store = candle_store::open_read_only(opts.store);
  if (!store) {
    // The hint only helps where there is no store yet.
    const bool missing =
        store.err().message.find("not found") != std::string::npos ||
        store.err().message.find("not a candle store") != std::string::npos;
    std::fprintf(stderr, "btk data ls: %s%s\n", store.err().message.c_str(),
                 missing ? (" (create one with `btk data import FILE "
                            "--symbol S --store " +
                            opts.store + "`)")
                               .c_str()
                         : "");
    return 1;
  }
  auto all = store->list();
  if (!all) {
    std::fprintf(stderr, "btk data ls: %s\n", all.err().message.c_str());
    return 1;
  }
  if (all->empty()) {
    fmt::print("store {}: empty (add candles with `btk data import FILE "
               "--symbol S --store {}`)\n",
               opts.store, opts.store);
    return 0;
  }
  std::size_t w = 6;
  for (const auto& i : *all)
    w = std::max(w, i.symbol.size());
  fmt::print("store {}: {} series\n", opts.store, all->size());
  fmt::print("{:<{}}  {:<8}  {:<24}  {:<24}  {:>9}  {:>5}  {:>5}\n", "symbol",
             w, "interval", "first", "last", "candles", "days", "gaps");
  for (const auto& i : *all)
    fmt::print("{:<{}}  {:<8}  {:<24}  {:<24}  {:>9}  {:>5}  {:>5}\n", i.symbol,
               w, to_string(i.iv), to_iso(i.first), to_iso(i.last), i.count,
               i.days, i.gaps.size());
  for (const auto& i : *all) {
    if (i.gaps.empty())
      continue;
    const auto missing = missing_candles(i.gaps);
    fmt::print("{} {}: {} missing candle{} in {} gap{}:\n", i.symbol,
               to_string(i.iv), missing, plural(missing), i.gaps.size(),
               plural(i.gaps.size()));
    const std::size_t shown = std::min(i.gaps.size(), opts.max_gaps);
    for (std::size_t k = 0; k < shown; ++k) {
      const auto& g = i.gaps[k];
      fmt::print("  {} .. {} ({})\n", to_iso(g.from), to_iso(g.to), g.missing);
    }
    if (shown < i.gaps.size())
      fmt::print("  and {} more (--max-gaps to list them)\n",
                 i.gaps.size() - shown);
  }
  if (!opts.verify) {
    fmt::print("(read from the series records; --verify reads every candle "
               "back and checks every checksum)\n");
    return 0;
  }
  auto read = store->verify();
  if (!read) {
    std::fprintf(stderr, "btk data ls: %s\n", read.err().message.c_str());
    return 1;
  }
  fmt::print("verified: every checksum and every series read back whole ({} "
             "candles)\n",
             *read);
  return 0;
}

} // namespace btk
