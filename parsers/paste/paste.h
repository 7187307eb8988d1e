// paste.h - repair text pasted from Outlook, OWA, Gmail or a ticket.
//
// PURPOSE
//   Helpdesk pastes are header blocks and NDR bodies mangled on the way:
//   folds unfolded or indentation lost, headers flattened onto one line,
//   blank lines between fields, "> " quoting, markdown links, HTML, leftover
//   quoted-printable, JSON escapes, tabs from tables, curly quotes. prepare()
//   decides whether a text looks pasted and returns a repaired copy that
//   the normal pipeline can read, with one diagnostic per repair.
//
// PUBLIC FUNCTIONS
//   prepare()    text -> repaired copy (or nullopt when nothing to repair);
//                optionally hands back the header scan it made (CleanScan)
//   text_only()  the repaired copy is header-less bounce text given a header
//
// DIAGNOSTICS
//   paste-* codes, one per kind of repair, with the byte offset in the
//   pasted text where it applied.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "src/core/model.h"

namespace ndrscan::paste {

enum class Mode { kAuto, kOn, kOff };

/// CleanScan - the top header block that prepare() read while deciding,
/// in kAuto mode, that the text is clean: scan_header_block(text, start)
/// with its diagnostics, so the pipeline need not read it a second time.
/// `valid` is false whenever prepare() did not finish such a scan.
struct CleanScan {
  bool valid = false;
  std::size_t start = 0;
  rfc5322::HeaderBlock block;
  std::vector<Diagnostic> diagnostics;
};

/// prepare - with kOn always, with kAuto only when `text` does not read as
/// an RFC 5322 message, return the repaired text; nullopt leaves the input
/// unchanged. Repairs are appended to *diags. When `scan` is given and the
/// text is found clean, *scan receives the header scan made on the way.
std::optional<std::string> prepare(std::string_view text, Mode mode, std::vector<Diagnostic>* diags,
                                   CleanScan* scan = nullptr);

/// text_only - `repaired` (what prepare returned) is bounce text that had no
/// header at all: its only header field is the one prepare added to it.
bool text_only(std::string_view repaired);

}  // namespace ndrscan::paste
