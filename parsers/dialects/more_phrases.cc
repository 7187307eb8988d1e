// more_phrases.cc - free-text bounces read through their introduction line
// (registry_more.inc: "lead-phrase"), and fml's non-member rejection.
//
// PURPOSE
//   Many small MTAs and mail filters write one sentence that introduces the
//   failed address, then (maybe) the remote server's reply:
//
//     Unable to deliver message to: <ana@example.org>          (MailFoundry)
//     Delivery failed for the following reason:
//     Server mx.example.org[192.0.2.2] failed with: 550 <ana@example.org> No such user here
//
//     Delivery to the following recipients failed permanently:
//        * ana@example.org
//     SMTP:RCPT host 192.0.2.3: 553 5.3.0 <ana@example.org>... No such user here
//
//   Each row of kLeads is one such sentence with where its address stands:
//   on the same line after the phrase (kSame), on the following lines, one
//   per line (kNext), just before the phrase on its line (kBefore), or on a
//   "To: a@b" line of the summary that follows (kToLine). A
//   row may require a companion phrase elsewhere in the notice, which then
//   stands in for the machine-generated sign the other rows need. The
//   diagnostic is the first 4xx/5xx reply at or after the introduction,
//   else the words after the address ("kijitora@example.jp [User unknown]")
//   and the lines that follow it. A notice whose wording says delivery is
//   still being tried ("has not yet been delivered", "will continue to
//   try") gives delayed recipients.
//
//   The markers are quoted from the corpora they were first seen in
//   (sisimai set-of-emails, BSD-2-Clause; flufl.bounce test data, LGPL-3;
//   Mail::DeliveryStatus::BounceParser corpus, GPL-1+/Artistic), short
//   excerpts only.
//
// PUBLIC FUNCTIONS
//   lead_phrase_detect / lead_phrase_parse, fml_detect / fml_parse (more.h)
//
// DIAGNOSTICS
//   none.
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "parsers/dialects/microsoft.h"
#include "parsers/dialects/more.h"
#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/phrase_set.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
using util::istarts_with;
using util::trim;
constexpr auto npos = std::string_view::npos;

constexpr std::size_t kMaxNotice = 32 * 1024;  // the notice is before the returned copy
constexpr std::size_t kMaxLines = 400;
constexpr std::size_t kMaxDiagnostic = 1000;
constexpr int kNextReach = 8;                  // lines after a kNext phrase that may list addresses

enum Where : unsigned { kSame = 1, kNext = 2, kBefore = 4, kToLine = 8 };

struct Lead {
  std::string_view phrase;     ///< case-insensitive, anywhere on the line
  unsigned where;              ///< Where bits
  bool delayed;                ///< the phrase itself says delivery goes on
  std::string_view companion;  ///< must also be in the notice ("" = none); replaces the automated-sender gate
  bool local_part_domain;      ///< a bare local part takes the sender's domain (AOL)
};

