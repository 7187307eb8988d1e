// microsoft.h - the microsoft dialect group (see registry.cc): free-text
// NDRs of Microsoft Exchange / Exchange Online and of other vendors whose
// notices carry no usable DSN (old Gmail, Lotus Domino/Notes, KDDI/ezweb).
//
// PURPOSE
//   Declares the detect/parse pairs listed in registry_microsoft.inc, in the
//   order they are tried, and the few text helpers the group's files share
//   (html_to_text, notice_text, first_address, looks_automated).
//
// PUBLIC FUNCTIONS
//   exchange_detect / exchange_parse        Exchange 2007+ / EXO NDR text (old
//                                           and new layouts, localised)
//   exchange_has_markers                    that text's localised markers, for
//                                           the paste reader
//   exchange_legacy_detect / _parse         Exchange 5.5/2000/2003 "did not
//                                           reach the following recipient(s)"
//   exchange_cdo_detect / _parse            "--- Non-Delivery Report ---" (CDO)
//   gmail_text_detect / gmail_text_parse    old Gmail "Delivery to the
//                                           following recipient failed ..."
//   domino_detect / domino_parse            Lotus Domino "was not delivered to:"
//   notes_detect / notes_parse              Lotus Notes "Failure Reasons"
//   kddi_detect / kddi_parse                au one net / ezweb notices
//
// DIAGNOSTICS
//   none: a dialect either returns recipients or declines.
#pragma once

#include <string>
#include <string_view>

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// exchange_detect - an Exchange 2007+ / Exchange Online NDR text marker
/// (any supported locale) in a notice that looks machine-generated.
bool exchange_detect(const BounceText& b);
/// exchange_parse - recipients, codes, remote server and Generating server.
bool exchange_parse(const BounceText& b, DialectFacts* out);

/// exchange_has_markers - `text` carries Exchange 2007+ / EXO NDR wording
/// in one of the locales exchange_detect knows (the same tables: failed and
/// delayed headings, the administrators' sections, "Your message to X
/// couldn't be delivered"). The paste reader uses it to tell NDR text.
bool exchange_has_markers(std::string_view text);

/// exchange_legacy_detect - "did not reach the following recipient(s)" /
/// "The following recipient(s) could not be reached:" (Exchange 5.5-2003,
/// and hMailServer, which copied the wording).
bool exchange_legacy_detect(const BounceText& b);
/// exchange_legacy_parse - "addr on DATE" blocks and X.400 "dda:SMTP=addr;".
bool exchange_legacy_parse(const BounceText& b, DialectFacts* out);

/// exchange_cdo_detect - "--- Non-Delivery Report ---" at the top.
bool exchange_cdo_detect(const BounceText& b);
/// exchange_cdo_parse - the address line after "could not be delivered to".
bool exchange_cdo_parse(const BounceText& b, DialectFacts* out);

/// gmail_text_detect - old Gmail "Delivery to the following recipient ..."
bool gmail_text_detect(const BounceText& b);
/// gmail_text_parse - recipients, "Technical details" and the remote reply.
bool gmail_text_parse(const BounceText& b, DialectFacts* out);
/// gmail_notice_detect - current Gmail text: a "** Address not found **" /
/// "** Delivery incomplete **" banner and "wasn't delivered to a@b" or
/// "temporary problem delivering your message to a@b".
bool gmail_notice_detect(const BounceText& b);
/// gmail_notice_parse - the addressed recipient(s) and "The response was:".
bool gmail_notice_parse(const BounceText& b, DialectFacts* out);

/// domino_detect - "was not delivered to:" ... "because:" (Lotus Domino).
bool domino_detect(const BounceText& b);
/// domino_parse - addresses between the two markers, reason after "because:".
bool domino_parse(const BounceText& b, DialectFacts* out);

/// notes_detect - "------- Failure Reasons  --------" (Lotus Notes SMTP MTA).
bool notes_detect(const BounceText& b);
/// notes_parse - addresses and reasons up to "------- Returned Message".
bool notes_parse(const BounceText& b, DialectFacts* out);

/// kddi_detect - au one net "Could not be delivered to:" and ezweb
/// "Mail System Error - Returned Mail" notices.
bool kddi_detect(const BounceText& b);
/// kddi_parse - "<addr>" lines and the English reason.
bool kddi_parse(const BounceText& b, DialectFacts* out);

namespace vtext {

/// html_to_text - tags dropped (block tags become line breaks), the common
/// entities and numeric references decoded; <style>/<script> bodies dropped.
std::string html_to_text(std::string_view html);

/// notice_text - the text a free-text dialect reads: b.text, else the HTML
/// part as text; ISO-2022-JP bytes (ESC $ B) converted to UTF-8. `storage`
/// holds the converted copy when one is needed; HTML read as text is kept
/// in b.html_cache, so the view lives as long as `b`.
std::string_view notice_text(const BounceText& b, std::string* storage);

/// first_address - the first "local@domain" token in `s` (brackets, quotes,
/// "mailto:" and trailing punctuation removed); empty if none.
std::string_view first_address(std::string_view s);

/// looks_automated - From/Subject/headers of a machine-generated notice
/// (postmaster, MAILER-DAEMON, System Administrator, Microsoft Outlook,
/// X-MS-Exchange-Message-Is-Ndr, X-MS-Embedded-Report, Auto-Submitted, an
/// "Undeliverable"-like subject in the supported locales).
bool looks_automated(const BounceText& b);

/// ndr_subject - an "Undeliverable:" / "Delivery delayed:"-like subject
/// prefix in one of the supported locales (the subjects looks_automated
/// accepts).
bool ndr_subject(std::string_view subject);

/// header_value - first header field named `name` (case-insensitive), or "".
std::string_view header_value(const BounceText& b, std::string_view name);

/// add_recipient - the recipient with `addr` (case-insensitive match), added
/// with action failed/delayed if new; null past 1000 recipients.
Recipient* add_recipient(DialectFacts* out, std::string_view addr, bool delayed);

/// finish_statuses - status "R.0.0" from a reply code, else 5.0.0 / 4.0.0
/// by action, for recipients the text gave no enhanced status.
void finish_statuses(DialectFacts* out);

/// has_header - a header field named `name` is present (even if empty).
bool has_header(const BounceText& b, std::string_view name);

}  // namespace vtext

}  // namespace ndrscan::dialects
