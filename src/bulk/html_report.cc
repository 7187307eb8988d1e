// html_report.cc - inline-SVG charts for the bulk summary.
#include "src/bulk/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "parsers/rfc2047/encoded_word.h"

namespace ndrscan::bulk {
namespace {

/// bar_chart - horizontal bars, top `top` rows, as an inline SVG.
std::string bar_chart(const Counts& c, std::size_t top) {
  std::vector<std::pair<std::string, std::uint64_t>> rows(c.begin(), c.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (rows.size() > top) rows.resize(top);
  if (rows.empty()) return "<p class=\"none\">none</p>";
  std::uint64_t peak = rows.front().second;
  const int row_h = 22, label_w = 320, bar_w = 420;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">",
      label_w + bar_w + 90, rows.size() * row_h + 4, label_w + bar_w + 90, rows.size() * row_h + 4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    int y = static_cast<int>(i) * row_h + 2;
    int w = peak ? static_cast<int>(static_cast<double>(bar_w) * static_cast<double>(rows[i].second) /
                                    static_cast<double>(peak))
                 : 0;
    std::string label = rows[i].first;
    if (label.size() > 48) label = label.substr(0, 47) + "~";
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"l\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"b\"><title>{}: {}</title></rect>"
        "<text x=\"{}\" y=\"{}\" class=\"n\">{}</text>",
        label_w - 8, y + 15, html_escape(label), label_w, y + 3, std::max(w, 1), row_h - 6,
        html_escape(rows[i].first), rows[i].second, label_w + std::max(w, 1) + 6, y + 15, rows[i].second);
  }
  svg += "</svg>";
  return svg;
}

/// day_chart - one column per day, in date order.
std::string day_chart(const Counts& c) {
  if (c.empty()) return "<p class=\"none\">none</p>";
  std::uint64_t peak = 0;
  for (const auto& [d, n] : c) peak = std::max(peak, n);
  const int col_w = std::max(4, std::min(24, 760 / static_cast<int>(c.size()))), h = 160;
  int width = static_cast<int>(c.size()) * col_w + 20;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">", width,
      h + 40, width, h + 40);
  int i = 0;
  for (const auto& [d, n] : c) {
    int bh = peak ? static_cast<int>(static_cast<double>(h) * static_cast<double>(n) / static_cast<double>(peak)) : 0;
    int x = 10 + i * col_w;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"b\"><title>{}: {}</title></rect>", x,
                       h - bh + 5, std::max(col_w - 2, 1), std::max(bh, 1), html_escape(d), n);
    ++i;
  }
  svg += fmt::format("<text x=\"10\" y=\"{}\" class=\"l0\">{}</text>", h + 25, html_escape(c.begin()->first));
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"l0\">{}</text>", width - 10, h + 25,
                     html_escape(c.rbegin()->first));
  svg += "</svg>";
  return svg;
}

}  // namespace

std::string html_escape(std::string_view in) {
  std::string s = rfc2047::sanitize_utf8(in);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html_report(const Summary& s) {
  std::string h = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ndrscan bulk report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:900px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
.b{fill:#3b6ea5}.l{font-size:12px;fill:#333}.l0{font-size:11px;fill:#555}.n{font-size:12px;fill:#555}
.none{color:#888}.err td{font-family:monospace;font-size:12px;text-align:left}
</style></head><body>
<h1>ndrscan bulk report</h1>
)";
  h += "<table>";
  auto row = [&](const char* k, std::uint64_t v) { h += fmt::format("<tr><th>{}</th><td>{}</td></tr>", k, v); };
  row("inputs", s.inputs);
  row("messages", s.messages);
  row("analysed", s.analysed);
  row("failed to analyse", s.error_count);
  row("bounces", s.bounces);
  row("delay notices", s.delays);
  row("other messages", s.other);
  row("failed recipients", s.failed_recipients);
  row("delayed recipients", s.delayed_recipients);
  h += fmt::format("<tr><th>bytes</th><td>{:.1f} MB</td></tr></table>\n", static_cast<double>(s.bytes) / 1e6);
  auto section = [&](const char* title, const Counts& c) {
    h += fmt::format("<h2>{}</h2>\n{}\n", title, bar_chart(c, 15));
  };
  section("By reason", s.by_reason);
  if (!s.by_cause.empty()) section("By cause", s.by_cause);
  section("By enhanced status", s.by_status);
  section("By rejecting network", s.by_network);
  section("By recipient domain", s.by_domain);
  section("By reporting MTA", s.by_mta);
  h += "<h2>Over time (recipients per day)</h2>\n" + day_chart(s.by_day) + "\n";
  if (!s.errors.empty()) {
    h += fmt::format("<h2>Failed inputs ({})</h2>\n<table class=\"err\">", s.error_count);
    for (const auto& e : s.errors)
      h += fmt::format("<tr><td>{}{}</td><td>{}</td></tr>", html_escape(e.file),
                       e.offset >= 0 ? fmt::format("@{}", e.offset) : "", html_escape(e.reason));
    h += "</table>\n";
  }
  h += "</body></html>\n";
  return h;
}

bool write_html_report(const Summary& s, const std::string& path, std::string* err) {
  std::ofstream out(path, std::ios::binary);
  out << render_html_report(s);
  if (!out) {
    *err = path + ": cannot write";
    return false;
  }
  return true;
}

}  // namespace ndrscan::bulk