// Introduction lines, most specific first. The source of each marker line
// (corpus / sample) is given in the comment.
constexpr Lead kLeads[] = {
    // MDaemon: "The following addresses did NOT receive a copy of your message:" / "> a@b" (flufl simple_01)
    {"did NOT receive a copy of your message", kNext, false, {}, false},
    // MDaemon: "a@b - no such user here." (flufl simple_27)
    {" - no such user here", kBefore, false, {}, false},
    // USA.NET: "Intended recipient: a@b" (flufl simple_02)
    {"Intended recipient:", kSame, false, {}, false},
    // airmail.net: "|---- Failed addresses follow: ----|" / " a@b ... unknown host" (flufl simple_04, sisimai rfc3464-37)
    {"Failed addresses follow:", kNext, false, {}, false},
    // Prodigy: "User's mailbox is full: <a@b>" (flufl simple_07)
    {"User's mailbox is full:", kSame, false, {}, false},
    // "Delivery to the following recipients failed permanently:" / "   * a@b" (sisimai lhost-x3, flufl simple_10, _30-33;
    // the same MTA also writes "Delevery to the following recipients was aborted after 5.0 hour(s):")
    {"Delivery to the following recipients failed", kNext, false, {}, false},
    {"Delevery to the following recipients", kNext, false, {}, false},
    // "A message could not be delivered to:" / "a@b" (flufl simple_13, MIMEsweeper)
    {"A message could not be delivered to:", kNext, false, {}, false},
    // "Sorry, unable to deliver your message to a@b for the following reason:" (flufl simple_14)
    {"unable to deliver your message to", kSame, false, {}, false},
    // InterScan MSS / MailFoundry: "Unable to deliver message to <a@b> (and other recipients ...)"
    // (flufl simple_15, sisimai lhost-trendmicro-03), "Unable to deliver message to: <a@b>" (sisimai lhost-mailfoundry)
    {"Unable to deliver message to", kSame, false, {}, false},
    // InterScan MSS transcript: "Sent <<< RCPT TO:<a@b>" / "Received >>> 550 5.1.1 ..." (sisimai lhost-interscanmss)
    {"Sent <<< RCPT TO:", kSame, false, {}, false},
    // LSMTP / LISTSERV: "Error-for:  a@b" (flufl simple_18)
    {"Error-for:", kSame, false, "Error-Text:", false},
    // "Your message could not be delivered to" / "a@b" (flufl simple_20), "... delivered." / "<a@b>:" (simple_19)
    {"Your message could not be delivered", kSame | kNext, false, {}, false},
    // "Your message to:" / "a@b" / "has not yet been delivered ..." (flufl simple_21, a delay warning)
    {"Your message to:", kNext, false, {}, false},
    // Symantec AntiVirus for SMTP Gateways: "could not be delivered to the following recipients:" (flufl simple_22)
    {"could not be delivered to the following recipients", kNext, false, {}, false},
    // "(Originally addressed to a@b)" (flufl simple_23)
    {"(Originally addressed to", kSame, false, {}, false},
    // "Did not reach the following recipient: a@b" (flufl simple_24, sisimai rfc3464-39)
    {"Did not reach the following recipient", kSame | kNext, false, {}, false},
    // qmail look-alike in HTML: "I'm afraid I wasn't able to deliver your message to the following addresses." (flufl simple_25)
    {"able to deliver your message to the following addresses", kNext, false, {}, false},
    // "Delivery of email to this address" / "\"a@b\"" / "has been postponed ..." (flufl simple_35)
    {"Delivery of email to this address", kNext, false, {}, false},
    // "Failed Recipient: a@b" (flufl simple_36)
    {"Failed Recipient:", kSame, false, {}, false},
    // phquery: " --------Message not delivered to the following addresses:" (flufl simple_37)
    {"Message not delivered to the following addresses", kNext, false, {}, false},
    // Mail.Ru scanner: "Local mailbox a@b is unavailable: user not found" (flufl simple_39)
    {"Local mailbox ", kSame, false, "is unavailable", false},
    // Mimecast: "... attempted to send to the following address could not be delivered:" / "-- a@b"
    // (sisimai lhost-mimecast-01); "... addressed to email address :" / "-- a@b" (flufl simple_44)
    {"to the following address could not be delivered", kNext, false, {}, false},
    {"addressed to email address", kNext, false, {}, false},
    // MailMarshal: "The following recipients were affected:" / "    a@b" (sisimai lhost-mailmarshalsmtp)
    {"The following recipients were affected", kNext, false, {}, false},
    // "---The following addresses had delivery errors---" / "a@b [User unknown]" (sisimai lhost-x1)
    {"---The following addresses had delivery errors---", kNext, false, {}, false},
    // "Delivery failed: a@b" (sisimai lhost-x2-07)
    {"Delivery failed: ", kSame, false, "Your delivery to the following address has been failed", false},
    // "SMTP Server <mx> rejected recipient <a@b> (Error following RCPT command)." (sisimai lhost-x6)
    {"rejected recipient <", kSame, false, "We had trouble delivering your message", false},
    // HotPOP: "Undeliverable Address: a@b" (flufl hotpop_01)
    {"Undeliverable Address:", kSame, false, {}, false},
    // LLNL: "... which your message was addressed, a@b, did not exactly match" (flufl llnl_01)
    {"which your message was addressed,", kSame, false, {}, false},
    // Demon: "The following message, addressed to 'a@b'," (flufl bounce_03)
    {"The following message, addressed to", kSame, false, {}, false},
    // "------ Failed Recipients ------" / "<a@b>: Requested action not taken ..." (flufl bounce_02)
    {"------ Failed Recipients ------", kNext, false, {}, false},
    // Apache James / Verizon: "Error message below:" ... "Message details:" / "  RCPT TO: a@b" (sisimai lhost-apachejames, lhost-verizon)
    {"RCPT TO:", kSame, false, "Error message below:", false},
    // Netscape Messaging Server: "The following recipients did not receive your message:" / "<a@b>" (flufl netscape_01)
    {"The following recipients did not receive your message", kNext, false, {}, false},
    // Novell GroupWise Internet Agent: "The message that you sent was undeliverable to the following:" /
    // "a@b (user not found)" (BounceParser novell-with-rhs)
    {"was undeliverable to the following", kNext, false, {}, false},
    // Postfix smtpd "errors from" notice to the postmaster: "Transcript of session follows." /
    // " In:  RCPT TO:<a@b> ORCPT=..." / " Out: 451 4.3.0 Error: queue file write error" (sisimai lhost-postfix-75)
    {"In:  RCPT TO:", kSame, false, "Transcript of session follows", false},
    // Yahoo!: "I'm afraid I wasn't able to deliver the following message." ... "To: a@b" (flufl yahoo_12)
    {"wasn't able to deliver the following message", kToLine, false, {}, false},
    // "You sent mail to a@b. That's not a valid user here." (an Exim autoreply filter; BounceParser warning-5)
    {"You sent mail to ", kSame, false, "not a valid user here", false},
    // "Your message to a@b has reached our local address" ... "but this email address is wrong or no longer
    // valid" (flufl simple_26, an Italian campus server's own notice)
    {"Your message to ", kSame, false, "this email address is wrong or no longer valid", false},
    // AOL: "Your mail to the following recipients could not be delivered because ..." / "\tscreenname" (flufl aol_01)
    {"Your mail to the following recipients could not be delivered", kNext, false, {}, true},
    // m-FILTER: "以下のメールアドレスへの送信に失敗しました。" / "a@b" (sisimai lhost-mfilter)
    {"\xE4\xBB\xA5\xE4\xB8\x8B\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB\xE3\x82\xA2\xE3\x83\x89\xE3\x83\xAC"
     "\xE3\x82\xB9\xE3\x81\xB8\xE3\x81\xAE\xE9\x80\x81\xE4\xBF\xA1\xE3\x81\xAB\xE5\xA4\xB1\xE6\x95\x97",
     kNext, false, {}, false},
};

