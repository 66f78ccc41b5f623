#include "strategies/grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

#include "core/market/interval.hpp"
#include "core/stats/number_format.hpp"

namespace btk {

namespace {

/// Most decimals a range may use, so that `10^decimals` and the scaled
/// values stay well inside 64 bits.
constexpr int max_decimals = 15;

/// Scaled range values must stay below this magnitude (18 digits).
constexpr std::uint64_t max_scaled = 1'000'000'000'000'000'000ull;

/// A grid never has more points than this.
constexpr std::uint64_t max_points = std::uint64_t{1} << 63;

std::uint64_t pow10(int n) {
  std::uint64_t out = 1;
  for (int i = 0; i < n; ++i)
    out *= 10;
  return out;
}

bool is_numeric(param_kind k) {
  return k == param_kind::number || k == param_kind::count;
}

std::string accepted(const std::vector<param_spec>& params) {
  std::string out;
  for (const auto& p : params)
    out += (out.empty() ? "" : ", ") + p.name + "=" + p.default_value;
  return out.empty() ? "none" : out;
}

// Checks `text` against what the registry accepts for `kind` (spec.cpp's
// rules) and stores its numeric value (NaN when not numeric).
bool valid_value(param_kind kind, std::string_view text, double& number) {
  number = std::numeric_limits<double>::quiet_NaN();
  switch (kind) {
  case param_kind::number:
    return parse_js_number(text, number);
  case param_kind::count:
    return parse_js_number(text, number) && number >= 1 &&
           std::floor(number) == number && number < 1e12;
  case param_kind::side_choice:
    return text == "long" || text == "short" || text == "alt";
  case param_kind::text:
    return true;
  default: {
    auto iv = parse_interval(text);
    return iv && is_signal_interval(*iv);
  }
  }
}

// A plain decimal `[+-]digits[.digits]` split into its parts.
struct decimal_text {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;
};

bool split_decimal(std::string_view s, decimal_text& out) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    out.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  out.whole = s.substr(0, dot);
  out.fraction =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (out.whole.empty() && out.fraction.empty())
    return false;
  for (std::string_view part : {out.whole, out.fraction})
    for (char c : part)
      if (c < '0' || c > '9')
        return false;
  return true;
}

// The value of `d` times 10^decimals; false when it reaches `max_scaled`.
bool to_scaled(const decimal_text& d, int decimals, std::int64_t& out) {
  std::uint64_t v = 0;
  auto push = [&](char c) {
    if (v > (max_scaled - 1 - static_cast<std::uint64_t>(c - '0')) / 10)
      return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return true;
  };
  for (char c : d.whole)
    if (!push(c))
      return false;
  for (int i = 0; i < decimals; ++i)
    if (!push(i < static_cast<int>(d.fraction.size()) ? d.fraction[i] : '0'))
      return false;
  out =
      d.negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  return true;
}

// Exact decimal text of `scaled / 10^decimals`.
std::string scaled_text(std::int64_t scaled, int decimals) {
  const bool negative = scaled < 0;
  std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(scaled)
                             : static_cast<std::uint64_t>(scaled);
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) <= decimals)
    digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(),
                  '0');
  if (decimals > 0)
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  return (negative ? "-" : "") + digits;
}

// Uniform numbers from splitmix64, identical on every platform.
class splitmix64 {
public:
  explicit splitmix64(std::uint64_t seed)
      : state_(seed) {}

  std::uint64_t operator()() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, bound) for bound >= 1, without modulo bias.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t r = (*this)();
      if (r >= threshold)
        return r % bound;
    }
  }

private:
  std::uint64_t state_;
};

} // namespace

// -- grid_axis ----------------------------------------------------------------

grid_axis::grid_axis(std::string key, param_kind kind,
                     std::vector<std::string> texts,
                     std::vector<double> numbers)
    : key_(std::move(key))
    , kind_(kind)
    , size_(texts.size())
    , texts_(std::move(texts))
    , numbers_(std::move(numbers)) {}

grid_axis::grid_axis(std::string key, param_kind kind, std::int64_t start,
                     std::int64_t step, std::uint64_t count, int decimals)
    : key_(std::move(key))
    , kind_(kind)
    , size_(count)
    , start_(start)
    , step_(step)
    , decimals_(decimals) {}

