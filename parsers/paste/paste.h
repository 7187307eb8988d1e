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
//   prepare()    text -> repaired copy (or nullopt when nothing to repair)
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

#include "src/core/model.h"

namespace ndrscan::paste {

enum class Mode { kAuto, kOn, kOff };

/// prepare - with kOn always, with kAuto only when `text` does not read as
/// an RFC 5322 message, return the repaired text; nullopt leaves the input
/// unchanged. Repairs are appended to *diags.
std::optional<std::string> prepare(std::string_view text, Mode mode, std::vector<Diagnostic>* diags);

/// text_only - `repaired` (what prepare returned) is bounce text that had no
/// header at all: its only header field is the one prepare added to it.
bool text_only(std::string_view repaired);

}  // namespace ndrscan::paste
