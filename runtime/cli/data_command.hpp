#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace btk {

/// Options of `btk data synth`.
struct synth_command_options {
  /// Output file (`.gz` for gzip). Required.
  std::string out;
  /// Generator seed. Default: 1
  std::uint64_t seed = 1;
  /// Days of 1-minute candles. Default: 30
  double days = 30;
  /// First candle (ISO-8601 UTC or epoch ms). Default: 2024-01-01
  std::string start = "2024-01-01T00:00:00Z";
  /// First open price. Default: 42000
  double price = 42000;
  /// Annualised volatility. Default: 0.6
  double vol = 0.6;
  /// Price decimals. Default: 2
  int decimals = 2;
};

/// The candle store `btk data import` and `btk data ls` use when no
/// `--store` is given. Default: ./dump/store (next to btk's other outputs
/// under ./dump, as backtest-kit keeps its data)
inline constexpr const char* default_store_dir = "./dump/store";

/// Options of `btk data import`.
struct import_command_options {
  /// Candle file: generic CSV or Binance dump, plain or gzip. Required.
  std::string file;
  /// Symbol to store the candles under. Required.
  std::string symbol;
  /// Candle store directory; created when missing. Default: ./dump/store
  std::string store = default_store_dir;
  /// Fill missing minutes in the file with flat candles (stored like read
  /// ones) instead of failing. Default: false
  bool fill_gaps = false;
};

/// Options of `btk data ls`.
struct ls_command_options {
  /// Candle store directory. Default: ./dump/store
  std::string store = default_store_dir;
  /// Most gaps listed per symbol; the others are only counted. Default: 5
  std::size_t max_gaps = 5;
  /// Read the whole store back (`candle_store::verify`) and fail naming the
  /// first damaged day. Default: false (only the info records are read)
  bool verify = false;
};

/// Runs `btk data synth`; returns the exit code.
int run_synth_command(const synth_command_options& opts);

/// Runs `btk data check FILE`: reads and validates a candle file, prints
/// what it holds and how long reading took; returns the exit code.
int run_check_command(const std::string& path, bool fill_gaps);

/// Runs `btk data import FILE --symbol S`: reads and validates the file
/// like `btk backtest --data` does, merges it into the store (a minute
/// stored before is replaced when its values differ: the newer import
/// wins), prints rows read, days written and minutes added and replaced;
/// returns the exit code. Nothing stored is changed when anything fails.
int run_import_command(const import_command_options& opts);

/// Runs `btk data ls`: one line per stored symbol and interval (first,
/// last, candles, days, gaps) plus the first gaps of each; returns the exit
/// code.
int run_ls_command(const ls_command_options& opts);

} // namespace btk
