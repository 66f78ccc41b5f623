#include "runtime/results/html_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace btk {

namespace {

constexpr double chart_w = 900;
constexpr double chart_h = 220;
constexpr double pad = 40;
const char* const palette[] = {"#2563eb", "#dc2626", "#16a34a", "#9333ea",
                               "#ea580c", "#0891b2", "#ca8a04", "#db2777"};

// `**bold**` spans of an escaped line.
std::string inline_md(std::string_view line) {
  std::string text = html_escape(line);
  std::string out;
  bool open = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text.compare(k, 2, "**") == 0) {
      out += open ? "</strong>" : "<strong>";
      open = !open;
      ++k;
    } else {
      out += text[k];
    }
  }
  if (open)
    out += "</strong>";
  return out;
}

std::vector<std::string> cells(std::string_view row) {
  std::vector<std::string> out;
  auto body = row.substr(1);
  if (!body.empty() && body.back() == '|')
    body.remove_suffix(1);
  std::size_t start = 0;
  for (std::size_t k = 0; k <= body.size(); ++k)
    if (k == body.size() || body[k] == '|') {
      auto c = body.substr(start, k - start);
      while (!c.empty() && c.front() == ' ')
        c.remove_prefix(1);
      while (!c.empty() && c.back() == ' ')
        c.remove_suffix(1);
      out.emplace_back(c);
      start = k + 1;
    }
  return out;
}

bool is_rule(std::string_view row) {
  return row.find("---") != std::string_view::npos &&
         row.find_first_not_of("|-: ") == std::string_view::npos;
}

std::string markdown_html(std::string_view md) {
  std::string out;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= md.size();) {
    auto end = md.find('\n', start);
    if (end == std::string_view::npos)
      end = md.size();
    auto l = md.substr(start, end - start);
    if (!l.empty() && l.back() == '\r')
      l.remove_suffix(1);
    lines.push_back(l);
    start = end + 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto l = lines[i];
    if (l.empty())
      continue;
    if (l.front() == '#') {
      const auto level = std::min<std::size_t>(l.find_first_not_of('#'), 6);
      out += fmt::format("<h{0}>{1}</h{0}>\n", level,
                         inline_md(l.substr(std::min(level + 1, l.size()))));
    } else if (l.front() == '|') {
      out += "<div class=\"table\"><table>\n";
      bool head = i + 1 < lines.size() && is_rule(lines[i + 1]);
      for (; i < lines.size() && !lines[i].empty() && lines[i][0] == '|'; ++i) {
        if (is_rule(lines[i]))
          continue;
        out += "<tr>";
        for (const auto& c : cells(lines[i]))
          out +=
              fmt::format(head ? "<th>{}</th>" : "<td>{}</td>", inline_md(c));
        out += "</tr>\n";
        head = false;
      }
      --i;
      out += "</table></div>\n";
    } else {
      out += "<p>" + inline_md(l) + "</p>\n";
    }
  }
  return out;
}

struct curve {
  std::string name;
  std::vector<double> ys;
};

// The vertical scale of a chart: its range (zero included) mapped onto
// the plot, the figure's opening and the range's labels.
struct y_scale {
  double lo = 0;
  double hi = 0;

