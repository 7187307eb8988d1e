// sendmail.h - the sendmail dialect group (see registry.cc).
//
// PURPOSE
//   Free-text bounces of Sendmail and other Unix MTAs that carry no usable
//   DSN part: Sendmail's "----- Transcript of session follows -----" text
//   (also old V5 Sendmail, Active!Hunter, BIGLOBE and forwarded "> " copies),
//   the DragonFly Mail Agent, OpenSMTPD, Postfix's text-only notice and
//   IMail / SMTP32. qmail and its look-alikes live in qmail.h.
//
// PUBLIC FUNCTIONS
//   sendmail_detect / sendmail_parse      Sendmail text (sendmail.cc)
//   dma_detect / dma_parse                DragonFly Mail Agent (unix_agents.cc)
//   opensmtpd_detect / opensmtpd_parse    OpenSMTPD (unix_agents.cc)
//   postfix_text_detect / _parse          Postfix without a DSN part (unix_agents.cc)
//   imail_detect / imail_parse            IMail / SMTP32 (unix_agents.cc)
//   unixtext::*                           line helpers shared by these readers (unix_text.cc)
//
// DIAGNOSTICS
//   None: a dialect that cannot read a text returns false and the next is tried.
#pragma once

#include <string>
#include <string_view>

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// sendmail_detect - "----- Transcript of session follows -----" or
/// "----- The following addresses had ..." in the text.
bool sendmail_detect(const BounceText& b);
/// sendmail_parse - listed addresses and transcript lines per recipient.
bool sendmail_parse(const BounceText& b, DialectFacts* out);

/// dma_detect - "This is the DragonFly Mail Agent" near the start.
bool dma_detect(const BounceText& b);
/// dma_parse - "There was an error delivering your mail to <a@b>." blocks.
bool dma_parse(const BounceText& b, DialectFacts* out);

/// opensmtpd_detect - "This is the MAILER-DAEMON" and "list of recipients:".
bool opensmtpd_detect(const BounceText& b);
/// opensmtpd_parse - "a@b: reply" lines after "list of recipients:".
bool opensmtpd_parse(const BounceText& b, DialectFacts* out);

/// postfix_text_detect - "This is the ... program at host" or "This is the
/// mail system at host" near the start.
bool postfix_text_detect(const BounceText& b);
/// postfix_text_parse - "<a@b>: host X[ip] said: ..." blocks.
bool postfix_text_parse(const BounceText& b, DialectFacts* out);

/// imail_detect - "Original message follows." plus an IMail recipient line.
bool imail_detect(const BounceText& b);
/// imail_parse - "Unknown user: a@b", "Delivery failed N attempts: a@b", ...
bool imail_parse(const BounceText& b, DialectFacts* out);

namespace unixtext {

/// line_text - the text of the line `l` of `t` without its ending.
std::string_view line_text(std::string_view t, std::size_t begin, std::size_t end);

/// is_address - one '@' with a non-empty local part and domain, no blanks.
bool is_address(std::string_view s);

/// angle_address - the address inside the first "<...>" of `s` ("" if none
/// or not an address).
std::string angle_address(std::string_view s);

/// append - add `piece` to `diag`, one blank between pieces.
void append(std::string* diag, std::string_view piece);

/// host_of - "mx.example.net [192.0.2.1]" / "mx.example.net[192.0.2.1]" /
/// "mx.example.net." -> "mx.example.net"; a bare IP stays.
std::string host_of(std::string_view s);

/// inline_dsn_status - statuses from "Final-Recipient:" ... "Status:" lines
/// written inline in the text (also "> "-quoted) for recipients without one.
void inline_dsn_status(std::string_view t, std::vector<Recipient>* rs);

/// finish - fill reply_code (from `reply` when given, else the diagnostic),
/// status (enhanced code of the diagnostic, else N.0.0 from the reply code)
/// and the action when unset.
void finish(Recipient* r, std::string_view reply, std::string_view action);

}  // namespace unixtext

}  // namespace ndrscan::dialects
