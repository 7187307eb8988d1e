// api.h - `POST /api/analyze`: request body -> what `ndrscan --json` prints.
//
// PURPOSE
//   The HTTP-free half of the API, so it can be tested without sockets. The
//   body is treated exactly as the CLI treats standard input: an mbox is
//   split into its messages (one JSON line each), anything else is one
//   message, `source` is "-". For the same bytes and the same site options
//   the response body is byte for byte `ndrscan --json < FILE`.
//
// PUBLIC FUNCTIONS
//   analyze_body()   bytes -> {HTTP status, content type, body}
//   error_json()     {"error": message} (plus "limit" when given)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/core/analyze.h"
#include "src/core/knowledge.h"

namespace ndrscan::web {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  int messages = 0;  ///< JSON objects in body (for the log)
};

/// analyze_body - 200 with one JSON object per message (one line each;
/// several messages give JSON Lines as application/x-ndjson), or 422 with
/// {"error": ...} when nothing could be analysed (empty, binary, ...).
ApiResponse analyze_body(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts);

/// error_json - one line `{"error":"..."}\n`; `limit` > 0 adds "limit_bytes".
std::string error_json(std::string_view message, std::size_t limit = 0);

}  // namespace ndrscan::web
