// dsn_fields.h - RFC 3464 / RFC 6533 delivery-status fields.
//
// PURPOSE
//   A message/delivery-status body is a per-message block followed by one
//   block per recipient, each in header syntax (RFC 3464 2.1). This parser
//   reads the blocks with the header scanner, splits "type; value" fields,
//   and pulls the basic reply code and enhanced status out of
//   Diagnostic-Code so a recipient's `status` is the most specific code the
//   report supports (Status 5.0.0 + "550 5.1.1 ..." gives 5.1.1).
//
// PUBLIC FUNCTIONS
//   parse_delivery_status()  body text -> DsnReport + recipients
//   find_enhanced_status()   first RFC 3463 code in free text
//   find_reply_code()        leading SMTP reply code of a diagnostic
//   most_specific_status()   pick between Status and the diagnostic's code
//
// DIAGNOSTICS
//   dsn-no-recipients, dsn-recipient-no-address, dsn-bad-status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/core/model.h"

namespace ndrscan::rfc3464 {

/// Result of parsing one delivery-status body.
struct DeliveryStatus {
  DsnReport report;
  std::vector<Recipient> recipients;
};

/// parse_delivery_status - parse a message/delivery-status body; offsets in
/// diagnostics are relative to `base_offset`.
DeliveryStatus parse_delivery_status(std::string_view body, std::vector<Diagnostic>* diags,
                                     std::int64_t base_offset = -1);

/// find_enhanced_status - first "c.s.d" code (RFC 3463 2) in `text` that is
/// not part of an IP address or version number; empty if none.
std::string find_enhanced_status(std::string_view text);

/// find_reply_code - RFC 5321 4.2 reply code at the start of `text`
/// ("550 ...", "550-5.1.1 ...", "#550 ..."); empty if none.
std::string find_reply_code(std::string_view text);

/// most_specific_status - the more specific of two codes of the same class.
std::string most_specific_status(std::string_view status, std::string_view from_text);

/// nested_reply - the remote server's reply quoted inside a relay's own
/// diagnostic ("554 4.4.7 Message expired ...<421 4.4.2 Connection timed
/// out>"): the last "NNN c.s.d" pair after the start; false when none.
bool nested_reply(std::string_view text, std::string* reply, std::string* status);

/// remote_status - the code for a DSN recipient from its Status field and the
/// code the remote server gave in the Diagnostic-Code (`reply` is that
/// text's reply code). The server's own code is the better evidence of why
/// it refused (the reporting MTA often writes a generic or mapped Status:
/// sendmail's "Status: 5.1.1" over "550 5.7.1 IP address blacklisted"), so
/// it wins unless it is less specific than Status, or of another class than
/// Status while the reply code does not back it.
std::string remote_status(std::string_view status, std::string_view from_text, std::string_view reply);

/// strip_type - "rfc822; a@b" -> "a@b", "dns; host" -> "host"; *type gets
/// the lowercase type when given.
std::string strip_type(std::string_view value, std::string* type = nullptr);

/// clean_address - drop angle brackets, quotes and blanks around an address.
std::string clean_address(std::string_view s);

}  // namespace ndrscan::rfc3464