std::string grid_axis::text_at(std::uint64_t i) const {
  if (!is_range())
    return texts_[i];
  return js_number(number_at(i));
}

double grid_axis::number_at(std::uint64_t i) const {
  if (!is_range())
    return numbers_[i];
  // Unsigned arithmetic: start + i * step stays within [start, end].
  const auto scaled =
      static_cast<std::int64_t>(static_cast<std::uint64_t>(start_) +
                                i * static_cast<std::uint64_t>(step_));
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  if (scaled >= -exact && scaled <= exact) {
    // Both operands are exact doubles and division rounds correctly, so
    // this is the double nearest the decimal point.
    return static_cast<double>(scaled) / static_cast<double>(pow10(decimals_));
  }
  double out = 0;
  parse_js_number(scaled_text(scaled, decimals_), out);
  return out;
}

// -- parameter_grid -----------------------------------------------------------

std::uint64_t parameter_grid::coordinate(std::uint64_t i,
                                         std::size_t axis) const noexcept {
  return (i / strides_[axis]) % axes_[axis].size();
}

std::string parameter_grid::spec_at(std::uint64_t i) const {
  std::string out = strategy_;
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    out += a == 0 ? ":" : ",";
    out += axes_[a].key();
    out += '=';
    out += axes_[a].text_at(coordinate(i, a));
  }
  return out;
}

const grid_axis* parameter_grid::find(std::string_view key) const noexcept {
  for (const auto& a : axes_)
    if (a.key() == key)
      return &a;
  return nullptr;
}

std::optional<std::string> parameter_grid::text_at(std::uint64_t i,
                                                   std::string_view key) const {
  for (std::size_t a = 0; a < axes_.size(); ++a)
    if (axes_[a].key() == key)
      return axes_[a].text_at(coordinate(i, a));
  for (const auto& p : params_)
    if (p.name == key)
      return p.default_value;
  return std::nullopt;
}

std::optional<double> parameter_grid::value_at(std::uint64_t i,
                                               std::string_view key) const {
  for (std::size_t a = 0; a < axes_.size(); ++a)
    if (axes_[a].key() == key) {
      if (!is_numeric(axes_[a].kind()))
        return std::nullopt;
      return axes_[a].number_at(coordinate(i, a));
    }
  for (const auto& p : params_)
    if (p.name == key) {
      double v = 0;
      if (!is_numeric(p.kind) || !parse_js_number(p.default_value, v))
        return std::nullopt;
      return v;
    }
  return std::nullopt;
}

// -- parse_grid ---------------------------------------------------------------

namespace {

// Parses `start..end:step` for parameter `p`; `fail` builds the item error.
template <class Fail>
expected<grid_axis> parse_range(const param_spec& p, std::string_view value,
                                Fail fail) {
  if (!is_numeric(p.kind))
    return fail("parameter " + p.name + " takes " + describe(p.kind) +
                ", so it cannot be a range");
  const auto dots = value.find("..");
  const std::string_view start_text = trim_blanks(value.substr(0, dots));
  std::string_view rest = value.substr(dots + 2);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos)
    return fail("a range needs a step (form: start..end:step)");
  const std::string_view end_text = trim_blanks(rest.substr(0, colon));
  const std::string_view step_text = trim_blanks(rest.substr(colon + 1));
  decimal_text start, end, step;
  const std::pair<std::string_view, decimal_text*> parts[] = {
      {start_text, &start}, {end_text, &end}, {step_text, &step}};
  const char* names[] = {"start", "end", "step"};
  int decimals = 0;
  for (int k = 0; k < 3; ++k) {
    if (!split_decimal(parts[k].first, *parts[k].second))
      return fail(std::string{"range "} + names[k] + " '" +
                  std::string{parts[k].first} +
                  "' is not a plain decimal number (form: start..end:step)");
    decimals =
        std::max(decimals, static_cast<int>(parts[k].second->fraction.size()));
  }
  if (decimals > max_decimals)
    return fail("a range may use at most " + std::to_string(max_decimals) +
                " decimals");
  std::int64_t s = 0, e = 0, st = 0;
  if (!to_scaled(start, decimals, s) || !to_scaled(end, decimals, e) ||
      !to_scaled(step, decimals, st))
    return fail("range values need at most 18 digits in all");
  if (st <= 0)
    return fail("the step must be greater than 0 (got '" +
                std::string{step_text} + "')");
  if (s > e)
    return fail("the start (" + std::string{start_text} +
                ") must not exceed the end (" + std::string{end_text} + ")");
  const std::uint64_t diff =
      static_cast<std::uint64_t>(e) - static_cast<std::uint64_t>(s);
  const std::uint64_t steps = diff / static_cast<std::uint64_t>(st);
  if (steps >= max_points)
    return fail("the range has more than 2^63 points");
  const std::uint64_t count = steps + 1;
  if (p.kind == param_kind::count) {
    const auto unit = static_cast<std::int64_t>(pow10(decimals));
    const std::int64_t last =
        s + static_cast<std::int64_t>(steps) * st; // <= e, no overflow
    if (s % unit != 0 || st % unit != 0 || s < unit ||
        last / unit >= 1'000'000'000'000)
      return fail("parameter " + p.name + " takes " + describe(p.kind) +
                  ", so the range must start at a whole number >= 1, use a "
                  "whole step and stay below 1e12");
  }
  return grid_axis{p.name, p.kind, s, st, count, decimals};
}

} // namespace

