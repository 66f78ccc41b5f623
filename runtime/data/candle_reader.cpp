#include "runtime/data/candle_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/market/gaps.hpp"
#include "core/market/time.hpp"

namespace btk {

namespace {

// -- file access --------------------------------------------------------------

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

std::string sys_error(const char* what, std::string_view path, int err) {
  std::string msg = what;
  msg += ' ';
  msg += path;
  msg += ": ";
  msg += std::strerror(err);
  return msg;
}

expected<std::string> read_raw(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return error{sys_error("cannot open", path, errno)};
  struct fd_closer {
    int fd;
    ~fd_closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return error{sys_error("cannot read", path, errno)};
  if (S_ISDIR(st.st_mode))
    return error{sys_error("cannot read", path, EISDIR)};
  // A device (/dev/zero, /dev/urandom) never ends: it is no candle file.
  // Pipes are read (a shell's <(zcat ...)).
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return error{path + ": is a device, not a candle file"};
  std::string buf;
  // Regular files: one read of the known size (plus one to see the end);
  // pipes and the like: grow until end of file.
  std::size_t cap = S_ISREG(st.st_mode) && st.st_size > 0
                        ? static_cast<std::size_t>(st.st_size) + 1
                        : std::size_t{1} << 16;
  buf.resize(cap);
  std::size_t used = 0;
  for (;;) {
    if (used == buf.size())
      buf.resize(buf.size() * 2);
    const ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return error{sys_error("cannot read", path, errno)};
    }
    if (n == 0)
      break;
    used += static_cast<std::size_t>(n);
  }
  buf.resize(used);
  return buf;
}

expected<std::string> gunzip(std::string_view in, std::string_view name) {
  if (in.size() > UINT_MAX)
    return error{std::string(name) + ": gzip file too large (over 4 GiB)"};
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    return error{std::string(name) + ": cannot initialise zlib"};
  struct guard {
    z_stream* zs;
    ~guard() { inflateEnd(zs); }
  } g{&zs};
  // ISIZE (last 4 bytes) is the uncompressed size modulo 2^32 of the last
  // member; a good first guess for one-member files.
  std::size_t guess = in.size() * 4;
  if (in.size() >= 18) {
    const auto* b =
        reinterpret_cast<const unsigned char*>(in.data()) + in.size() - 4;
    const std::size_t isize = b[0] | (b[1] << 8) | (b[2] << 16) |
                              (static_cast<std::size_t>(b[3]) << 24);
    if (isize >= in.size() / 2 && isize / 1100 <= in.size())
      guess = isize + 1;
  }
  std::string out(std::max<std::size_t>(guess, 1024), '\0');
  std::size_t produced = 0;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  for (;;) {
    if (produced == out.size())
      out.resize(out.size() * 2);
    const std::size_t room =
        std::min<std::size_t>(out.size() - produced, UINT_MAX);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += room - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files); anything else
      // after the end is ignored, like gzip(1) does.
      const std::string_view rest(reinterpret_cast<const char*>(zs.next_in),
                                  zs.avail_in);
      if (!is_gzip(rest))
        break;
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_OK)
      continue;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0)
      continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0)
      return error{std::string(name) +
                   ": truncated gzip data (the file ends mid-stream)"};
    return error{std::string(name) + ": corrupt gzip data (" +
                 (zs.msg ? zs.msg : "zlib error " + std::to_string(rc)) + ")"};
  }
  out.resize(produced);
  return out;
}

// -- parsing ------------------------------------------------------------------

constexpr std::size_t max_fields = 16;

struct fields {
  std::string_view v[max_fields];
  /// Number of fields on the line (may exceed max_fields).
  std::size_t n = 0;
};

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
constexpr const char* csv_header = "timestamp,open,high,low,close,volume";

// Collects the problems of a file: the first `max_listed` spelled out as
// `NAME:LINE: reason`, the rest counted.
class problem_list {
public:
  problem_list(std::string_view name, std::size_t max_listed)
      : name_(name)
      , max_listed_(max_listed) {}

  void add(std::size_t line, std::string_view reason) {
    if (count_++ >= max_listed_)
      return;
    std::string s(name_);
    s += ':';
    s += std::to_string(line);
    s += ": ";
    s += reason;
    listed_.push_back(std::move(s));
  }

  std::size_t count() const noexcept { return count_; }

