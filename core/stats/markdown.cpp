#include "core/stats/markdown.hpp"

#include "core/stats/number_format.hpp"

namespace btk::md {

std::string row(const std::vector<std::string>& cells) {
  std::string out = "| ";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0)
      out += " | ";
    out += cells[i];
  }
  out += " |";
  return out;
}

std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = row(header);
  out += '\n';
  out += row(std::vector<std::string>(header.size(), "---"));
  for (const auto& r : rows) {
    out += '\n';
    out += row(r);
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0)
      out += '\n';
    out += lines[i];
  }
  return out;
}

std::string field(std::string_view label, std::string_view value) {
  std::string out = "**";
  out += label;
  out += ":** ";
  out += value;
  return out;
}

std::string usd(double x) {
  return to_fixed(x, price_scale(x)) + " USD";
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

} // namespace btk::md