  void include(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double y(double v) const {
    const double span = hi - lo < 1e-12 ? 1 : hi - lo;
    return chart_h - pad + (lo - v) / span * (chart_h - 2 * pad);
  }
  static std::string open(const std::string& title) {
    return fmt::format("<figure><figcaption>{}</figcaption><svg "
                       "class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\">\n",
                       html_escape(title), chart_w, chart_h);
  }
  std::string labels() const {
    return fmt::format("<text x=\"2\" y=\"{:.2f}\">{:.2f}%</text><text "
                       "x=\"2\" y=\"{:.2f}\">{:.2f}%</text>\n",
                       y(hi) + 4, hi, y(lo) + 4, lo);
  }
};

// Lines over the trade index, a zero line, the range on the left.
std::string line_chart(const std::string& title,
                       const std::vector<curve>& curves) {
  y_scale s;
  std::size_t n = 1;
  for (const auto& c : curves) {
    for (const double v : c.ys)
      s.include(v);
    n = std::max(n, c.ys.size());
  }
  auto x = [&](std::size_t k) {
    return pad + (chart_w - 2 * pad) * static_cast<double>(k) /
                     static_cast<double>(std::max<std::size_t>(n - 1, 1));
  };
  std::string out = y_scale::open(title);
  out += fmt::format("<line class=\"zero\" x1=\"{}\" y1=\"{:.2f}\" x2=\"{}\" "
                     "y2=\"{:.2f}\"/>\n",
                     pad, s.y(0), chart_w - pad, s.y(0));
  out += s.labels();
  for (std::size_t c = 0; c < curves.size(); ++c) {
    std::string points;
    for (std::size_t k = 0; k < curves[c].ys.size(); ++k)
      points += fmt::format("{:.2f},{:.2f} ", x(k), s.y(curves[c].ys[k]));
    out += fmt::format("<polyline class=\"series\" stroke=\"{}\" "
                       "points=\"{}\"><title>{}</title></polyline>\n",
                       palette[c % std::size(palette)], points,
                       html_escape(curves[c].name));
  }
  out += "</svg>";
  if (curves.size() > 1) {
    out += "<p class=\"legend\">";
    for (std::size_t c = 0; c < curves.size(); ++c)
      out += fmt::format("<span style=\"color:{}\">&#9632; {}</span> ",
                         palette[c % std::size(palette)],
                         html_escape(curves[c].name));
    out += "</p>";
  }
  return out + "</figure>\n";
}

// One bar per trade: green for a gain, red for a loss.
std::string bar_chart(const std::string& title, const std::vector<double>& v) {
  y_scale s;
  for (const double val : v)
    s.include(val);
  const double step = (chart_w - 2 * pad) / static_cast<double>(v.size());
  std::string out = y_scale::open(title);
  for (std::size_t k = 0; k < v.size(); ++k)
    out += fmt::format("<rect class=\"{}\" x=\"{:.2f}\" y=\"{:.2f}\" "
                       "width=\"{:.2f}\" height=\"{:.2f}\"><title>#{}: "
                       "{:+.2f}%</title></rect>\n",
                       v[k] >= 0 ? "gain" : "loss", pad + step * k,
                       std::min(s.y(v[k]), s.y(0)), std::max(step * 0.8, 0.5),
                       std::abs(s.y(v[k]) - s.y(0)), k + 1, v[k]);
  out += s.labels();
  return out + "</svg></figure>\n";
}

std::string charts(const std::vector<report_series>& runs) {
  std::vector<curve> equity, drawdown;
  std::vector<double> single;
  for (const auto& r : runs) {
    curve e{r.name, {0.0}}, d{r.name, {0.0}};
    double sum = 0, peak = 0;
    std::vector<const tick_result*> closed;
    for (const auto& t : r.results)
      if (t.kind == action::closed)
        closed.push_back(&t);
    std::stable_sort(closed.begin(), closed.end(), [](auto* a, auto* b) {
      return a->close_timestamp < b->close_timestamp;
    });
    for (const auto* tp : closed) {
      const auto& t = *tp;
      sum += t.pnl.pnl_percentage;
      peak = std::max(peak, sum);
      e.ys.push_back(sum);
      d.ys.push_back(sum - peak);
      if (runs.size() == 1)
        single.push_back(t.pnl.pnl_percentage);
    }
    if (e.ys.size() > 1) {
      equity.push_back(std::move(e));
      drawdown.push_back(std::move(d));
    }
  }
  if (equity.empty())
    return {};
  std::string out = "<h2>Charts</h2>\n";
  out += line_chart("Cumulative PNL (%) by closed trade", equity);
  out += line_chart("Drawdown from the running peak (%)", drawdown);
  if (!single.empty())
    out += bar_chart("PNL of each trade (%)", single);
  return out;
}

} // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string html_report(std::string_view title, std::string_view markdown,
                        const std::vector<report_series>& runs) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>" +
      html_escape(title) +
      "</title>\n<style>\n"
      "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}\n"
      ".table{overflow-x:auto}table{border-collapse:collapse;margin:1em 0}\n"
      "th,td{border:1px solid #ccc;padding:2px 6px;white-space:nowrap}\n"
      "th{background:#f3f4f6}tr:nth-child(even) td{background:#fafafa}\n"
      "figure{margin:1em 0}figcaption{font-weight:600}\n"
      ".chart{width:100%;max-width:900px;background:#fff;border:1px solid "
      "#ddd}\n"
      ".chart text{font-size:11px;fill:#555}.zero{stroke:#999;stroke-dasharray:"
      "4}\n"
      ".series{fill:none;stroke-width:1.5}.gain{fill:#16a34a}.loss{fill:"
      "#dc2626}\n"
      "</style></head><body>\n";
  // The charts go under the report's title, before its tables.
  auto body = markdown_html(markdown);
  const auto title_end = body.find("</h1>\n");
  const auto at = title_end == std::string::npos ? 0 : title_end + 6;
  body.insert(at, charts(runs));
  out += body;
  return out + "</body></html>\n";
}

} // namespace btk