  error to_error() const {
    std::string msg;
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

private:
  std::string_view name_;
  std::size_t max_listed_;
  std::size_t count_ = 0;
  std::vector<std::string> listed_;
};

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

expected<candle_data> parse_candles(std::string_view text,
                                    std::string_view name,
                                    const read_options& opt) {
  // UTF-8 byte order mark.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
    text.remove_prefix(3);

  candle_data out;
  problem_list problems(name, opt.max_listed);
  std::vector<candle_gap> gaps;

  const std::size_t line_estimate =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  out.candles.reserve(std::min(line_estimate, opt.max_candles));

  fields f;
  fields header;
  std::size_t header_line = 0;
  std::size_t ncols = 0; // 0 until the first data row fixed the format
  bool binance = false;
  const char* const* names = csv_columns;

  bool have_prev = false;
  timestamp prev_ts = 0;
  std::size_t prev_line = 0;
  bool filling = opt.fill_gaps;

  std::string reasons; // reused; only grows on bad rows
  double v[5];

  const char* p = text.data();
  const char* const end = p + text.size();
  std::size_t line_no = 0;
  while (p < end) {
    const auto* nl = static_cast<const char*>(
        std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* le = nl ? nl : end;
    std::string_view line(p, static_cast<std::size_t>(le - p));
    p = nl ? nl + 1 : end;
    ++line_no;
    if (trim(line).empty())
      continue;
    split(line, f);

    if (ncols == 0) {
      std::int64_t t;
      bool integer;
      if (header_line == 0 && !parse_timestamp(f.v[0], t, integer)) {
        header = f;
        header_line = line_no;
        continue;
      }
      if (f.n == 6) {
        binance = false;
        names = csv_columns;
      } else if (f.n == 12) {
        binance = true;
        names = binance_columns;
      } else {
        problems.add(line_no,
                     "expected 6 columns (" + std::string(csv_header) +
                         ") or 12 (Binance kline dump), found " +
                         std::to_string(f.n) +
                         "; cannot tell the format from this first data row");
        break;
      }
      ncols = f.n;
      out.format = binance ? "binance" : "csv";
      if (header_line != 0) {
        if (header.n != ncols) {
          problems.add(header_line,
                       "the header has " + std::to_string(header.n) +
                           " columns but the first data row (line " +
                           std::to_string(line_no) + ") has " +
                           std::to_string(ncols));
        } else {
          for (std::size_t k = 1; k <= 5; ++k)
            if (!iequals(header.v[k], names[k]))
              problems.add(header_line,
                           "header column " + std::to_string(k + 1) + " is " +
                               quoted(header.v[k]) + ", expected " +
                               quoted(names[k]) +
                               " (columns: " + std::string(csv_header) +
                               (binance ? ",...)" : ")"));
        }
      }
    }

    if (f.n != ncols) {
      problems.add(line_no, "expected " + std::to_string(ncols) +
                                " columns, found " + std::to_string(f.n));
      continue;
    }

    reasons.clear();

    // Timestamp.
    timestamp ts = 0;
    bool ts_ok = false;
    {
      std::int64_t raw = 0;
      bool integer = false;
      if (!parse_timestamp(f.v[0], raw, integer)) {
        add_reason(reasons, "column 1 (" + std::string(names[0]) +
                                "): " + quoted(f.v[0]) + " is not a timestamp");
      } else {
        bool grid = true;
        ts = raw;
        if (integer &&
            (raw > 100'000'000'000'000LL || raw < -100'000'000'000'000LL)) {
          // Microseconds (Binance dumps from 2025 on): no millisecond time
          // is that large (1e14 ms is in the year 5138).
          ts = floor_div(raw, 1000);
          grid = raw - ts * 1000 == 0;
        }
        if (!grid || ts - floor_div(ts, minute_ms) * minute_ms != 0) {
          add_reason(reasons, "timestamp " + ts_text(f.v[0], ts) +
                                  " is not on the 1-minute grid");
        } else {
          ts_ok = true;
        }
      }
    }
    if (ts_ok) {
      if (have_prev && ts == prev_ts) {
        add_reason(reasons, "duplicate timestamp " + ts_text(f.v[0], ts) +
                                ", same as line " + std::to_string(prev_line));
      } else if (have_prev && ts < prev_ts) {
        add_reason(reasons, "timestamp " + ts_text(f.v[0], ts) +
                                " is out of order: before " + to_iso(prev_ts) +
                                " of line " + std::to_string(prev_line));
      }
    }

    // Prices and volume.
    bool numbers_ok = true;
    for (std::size_t k = 0; k < 5; ++k) {
      if (!parse_double(f.v[k + 1], v[k])) {
        numbers_ok = false;
        add_reason(reasons, "column " + std::to_string(k + 2) + " (" +
                                names[k + 1] + "): " + quoted(f.v[k + 1]) +
                                " is not a number");
      }
    }
    if (numbers_ok) {
      // The timestamp was checked above, with the file's own wording.
      const auto flaws = static_cast<std::uint16_t>(
          candle_flaws({0, v[0], v[1], v[2], v[3], v[4]}) & ~off_grid);
      if (flaws != 0)
        add_reason(reasons, describe_candle_flaws(
                                flaws, candle_text{f.v[0], f.v[1], f.v[2],
                                                   f.v[3], f.v[4], f.v[5]}));
    }

    // Gaps: measured from the previous row with a usable timestamp.
    if (ts_ok && have_prev && ts > prev_ts + minute_ms) {
      const std::int64_t missing = (ts - prev_ts) / minute_ms - 1;
      gaps.push_back({prev_ts + minute_ms, ts - minute_ms, missing});
      if (filling && problems.count() == 0 && reasons.empty() &&
          !out.candles.empty()) {
        if (out.candles.size() + static_cast<std::size_t>(missing) >=
            opt.max_candles) {
          add_reason(reasons, "filling the " + std::to_string(missing) +
                                  " missing minutes before this row would "
                                  "exceed the limit of " +
                                  std::to_string(opt.max_candles) + " candles");
          filling = false;
        } else {
          const double pc = out.candles.back().close;
          for (timestamp t = prev_ts + minute_ms; t < ts; t += minute_ms)
            out.candles.push_back(flat_candle(t, pc));
          out.filled += static_cast<std::size_t>(missing);
        }
      }
    }
    if (ts_ok) {
      have_prev = true;
      prev_ts = ts;
      prev_line = line_no;
    }

    if (!reasons.empty()) {
      problems.add(line_no, reasons);
      continue;
    }
    ++out.rows;
    if (problems.count() == 0)
      out.candles.push_back({ts, v[0], v[1], v[2], v[3], v[4]});
  }

  if (problems.count() > 0)
    return problems.to_error();
  if (out.rows == 0)
    return error{std::string(name) + ": no candles (the file is empty" +
                 (header_line ? " apart from its header)" : ")")};
  out.gaps = gaps.size();
  if (!gaps.empty() && !opt.fill_gaps) {
    std::string msg(name);
    msg += ": ";
    msg += describe_gaps(gaps, opt.max_listed_gaps);
    if (gaps.size() + 1 == out.rows) {
      // Every row is followed by a gap: most likely hourly or daily bars.
      msg += "; every row is followed by a gap (the first two rows are ";
      msg += std::to_string(gaps.front().missing + 1);
      msg += " minutes apart): this does not look like 1-minute data";
    } else {
      msg += "; ";
      msg += fill_gaps_hint;
    }
    return error{std::move(msg)};
  }
  return out;
}

// -- writing ------------------------------------------------------------------

void append_number(std::string& out, double v, int decimals) {
  char buf[512];
  const auto r =
      decimals >= 0
          ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed,
                          decimals)
          : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec == std::errc{}) {
    out.append(buf, r.ptr);
    return;
  }
  const auto g = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, g.ptr);
}