expected<parameter_grid> parse_grid(std::string_view text,
                                    const strategy_registry& reg) {
  parameter_grid grid;
  grid.text_ = std::string{text};
  auto fail = [&](const std::string& reason) {
    return error{"parameter grid '" + grid.text_ + "': " + reason};
  };
  text = trim_blanks(text);
  const auto colon = text.find(':');
  grid.strategy_ = std::string{trim_blanks(text.substr(0, colon))};
  if (grid.strategy_.empty())
    return fail("missing the strategy name (form: name:key=values,...)");
  const strategy_info* info = reg.find(grid.strategy_);
  if (info == nullptr) {
    std::string names;
    for (const auto& i : reg.list())
      names += (names.empty() ? "" : ", ") + i.name;
    return fail("unknown strategy '" + grid.strategy_ + "' (known: " + names +
                ")");
  }
  grid.params_ = info->params;
  std::string_view rest = colon == std::string_view::npos
                              ? std::string_view{}
                              : text.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim_blanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{}
                                           : rest.substr(comma + 1);
    if (item.empty())
      return fail("an empty item between commas (form: name:key=values,...)");
    auto item_fail = [&](const std::string& reason) {
      return fail("item '" + std::string{item} + "': " + reason);
    };
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return item_fail("has no value (form: key=values)");
    const std::string key{trim_blanks(item.substr(0, eq))};
    const std::string_view value = trim_blanks(item.substr(eq + 1));
    if (key.empty())
      return item_fail("missing the parameter name (form: key=values)");
    const param_spec* p = nullptr;
    for (const auto& candidate : info->params)
      if (candidate.name == key)
        p = &candidate;
    if (p == nullptr)
      return item_fail("unknown parameter '" + key + "' of strategy '" +
                       info->name + "' (accepted: " + accepted(info->params) +
                       ")");
    if (grid.find(key) != nullptr)
      return item_fail("parameter '" + key + "' is given twice");
    if (value.empty())
      return item_fail("parameter " + key + " has no value");
    if (p->kind != param_kind::text &&
        value.find("..") != std::string_view::npos) {
      if (value.find('|') != std::string_view::npos)
        return item_fail("a range cannot be mixed with '|' alternatives");
      auto axis = parse_range(*p, value, item_fail);
      if (!axis)
        return axis.err();
      grid.axes_.push_back(std::move(*axis));
      continue;
    }
    std::vector<std::string> texts;
    std::vector<double> numbers;
    std::string_view alts = value;
    for (;;) {
      const auto bar = alts.find('|');
      const std::string_view alt = trim_blanks(alts.substr(0, bar));
      if (alt.empty())
        return item_fail("an alternative is empty (form: a|b|c)");
      double number = 0;
      if (!valid_value(p->kind, alt, number))
        return item_fail("parameter " + key + " takes " + describe(p->kind) +
                         " (got '" + std::string{alt} + "')");
      for (std::size_t j = 0; j < texts.size(); ++j)
        if (texts[j] == alt || (is_numeric(p->kind) && numbers[j] == number))
          return item_fail("value '" + std::string{alt} + "' is listed twice");
      texts.emplace_back(alt);
      numbers.push_back(number);
      if (bar == std::string_view::npos)
        break;
      alts = alts.substr(bar + 1);
    }
    grid.axes_.emplace_back(key, p->kind, std::move(texts), std::move(numbers));
  }
  std::uint64_t size = 1;
  for (const auto& a : grid.axes_) {
    if (size > max_points / a.size())
      return fail("the grid has more than 2^63 points");
    size *= a.size();
  }
  grid.size_ = size;
  grid.strides_.assign(grid.axes_.size(), 1);
  for (std::size_t a = grid.axes_.size(); a-- > 1;)
    grid.strides_[a - 1] = grid.strides_[a] * grid.axes_[a].size();
  return grid;
}

