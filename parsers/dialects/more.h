// more.h - the "more" dialect group (see registry.cc): free-text bounces of
// smaller MTAs, mail filters and list servers that carry no usable DSN.
//
// PURPOSE
//   Tried after the qmail reader and before the generic last-resort readers.
//   Three readers:
//     lead-phrase   a table of introduction lines that name the failed
//                   address on the same line ("Unable to deliver message to
//                   <a@b>", "Failed Recipient: a@b") or list it on the lines
//                   that follow ("Delivery to the following recipients
//                   failed permanently:", "Failed addresses follow:"), each
//                   row quoting the MTA or filter that writes it (InterScan,
//                   MailFoundry, MailMarshal, m-FILTER, MDaemon, LSMTP,
//                   Symantec, Mimecast, Apache James, ...). The gate is a
//                   machine-generated sign (vtext::looks_automated) or a row
//                   whose companion phrase is also present.
//     ses-json      Amazon SES bounce notifications sent as JSON by SNS
//                   (more_ses.cc).
//     fml           fml mailing-list server's "You are not a member of this
//                   mailing list <list@example.org>." rejection.
//
// PUBLIC FUNCTIONS
//   lead_phrase_detect / lead_phrase_parse, ses_json_detect / ses_json_parse,
//   fml_detect / fml_parse
//
// DIAGNOSTICS
//   none: a reader either returns recipients or declines.
#pragma once

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// lead_phrase_detect - one of the table's introduction phrases in the
/// first part of the notice, and a machine-generated notice (or the row's
/// companion phrase).
bool lead_phrase_detect(const BounceText& b);
/// lead_phrase_parse - the addresses the introduction lines name, with the
/// nearest 4xx/5xx reply (or the lines after the address) as diagnostic.
bool lead_phrase_parse(const BounceText& b, DialectFacts* out);

/// ses_json_detect - an Amazon SES "Bounce" notification in JSON (via SNS).
bool ses_json_detect(const BounceText& b);
/// ses_json_parse - one recipient per bouncedRecipients object.
bool ses_json_parse(const BounceText& b, DialectFacts* out);

/// fml_detect - an X-MLServer: fml header and the non-member sentence.
bool fml_detect(const BounceText& b);
/// fml_parse - the list address the sentence names, as a rejected recipient.
bool fml_parse(const BounceText& b, DialectFacts* out);

}  // namespace ndrscan::dialects
