// html_report.h - a self-contained HTML report of a bulk summary.
//
// PURPOSE
//   One file, no external resources (inline CSS, inline SVG bar charts), so
//   it can be mailed or opened offline. Every string from the input is
//   HTML-escaped.
//
// PUBLIC FUNCTIONS
//   render_html_report()  Summary -> HTML text
//   write_html_report()   ... to a file
#pragma once

#include <string>

#include "src/bulk/summary.h"

namespace ndrscan::bulk {

/// html_escape - &, <, >, " and ' as entities.
std::string html_escape(std::string_view s);

std::string render_html_report(const Summary& s);

/// write_html_report - false with "PATH: reason" in *err.
bool write_html_report(const Summary& s, const std::string& path, std::string* err);

}  // namespace ndrscan::bulk
