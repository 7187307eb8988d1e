// test_support.h - helpers shared by the unit tests.
#pragma once

#include <string>
#include <string_view>

#include "parsers/dialects/dialect.h"

namespace ndrscan::testing {

/// with_endings - LF text with every '\n' replaced by `eol` (CRLF, CR replays).
inline std::string with_endings(std::string_view text, std::string_view eol) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '\n') out += eol;
    else out += c;
  }
  return out;
}

/// DialectRun - what one dialect's detect() and parse() gave.
struct DialectRun {
  bool detected = false, parsed = false;
  dialects::DialectFacts facts;
};

/// run_dialect - detect, then parse when detected.
inline DialectRun run_dialect(bool (*detect)(const dialects::BounceText&),
                              bool (*parse)(const dialects::BounceText&, dialects::DialectFacts*),
                              const dialects::BounceText& b) {
  DialectRun r;
  r.detected = detect(b);
  if (r.detected) r.parsed = parse(b, &r.facts);
  return r;
}

}  // namespace ndrscan::testing