// -- grid_filter --------------------------------------------------------------

bool grid_filter::accepts(const parameter_grid& grid, std::uint64_t i) const {
  auto value = [&](const operand& o) {
    if (o.axis < 0)
      return o.constant;
    const auto a = static_cast<std::size_t>(o.axis);
    return grid.axes()[a].number_at(grid.coordinate(i, a));
  };
  for (const auto& t : terms_) {
    const double l = value(t.lhs);
    const double r = value(t.rhs);
    bool ok = false;
    switch (t.cmp) {
    case op::lt:
      ok = l < r;
      break;
    case op::le:
      ok = l <= r;
      break;
    case op::gt:
      ok = l > r;
      break;
    case op::ge:
      ok = l >= r;
      break;
    case op::eq:
      ok = l == r;
      break;
    case op::ne:
      ok = l != r;
      break;
    }
    if (!ok)
      return false;
  }
  return true;
}

expected<grid_filter> parse_where(std::string_view expr,
                                  const parameter_grid& grid) {
  const std::string whole{expr};
  auto fail = [&](const std::string& reason) {
    return error{"where '" + whole + "': " + reason};
  };
  std::string numeric;
  for (const auto& p : grid.params())
    if (is_numeric(p.kind))
      numeric += (numeric.empty() ? "" : ", ") + p.name;
  // Splits at `&&` and `,`.
  std::vector<std::string_view> terms;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= expr.size(); ++i) {
    if (i == expr.size() || expr[i] == ',') {
      terms.push_back(expr.substr(from, i - from));
      from = i + 1;
    } else if (expr.compare(i, 2, "&&") == 0) {
      terms.push_back(expr.substr(from, i - from));
      from = i + 2;
      ++i;
    }
  }
  if (trim_blanks(expr).empty())
    return fail("no comparison (form: fast<slow && tp>=1)");
  grid_filter out;
  for (std::string_view raw : terms) {
    const std::string_view term = trim_blanks(raw);
    auto term_fail = [&](const std::string& reason) {
      return fail("comparison '" + std::string{term} + "': " + reason);
    };
    if (term.empty())
      return fail("an empty comparison between '&&' or ',' separators");
    if (term.find('&') != std::string_view::npos ||
        term.find('|') != std::string_view::npos)
      return term_fail("join comparisons with && (or ,); '||' and a single "
                       "'&' are not supported");
    const auto at = term.find_first_of("<>=!");
    if (at == std::string_view::npos)
      return term_fail("no operator (use <, <=, >, >=, == or !=)");
    const bool two = at + 1 < term.size() && term[at + 1] == '=';
    grid_filter::op cmp = grid_filter::op::lt;
    switch (term[at]) {
    case '<':
      cmp = two ? grid_filter::op::le : grid_filter::op::lt;
      break;
    case '>':
      cmp = two ? grid_filter::op::ge : grid_filter::op::gt;
      break;
    case '=':
      if (!two)
        return term_fail("use == to compare for equality");
      cmp = grid_filter::op::eq;
      break;
    default:
      if (!two)
        return term_fail("'!' must be followed by '=' (!=)");
      cmp = grid_filter::op::ne;
      break;
    }
    const std::string_view lhs = trim_blanks(term.substr(0, at));
    const std::string_view rhs = trim_blanks(term.substr(at + (two ? 2 : 1)));
    if (lhs.empty() || rhs.empty())
      return term_fail(std::string{"missing the "} +
                       (lhs.empty() ? "left" : "right") + " side");
    if (rhs.find_first_of("<>=!") != std::string_view::npos)
      return term_fail("one comparison at a time; join them with &&");
    grid_filter::comparison c;
    c.cmp = cmp;
    int literals = 0;
    using side_ref = std::pair<std::string_view, grid_filter::operand*>;
    for (auto [side, target] : {side_ref{lhs, &c.lhs}, side_ref{rhs, &c.rhs}}) {
      double number = 0;
      if (parse_js_number(side, number)) {
        target->constant = number;
        ++literals;
        continue;
      }
      const std::string name{side};
      bool found = false;
      for (std::size_t a = 0; a < grid.axes().size(); ++a)
        if (grid.axes()[a].key() == name) {
          if (!is_numeric(grid.axes()[a].kind()))
            return term_fail("parameter " + name +
                             " is not numeric (numeric parameters: " + numeric +
                             ")");
          target->axis = static_cast<int>(a);
          found = true;
        }
      if (found)
        continue;
      for (const auto& p : grid.params())
        if (p.name == name) {
          if (!is_numeric(p.kind) ||
              !parse_js_number(p.default_value, target->constant))
            return term_fail("parameter " + name +
                             " is not numeric (numeric parameters: " + numeric +
                             ")");
          found = true;
        }
      if (!found)
        return term_fail("'" + name +
                         "' is neither a number nor a parameter "
                         "of strategy '" +
                         grid.strategy() + "' (numeric parameters: " + numeric +
                         ")");
    }
    if (literals == 2)
      return term_fail("compares two numbers; name a parameter");
    out.terms_.push_back(c);
  }
  return out;
}

