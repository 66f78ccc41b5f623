#include "runtime/data/candle_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

#include "core/market/time.hpp"

namespace btk::detail {

namespace {

/// Smallest piece of a file parsed on a thread of its own.
constexpr std::size_t min_piece_bytes = std::size_t{4} << 20;

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    s = s.substr(1, s.size() - 2);
  return s;
}

void split(std::string_view line, fields& f) noexcept {
  f.n = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  for (;;) {
    const auto* c = static_cast<const char*>(
        std::memchr(p, ',', static_cast<std::size_t>(end - p)));
    const char* stop = c ? c : end;
    if (f.n < max_fields)
      f.v[f.n] = trim(std::string_view(p, static_cast<std::size_t>(stop - p)));
    ++f.n;
    if (!c)
      break;
    p = c + 1;
  }
}

// Reads a decimal number the way JavaScript's Number() reads it (correctly
// rounded), minus JavaScript's oddities (empty text as 0, hex).
bool parse_double(std::string_view s, double& out) noexcept {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-')
      return false;
  }
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// An integer, or an ISO-8601 UTC time (`parse_time`). `integer` tells which.
bool parse_timestamp(std::string_view s, std::int64_t& out,
                     bool& integer) noexcept {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits.front() == '-')
      return false;
  }
  integer = false;
  if (digits.empty())
    return false;
  auto [p, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec == std::errc{} && p == digits.data() + digits.size()) {
    integer = true;
    return true;
  }
  if (!(s.front() >= '0' && s.front() <= '9'))
    return false;
  if (auto t = parse_time(s)) {
    out = *t;
    return true;
  }
  return false;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i])
      return false;
  }
  return true;
}

constexpr const char* csv_columns[] = {"timestamp", "open",  "high",
                                       "low",       "close", "volume"};
constexpr const char* binance_columns[] = {"open_time",
                                           "open",
                                           "high",
                                           "low",
                                           "close",
                                           "volume",
                                           "close_time",
                                           "quote_volume",
                                           "count",
                                           "taker_buy_volume",
                                           "taker_buy_quote_volume",
                                           "ignore"};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

std::string ts_text(std::string_view raw, timestamp ts) {
  std::string out(raw);
  out += " (";
  out += to_iso(ts);
  out += ')';
  return out;
}

// Appends "; " + text to a row's reasons.
void add_reason(std::string& reasons, std::string_view text) {
  if (!reasons.empty())
    reasons += "; ";
  reasons += text;
}

} // namespace

void problem_list::add(std::size_t line, std::string_view reason) {
  if (count_++ >= max_listed_)
    return;
  std::string s(name_);
  s += ':';
  s += std::to_string(line);
  s += ": ";
  s += reason;
  listed_.push_back(std::move(s));
}

error problem_list::to_error() const {
  std::string msg;
  if (listed_.empty()) {
    msg += name_;
    msg += ": ";
    msg += std::to_string(count_);
    msg += count_ == 1 ? " problem (none listed)" : " problems (none listed)";
    return error{std::move(msg)};
  }
  if (count_ > 1) {
    msg += name_;
    msg += ": ";
    msg += std::to_string(count_);
    msg += " problems:";
  }
  for (const auto& s : listed_) {
    if (!msg.empty())
      msg += '\n';
    msg += s;
  }
  if (count_ > listed_.size()) {
    msg += '\n';
    msg += name_;
    msg += ": and ";
    msg += std::to_string(count_ - listed_.size());
    msg += " more";
  }
  return error{std::move(msg)};
}

candle_parser::candle_parser(std::string_view name, const read_options& options)
    : name_(name)
    , opt_(options)
    , problems_(name, options.max_listed)
    , names_(csv_columns)
    , filling_(options.fill_gaps) {}

void candle_parser::feed(std::string_view text) {
  if (!started_) {
    started_ = true;
    // UTF-8 byte order mark.
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
      text.remove_prefix(3);
  }
  expect_bytes(text.size());
  const std::size_t pieces = pieces_for(text.size());
  if (pieces < 2)
    feed_lines(text);
  else
    feed_pieces(text, pieces);
}

std::size_t candle_parser::pieces_for(std::uint64_t bytes) const noexcept {
  const unsigned threads =
      opt_.threads != 0
          ? opt_.threads
          : std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(threads, bytes / min_piece_bytes));
}

