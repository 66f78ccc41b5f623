#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "strategies/spec.hpp"

namespace btk {

/// One parameter of a grid with the values it takes, either a list of
/// alternatives (`a|b|c`, a single value being a list of one) or a numeric
/// range (`start..end:step`). A range keeps only its start, step, count and
/// number of decimals, so an axis of a million values costs a few words.
class grid_axis {
public:
  /// An axis over the alternatives `texts` (already validated); `numbers`
  /// holds their numeric values (NaN for a non-numeric parameter).
  grid_axis(std::string key, param_kind kind, std::vector<std::string> texts,
            std::vector<double> numbers);

  /// An axis over the range `start + i * step` for `i < count`, with every
  /// value written as an integer scaled by `10^decimals` so that decimal
  /// points are exact.
  grid_axis(std::string key, param_kind kind, std::int64_t start,
            std::int64_t step, std::uint64_t count, int decimals);

  /// The parameter this axis sets.
  const std::string& key() const noexcept { return key_; }

  /// The kind of that parameter, from the strategy's declaration.
  param_kind kind() const noexcept { return kind_; }

  /// Number of values, at least 1.
  std::uint64_t size() const noexcept { return size_; }

  /// True for a `start..end:step` range, false for alternatives.
  bool is_range() const noexcept { return texts_.empty(); }

  /// The text of value `i` (`i < size()`) as it goes into a spec: the
  /// alternative as written, or a range point in JavaScript's shortest form
  /// (`1.5`, never `1.5000000001`).
  std::string text_at(std::uint64_t i) const;

  /// The numeric value of value `i` (`i < size()`); NaN for a parameter that
  /// is not numeric (side, interval).
  double number_at(std::uint64_t i) const;

private:
  std::string key_;
  param_kind kind_;
  std::uint64_t size_;
  std::vector<std::string> texts_;
  std::vector<double> numbers_;
  std::int64_t start_ = 0;
  std::int64_t step_ = 0;
  int decimals_ = 0;
};

/// A lazily expanded parameter grid such as
/// `sma-cross:fast=5..50:5,slow=20..200:10,interval=5m|15m,tp=1`: the cross
/// product of its axes, numbered 0 to `size() - 1` with the last axis
/// varying fastest. Points are computed on demand from their index, so the
/// grid holds O(number of axes) data however many points it spans.
class parameter_grid {
public:
  /// The strategy every point builds.
  const std::string& strategy() const noexcept { return strategy_; }

  /// The grid text as given to `parse_grid`, for messages.
  const std::string& text() const noexcept { return text_; }

  /// The axes in the order the grid text lists them.
  const std::vector<grid_axis>& axes() const noexcept { return axes_; }

  /// The strategy's declared parameters with their defaults, which hold for
  /// every key the grid does not mention.
  const std::vector<param_spec>& params() const noexcept { return params_; }

  /// Number of points: the product of the axes' sizes (1 without axes);
  /// never more than 2^63.
  std::uint64_t size() const noexcept { return size_; }

  /// Index into axis `axis` of point `i`. Indices wrap modulo `size()`.
  std::uint64_t coordinate(std::uint64_t i, std::size_t axis) const noexcept;

  /// The spec `name:key=value,...` of point `i` (`i < size()`; indices wrap
  /// modulo `size()`), keys in the grid's order; keys the grid does not
  /// mention are left out so they keep their defaults. A grid without axes
  /// gives just the strategy name.
  std::string spec_at(std::uint64_t i) const;

  /// The axis for `key`, or null when the grid does not mention it.
  const grid_axis* find(std::string_view key) const noexcept;

  /// The text `key` takes at point `i`: the grid's value, or the strategy's
  /// default for a key the grid does not mention; nullopt for a name that is
  /// not a parameter of the strategy.
  std::optional<std::string> text_at(std::uint64_t i,
                                     std::string_view key) const;

  /// The numeric value `key` takes at point `i` (grid value or default), for
  /// constraints; nullopt for an unknown name or a non-numeric parameter.
  std::optional<double> value_at(std::uint64_t i, std::string_view key) const;

private:
  friend expected<parameter_grid> parse_grid(std::string_view text,
                                             const strategy_registry& reg);

