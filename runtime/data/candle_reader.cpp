#include "runtime/data/candle_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "runtime/data/candle_parser.hpp"
#include "runtime/data/file_pieces.hpp"
#include "runtime/data/whole_gzip.hpp"

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

// A file opened for reading, closed on every path.
struct fd_closer {
  int fd;
  ~fd_closer() { ::close(fd); }
};

// Reads up to `size` bytes (fewer only at end of file); EINTR is retried.
expected<std::size_t> read_some(int fd, char* buf, std::size_t size,
                                const std::string& path) {
  std::size_t used = 0;
  while (used < size) {
    const ssize_t n = ::read(fd, buf + used, size - used);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return error{sys_error("cannot read", path, errno)};
    }
    if (n == 0)
      break;
    used += static_cast<std::size_t>(n);
  }
  return used;
}

/// Bytes read or inflated at a time from a compressed or piped file.
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

// Gives the parser whole lines from a byte stream cut anywhere. At most one
// unfinished line is kept, and only up to `read_options::max_line_bytes`: a
// longer one is counted as a problem and skipped to its end.
class line_splitter {
public:
  line_splitter(detail::candle_parser& parser, std::size_t max_line)
      : parser_(parser)
      , max_line_(max_line) {}

  void push(std::string_view bytes) {
    if (skipping_ || !carry_.empty()) {
      const auto* nl = static_cast<const char*>(
          std::memchr(bytes.data(), '\n', bytes.size()));
      if (!nl) {
        keep(bytes);
        return;
      }
      const auto head = static_cast<std::size_t>(nl - bytes.data()) + 1;
      keep(bytes.substr(0, head));
      if (skipping_) {
        skipping_ = false; // the long line ends here; it was counted
      } else {
        parser_.feed(carry_);
        carry_.clear();
      }
      bytes.remove_prefix(head);
    }
    const auto* last =
        static_cast<const char*>(::memrchr(bytes.data(), '\n', bytes.size()));
    const std::size_t whole =
        last ? static_cast<std::size_t>(last - bytes.data()) + 1 : 0;
    if (whole > 0)
      parser_.feed(bytes.substr(0, whole));
    keep(bytes.substr(whole));
  }

  // The last line, which may lack its newline.
  void finish() {
    if (!skipping_ && !carry_.empty())
      parser_.feed(carry_);
    carry_.clear();
  }

private:
  // Adds a part of the unfinished line (its newline included when it ends).
  void keep(std::string_view part) {
    if (skipping_ || part.empty())
      return;
    const std::size_t line_bytes =
        carry_.size() + part.size() - (part.back() == '\n' ? 1 : 0);
    if (line_bytes > max_line_) {
      carry_.clear();
      skipping_ = part.back() != '\n';
      parser_.long_line();
      return;
    }
    carry_ += part;
  }

  detail::candle_parser& parser_;
  std::size_t max_line_;
  std::string carry_;
  bool skipping_ = false; // inside a line found too long
};

// Inflates gzip data given in pieces, one window at a time, into a
// `line_splitter`: memory stays at one window whatever the file inflates to
// (a bomb of blank lines costs time in proportion, never memory), and the
// size the trailer claims is not trusted. Concatenated members are read
// through; anything else after a member's end is ignored, like gzip(1) does.
class gunzip_stream {
public:
  gunzip_stream(std::string_view name, line_splitter& out)
      : name_(name)
      , out_(out)
      , window_(new char[chunk_bytes]) {
    ok_ = inflateInit2(&zs_, 15 + 16) == Z_OK;
  }
  ~gunzip_stream() {
    if (ok_)
      inflateEnd(&zs_);
  }
  gunzip_stream(const gunzip_stream&) = delete;
  gunzip_stream& operator=(const gunzip_stream&) = delete;

  std::optional<error> push(std::string_view in) {
    if (!ok_)
      return error{std::string(name_) + ": cannot initialise zlib"};
    while (!in.empty() && !trailing_) {
      if (member_done_) {
        // Two bytes tell whether another member follows.
        const std::size_t take = std::min(in.size(), 2 - head_.size());
        head_.append(in.data(), take);
        in.remove_prefix(take);
        if (head_.size() < 2)
          return std::nullopt;
        if (!is_gzip(head_)) {
          trailing_ = true;
          return std::nullopt;
        }
        inflateReset(&zs_);
        member_done_ = false;
        std::string_view magic(head_);
        if (auto e = inflate_some(magic))
          return e;
      }
      if (auto e = inflate_some(in))
        return e;
    }
    return std::nullopt;
  }

