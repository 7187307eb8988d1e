// vendor_text.cc - free-text bounces of Google (old Gmail), Lotus
// Domino/Notes and the Japanese carrier KDDI (au one net, ezweb).
//
// PURPOSE
//   Notices with no DSN part, read line by line:
//
//   * Gmail before 2015 (sisimai lhost-gmail):
//       Delivery to the following recipient failed permanently:
//            user@example.jp
//       Technical details of permanent failure:
//       Google tried to deliver your message, but it was rejected by the
//       server for the recipient domain example.jp by mx.example.jp. [192.0.2.153].
//       The error that the other server returned was:
//       550 5.1.1 <user@example.jp>... User Unknown
//       ----- Original message -----
//     and the delay form ("... has been delayed:", "Technical details of
//     temporary failure:").
//   * Lotus Domino: "was not delivered to:" / addresses / "because:" / reason.
//   * Lotus Notes SMTP MTA: "------- Failure Reasons  --------" / reason /
//     address / "------- Returned Message --------".
//   * au one net: "Could not be delivered to: <addr>" / "As their mailbox is
//     full."; ezweb "Mail System Error - Returned Mail" with "<addr>" lines.
//
// PUBLIC FUNCTIONS
//   gmail_text_detect/parse, domino_detect/parse, notes_detect/parse,
//   kddi_detect/parse (declared in microsoft.h).
//
// DIAGNOSTICS
//   none.
#include <vector>

#include "parsers/dialects/microsoft.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
using util::istarts_with;
using util::trim;
constexpr auto npos = std::string_view::npos;
constexpr std::size_t kMaxDiagnostic = 2000;

struct TextLine {
  std::string_view t;
  std::size_t begin, next;
};

/// lines_of - the trimmed lines of `text` (LF, CRLF or CR endings).
std::vector<TextLine> lines_of(std::string_view text) {
  std::vector<TextLine> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    rfc5322::Line l = rfc5322::next_line(text, pos);
    out.push_back({trim(text.substr(l.begin, l.end - l.begin)), l.begin, l.next});
    if (l.next <= pos) break;
    pos = l.next;
  }
  return out;
}

/// only_address - the line is one address, maybe in angle brackets.
std::string_view only_address(std::string_view t) {
  if (t.empty() || t.find_first_of(" \t") != npos) return {};
  std::string_view a = vtext::first_address(t);
  std::string_view core = t;
  while (!core.empty() && (core.front() == '<' || core.front() == '"')) core.remove_prefix(1);
  while (!core.empty() && (core.back() == '>' || core.back() == '"' || core.back() == ',' || core.back() == '.'))
    core.remove_suffix(1);
  return (!a.empty() && core.size() == a.size()) ? a : std::string_view();
}

void append_diag(std::string* d, std::string_view s) {
  if (s.empty() || d->size() >= kMaxDiagnostic) return;
  if (!d->empty()) d->push_back(' ');
  d->append(s.substr(0, kMaxDiagnostic - d->size()));
}

// Gmail: the heads and the end of the notice.
constexpr std::string_view kGmailFailed = "Delivery to the following recipient";  // ... failed permanently: / ... has been delayed:
constexpr std::string_view kGmailOriginal = "----- Original message -----";
constexpr std::string_view kGmailOriginalHeaders = "----- Message header follows -----";

}  // namespace

// ---------------------------------------------------------------------------
// Gmail (old text form)

bool gmail_text_detect(const BounceText& b) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::size_t p = ifind(t.substr(0, 8192), kGmailFailed);
  if (p == npos) return false;
  std::string_view rest = t.substr(p, 120);
  if (ifind(rest, "failed permanently") == npos && ifind(rest, "has been delayed") == npos &&
      ifind(rest, "failed temporarily") == npos)
    return false;
  return vtext::looks_automated(b);
}