  std::string text_;
  std::string strategy_;
  std::vector<param_spec> params_;
  std::vector<grid_axis> axes_;
  /// Points between consecutive values of each axis (1 for the last).
  std::vector<std::uint64_t> strides_;
  std::uint64_t size_ = 1;
};

/// Parses a grid `name:key=values,...` where values are a single value,
/// alternatives `a|b|c` or a numeric range `start..end:step` (step > 0,
/// start <= end, end included when it lands on the grid, points exact in
/// the decimals the text uses). Keys must be parameters of the strategy
/// `reg` knows, given at most once; every value must suit its parameter,
/// so each point's spec builds unless the strategy rejects a combination.
/// Errors name the grid text, the item and the reason.
expected<parameter_grid> parse_grid(std::string_view text,
                                    const strategy_registry& reg);

/// A conjunction of comparisons between numeric parameters and numbers
/// (`fast<slow && tp>=1`), deciding which grid points a sweep runs. A
/// default-constructed filter accepts every point.
class grid_filter {
public:
  /// Comparison operators a constraint may use.
  enum class op : std::uint8_t {
    /// `<`
    lt,
    /// `<=`
    le,
    /// `>`
    gt,
    /// `>=`
    ge,
    /// `==`
    eq,
    /// `!=`
    ne,
  };

  /// One side of a comparison: an axis of the grid (`axis >= 0`) or a
  /// constant (a number, or the default of a parameter the grid leaves out).
  struct operand {
    /// Index into the grid's axes; -1 (the default) for a constant.
    int axis = -1;
    /// The value when `axis` is -1; 0 by default.
    double constant = 0;
  };

  /// `lhs op rhs`.
  struct comparison {
    /// Left side.
    operand lhs;
    /// The operator; `<` by default.
    op cmp = op::lt;
    /// Right side.
    operand rhs;
  };

  /// The filter's comparisons, all of which must hold.
  const std::vector<comparison>& terms() const noexcept { return terms_; }

  /// True when point `i` of `grid` satisfies every comparison. `grid` must
  /// be the grid the filter was parsed for.
  bool accepts(const parameter_grid& grid, std::uint64_t i) const;

  /// True for the filter that accepts everything.
  bool empty() const noexcept { return terms_.empty(); }

private:
  friend expected<grid_filter> parse_where(std::string_view expr,
                                           const parameter_grid& grid);

  std::vector<comparison> terms_;
};

/// Parses a `--where` expression: comparisons `<, <=, >, >=, ==, !=` between
/// parameter names and numbers, joined by `&&` (or `,`). Names must be keys
/// of `grid` or numeric parameters of its strategy (their default then
/// applies); comparing two numbers is refused. Errors name the expression,
/// the comparison and the reason.
expected<grid_filter> parse_where(std::string_view expr,
                                  const parameter_grid& grid);

/// `n` distinct indices below `size`, ascending, drawn uniformly with a
/// splitmix64 generator seeded by `seed` and Floyd's algorithm: the same on
/// every platform for the same arguments, O(n) memory. `n >= size` gives all
/// indices 0 to `size - 1`.
std::vector<std::uint64_t> sample_indices(std::uint64_t size, std::uint64_t n,
                                          std::uint64_t seed);

/// Pulls the points of a grid a sweep runs, one index at a time, in
/// ascending order: every point the filter accepts, or a uniform sample of
/// `n` of them. Memory stays flat (O(n) for a sample) however large the
/// grid. The grid must outlive the cursor.
class grid_cursor {
public:
  /// Every point of `grid` that `filter` accepts (default: all).
  explicit grid_cursor(const parameter_grid& grid, grid_filter filter = {});

  /// A sample of `n` distinct accepted points drawn with `seed` (all
  /// accepted points when fewer exist). Without a filter the sample is drawn
  /// directly from the indices; with one, the first `next()` walks the grid
  /// once to count the accepted points (O(size) time, O(1) memory) so the
  /// sample is uniform over them.
  grid_cursor(const parameter_grid& grid, grid_filter filter, std::uint64_t n,
              std::uint64_t seed);

  /// The next point's index, or nullopt when the walk is over.
  std::optional<std::uint64_t> next();

private:
  void prepare_sample();

  const parameter_grid* grid_;
  grid_filter filter_;
  /// Next grid index to look at.
  std::uint64_t pos_ = 0;
  bool sampled_ = false;
  bool prepared_ = false;
  std::uint64_t n_ = 0;
  std::uint64_t seed_ = 0;
  /// Sorted picks: grid indices without a filter, ranks among accepted
  /// points with one.
  std::vector<std::uint64_t> picks_;
  std::size_t pick_ = 0;
  /// Accepted points seen so far (rank of the next accepted one).
  std::uint64_t rank_ = 0;
};

} // namespace btk