// Wording of a notice that says delivery is still being tried.
constexpr std::string_view kDelayWords[] = {
    "has not yet been delivered", "not yet been delivered", "will continue to try", "will continue to attempt",
    "attempts will continue", "has been postponed", "is just a warning", "this is a warning",
    "delivery has been delayed", "will be retried",
};

// Lines that end the notice: the returned copy follows.
bool copy_marker(std::string_view t) {
  static constexpr std::string_view kMarkers[] = {
      "original message", "returned mail follows", "message text follows", "copy of the message",
      "copy of your message", "below this line", "unsent message below", "start of returned message",
      "returned message", "message header follows", "-------original message", "original message follows",
  };
  if (t.size() < 6) return false;
  char c = t.front();
  if (c != '-' && c != '|' && c != '=' && c != '*') return false;
  for (std::string_view m : kMarkers)
    if (ifind(t, m) != npos) return true;
  return false;
}

struct Line {
  std::string_view t;  // trimmed
};

/// notice_lines - the trimmed lines of the notice, up to the returned copy.
std::vector<Line> notice_lines(std::string_view t) {
  std::vector<Line> out;
  t = t.substr(0, kMaxNotice);
  for (std::size_t pos = 0; pos < t.size() && out.size() < kMaxLines;) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    std::string_view s = trim(t.substr(l.begin, l.end - l.begin));
    if (l.next <= pos) break;
    pos = l.next;
    if (copy_marker(s)) break;
    out.push_back({s});
  }
  return out;
}