  std::optional<error> finish() {
    if (!member_done_ && !trailing_)
      return error{std::string(name_) +
                   ": truncated gzip data (the file ends mid-stream)"};
    return std::nullopt;
  }

private:
  // Inflates from `in` until it is used up or a member ends; `in` keeps
  // what follows the member's end.
  std::optional<error> inflate_some(std::string_view& in) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      zs_.next_out = reinterpret_cast<Bytef*>(window_.get());
      zs_.avail_out = static_cast<uInt>(chunk_bytes);
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      const std::size_t produced = chunk_bytes - zs_.avail_out;
      if (produced > 0)
        out_.push(std::string_view(window_.get(), produced));
      if (rc == Z_STREAM_END) {
        member_done_ = true;
        head_.clear();
        break;
      }
      if (rc == Z_OK && (zs_.avail_in > 0 || zs_.avail_out == 0))
        continue;
      if (rc == Z_OK || (rc == Z_BUF_ERROR && zs_.avail_in == 0))
        break; // wants more input
      return error{std::string(name_) + ": corrupt gzip data (" +
                   (zs_.msg ? zs_.msg : "zlib error " + std::to_string(rc)) +
                   ")"};
    }
    in = std::string_view(reinterpret_cast<const char*>(zs_.next_in),
                          zs_.avail_in);
    return std::nullopt;
  }

  std::string_view name_;
  line_splitter& out_;
  std::unique_ptr<char[]> window_; // not zeroed: inflate writes first
  z_stream zs_{};
  bool ok_ = false;
  bool member_done_ = false; // a member ended; another may follow
  bool trailing_ = false;    // bytes after the last member: ignored
  std::string head_;         // the first bytes after a member's end
};

// Feeds `parser` the byte chunks `next` gives (it fills its argument and
// returns false at the end, or an error), through an inflater when `gzip`
// and a line splitter: the one path of gzip data and pipes.
template <class Next>
std::optional<error> feed_chunks(std::string_view name, bool gzip,
                                 detail::candle_parser& parser,
                                 const read_options& opt, Next next) {
  line_splitter lines(parser, opt.max_line_bytes);
  std::optional<gunzip_stream> gz;
  if (gzip)
    gz.emplace(name, lines);
  std::string_view chunk;
  for (;;) {
    expected<bool> more = next(chunk);
    if (!more)
      return more.err();
    if (!*more)
      break;
    if (!gz)
      lines.push(chunk);
    else if (auto e = gz->push(chunk))
      return e;
  }
  if (gz)
    if (auto e = gz->finish())
      return e;
  lines.finish();
  return std::nullopt;
}

// The chunks of an open file: `first` (bytes already read), then reads to
// its end (an empty `first` means the file is empty).
std::optional<error> stream_into(int fd, const std::string& path,
                                 std::string first, bool gzip,
                                 detail::candle_parser& parser,
                                 const read_options& opt) {
  std::string buf = std::move(first);
  bool started = false;
  return feed_chunks(path, gzip, parser, opt,
                     [&](std::string_view& chunk) -> expected<bool> {
                       if (started) {
                         buf.resize(chunk_bytes);
                         auto n = read_some(fd, buf.data(), buf.size(), path);
                         if (!n)
                           return n.err();
                         buf.resize(*n);
                       }
                       started = true;
                       chunk = buf;
                       return !buf.empty();
                     });
}

// The bytes of a regular file from `from` to its end (it may have grown),
// or to `to`, through the one path of `feed_chunks`.
std::optional<error> feed_range(int fd, const std::string& path,
                                std::uint64_t from,
                                std::optional<std::uint64_t> to,
                                detail::candle_parser& parser,
                                const read_options& opt) {
  std::unique_ptr<char[]> buf(new char[chunk_bytes]);
  std::uint64_t off = from;
  return feed_chunks(
      path, false, parser, opt, [&](std::string_view& chunk) -> expected<bool> {
        const auto want = static_cast<std::size_t>(
            to ? std::min<std::uint64_t>(chunk_bytes, *to - off) : chunk_bytes);
        if (want == 0)
          return false;
        auto n = detail::pread_some(fd, buf.get(), want, off, path);
        if (!n)
          return n.err();
        off += *n;
        chunk = std::string_view(buf.get(), *n);
        return *n > 0;
      });
}

// All of a regular file of `size` bytes when its size was taken (it may have
// grown since: reading goes on to its end).
expected<std::string> read_whole(int fd, const std::string& path,
                                 std::uint64_t size) {
  std::string out;
  std::uint64_t off = 0;
  std::size_t want = static_cast<std::size_t>(size) + 1;
  for (;;) {
    out.resize(static_cast<std::size_t>(off) + want);
    auto n = detail::pread_some(fd, out.data() + off, want, off, path);
    if (!n)
      return n.err();
    off += *n;
    if (*n < want)
      break;
    want = chunk_bytes;
  }
  out.resize(static_cast<std::size_t>(off));
  return out;
}