// -- sampling -----------------------------------------------------------------

std::vector<std::uint64_t> sample_indices(std::uint64_t size, std::uint64_t n,
                                          std::uint64_t seed) {
  std::vector<std::uint64_t> out;
  if (n >= size) {
    out.reserve(static_cast<std::size_t>(size));
    for (std::uint64_t i = 0; i < size; ++i)
      out.push_back(i);
    return out;
  }
  // Floyd: for j in [size - n, size), pick t in [0, j]; take t, or j when t
  // is already taken. Every n-subset is equally likely.
  splitmix64 rng{seed};
  std::unordered_set<std::uint64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t j = size - n; j < size; ++j) {
    const std::uint64_t t = rng.below(j + 1);
    if (!chosen.insert(t).second)
      chosen.insert(j);
  }
  out.assign(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

// -- grid_cursor --------------------------------------------------------------

grid_cursor::grid_cursor(const parameter_grid& grid, grid_filter filter)
    : grid_(&grid)
    , filter_(std::move(filter)) {}

grid_cursor::grid_cursor(const parameter_grid& grid, grid_filter filter,
                         std::uint64_t n, std::uint64_t seed)
    : grid_(&grid)
    , filter_(std::move(filter))
    , sampled_(true)
    , n_(n)
    , seed_(seed) {}

void grid_cursor::prepare_sample() {
  prepared_ = true;
  std::uint64_t population = grid_->size();
  if (!filter_.empty()) {
    population = 0;
    for (std::uint64_t i = 0; i < grid_->size(); ++i)
      population += filter_.accepts(*grid_, i) ? 1 : 0;
  }
  // Asking for every point (or more) is a plain walk: no index list.
  if (n_ >= population) {
    sampled_ = false;
    return;
  }
  picks_ = sample_indices(population, n_, seed_);
}

std::optional<std::uint64_t> grid_cursor::next() {
  if (sampled_ && !prepared_)
    prepare_sample();
  if (!sampled_) {
    while (pos_ < grid_->size()) {
      const std::uint64_t i = pos_++;
      if (filter_.accepts(*grid_, i))
        return i;
    }
    return std::nullopt;
  }
  if (pick_ >= picks_.size())
    return std::nullopt;
  if (filter_.empty()) {
    pos_ = picks_[pick_] + 1;
    return picks_[pick_++];
  }
  while (pos_ < grid_->size()) {
    const std::uint64_t i = pos_++;
    if (!filter_.accepts(*grid_, i))
      continue;
    if (rank_++ == picks_[pick_]) {
      ++pick_;
      return i;
    }
  }
  return std::nullopt;
}

} // namespace btk