/// blankish - no letter or digit ("=20", "====", "*****").
bool blankish(std::string_view s) {
  for (char c : s)
    if (util::is_alpha(c) || util::is_digit(c) || static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

/// lead_address - the address a line starts with, after list decorations
/// ("* ", "> ", "-- ", "<", quotes); `rest` gets what follows it.
std::string_view lead_address(std::string_view s, std::string_view* rest = nullptr) {
  while (!s.empty() && (s.front() == '*' || s.front() == '>' || s.front() == '-' || s.front() == ' ' ||
                        s.front() == '\t' || s.front() == '|'))
    s.remove_prefix(1);
  std::size_t end = s.find_first_of(" \t");
  std::string_view tok = s.substr(0, end);
  std::string_view a = vtext::first_address(tok);
  if (a.empty()) return {};
  std::size_t at = static_cast<std::size_t>(a.data() - tok.data());
  if (at > 2) return {};  // "<", "\"" or "<\"" before it at most
  if (rest) *rest = end == npos ? std::string_view() : trim(s.substr(end));
  return a;
}

/// local_part - a bare mailbox name on its own ("screenname").
bool local_part(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(util::is_alpha(c) || util::is_digit(c) || c == '.' || c == '_' || c == '-' || c == '+')) return false;
  return true;
}

/// reply_at - where a 4xx/5xx reply starts in the line ("550 ...",
/// "... said: 550 ...", "Received >>> 550 ...", "[550 5.1.1 ...]"), npos if nowhere.
std::size_t reply_at(std::string_view s) {
  for (std::size_t i = 0; i + 3 <= s.size(); ++i) {
    if (s[i] != '4' && s[i] != '5') continue;
    if (i > 0) {
      char p = s[i - 1];
      if (p != ' ' && p != ':' && p != '[' && p != '>' && p != '#' && p != '(' && p != '\t') continue;
    }
    if (!rfc3464::find_reply_code(s.substr(i)).empty()) return i;
  }
  return npos;
}

bool automated(const BounceText& b) {
  if (vtext::looks_automated(b)) return true;
  static constexpr std::string_view kFrom[] = {"daemon", "postmaster", "post_master", "interscan", "imss",
                                               "antivirus", "lsmtp", "mail delivery"};
  std::string_view return_path = vtext::header_value(b, "Return-Path");
  for (std::string_view f : kFrom)
    if (ifind(b.from, f) != npos || ifind(return_path, f) != npos) return true;
  static constexpr std::string_view kSubject[] = {"delivery", "deliver", "failure", "failed", "returned",
                                                  "bounce", "non remis", "undeliver", "not delivered"};
  for (std::string_view s : kSubject)
    if (ifind(b.subject, s) != npos) return true;
  return false;
}

/// domain_of - the domain of the first address in `from`.
std::string_view domain_of(std::string_view from) {
  std::string_view a = vtext::first_address(from);
  std::size_t at = a.rfind('@');
  return at == npos ? std::string_view() : a.substr(at + 1);
}

/// leads_in - the rows whose phrase is on some line, gated.
bool gated(const Lead& l, std::string_view notice, bool is_automated) {
  if (!l.companion.empty()) return ifind(notice, l.companion) != npos;
  return is_automated;
}

void append(std::string* d, std::string_view s) {
  if (s.empty() || d->size() >= kMaxDiagnostic) return;
  if (!d->empty()) d->push_back(' ');
  d->append(s.substr(0, kMaxDiagnostic - d->size()));
}

struct Found {
  std::string address;
  std::size_t line;       // line that names it
  std::string_view rest;  // words after it on that line
};

/// whole_body - the body of the whole message up to an attached copy
/// ("Content-Type: message/rfc822" or text/rfc822-headers), for notices whose
/// MIME structure hides the text part.
std::string_view whole_body(std::string_view w) {
  std::size_t lf = w.find("\n\n"), crlf = w.find("\r\n\r\n"), cr = w.find("\r\r");
  std::size_t body = std::min({lf == npos ? npos : lf + 2, crlf == npos ? npos : crlf + 4, cr == npos ? npos : cr + 2});
  if (body == npos) return {};
  std::string_view t = w.substr(body, kMaxNotice);
  for (std::string_view copy : {"Content-Type: message/rfc822", "Content-Type: text/rfc822-headers"}) {
    std::size_t p = ifind(t, copy);
    if (p != npos) t = t.substr(0, p);
  }
  return t;
}

/// lead_set - kLeads' phrases in one automaton (one pass per text).
const util::PhraseSet& lead_set() {
  static const util::PhraseSet set = [] {
    std::vector<std::string_view> phrases;
    for (const Lead& l : kLeads) phrases.push_back(l.phrase);
    return util::PhraseSet(phrases, true);
  }();
  return set;
}

/// has_lead - some gated row's phrase is in `t`.
bool has_lead(std::string_view t, bool is_automated) {
  thread_local util::Hits hits;
  lead_set().mark(t, &hits);
  for (std::size_t i = 0; i < std::size(kLeads); ++i)
    if (hits.test(i) && gated(kLeads[i], t, is_automated)) return true;
  return false;
}

/// notice - the text the table is read in: the notice text, else (no text
/// part, or one without any introduction) the body of the whole message.
/// The MIME structure hides the notice when a nested boundary is written on
/// an unfolded line (Apache James) or a part's Content-Type lacks its ';'
/// (sisimai lhost-x1-02), so a later part (the copy) is taken for the text.
/// *lead (when given) says whether the first kMaxNotice bytes of the text
/// returned have a gated lead, which the choice has mostly computed already.
std::string_view notice(const BounceText& b, std::string* storage, bool is_automated, bool* lead = nullptr) {
  std::string_view t = vtext::notice_text(b, storage);
  const bool in_t = has_lead(t.substr(0, kMaxNotice), is_automated);
  if (lead) *lead = in_t;
  if (in_t || b.whole.empty()) return t;
  std::string_view w = whole_body(b.whole);
  if (!has_lead(w, is_automated)) return t;
  if (lead) *lead = w.size() <= kMaxNotice || has_lead(w.substr(0, kMaxNotice), is_automated);
  return w;
}

}  // namespace