bool gmail_text_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::vector<TextLine> lines = lines_of(t);
  std::size_t i = 0;
  bool delayed = false;
  for (; i < lines.size(); ++i) {
    // "Delivery to the following recipient failed permanently:"
    if (istarts_with(lines[i].t, kGmailFailed)) {
      delayed = ifind(lines[i].t, "delayed") != npos || ifind(lines[i].t, "temporarily") != npos;
      ++i;
      break;
    }
  }
  if (i >= lines.size()) return false;
  // "     userunknown@example.jp" (one per line, up to the first other line)
  bool seen = false;
  for (; i < lines.size(); ++i) {
    if (lines[i].t.empty()) {
      if (seen) break;
      continue;
    }
    std::string_view a = only_address(lines[i].t);
    if (a.empty()) break;
    vtext::add_recipient(out, a, delayed);
    seen = true;
  }
  if (out->recipients.empty()) return false;
  // the rest up to "----- Original message -----" is the explanation
  std::string diag, technical;
  bool in_technical = false;
  for (; i < lines.size(); ++i) {
    std::string_view l = lines[i].t;
    if (istarts_with(l, kGmailOriginal) || istarts_with(l, kGmailOriginalHeaders)) {
      if (storage.empty()) out->original_offset = lines[i].next;
      break;
    }
    if (l.empty()) continue;
    // "Technical details of permanent failure:" / "... of temporary failure:"
    if (istarts_with(l, "Technical details of ")) {
      in_technical = true;
      std::string_view after = trim(l.substr(l.find(':') == npos ? l.size() : l.find(':') + 1));
      append_diag(&technical, after);
      continue;
    }
    append_diag(in_technical ? &technical : &diag, l);
  }
  std::string_view text = technical.empty() ? std::string_view(diag) : std::string_view(technical);
  std::string reply, status, remote;
  // "The error that the other server returned was: 550 5.1.1 <...>... User Unknown"
  if (std::size_t p = ifind(text, "server returned was:"); p != npos) {
    std::string_view r = trim(text.substr(p + 20));
    reply = rfc3464::find_reply_code(r);
    status = rfc3464::find_enhanced_status(r);
  }
  // "... rejected by the server for the recipient domain example.jp by mx.example.jp. [192.0.2.153]."
  if (std::size_t p = ifind(text, "for the recipient domain "); p != npos) {
    std::size_t by = ifind(text, " by ", p + 25);
    if (by != npos) {
      std::string_view h = text.substr(by + 4);
      h = util::strip_dot(h.substr(0, h.find_first_of(" [")));
      if (util::is_hostname(h) || util::is_ip(h)) remote.assign(h);
    }
  }
  for (auto& r : out->recipients) {
    r.diagnostic.assign(text);
    r.reply_code = reply;
    r.status = status;
    r.remote_mta = remote;
  }
  vtext::finish_statuses(out);
  return true;
}

// ---------------------------------------------------------------------------
// Gmail (current text form, also as pasted from Gmail's web view):
//   ** Address not found **
//   Your message wasn't delivered to ana@example.org because the address couldn't be found, ...
//   The response from the remote server was:
//   550 5.1.1 The email account that you tried to reach does not exist.
// and the delay notice:
//   ** Delivery incomplete **
//   There was a temporary problem delivering your message to bo@example.org. Gmail will retry for 46 more hours.
//   The response was:
//   The recipient server did not accept our requests to connect. ... [mx.example.org 192.0.2.5: timed out]

namespace {

constexpr std::string_view kGmailNoticeLeads[] = {"wasn't delivered to ", "was not delivered to ",
                                                   "temporary problem delivering your message to ",
                                                   "couldn't be delivered to "};

/// gmail_banner - a "** Address not found **" style line near the start.
bool gmail_banner(std::string_view t) {
  for (const TextLine& l : lines_of(t.substr(0, 2048))) {
    std::string_view s = l.t;
    if (s.size() > 6 && s.substr(0, 3) == "** " && s.substr(s.size() - 3) == " **") return true;
  }
  return false;
}

}  // namespace

bool gmail_notice_detect(const BounceText& b) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  if (!gmail_banner(t)) return false;
  std::string_view head = t.substr(0, 4096);
  for (std::string_view lead : kGmailNoticeLeads)
    if (ifind(head, lead) != npos) return true;
  return false;
}

