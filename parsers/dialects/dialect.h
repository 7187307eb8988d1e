// dialect.h - per-MTA bounce readers for bounces without a usable DSN.
//
// PURPOSE
//   Many MTAs send free-text bounces (qmail, old Exim, Exchange's text, ...)
//   or free text beside a thin DSN. Each dialect is one small unit: a cheap
//   detect() gate on the subject, sender or first lines, then parse(). The
//   registry is an explicit ordered table (registry.cc), no self-registration;
//   the first dialect whose detect() and parse() both succeed wins.
//
// PUBLIC FUNCTIONS
//   registry()  the ordered table of dialects
//   run_dialects()  try each; fills DialectFacts
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "src/core/model.h"

namespace ndrscan::dialects {

/// What a dialect reads: the decoded notification text and a few headers.
struct BounceText {
  std::string_view text;     ///< decoded human-readable part (or the body)
  std::string_view subject;  ///< decoded Subject of the bounce
  std::string_view from;     ///< From of the bounce
  const std::vector<rfc5322::HeaderField>* headers = nullptr;  ///< the bounce's header fields (may be null)
  std::string_view html;     ///< decoded text/html part when there is one (else empty)
  std::string_view whole;    ///< the whole raw message (header and body), for last-resort readers

  /// vtext::notice_text()'s reading of an HTML notice, kept for the next
  /// reader that asks (about ten readers do): `source` is the HTML it was
  /// made from, compared in full before `text` is reused.
  struct HtmlCache {
    std::string source, text;
    bool valid = false;
  };
  mutable HtmlCache html_cache{};
};

/// What a dialect found.
struct DialectFacts {
  std::vector<Recipient> recipients;
  std::string reporting_mta;
  /// offset in `text` where a copy of the returned message starts, or npos
  std::size_t original_offset = std::string_view::npos;
};

struct Dialect {
  std::string_view name;
  bool (*detect)(const BounceText&);
  bool (*parse)(const BounceText&, DialectFacts*);
};

/// registry - the dialects in the order they are tried.
std::span<const Dialect> registry();

/// run_dialects - name of the dialect that parsed `b`, or "" if none did.
std::string run_dialects(const BounceText& b, DialectFacts* out);

}  // namespace ndrscan::dialects