// Room for the rows of `bytes` of text, growing geometrically across
// pieces. The rows are not counted (that is a pass over the text): a row of
// a real file takes 40 bytes or more, and a file of shorter ones grows the
// vector as it goes. Room never touched costs address space only.
void candle_parser::expect_bytes(std::uint64_t bytes) {
  auto& cs = out_.candles;
  const std::size_t want = static_cast<std::size_t>(
      std::min<std::uint64_t>(cs.size() + bytes / 40 + 1, opt_.max_candles));
  if (want > cs.capacity())
    cs.reserve(std::max(want, std::min(cs.capacity() * 2, opt_.max_candles)));
}

void candle_parser::feed_lines(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end && !stopped_) {
    if (*p == '\n') { // blank lines, fast: a bomb of them costs little
      ++p;
      ++line_no_;
      continue;
    }
    if (fast_row(p, end))
      continue;
    const auto* nl = static_cast<const char*>(
        std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* le = nl ? nl : end;
    ++line_no_;
    parse_line(std::string_view(p, static_cast<std::size_t>(le - p)));
    p = nl ? nl + 1 : end;
  }
}

// A row of the common kind, a minute after the previous one in a file
// without problems so far, read in one pass (and `p` moved past it); false
// leaves everything to `parse_line`.
bool candle_parser::fast_row(const char*& p, const char* end) {
  if (ncols_ == 0 || !have_prev_ || problems_.count() != 0)
    return false;
  candle c;
  const char* next =
      scan_row(p, end, row_shape{ncols_, opt_.max_line_bytes}, c);
  if (next == nullptr || c.ts != prev_ts_ + minute_ms)
    return false;
  ++line_no_;
  ++out_.rows;
  out_.candles.push_back(c);
  prev_ts_ = c.ts;
  prev_line_ = line_no_;
  p = next;
  return true;
}

// Parses the first piece here while threads scan the others; a scanned
// piece is taken when it continues the rows before it, else everything
// from it on is parsed here, in order.
void candle_parser::feed_pieces(std::string_view text, std::size_t pieces) {
  std::vector<std::size_t> cuts{0};
  for (std::size_t k = 1; k < pieces; ++k) {
    const std::size_t from = std::max(cuts.back(), k * text.size() / pieces);
    const auto* nl = static_cast<const char*>(
        std::memchr(text.data() + from, '\n', text.size() - from));
    if (nl == nullptr || nl + 1 == text.data() + text.size())
      break;
    cuts.push_back(static_cast<std::size_t>(nl + 1 - text.data()));
  }
  cuts.push_back(text.size());
  const auto piece = [&](std::size_t k) {
    return text.substr(cuts[k], cuts[k + 1] - cuts[k]);
  };
  std::vector<row_run> runs(cuts.size() - 2);
  scan_beside(
      runs.size(),
      [&](std::size_t k) {
        runs[k] = scan_rows(piece(k + 1), opt_.max_line_bytes);
      },
      [&](std::size_t k) { runs[k].clean = false; },
      [&] { feed_lines(piece(0)); });
  for (std::size_t k = 0; k < runs.size(); ++k)
    if (!adopt(runs[k])) {
      feed_lines(text.substr(cuts[k + 1]));
      return;
    }
}

// Takes a scanned piece's rows when they go on from the rows so far.
bool candle_parser::adopt(const row_run& run) {
  if (!run.clean || stopped_ || problems_.count() != 0 || ncols_ == 0)
    return false;
  if (!run.candles.empty()) {
    if (run.columns != ncols_ || !have_prev_ ||
        run.candles.front().ts != prev_ts_ + minute_ms)
      return false;
    out_.candles.insert(out_.candles.end(), run.candles.begin(),
                        run.candles.end());
    out_.rows += run.candles.size();
    prev_ts_ = run.candles.back().ts;
    prev_line_ = line_no_ + run.last_row_line;
  }
  line_no_ += run.lines;
  return true;
}

void candle_parser::long_line() {
  ++line_no_;
  report_long_line();
}

void candle_parser::report_long_line() {
  if (!stopped_)
    problems_.add(line_no_, "the line is longer than " +
                                std::to_string(opt_.max_line_bytes) +
                                " bytes; no candle row is that long");
}

