#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btk::md {

/// One Markdown table row: `| a | b | c |` (cells are not escaped, like the
/// reference).
std::string row(const std::vector<std::string>& cells);

/// A Markdown table: the header row, a `| --- |` separator with one `---`
/// per column, then `rows`, joined with `\n` and without a trailing newline.
std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

/// `lines` joined with `\n`, without a trailing newline (what the reports
/// return and `dump` writes unchanged).
std::string join_lines(const std::vector<std::string>& lines);

/// A bold summary line: `**label:** value`.
std::string field(std::string_view label, std::string_view value);

/// `fmt(*value)`, or `N/A` when `value` is empty.
template <class F>
std::string or_na(const std::optional<double>& value, F fmt) {
  return value ? fmt(*value) : std::string("N/A");
}

/// A price or amount with its price scale (statistics.md §2.4) and " USD".
std::string usd(double x);

/// ASCII upper case, for the reference's `toUpperCase()` of actions,
/// positions and reasons.
std::string upper(std::string_view text);

} // namespace btk::md
