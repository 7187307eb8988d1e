// generic.h - the generic dialect group (see registry.cc): last-resort readers.
//
// PURPOSE
//   Tried after every MTA-specific dialect. Two readers:
//     embedded-dsn         RFC 3464 fields pasted into the text (Amazon WorkMail's
//                          "Technical report:", or a multipart/report whose
//                          boundary did not match so the fields sit in text/plain)
//     x-failed-recipients  the X-Failed-Recipients header (Exim, Gmail, Google
//                          Groups), with each address's diagnostic looked up in
//                          the text
//
// PUBLIC FUNCTIONS
//   embedded_dsn_detect / embedded_dsn_parse
//   failed_recipients_detect / failed_recipients_parse
#pragma once

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// embedded_dsn_detect - "Final-Recipient:" or "Original-Recipient:" in the text.
bool embedded_dsn_detect(const BounceText& b);
/// embedded_dsn_parse - rfc3464::parse_delivery_status on the pasted blocks.
bool embedded_dsn_parse(const BounceText& b, DialectFacts* out);

/// failed_recipients_detect - an X-Failed-Recipients header field.
bool failed_recipients_detect(const BounceText& b);
/// failed_recipients_parse - one failed recipient per address of the field(s).
bool failed_recipients_parse(const BounceText& b, DialectFacts* out);

}  // namespace ndrscan::dialects
