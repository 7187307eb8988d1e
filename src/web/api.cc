// api.cc - the CLI's per-input loop (src/main.cc, step 4) for one request body.
#include "src/web/api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "src/io/mbox.h"
#include "src/report/json_report.h"

namespace ndrscan::web {

std::string error_json(std::string_view message, std::size_t limit) {
  nlohmann::ordered_json j;
  j["error"] = std::string(message);
  if (limit > 0) j["limit_bytes"] = limit;
  // Replace invalid UTF-8 rather than throw: messages may quote input.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

ApiResponse analyze_body(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts) {
  ApiResponse r;
  // Keep in step with src/main.cc: an mbox holds many messages, anything
  // else is one; `source` is "-" as for standard input.
  std::vector<io::MboxSpan> spans;
  if (io::looks_like_mbox(bytes)) spans = io::split_mbox(bytes);
  if (spans.empty()) spans.push_back({0, 0, bytes.size()});
  bool many = spans.size() > 1 || spans[0].offset != spans[0].begin;
  std::string first_error;
  for (const auto& span : spans) {
    std::string_view msg = bytes.substr(span.begin, span.end - span.begin);
    std::string unquoted;
    if (many && io::needs_unquote(msg)) {
      unquoted = io::unquote_from(msg);
      msg = unquoted;
    }
    Analysis a;
    a.source = "-";
    a.source_offset = static_cast<std::int64_t>(span.offset);
    std::string err;
    if (!analyze_message(msg, knowledge, opts, &a, &err)) {
      if (first_error.empty()) first_error = many ? fmt::format("message at byte {}: {}", span.offset, err) : err;
      continue;
    }
    r.body += report::to_json(a, -1);
    r.body += '\n';
    ++r.messages;
  }
  if (r.messages == 0) {
    r.status = 422;
    r.body = error_json(first_error.empty() ? "nothing to analyse" : first_error);
  } else if (r.messages > 1) {
    r.content_type = "application/x-ndjson";
  }
  return r;
}

}  // namespace ndrscan::web
