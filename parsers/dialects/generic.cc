// generic.cc - last-resort bounce readers (registry_generic.inc).
//
// PURPOSE
//   embedded-dsn: RFC 3464 per-recipient fields written into the text
//   instead of a message/delivery-status part, e.g. Amazon WorkMail:
//
//     Technical report:
//
//     Reporting-MTA: dsn; a1-2.smtp-out.example.com
//
//     Action: failed
//     Final-Recipient: rfc822; ana@example.jp
//     Diagnostic-Code: smtp; 550 5.1.1 <ana@example.jp>... User Unknown
//     Status: 5.1.1
//
//   The slice from the first such block (or the Reporting-MTA block just
//   before it) up to the next MIME boundary goes to
//   rfc3464::parse_delivery_status, so the fields mean what they mean in a
//   real DSN.
//
//   x-failed-recipients: "X-Failed-Recipients: a@example.org, b@example.org"
//   names the failed addresses (Exim, Gmail, Google Groups); each one's
//   diagnostic is the first reply-code line at or after the line that
//   mentions it ("The error that the other server returned was:\n550 5.1.1 ...").
//
// PUBLIC FUNCTIONS
//   embedded_dsn_detect, embedded_dsn_parse, failed_recipients_detect,
//   failed_recipients_parse (see generic.h)
//
// DIAGNOSTICS
//   None of their own: parse_delivery_status's diagnostics are dropped, as the
//   fields are not in a delivery-status part.
#include "parsers/dialects/generic.h"

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
using util::istarts_with;
using util::trim;
constexpr std::size_t npos = std::string_view::npos;

// How many lines after the address line may hold its reply.
constexpr int kDiagnosticReach = 12;
// Addresses whose diagnostic is looked up (the lookup scans the text once each).
constexpr std::size_t kMaxLookups = 200;
// How far before the first recipient block a Reporting-MTA block may start.
constexpr std::size_t kReportReach = 2048;

/// is_line_start - `pos` begins a line of `t`.
bool is_line_start(std::string_view t, std::size_t pos) {
  return pos == 0 || t[pos - 1] == '\n' || t[pos - 1] == '\r';
}

/// find_field_line - offset of the first line starting with `name`.
std::size_t find_field_line(std::string_view t, std::string_view name, std::size_t from = 0) {
  for (std::size_t p = ifind(t, name, from); p != npos; p = ifind(t, name, p + 1))
    if (is_line_start(t, p)) return p;
  return npos;
}

/// first_recipient_field - the first "Final-Recipient:" / "Original-Recipient:" line.
std::size_t first_recipient_field(std::string_view t) {
  std::size_t a = find_field_line(t, "Final-Recipient:");
  std::size_t b = find_field_line(t, "Original-Recipient:");
  return std::min(a, b);
}

/// block_start - start of the header-syntax block holding `pos`: just after
/// the previous blank line.
std::size_t block_start(std::string_view t, std::size_t pos) {
  std::size_t start = pos;
  while (start > 0) {
    // the line ending just before `start`
    std::size_t e = start;
    if (e > 0 && t[e - 1] == '\n') --e;
    if (e > 0 && t[e - 1] == '\r') --e;
    std::size_t b = e;
    while (b > 0 && t[b - 1] != '\n' && t[b - 1] != '\r') --b;
    if (trim(t.substr(b, e - b)).empty() || e == start) break;
    start = b;
  }
  return start;
}

/// dsn_slice - the pasted DSN fields in `t`, or empty.
std::string_view dsn_slice(std::string_view t) {
  std::size_t rcpt = first_recipient_field(t);
  if (rcpt == npos) return {};
  std::size_t start = block_start(t, rcpt);
  // "Reporting-MTA: dsn; a27-80.smtp-out.us-west-2.amazonses.com" just before
  std::size_t from = start > kReportReach ? start - kReportReach : 0;
  std::size_t rep = npos;
  for (std::size_t p = find_field_line(t, "Reporting-MTA:", from); p != npos && p < start;
       p = find_field_line(t, "Reporting-MTA:", p + 1))
    rep = p;
  if (rep != npos) start = block_start(t, rep);
  // up to the next MIME boundary ("--=_PhRB...") or the end
  std::size_t end = t.size();
  for (std::size_t p = rcpt; p < t.size();) {
    rfc5322::Line l = rfc5322::next_line(t, p);
    if (l.end - l.begin >= 2 && t.substr(l.begin, 2) == "--") {
      end = l.begin;
      break;
    }
    p = l.next;
  }
  return t.substr(start, end - start);
}

/// is_copy_marker - "----- Original message -----" (Gmail) and the like.
bool is_copy_marker(std::string_view s) {
  if (s.size() < 5 || s.substr(0, 3) != "---") return false;
  return ifind(s, "original message") != npos || ifind(s, "copy of") != npos ||
         ifind(s, "Below this line") != npos;
}

