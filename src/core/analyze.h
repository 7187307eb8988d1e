// analyze.h - one message's bytes -> Analysis (the whole single-message pipeline).
//
// PURPOSE
//   header scanner -> summary fields and Received hops -> MIME tree (guarded
//   mimetic) -> delivery-status fields -> returned original with its own
//   hops. Never throws; a message that cannot be analysed at all returns
//   false with a one-line reason.
//
// PUBLIC FUNCTIONS
//   analyze_message()  bytes -> Analysis
//   build_hops()       Received fields (newest first) -> hops (oldest first)
//
// DIAGNOSTICS
//   input-binary, input-empty, input-no-header, received-partial, plus
//   whatever the parsers report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/mime/message_adapter.h"
#include "parsers/paste/paste.h"
#include "parsers/rfc5322/header_block.h"
#include "src/core/knowledge.h"
#include "src/core/model.h"

namespace ndrscan {

/// Per-run settings of the analysis.
struct AnalyzeOptions {
  mime::Limits mime_limits;
  std::size_t max_hops = 100;
  std::size_t max_recipients = 1000;
  paste::Mode paste = paste::Mode::kAuto;  ///< repair pasted text (--paste forces it)
  int forward_depth = 2;                   ///< how deep to look for a bounce inside attached messages
  bool explain = true;                     ///< fill CauseMatch::explain (only text --explain prints it)
};

/// analyze_message - analyse one message or bare header block. On failure
/// returns false and sets *error to a one-line reason (no file name). Never
/// throws: an exception from any parser is caught here and reported as
/// "internal error: ..." (a bug to report, not bad input).
bool analyze_message(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts,
                     Analysis* out, std::string* error);

/// build_hops - Received fields, in header order (newest first), to hops
/// oldest first with delays; partial parses add diagnostics.
std::vector<Hop> build_hops(const std::vector<const rfc5322::HeaderField*>& received, std::size_t max_hops,
                            std::vector<Diagnostic>* diags);

}  // namespace ndrscan
