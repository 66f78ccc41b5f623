#include "runtime/cli/data_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/time.hpp"
#include "runtime/data/candle_reader.hpp"
#include "runtime/data/synth.hpp"

namespace btk {

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

} // namespace btk