expected<std::string> gzip_bytes(std::string_view in, std::string_view name) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return error{std::string(name) + ": cannot initialise zlib"};
  struct guard {
    z_stream* zs;
    ~guard() { deflateEnd(zs); }
  } g{&zs};
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
    return error{std::string(name) + ": gzip compression failed"};
  out.resize(zs.total_out);
  return out;
}

} // namespace

expected<std::string> read_file_contents(const std::string& path) {
  auto raw = read_raw(path);
  if (!raw || !is_gzip(*raw))
    return raw;
  return gunzip(*raw, path);
}

expected<candle_data> read_candles(const std::string& path,
                                   const read_options& options) {
  auto text = read_file_contents(path);
  if (!text)
    return text.err();
  return parse_candles(*text, path, options);
}

expected<candle_data> read_candles_from_memory(std::string_view bytes,
                                               std::string_view name,
                                               const read_options& options) {
  if (is_gzip(bytes)) {
    auto text = gunzip(bytes, name);
    if (!text)
      return text.err();
    return parse_candles(*text, name, options);
  }
  return parse_candles(bytes, name, options);
}

std::string format_candles_csv(const std::vector<candle>& candles,
                               int decimals) {
  std::string out;
  out.reserve(48 + candles.size() * 72);
  out += csv_header;
  out += '\n';
  char buf[32];
  for (const auto& c : candles) {
    const auto r = std::to_chars(buf, buf + sizeof buf, c.ts);
    out.append(buf, r.ptr);
    for (double x : {c.open, c.high, c.low, c.close}) {
      out += ',';
      append_number(out, x, decimals);
    }
    out += ',';
    append_number(out, c.volume, -1);
    out += '\n';
  }
  return out;
}

expected<std::size_t> write_candles_csv(const std::string& path,
                                        const std::vector<candle>& candles,
                                        int decimals) {
  std::string text = format_candles_csv(candles, decimals);
  const bool gz =
      path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (gz) {
    if (text.size() > UINT_MAX)
      return error{path + ": too much data for one gzip write (over 4 GiB)"};
    auto packed = gzip_bytes(text, path);
    if (!packed)
      return packed.err();
    text = std::move(*packed);
  }
  errno = 0;
  file_ptr f{std::fopen(path.c_str(), "wb")};
  if (!f)
    return error{sys_error("cannot create", path, errno)};
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size())
    return error{sys_error("cannot write", path, errno ? errno : EIO)};
  errno = 0;
  if (std::fclose(f.release()) != 0)
    return error{sys_error("cannot write", path, errno ? errno : EIO)};
  return candles.size();
}

} // namespace btk
