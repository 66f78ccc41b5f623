#include "runtime/data/row_scan.hpp"

#include <cstring>
#include <system_error>
#include <thread>

namespace btk::detail {

namespace {

constexpr double exact_powers_of_ten[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

constexpr std::uint64_t max_exact_integer = std::uint64_t{1} << 53;

bool is_digit(char c) noexcept {
  return static_cast<unsigned char>(c - '0') < 10;
}

// The digits at `p` into `m` (at most `room` of them); the count, or -1
// when there are more.
int scan_digits(const char*& p, const char* end, std::uint64_t& m,
                int room) noexcept {
  int n = 0;
  while (p < end && is_digit(*p)) {
    if (n == room)
      return -1;
    m = m * 10 + static_cast<std::uint64_t>(*p - '0');
    ++p;
    ++n;
  }
  return n;
}

// A line end at `p`: the start of the next line, or nullptr.
const char* line_end(const char* p, const char* end) noexcept {
  if (p == end)
    return p;
  if (*p == '\n')
    return p + 1;
  if (*p == '\r' && (p + 1 == end || p[1] == '\n'))
    return p + 1 == end ? end : p + 2;
  return nullptr;
}

} // namespace

const char* scan_short_decimal(const char* p, const char* end,
                               double& out) noexcept {
  std::uint64_t m = 0;
  const int whole = scan_digits(p, end, m, 19);
  if (whole <= 0)
    return nullptr;
  int frac = 0;
  if (p < end && *p == '.') {
    ++p;
    frac = scan_digits(p, end, m, 19 - whole);
    if (frac <= 0 || frac > 22)
      return nullptr;
  }
  if (m > max_exact_integer)
    return nullptr;
  // Both operands are exact and IEEE division rounds correctly.
  out = static_cast<double>(m) / exact_powers_of_ten[frac];
  return p;
}

const char* scan_row(const char* p, const char* end, const row_shape& shape,
                     candle& out) noexcept {
  const char* const start = p;
  std::uint64_t raw = 0;
  if (scan_digits(p, end, raw, 18) <= 0 || p == end || *p != ',')
    return nullptr;
  auto ts = static_cast<std::int64_t>(raw);
  if (ts > 100'000'000'000'000LL) { // microseconds, as the general path
    if (ts % 1000 != 0)
      return nullptr;
    ts /= 1000;
  }
  if (ts % minute_ms != 0)
    return nullptr;
  double v[5];
  for (int k = 0; k < 5; ++k) {
    ++p; // the comma before
    p = scan_short_decimal(p, end, v[k]);
    if (p == nullptr || (k < 4 && (p == end || *p != ',')))
      return nullptr;
  }
  const double o = v[0], h = v[1], l = v[2], c = v[3];
  // The values are finite and not negative: these are all the rules.
  if (!(o > 0 && l > 0 && h >= l && o >= l && o <= h && c >= l && c <= h))
    return nullptr;
  if (shape.columns != 6) {
    // The other columns are only counted, as the general path does.
    if (p == end || *p != ',')
      return nullptr;
    const auto* nl = static_cast<const char*>(
        std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* stop = nl ? nl : end;
    std::size_t commas = 0;
    for (const char* q = p; q < stop; ++q)
      commas += *q == ',';
    if (commas != shape.columns - 6)
      return nullptr;
    p = stop[-1] == '\r' ? stop - 1 : stop;
  }
  const char* next = line_end(p, end);
  // The general path measures a line with its '\r'.
  if (next == nullptr ||
      static_cast<std::size_t>(p - start) + (p < end && *p == '\r') >
          shape.max_line)
    return nullptr;
  out = {ts, o, h, l, c, v[4]};
  return next;
}

bool row_scanner::feed(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto& run = run_;
  while (p < end && run.clean) {
    ++run.lines;
    if (*p == '\n') {
      ++p;
      continue;
    }
    candle c;
    const char* next = nullptr;
    if (run.columns == 0) {
      for (const std::size_t cols : {std::size_t{6}, std::size_t{12}}) {
        shape_.columns = cols;
        if ((next = scan_row(p, end, shape_, c)) != nullptr) {
          run.columns = cols;
          break;
        }
      }
    } else {
      next = scan_row(p, end, shape_, c);
    }
    if (next == nullptr ||
        (!run.candles.empty() && c.ts != run.candles.back().ts + minute_ms)) {
      run.clean = false;
      break;
    }
    run.candles.push_back(c);
    run.last_row_line = run.lines;
    p = next;
  }
  return run.clean;
}

void scan_beside(std::size_t n, const std::function<void(std::size_t)>& scan,
                 const std::function<void(std::size_t)>& failed,
                 const std::function<void()>& here) {
  std::vector<std::thread> threads;
  struct joiner {
    std::vector<std::thread>& threads;
    ~joiner() {
      for (auto& t : threads)
        t.join();
    }
  } join{threads};
  try {
    for (std::size_t k = 0; k < n; ++k)
      threads.emplace_back([&, k] {
        try {
          scan(k);
        } catch (...) {
          failed(k);
        }
      });
  } catch (const std::system_error&) { // no more threads
    for (std::size_t k = threads.size(); k < n; ++k)
      failed(k);
  }
  here();
}

row_run scan_rows(std::string_view text, std::size_t max_line) {
  row_scanner scanner(max_line);
  scanner.reserve(text.size() / 48 + 1);
  scanner.feed(text);
  return scanner.take();
}

} // namespace btk::detail