void candle_parser::parse_line(std::string_view line) {
  if (line.size() > opt_.max_line_bytes) {
    report_long_line();
    return;
  }
  if (trim(line).empty())
    return;
  fields f;
  split(line, f);

  if (ncols_ == 0) {
    std::int64_t t;
    bool integer;
    if (header_line_ == 0 && !parse_timestamp(f.v[0], t, integer)) {
      header_line_ = line_no_;
      header_n_ = f.n;
      for (std::size_t k = 0; k < 6 && k < f.n; ++k)
        header_[k] = f.v[k];
      return;
    }
    if (!detect_format(f.n))
      return;
  }

  if (f.n != ncols_) {
    problems_.add(line_no_, "expected " + std::to_string(ncols_) +
                                " columns, found " + std::to_string(f.n));
    return;
  }

  reasons_.clear();
  timestamp ts = 0;
  const bool ts_ok = parse_time_column(f, ts);
  double v[5];
  const bool numbers_ok = parse_numbers(f, v);
  if (numbers_ok) {
    // The timestamp was checked above, with the file's own wording.
    const auto flaws = static_cast<std::uint16_t>(
        candle_flaws({0, v[0], v[1], v[2], v[3], v[4]}) & ~off_grid);
    if (flaws != 0)
      add_reason(reasons_, describe_candle_flaws(
                               flaws, candle_text{f.v[0], f.v[1], f.v[2],
                                                  f.v[3], f.v[4], f.v[5]}));
  }
  if (ts_ok) {
    track_gap(ts);
    have_prev_ = true;
    prev_ts_ = ts;
    prev_line_ = line_no_;
  }

  if (!reasons_.empty()) {
    problems_.add(line_no_, reasons_);
    return;
  }
  ++out_.rows;
  if (problems_.count() == 0)
    out_.candles.push_back({ts, v[0], v[1], v[2], v[3], v[4]});
}

// Fixes the format from the first data row's column count; false (and the
// parser stops) when no format has that many.
bool candle_parser::detect_format(std::size_t n) {
  if (n == 6) {
    binance_ = false;
    names_ = csv_columns;
  } else if (n == 12) {
    binance_ = true;
    names_ = binance_columns;
  } else {
    problems_.add(line_no_,
                  "expected 6 columns (" + std::string(csv_header) +
                      ") or 12 (Binance kline dump), found " +
                      std::to_string(n) +
                      "; cannot tell the format from this first data row");
    stopped_ = true;
    return false;
  }
  ncols_ = n;
  out_.format = binance_ ? "binance" : "csv";
  if (header_line_ != 0)
    check_header();
  return true;
}

void candle_parser::check_header() {
  if (header_n_ != ncols_) {
    problems_.add(header_line_, "the header has " + std::to_string(header_n_) +
                                    " columns but the first data row (line " +
                                    std::to_string(line_no_) + ") has " +
                                    std::to_string(ncols_));
    return;
  }
  for (std::size_t k = 1; k <= 5; ++k)
    if (!iequals(header_[k], names_[k]))
      problems_.add(header_line_, "header column " + std::to_string(k + 1) +
                                      " is " + quoted(header_[k]) +
                                      ", expected " + quoted(names_[k]) +
                                      " (columns: " + std::string(csv_header) +
                                      (binance_ ? ",...)" : ")"));
}

// The row's timestamp, in milliseconds on the minute grid and after the
// previous row's; a reason is added otherwise.
bool candle_parser::parse_time_column(const fields& f, timestamp& ts) {
  std::int64_t raw = 0;
  bool integer = false;
  if (!parse_timestamp(f.v[0], raw, integer)) {
    add_reason(reasons_, "column 1 (" + std::string(names_[0]) +
                             "): " + quoted(f.v[0]) + " is not a timestamp");
    return false;
  }
  bool grid = true;
  ts = raw;
  if (integer &&
      (raw > 100'000'000'000'000LL || raw < -100'000'000'000'000LL)) {
    // Microseconds (Binance dumps from 2025 on): no millisecond time is that
    // large (1e14 ms is in the year 5138).
    ts = floor_div(raw, 1000);
    grid = raw - ts * 1000 == 0;
  }
  if (!grid || ts - floor_div(ts, minute_ms) * minute_ms != 0) {
    add_reason(reasons_, "timestamp " + ts_text(f.v[0], ts) +
                             " is not on the 1-minute grid");
    return false;
  }
  if (have_prev_ && ts == prev_ts_)
    add_reason(reasons_, "duplicate timestamp " + ts_text(f.v[0], ts) +
                             ", same as line " + std::to_string(prev_line_));
  else if (have_prev_ && ts < prev_ts_)
    add_reason(reasons_, "timestamp " + ts_text(f.v[0], ts) +
                             " is out of order: before " + to_iso(prev_ts_) +
                             " of line " + std::to_string(prev_line_));
  return true;
}