/// reply_start - where a reply ("550 5.1.1 ...") starts in the line: at its
/// start, or after a ": " ("... returned was: 550 ..."); npos if nowhere.
std::size_t reply_start(std::string_view s) {
  if (!rfc3464::find_reply_code(s).empty()) return 0;
  for (std::size_t p = s.find(": "); p != npos; p = s.find(": ", p + 1))
    if (!rfc3464::find_reply_code(s.substr(p + 2)).empty()) return p + 2;
  return npos;
}

/// Lines of the notification text before the returned copy.
struct TextLines {
  std::vector<std::string_view> lines;  ///< trimmed
  std::size_t copy_next = npos;         ///< offset after the copy marker line
};

/// split_lines - the text's lines up to a copy marker.
TextLines split_lines(std::string_view t) {
  TextLines out;
  for (std::size_t p = 0; p < t.size();) {
    rfc5322::Line l = rfc5322::next_line(t, p);
    std::string_view s = trim(t.substr(l.begin, l.end - l.begin));
    p = l.next;
    if (is_copy_marker(s)) {
      out.copy_next = l.next;
      break;
    }
    out.lines.push_back(s);
  }
  return out;
}

/// diagnostic_for - the reply line nearest after the line that mentions
/// `addr` (and the lines that continue it); false when none.
bool diagnostic_for(const TextLines& tl, std::string_view addr, bool only_one, Recipient* r) {
  const auto& L = tl.lines;
  std::size_t from = npos;
  for (std::size_t i = 0; i < L.size(); ++i)
    if (ifind(L[i], addr) != npos) {
      from = i;
      break;
    }
  // a single recipient's reply may stand anywhere in the text
  if (from == npos && !only_one) return false;
  std::size_t first = from == npos ? 0 : from;
  std::size_t last = from == npos ? L.size() : std::min(L.size(), from + kDiagnosticReach + 1);
  for (std::size_t i = first; i < last; ++i) {
    std::size_t at = reply_start(L[i]);
    if (at == npos) continue;
    std::string d(L[i].substr(at));
    for (std::size_t j = i + 1; j < L.size() && !L[j].empty() && j < i + 8; ++j) {
      d += ' ';
      d.append(L[j]);
    }
    r->reply_code = rfc3464::find_reply_code(d);
    r->status = rfc3464::find_enhanced_status(d);
    r->diagnostic = std::move(d);
    return true;
  }
  return false;
}

}  // namespace

bool embedded_dsn_detect(const BounceText& b) {
  for (std::string_view t : {b.text, b.whole})
    if (ifind(t, "Final-Recipient:") != npos || ifind(t, "Original-Recipient:") != npos) return true;
  return false;
}

bool embedded_dsn_parse(const BounceText& b, DialectFacts* out) {
  std::string_view slice = dsn_slice(b.text);
  if (slice.empty()) slice = dsn_slice(b.whole);
  if (slice.empty()) return false;
  rfc3464::DeliveryStatus ds = rfc3464::parse_delivery_status(slice, nullptr);
  for (Recipient& r : ds.recipients) {
    if (r.address.empty()) continue;
    out->recipients.push_back(std::move(r));
  }
  out->reporting_mta = ds.report.reporting_mta;
  return !out->recipients.empty();
}

bool failed_recipients_detect(const BounceText& b) {
  if (!b.headers) return false;
  for (const auto& f : *b.headers)
    if (util::iequals(f.name, "X-Failed-Recipients")) return true;
  return false;
}

bool failed_recipients_parse(const BounceText& b, DialectFacts* out) {
  if (!b.headers) return false;
  // X-Failed-Recipients: kijitora@example.ed.jp
  std::vector<std::string> addrs;
  std::unordered_set<std::string> seen;
  for (const auto& f : *b.headers) {
    if (!util::iequals(f.name, "X-Failed-Recipients")) continue;
    std::string_view v = f.value;
    while (!v.empty()) {
      std::size_t c = v.find(',');
      std::string a = rfc3464::clean_address(v.substr(0, c));
      v = c == npos ? std::string_view() : v.substr(c + 1);
      if (a.find('@') == std::string::npos) continue;
      if (seen.insert(util::lower(a)).second) addrs.push_back(std::move(a));
    }
  }
  if (addrs.empty()) return false;
  TextLines tl = split_lines(b.text);
  bool delayed = ifind(b.subject, "delay") != npos;
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    std::string& a = addrs[i];
    Recipient r;
    if (i < kMaxLookups) diagnostic_for(tl, a, addrs.size() == 1, &r);
    r.address = std::move(a);
    r.action = delayed ? "delayed" : "failed";
    // no code in the text (Google Groups' refusals): the class is what the
    // header says - Exim lists only addresses that failed
    if (r.status.empty()) r.status = delayed ? "4.0.0" : "5.0.0";
    out->recipients.push_back(std::move(r));
  }
  if (tl.copy_next != npos) out->original_offset = tl.copy_next;
  return true;
}

}  // namespace ndrscan::dialects