bool gmail_notice_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::string_view head = t.substr(0, 8192);
  bool delayed = ifind(head, "temporary problem") != npos || ifind(head, "will retry") != npos;
  for (std::string_view lead : kGmailNoticeLeads) {
    for (std::size_t p = ifind(head, lead); p != npos; p = ifind(head, lead, p + lead.size())) {
      std::string_view a = vtext::first_address(head.substr(p + lead.size(), 320));
      if (!a.empty() && a.data() < head.data() + p + lead.size() + 8) vtext::add_recipient(out, a, delayed);
    }
  }
  if (out->recipients.empty()) return false;
  // "The response was:" / "The response from the remote server was:" and the
  // lines up to the next blank line.
  std::string diag;
  std::vector<TextLine> lines = lines_of(t);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!(istarts_with(lines[i].t, "The response") && lines[i].t.back() == ':')) continue;
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].t.empty()) {
        if (diag.empty()) continue;
        break;
      }
      append_diag(&diag, lines[j].t);
    }
    break;
  }
  std::string reply = rfc3464::find_reply_code(diag);
  std::string status = rfc3464::find_enhanced_status(diag);
  std::string remote;
  // "[mx.example.org 192.0.2.5: timed out]"
  if (std::size_t lb = diag.rfind('['); lb != std::string::npos) {
    std::string_view h = std::string_view(diag).substr(lb + 1);
    h = h.substr(0, h.find_first_of(" :]"));
    if (util::is_hostname(h) || util::is_ip(h)) remote.assign(h);
  }
  for (auto& r : out->recipients) {
    r.diagnostic = diag;
    r.reply_code = reply;
    r.status = status;
    r.remote_mta = remote;
  }
  vtext::finish_statuses(out);
  return true;
}

// ---------------------------------------------------------------------------
// Lotus Domino
//   Your message
//     Subject: Test Bounce
//   was not delivered to:
//     kijitora@example.jp
//   because:
//     User some.name (kijitora@example.jp) not listed in Domino Directory

bool domino_detect(const BounceText& b) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage).substr(0, 16384);
  std::size_t p = ifind(t, "was not delivered to:");
  if (p == npos || ifind(t, "because:", p) == npos) return false;
  return istarts_with(trim(b.subject), "DELIVERY FAILURE") || istarts_with(trim(b.subject), "DELIVERY REPORT") ||
         ifind(t, "Domino") != npos || vtext::looks_automated(b);
}

bool domino_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::vector<TextLine> lines = lines_of(t);
  enum { kBefore, kList, kReason, kDone } state = kBefore;
  std::string reason;
  for (const auto& l : lines) {
    if (state == kBefore) {
      if (ifind(l.t, "was not delivered to:") != npos) state = kList;
      continue;
    }
    if (state == kList) {
      if (istarts_with(l.t, "because:")) {
        state = kReason;
        continue;
      }
      if (std::string_view a = vtext::first_address(l.t); !a.empty()) vtext::add_recipient(out, a, false);
      continue;
    }
    if (state == kReason) {
      if (l.t.empty()) {
        if (!reason.empty()) state = kDone;
        continue;
      }
      append_diag(&reason, l.t);
    }
  }
  if (out->recipients.empty()) return false;
  for (auto& r : out->recipients) {
    r.diagnostic = reason;
    r.status = rfc3464::find_enhanced_status(reason);
  }
  vtext::finish_statuses(out);
  return true;
}

// ---------------------------------------------------------------------------
// Lotus Notes SMTP MTA
//   ------- Failure Reasons  --------
//   User  not listed in public Name & Address Book
//   kijitora@example.com
//   ------- Returned Message --------

bool notes_detect(const BounceText& b) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  return ifind(t.substr(0, 4096), "------- Failure Reasons") != npos;
}