// A plain regular file of `size` bytes: the first piece parsed here while
// threads scan the others through small buffers (see `read_options::
// threads`); the first piece that does not go on from the rows before it,
// and anything the file grew by, is parsed here in order.
std::optional<error> read_plain_file(int fd, const std::string& path,
                                     std::uint64_t size,
                                     detail::candle_parser& parser,
                                     const read_options& opt) {
  parser.expect_bytes(size);
  const std::size_t pieces = parser.pieces_for(size);
  if (pieces < 2)
    return feed_range(fd, path, 0, std::nullopt, parser, opt);
  const auto cuts = detail::piece_cuts(fd, size, pieces, opt.max_line_bytes);
  std::vector<detail::piece_scan> scans(cuts.size() - 2);
  std::optional<error> first;
  detail::scan_beside(
      scans.size(),
      [&](std::size_t k) {
        scans[k] = detail::scan_file_piece(fd, cuts[k + 1], cuts[k + 2],
                                           opt.max_line_bytes, chunk_bytes);
      },
      [&](std::size_t k) { scans[k].run.clean = false; },
      [&] { first = feed_range(fd, path, 0, cuts[1], parser, opt); });
  if (first)
    return first;
  std::uint64_t rest = cuts[1];
  for (std::size_t k = 0; k < scans.size(); ++k) {
    const bool whole = scans[k].end == cuts[k + 2] || k + 1 == scans.size();
    if (!whole || !parser.adopt(scans[k].run))
      break;
    rest = scans[k].end;
  }
  return feed_range(fd, path, rest, std::nullopt, parser, opt);
}

// Gzip bytes held in memory: inflated at once when libdeflate can (and
// parsed on several threads), else through zlib a window at a time.
std::optional<error> gunzip_into(std::string_view bytes, std::string_view name,
                                 detail::candle_parser& parser,
                                 const read_options& opt) {
  if (auto text = detail::inflate_whole_gzip(bytes)) {
    parser.feed(text->view());
    return std::nullopt;
  }
  return feed_chunks(name, true, parser, opt,
                     [&](std::string_view& chunk) -> expected<bool> {
                       if (bytes.empty())
                         return false;
                       chunk = bytes.substr(0, chunk_bytes);
                       bytes.remove_prefix(chunk.size());
                       return true;
                     });
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

expected<candle_data> read_candles(const std::string& path,
                                   const read_options& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return error{sys_error("cannot open", path, errno)};
  fd_closer closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return error{sys_error("cannot read", path, errno)};
  if (S_ISDIR(st.st_mode))
    return error{sys_error("cannot read", path, EISDIR)};
  // A device (/dev/zero, /dev/urandom) never ends: it is no candle file.
  // Pipes are read (a shell's <(zcat ...)).
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return error{path + ": is a device, not a candle file"};

  // Everything streams through buffers of `chunk_bytes`: gzip data and pipes
  // in order, a large plain regular file in pieces on several threads.
  char magic[2];
  auto n = read_some(fd, magic, sizeof magic, path);
  if (!n)
    return n.err();
  std::string first(magic, *n);
  const bool gzip = is_gzip(first);
  detail::candle_parser parser(path, options);
  if (gzip && S_ISREG(st.st_mode)) {
    // Compressed bytes are held whole (a fraction of the text), so that
    // libdeflate can inflate them at once.
    auto bytes = read_whole(fd, path, static_cast<std::uint64_t>(st.st_size));
    if (!bytes)
      return bytes.err();
    if (auto e = gunzip_into(*bytes, path, parser, options))
      return *e;
    return parser.finish();
  }
  if (gzip || !S_ISREG(st.st_mode)) {
    if (auto e = stream_into(fd, path, std::move(first), gzip, parser, options))
      return *e;
    return parser.finish();
  }
  if (auto e = read_plain_file(fd, path, static_cast<std::uint64_t>(st.st_size),
                               parser, options))
    return *e;
  return parser.finish();
}

expected<candle_data> read_candles_from_memory(std::string_view bytes,
                                               std::string_view name,
                                               const read_options& options) {
  detail::candle_parser parser(name, options);
  if (is_gzip(bytes)) {
    if (auto e = gunzip_into(bytes, name, parser, options))
      return *e;
  } else {
    parser.feed(bytes);
  }
  return parser.finish();
}

std::string format_candles_csv(const std::vector<candle>& candles,
                               int decimals) {
  std::string out;
  out.reserve(48 + candles.size() * 72);
  out += detail::csv_header;
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
