// HTML reports: the Markdown report's tables as HTML, escaped, with SVG
// charts of the closed trades, and nothing loaded from anywhere.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "runtime/results/html_report.hpp"

using namespace btk;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

tick_result closed(timestamp t, double pnl) {
  tick_result r;
  r.kind = action::closed;
  r.close_timestamp = t;
  r.pnl.pnl_percentage = pnl;
  return r;
}

// The numbers of the `points` attribute of the polyline titled `name`.
std::vector<double> ys(const std::string& page, const std::string& chart,
                       const std::string& name) {
  const auto fig = page.find(chart);
  REQUIRE(fig != std::string::npos);
  const auto title = page.find("<title>" + name + "</title>", fig);
  const auto start = page.rfind("points=\"", title) + 8;
  const auto end = page.find('"', start);
  std::vector<double> out;
  std::string pts = page.substr(start, end - start);
  for (std::size_t at = 0; at < pts.size();) {
    const auto comma = pts.find(',', at);
    const auto space = pts.find(' ', comma);
    out.push_back(std::stod(pts.substr(comma + 1, space - comma - 1)));
    at = space + 1;
  }
  return out;
}

} // namespace

TEST_CASE("an HTML report turns the Markdown report's headings, tables and "
          "bold text into HTML, escaped, and loads nothing") {
  const std::string md = "# Backtest Report: a<b>\n\n"
                         "| Signal ID | Note |\n| --- | --- |\n"
                         "| 1 | <script>alert(1)</script> |\n"
                         "| 2 | x & y |\n\n"
                         "**Total signals:** 2\n";
  const auto page = html_report("t\"itle", md, {});
  CHECK(count(page, "<h1>Backtest Report: a&lt;b&gt;</h1>") == 1);
  CHECK(count(page, "<th>") == 2);
  CHECK(count(page, "<td>") == 4);
  CHECK(count(page, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") == 1);
  CHECK(count(page, "<td>x &amp; y</td>") == 1);
  CHECK(count(page, "<p><strong>Total signals:</strong> 2</p>") == 1);
  CHECK(count(page, "<title>t&quot;itle</title>") == 1);
  CHECK(count(page, "<script") == 0);
  CHECK(count(page, "http") == 0);
  CHECK(count(page, "src=") == 0);
  // No closed trade: no chart.
  CHECK(count(page, "<svg") == 0);
}

TEST_CASE("an HTML report charts the cumulative PNL, the drawdown and each "
          "trade of a run, in the order the trades closed") {
  // Out of order on purpose: the charts follow the close times.
  report_series run{"every-n#1",
                    {closed(3000, -1.5), closed(1000, 2.0), closed(2000, 1.0),
                     closed(4000, 0.5)}};
  tick_result cancelled;
  cancelled.kind = action::cancelled;
  run.results.push_back(cancelled);
  const auto page = html_report("r", "# Backtest Report: every-n#1\n", {run});
  CHECK(count(page, "<svg") == 3);
  // Charts sit under the title.
  CHECK(page.find("<h2>Charts</h2>") > page.find("</h1>"));
  // One point per closed trade after the start, on a y axis that grows
  // downwards: the cumulative PNL is 0, 2, 3, 1.5, 2; its drawdown 0, 0,
  // 0, -1.5, -1.
  const auto eq = ys(page, "Cumulative PNL", "every-n#1");
  REQUIRE(eq.size() == 5);
  CHECK(eq[1] < eq[0]);
  CHECK(eq[2] < eq[1]);
  CHECK(eq[3] > eq[2]);
  CHECK(eq[4] < eq[3]);
  const auto dd = ys(page, "Drawdown", "every-n#1");
  REQUIRE(dd.size() == 5);
  CHECK(dd[0] == dd[1]);
  CHECK(dd[1] == dd[2]);
  CHECK(dd[3] > dd[2]);
  CHECK(dd[4] < dd[3]);
  // One bar per trade, coloured by its sign.
  CHECK(count(page, "class=\"gain\"") == 3);
  CHECK(count(page, "class=\"loss\"") == 1);
  // Several runs: one curve each, a legend, no per-trade bars.
  report_series other{"sma-cross#2", {closed(1500, -0.5), closed(2500, 1.0)}};
  const auto both = html_report("w", "# Walker\n", {run, other});
  CHECK(count(both, "<polyline") == 4);
  CHECK(count(both, "class=\"legend\"") == 2);
  CHECK(count(both, "class=\"gain\"") == 0);
}