bool notes_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::vector<TextLine> lines = lines_of(t);
  bool in = false;
  std::string reason;
  for (const auto& l : lines) {
    if (istarts_with(l.t, "------- Failure Reasons")) {
      in = true;
      continue;
    }
    if (!in) continue;
    if (istarts_with(l.t, "------- Returned Message")) {
      if (storage.empty()) out->original_offset = l.next;
      break;
    }
    if (l.t.empty()) continue;
    if (std::string_view a = only_address(l.t); !a.empty()) {
      vtext::add_recipient(out, a, false);
      continue;
    }
    append_diag(&reason, l.t);
  }
  if (out->recipients.empty()) return false;
  for (auto& r : out->recipients) {
    r.diagnostic = reason;
    r.status = rfc3464::find_enhanced_status(reason);
  }
  vtext::finish_statuses(out);
  return true;
}

// ---------------------------------------------------------------------------
// KDDI: au one net and ezweb
//   Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900
//        Could not be delivered to: <kijitora@x0000000000000.dion.ne.jp>
//        As their mailbox is full.
// and ezweb ("Mail System Error - Returned Mail"):
//   The user(s) account is disabled.
//   <this-local-part-does-not-exist-on-the-site@ezweb.ne.jp>
//   Recipient: <kijitora@example.com>
//   <<< 550 ...

namespace {

bool kddi_sender(const BounceText& b) {
  static constexpr std::string_view kDomains[] = {"ezweb.ne.jp", "auone-net.jp", "dion.ne.jp", "au.com", "kddi.com"};
  std::string_view reply_to = vtext::header_value(b, "Reply-To");
  for (std::string_view d : kDomains)
    if (ifind(b.from, d) != npos || ifind(reply_to, d) != npos) return true;
  return false;
}

}  // namespace

bool kddi_detect(const BounceText& b) {
  if (!kddi_sender(b)) return false;
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage).substr(0, 8192);
  return ifind(t, "Could not be delivered to:") != npos || istarts_with(trim(b.subject), "Mail System Error") ||
         ifind(t, "did not receive this message") != npos || ifind(t, "was rejected by a remote") != npos;
}

bool kddi_parse(const BounceText& b, DialectFacts* out) {
  std::string storage;
  std::string_view t = vtext::notice_text(b, &storage);
  std::vector<TextLine> lines = lines_of(t);
  bool delayed = ifind(t.substr(0, 8192), "was not delivered within") != npos;
  std::string diag, reply;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i].t;
    if (l.empty()) continue;
    // a copy of the original header ends the notice
    if (istarts_with(l, "Received:") || istarts_with(l, "-----")) {
      if (istarts_with(l, "Received:") && storage.empty()) out->original_offset = lines[i].begin;
      if (!out->recipients.empty()) break;
      continue;
    }
    // "Could not be delivered to: <kijitora@x0000000000000.dion.ne.jp>"
    if (std::size_t p = ifind(l, "Could not be delivered to:"); p != npos) {
      if (std::string_view a = vtext::first_address(l.substr(p)); !a.empty()) vtext::add_recipient(out, a, delayed);
      continue;
    }
    // "Recipient: <kijitora-neko@hotmail.com>"
    if (istarts_with(l, "Recipient:")) {
      if (std::string_view a = only_address(trim(l.substr(10))); !a.empty()) vtext::add_recipient(out, a, delayed);
      continue;
    }
    if (std::string_view a = only_address(l); !a.empty() && l.front() == '<') {
      vtext::add_recipient(out, a, delayed);
      continue;
    }
    // "<<< 550 SC-004 (COL0-MC1-F1) Unfortunately, ..." (the remote reply)
    if (istarts_with(l, "<<<")) {
      std::string_view r = trim(l.substr(3));
      if (reply.empty()) reply = rfc3464::find_reply_code(r);
      append_diag(&diag, r);
      continue;
    }
    if (istarts_with(l, ">>>") || istarts_with(l, "Your mail sent on:")) continue;
    // English sentences only: the Japanese lines repeat them
    bool ascii = true;
    for (char c : l)
      if (static_cast<unsigned char>(c) >= 0x80 || c == '\x1b') ascii = false;
    if (ascii) append_diag(&diag, l);
  }
  if (out->recipients.empty()) return false;
  for (auto& r : out->recipients) {
    r.diagnostic = diag;
    r.reply_code = reply;
    r.status = rfc3464::find_enhanced_status(diag);
  }
  vtext::finish_statuses(out);
  return true;
}

}  // namespace ndrscan::dialects
