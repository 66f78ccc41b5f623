#pragma once

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

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML.
std::string html_escape(std::string_view text);

} // namespace btk
