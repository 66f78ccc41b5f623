// A sweep's heatmap page (`btk walker --grid ... --report-format html`):
// the metric over two grid parameters, drawn as SVG cells.

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "runtime/results/html_report.hpp"

namespace btk {

namespace {

// The numeric parameters of `spec` (`name:k=v,...`), by name, in order.
std::vector<std::pair<std::string, double>>
numeric_params(std::string_view spec) {
  std::vector<std::pair<std::string, double>> out;
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos)
    return out;
  auto rest = spec.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = rest.substr(0, comma);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos) {
      double v = 0;
      const auto text = item.substr(eq + 1);
      const auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc{} && end == text.data() + text.size())
        out.emplace_back(std::string{item.substr(0, eq)}, v);
    }
    if (comma == std::string_view::npos)
      break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

// Red (worst) to green (best).
std::string colour(double f) {
  return fmt::format("hsl({:.0f},65%,{:.0f}%)", f * 120, 70 - f * 25);
}

std::string page(std::string_view title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width\">\n<title>" +
         html_escape(title) +
         "</title>\n<style>\n"
         "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}\n"
         "svg{max-width:100%;height:auto}svg text{font-size:11px;fill:#333}\n"
         "</style></head><body>\n<h1>" +
         html_escape(title) + "</h1>\n" + body + "</body></html>\n";
}

} // namespace

std::string html_heatmap(std::string_view title, std::string_view metric,
                         const std::vector<heatmap_point>& points) {
  // The axes: the first two parameters with more than one value.
  std::vector<std::string> names;
  std::map<std::string, std::set<double>> values;
  for (const auto& p : points)
    for (const auto& [k, v] : numeric_params(p.spec)) {
      if (values.find(k) == values.end())
        names.push_back(k);
      values[k].insert(v);
    }
  std::vector<std::string> axes;
  for (const auto& n : names)
    if (values[n].size() > 1 && axes.size() < 2)
      axes.push_back(n);
  if (axes.size() < 2)
    return page(title, "<p>No heatmap: the grid varies fewer than two numeric "
                       "parameters.</p>\n");
  const std::vector<double> xs(values[axes[0]].begin(), values[axes[0]].end());
  const std::vector<double> ys(values[axes[1]].begin(), values[axes[1]].end());
  std::map<std::pair<double, double>, double> best;
  for (const auto& p : points) {
    if (!p.metric)
      continue;
    double x = 0, y = 0;
    for (const auto& [k, v] : numeric_params(p.spec)) {
      if (k == axes[0])
        x = v;
      if (k == axes[1])
        y = v;
    }
    auto [it, fresh] = best.try_emplace({x, y}, *p.metric);
    if (!fresh)
      it->second = std::max(it->second, *p.metric);
  }
  double lo = 0, hi = 0;
  if (!best.empty()) {
    lo = hi = best.begin()->second;
    for (const auto& [k, v] : best) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const double cw = std::max(6.0, std::min(40.0, 800.0 / xs.size()));
  const double ch = std::max(6.0, std::min(30.0, 500.0 / ys.size()));
  const double left = 60, top = 10;
  const double w = left + cw * xs.size() + 20, h = top + ch * ys.size() + 50;
  std::string svg = fmt::format(
      "<svg viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" role=\"img\">\n", w,
      h, w);
  for (std::size_t i = 0; i < xs.size(); ++i)
    for (std::size_t k = 0; k < ys.size(); ++k) {
      const auto it = best.find({xs[i], ys[k]});
      const bool has = it != best.end();
      const double f = has && hi > lo ? (it->second - lo) / (hi - lo) : 1;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
          "fill=\"{}\"><title>{}={} {}={}: {}</title></rect>\n",
          left + cw * i, top + ch * (ys.size() - 1 - k), cw + 0.3, ch + 0.3,
          has ? colour(f) : "#eee", html_escape(axes[0]), xs[i],
          html_escape(axes[1]), ys[k],
          has ? fmt::format("{:.6g}", it->second) : "no value");
    }
  const double base = top + ch * ys.size();
  svg +=
      fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{} {} … {}</text>\n", left,
                  base + 16, html_escape(axes[0]), xs.front(), xs.back());
  svg += fmt::format("<text x=\"0\" y=\"{:.0f}\">{}</text>\n", top + 10,
                     ys.back());
  svg +=
      fmt::format("<text x=\"0\" y=\"{:.0f}\">{}</text>\n", base, ys.front());
  svg += fmt::format("<text x=\"0\" y=\"{:.0f}\">{} ↑</text>\n", base + 34,
                     html_escape(axes[1]));
  svg += "</svg>\n";
  const auto body = fmt::format(
      "<p>{} of {} jobs over <b>{}</b> × <b>{}</b>: each cell the best value "
      "of the jobs sharing it; red {:.6g} … green {:.6g}. Hover a cell for "
      "its value.</p>\n",
      html_escape(metric), points.size(), html_escape(axes[0]),
      html_escape(axes[1]), lo, hi);
  return page(title, body + svg);
}

} // namespace btk
