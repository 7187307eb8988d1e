// text_report.h - Analysis -> a readable report for an 80-column terminal.
//
// PURPOSE
//   What an administrator reads first: who bounced (recipients, status and
//   its meaning, reply, diagnostic), then the route of the bounce and of the
//   returned original, then what was malformed. Colour only when asked
//   (the caller decides from isatty, NO_COLOR and --color).
//
// PUBLIC FUNCTIONS
//   render_text()  Analysis -> text, lines at most `width` columns where the
//                  content allows (long tokens such as ids are not broken)
#pragma once

#include <string>

#include "src/core/model.h"

namespace ndrscan::report {

struct TextOptions {
  bool color = false;
  int width = 80;
  bool explain = false;  ///< --explain: every matched cause with its ✓/✗ conditions and signals
};

/// render_text - the whole report for one message.
std::string render_text(const Analysis& a, const TextOptions& opts);

}  // namespace ndrscan::report