bool candle_parser::parse_numbers(const fields& f, double (&v)[5]) {
  bool ok = true;
  for (std::size_t k = 0; k < 5; ++k) {
    if (!parse_double(f.v[k + 1], v[k])) {
      ok = false;
      add_reason(reasons_, "column " + std::to_string(k + 2) + " (" +
                               names_[k + 1] + "): " + quoted(f.v[k + 1]) +
                               " is not a number");
    }
  }
  return ok;
}

// Records the gap before a row at `ts` (measured from the previous row with
// a usable timestamp) and fills it when asked and the file is clean so far.
void candle_parser::track_gap(timestamp ts) {
  if (!have_prev_ || ts <= prev_ts_ + minute_ms)
    return;
  const std::int64_t missing = (ts - prev_ts_) / minute_ms - 1;
  gaps_.push_back({prev_ts_ + minute_ms, ts - minute_ms, missing});
  if (!filling_ || problems_.count() != 0 || !reasons_.empty() ||
      out_.candles.empty())
    return;
  if (static_cast<std::uint64_t>(missing) > opt_.max_fill_minutes) {
    add_reason(reasons_,
               "the " + std::to_string(missing) +
                   " missing minutes before this row (since line " +
                   std::to_string(prev_line_) +
                   ") are more than --fill-gaps "
                   "fills in one gap (" +
                   std::to_string(opt_.max_fill_minutes) +
                   "): is the timestamp right? Data from separate periods "
                   "belongs in separate files");
    filling_ = false;
    return;
  }
  if (out_.candles.size() + static_cast<std::size_t>(missing) >=
      opt_.max_candles) {
    add_reason(reasons_, "filling the " + std::to_string(missing) +
                             " missing minutes before this row would "
                             "exceed the limit of " +
                             std::to_string(opt_.max_candles) + " candles");
    filling_ = false;
    return;
  }
  const double pc = out_.candles.back().close;
  for (timestamp t = prev_ts_ + minute_ms; t < ts; t += minute_ms)
    out_.candles.push_back(flat_candle(t, pc));
  out_.filled += static_cast<std::size_t>(missing);
}

expected<candle_data> candle_parser::finish() {
  if (problems_.count() > 0)
    return problems_.to_error();
  if (out_.rows == 0)
    return error{std::string(name_) + ": no candles (the file is empty" +
                 (header_line_ ? " apart from its header)" : ")")};
  out_.gaps = gaps_.size();
  if (!gaps_.empty() && !opt_.fill_gaps) {
    std::string msg(name_);
    msg += ": ";
    msg += describe_gaps(gaps_, opt_.max_listed_gaps);
    if (gaps_.size() + 1 == out_.rows) {
      // Every row is followed by a gap: most likely hourly or daily bars.
      msg += "; every row is followed by a gap (the first two rows are ";
      msg += std::to_string(gaps_.front().missing + 1);
      msg += " minutes apart): this does not look like 1-minute data";
    } else if (std::any_of(gaps_.begin(), gaps_.end(), [&](const auto& g) {
                 return static_cast<std::uint64_t>(g.missing) >
                        opt_.max_fill_minutes;
               })) {
      // --fill-gaps would refuse this one: say what helps instead.
      msg += "; a gap is longer than --fill-gaps fills (" +
             std::to_string(opt_.max_fill_minutes) +
             " minutes): split the file into its periods";
    } else {
      msg += "; ";
      msg += fill_gaps_hint;
    }
    return error{std::move(msg)};
  }
  return std::move(out_);
}

} // namespace btk::detail