bool lead_phrase_detect(const BounceText& b) {
  std::string storage;
  bool is_automated = automated(b);
  bool lead = false;
  notice(b, &storage, is_automated, &lead);
  return lead;
}

bool lead_phrase_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  bool is_automated = automated(b);
  std::string_view t = notice(b, &storage, is_automated);
  std::vector<Line> lines = notice_lines(t);
  std::string_view notice_head = t.substr(0, kMaxNotice);
  bool delayed = false;
  std::vector<Found> found;
  std::size_t first_lead = npos;
  auto add = [&](std::string_view a, std::size_t line, std::string_view rest) {
    std::string clean = rfc3464::clean_address(a);
    if (clean.empty() || !unixtext::is_address(clean)) return;
    for (const Found& f : found)
      if (util::iequals(f.address, clean)) return;
    if (found.size() < 1000) found.push_back({std::move(clean), line, rest});
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view s = lines[i].t;
    if (!lead_set().any(s)) continue;
    for (const Lead& l : kLeads) {
      std::size_t p = ifind(s, l.phrase);
      if (p == npos || !gated(l, notice_head, is_automated)) continue;
      if (first_lead == npos) first_lead = i;
      delayed = delayed || l.delayed;
      std::size_t before = found.size();
      if (l.where & kSame) {
        std::string_view after = s.substr(p + l.phrase.size());
        std::string_view a = vtext::first_address(after);
        if (!a.empty()) add(a, i, trim(after.substr(a.data() + a.size() - after.data())));
      }
      if (l.where & kBefore) {
        std::string_view a = vtext::first_address(s.substr(0, p));
        if (!a.empty()) add(a, i, trim(s.substr(p)));
      }
      if (l.where & kToLine) {
        // the summary of the returned message: "Subject: ..." / "To: a@b"
        for (std::size_t j = i + 1; j < lines.size() && j <= i + kNextReach; ++j)
          if (istarts_with(lines[j].t, "To:")) {
            std::string_view a = vtext::first_address(lines[j].t.substr(3));
            if (!a.empty()) add(a, j, {});
            break;
          }
      }
      if ((l.where & kNext) && found.size() == before) {
        int skipped = 0;
        bool seen = false;
        for (std::size_t j = i + 1; j < lines.size() && j <= i + kNextReach; ++j) {
          std::string_view n = lines[j].t;
          if (n.empty() || blankish(n)) {
            if (seen) break;
            continue;
          }
          std::string_view rest;
          std::string_view a = lead_address(n, &rest);
          if (a.empty() && l.local_part_domain && local_part(n) && !domain_of(b.from).empty()) {
            add(std::string(n) + "@" + std::string(domain_of(b.from)), j, {});
            seen = true;
            continue;
          }
          if (a.empty()) {
            if (seen || ++skipped > 1) break;
            continue;
          }
          add(a, j, rest);
          seen = true;
        }
      }
      break;  // one row per line
    }
  }
  if (found.empty()) return false;
  for (const Line& l : lines)  // the notice only, not the returned copy
    for (std::string_view w : kDelayWords)
      if (ifind(l.t, w) != npos) delayed = true;

  // The reply: the first 4xx/5xx reply at or after the first introduction,
  // else before it (Apache James puts "Error message below:" / "550 - ..."
  // above the "RCPT TO:" line).
  std::string reply;
  for (std::size_t k = 0; k < lines.size() && reply.empty(); ++k) {
    std::size_t i = (first_lead + k) % lines.size();
    std::size_t at = reply_at(lines[i].t);
    if (at == npos) continue;
    append(&reply, lines[i].t.substr(at));
    for (std::size_t j = i + 1; j < lines.size() && j < i + 3 && !lines[j].t.empty(); ++j) {
      if (!lead_address(lines[j].t).empty() || reply_at(lines[j].t) != npos) break;
      append(&reply, lines[j].t);
    }
  }
  // no reply: a line after the introduction that carries an enhanced
  // status ("-- 5.4.1 Recipient address rejected: Access denied.", Mimecast)
  for (std::size_t i = first_lead; i < lines.size() && reply.empty(); ++i) {
    std::string st = rfc3464::find_enhanced_status(lines[i].t);
    if (st.empty() || (st[0] != '4' && st[0] != '5')) continue;
    std::string_view l = lines[i].t;
    while (!l.empty() && (l.front() == '-' || l.front() == ' ')) l.remove_prefix(1);
    append(&reply, l);
  }
  for (const Found& f : found) {
    Recipient* r = vtext::add_recipient(out, f.address, delayed);
    if (!r) break;
    std::string diag = reply;
    if (diag.empty()) {
      // "kijitora@example.co.jp [User unknown]" / "a@b ... unknown host" and the lines after
      std::string_view rest = f.rest;
      while (!rest.empty() && (rest.front() == '.' || rest.front() == ':' || rest.front() == '-' || rest.front() == ',' ||
                               rest.front() == ')' || rest.front() == ' '))
        rest.remove_prefix(1);
      append(&diag, rest);
      for (std::size_t j = f.line + 1, n = 0; j < lines.size() && n < 3; ++j) {
        std::string_view s = lines[j].t;
        if (s.empty() || blankish(s)) {
          if (n) break;
          continue;
        }
        std::string_view after;
        std::string_view other = lead_address(s, &after);
        if (!other.empty()) {
          // another recipient's line; the same address again continues the
          // sentence ("a@b, but this email address is wrong or no longer valid")
          if (!util::iequals(rfc3464::clean_address(other), f.address)) continue;
          while (!after.empty() && (after.front() == ',' || after.front() == ' ')) after.remove_prefix(1);
          s = after;
        }
        append(&diag, s);
        ++n;
      }
    }
    r->diagnostic = std::move(diag);
    unixtext::finish(r, {}, delayed ? "delayed" : "failed");
    // the wording decides the class when the text gives no code
    if (r->status.empty()) r->status = delayed ? "4.0.0" : "5.0.0";
  }
  return !out->recipients.empty();
}

// ---------------------------------------------------------------------------
// fml (mailing-list server):
//   X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
//   You are not a member of this mailing list <neko-nyaan@example.org>.
// (sisimai lhost-fml-02): the list refused the post; the list is the recipient.

namespace {
constexpr std::string_view kFmlNotMember = "You are not a member of this mailing list";
}  // namespace

bool fml_detect(const BounceText& b) {
  if (!b.headers) return false;
  std::string_view ml = vtext::header_value(b, "X-MLServer");
  if (ifind(ml, "fml") == npos) return false;
  return ifind(b.text.substr(0, 4096), kFmlNotMember) != npos;
}

bool fml_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text.substr(0, 4096);
  std::size_t p = ifind(t, kFmlNotMember);
  if (p == npos) return false;
  std::string_view line = t.substr(p, t.find_first_of("\r\n", p) - p);
  std::string_view a = vtext::first_address(line.substr(kFmlNotMember.size()));
  if (a.empty()) return false;
  Recipient* r = vtext::add_recipient(out, a, false);
  if (!r) return false;
  r->diagnostic.assign(trim(line));
  r->status = "5.0.0";
  return true;
}

}  // namespace ndrscan::dialects
