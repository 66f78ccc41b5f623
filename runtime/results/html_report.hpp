#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/signal.hpp"

namespace btk {

/// One curve of an HTML report's charts: a run's closed trades, in the
/// order the engine closed them.
struct report_series {
  std::string name;
  std::vector<tick_result> results;
};

/// A self-contained HTML page (no script, nothing loaded from anywhere):
/// `markdown`, a btk Markdown report (headings, tables, paragraphs,
/// `**bold**`), as HTML, with SVG charts of `runs`: the cumulative PNL (%)
/// of each, its drawdown from the running peak, and, for a single run, the
/// PNL of each trade. Runs without closed trades draw no chart.
std::string html_report(std::string_view title, std::string_view markdown,
                        const std::vector<report_series>& runs);

/// One job of a sweep, for its heatmap: the spec it ran and its metric
/// (none when the job had no value).
struct heatmap_point {
  std::string spec;
  std::optional<double> metric;
};

/// A self-contained page (no script, nothing loaded) with a heatmap of
/// `metric` over the first two numeric parameters that vary among
/// `points`, each cell the best value of the jobs sharing it (other
/// parameters, symbols, windows), or a sentence saying why there is none.
std::string html_heatmap(std::string_view title, std::string_view metric,
                         const std::vector<heatmap_point>& points);

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML.
std::string html_escape(std::string_view text);

} // namespace btk
