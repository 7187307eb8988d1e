// qmail.cc - qmail-send bounces and their look-alikes (plain text, no DSN).
//
// PURPOSE
//   qmail's bounce format (QSBMF) is copied by many services with other
//   openings: Yahoo, MessageLabs, Outblaze, vpopmail hosts, newmail.ru,
//   sina.com. What they share is one block per recipient, "<addr>:" alone on
//   a line followed by the reason, and a copy marker before the returned
//   message:
//
//   Hi. This is the qmail-send program at mail.example.net.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out.
//
//   <ana@example.org>:
//   198.51.100.9 does not like recipient.
//   Remote host said: 550 5.1.1 <ana@example.org>: Recipient address rejected
//   Giving up on 198.51.100.9.
//
//   --- Below this line is a copy of the message.
//
//   Detection: the qmail-send banner, or a known opening phrase plus an
//   address block, or an address block followed by a copy marker.
//
// PUBLIC FUNCTIONS
//   qmail_detect(), qmail_parse()
//
// DIAGNOSTICS
//   None: returns false when no recipient block was found.
#include "parsers/dialects/qmail.h"

#include <array>

#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
using util::istarts_with;
using util::trim;

constexpr std::string_view kIntro = "This is the qmail-send program at ";
// "I tried to deliver a bounce message to this address, but the bounce bounced!"
constexpr std::string_view kPermanent = "This is a permanent error";
constexpr std::size_t kMaxRecipients = 10000;

// Openings of qmail-style bounces; with one of them an address block is enough.
constexpr std::array<std::string_view, 8> kOpenings = {
    // "Sorry, we were unable to deliver your message to the following address." (Yahoo)
    "unable to deliver your message to the following address",
    // "Unable to deliver message to the following address(es)." (Yahoo, X2)
    "Unable to deliver message to the following address",
    // "This is the mail delivery agent at messagelabs.com."
    "This is the mail delivery agent at ",
    // "I'm afraid I wasn't able to deliver your message to the following addresses."
    "wasn't able to deliver your message to the following address",
    // "Hi. The MTA program at mta6-1.us4.outblaze.com was unable to deliver"
    "The MTA program at ",
    // "Your mail message to the following address(es) could not be delivered." (X4)
    "Your mail message to the following address",
    // "Unfortunately, your mail was not delivered to the following address:"
    "your mail was not delivered to the following address",
    // "Unfortunately, we were not able to deliver your message to the following address(es):"
    "not able to deliver your message to the following address",
};

// Hosts named by an opening: "... at HOST." or "Message from HOST."
constexpr std::array<std::string_view, 4> kHostIntros = {kIntro, "This is the mail delivery agent at ",
                                                         "The MTA program at ", "Message from "};

/// is_block - "<addr>:" alone on a line; the address in *addr.
bool is_block(std::string_view line, std::string* addr) {
  if (line.size() < 6 || line.front() != '<' || line.substr(line.size() - 2) != ">:") return false;
  std::string a = rfc3464::clean_address(line.substr(1, line.size() - 3));
  if (!unixtext::is_address(a)) return false;
  *addr = std::move(a);
  return true;
}

/// is_copy_marker - a line that introduces the returned message:
/// "--- Below this line is a copy of the message.", "--- Original message follows.",
/// "---Below this line ...", "--- Below the next line is a copy of the message.",
/// or "--- " followed by a localised (8-bit) sentence (sina.com).
bool is_copy_marker(std::string_view line) {
  if (line.size() < 5 || line.substr(0, 3) != "---") return false;
  std::size_t text = line.find_first_not_of('-');
  if (text == std::string_view::npos) return false;  // a rule of dashes only
  std::string_view rest = trim(line.substr(text));
  if (rest.empty()) return false;
  if (istarts_with(rest, "Below this line") || istarts_with(rest, "Below the next line") ||
      istarts_with(rest, "Original message follows") || istarts_with(rest, "Enclosed are the original headers"))
    return true;
  return static_cast<unsigned char>(rest.front()) >= 0x80 && line.substr(0, 4) == "--- ";
}

/// first_block - offset of the first "<addr>:" line (npos if none), and
/// whether a copy marker follows it.
std::size_t first_block(std::string_view t, bool* marker_after) {
  *marker_after = false;
  std::size_t first = std::string_view::npos, pos = 0;
  std::string addr;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    std::string_view line = unixtext::line_text(t, l.begin, l.end);
    if (first == std::string_view::npos && is_block(line, &addr)) first = l.begin;
    if (first != std::string_view::npos && is_copy_marker(line)) {
      *marker_after = true;
      break;
    }
    pos = l.next;
  }
  return first;
}

}  // namespace

/// qmail_detect - qmail-send banner, or an opening / copy marker with an address block.
bool qmail_detect(const BounceText& b) {
  std::string_view head = b.text.substr(0, 2048);
  if (ifind(head, kIntro) != std::string_view::npos) return true;
  bool marker = false;
  std::size_t first = first_block(b.text, &marker);
  if (first == std::string_view::npos) return false;
  if (marker) return true;
  for (std::string_view o : kOpenings)
    if (ifind(b.text.substr(0, first), o) != std::string_view::npos) return true;
  return false;
}

/// qmail_parse - recipients, remote host, reply and "(#5.1.1)" status.
bool qmail_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  std::size_t intro = ifind(t, kIntro);
  for (std::string_view hi : kHostIntros) {
    std::size_t p = ifind(t.substr(0, 2048), hi);
    if (p == std::string_view::npos) continue;
    // "Hi. This is the qmail-send program at mail.example.net."; "Message from  yahoo.com."
    std::string_view host = trim(t.substr(p + hi.size(), 256));
    host = host.substr(0, host.find_first_of(" \r\n"));
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (util::is_hostname(host) || util::is_ip(host)) {
      out->reporting_mta.assign(host);
      break;
    }
  }
  bool permanent = ifind(t, kPermanent) != std::string_view::npos;
  // qmail-send says "This is a permanent error" on every final bounce; the
  // other writers say nothing when they have given up, so they are failures
  // unless they call the problem temporary.
  bool temporary = ifind(t, "This is not a permanent error") != std::string_view::npos ||
                   ifind(t, "I'm still trying") != std::string_view::npos;
  const char* action = permanent ? "failed" : (intro != std::string_view::npos || temporary) ? "delayed" : "failed";
  std::size_t pos = intro == std::string_view::npos ? 0 : intro;
  Recipient* cur = nullptr;
  std::string addr;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = unixtext::line_text(t, l.begin, l.end);
    if (is_copy_marker(line)) {
      out->original_offset = l.next;
      break;
    }
    if (is_block(line, &addr)) {
      if (out->recipients.size() >= kMaxRecipients) {
        cur = nullptr;
        continue;
      }
      out->recipients.emplace_back();
      cur = &out->recipients.back();
      cur->address = addr;
      cur->action = action;
      continue;
    }
    if (!cur) continue;
    if (line.empty()) {
      cur = nullptr;
      continue;
    }
    unixtext::append(&cur->diagnostic, line);
    // "Giving up on 198.51.100.9." names the remote host
    if (istarts_with(line, "Giving up on ")) {
      std::string_view h = trim(line.substr(13));
      while (!h.empty() && h.back() == '.') h.remove_suffix(1);
      cur->remote_mta.assign(h);
    }
  }
  for (auto& r : out->recipients) {
    std::string_view d = r.diagnostic;
    // "Remote host said: 550 5.1.1 ..."
    std::size_t said = ifind(d, "Remote host said:");
    if (said != std::string_view::npos) r.reply_code = rfc3464::find_reply_code(d.substr(said + 17));
    // "... remote host 192.0.2.32 said: 550 Unknown user ..."
    std::size_t rh = ifind(d, "remote host ");
    if (r.reply_code.empty() && rh != std::string_view::npos) {
      std::string_view rest = d.substr(rh + 12);
      std::size_t s = rest.find(" said: ");
      if (s != std::string_view::npos && s < 80) {
        r.reply_code = rfc3464::find_reply_code(rest.substr(s + 7));
        if (r.remote_mta.empty()) r.remote_mta = unixtext::host_of(rest.substr(0, s));
      }
    }
    // "550: 5.2.2 <a@b>... Mailbox Full" (Yahoo writes a colon after the code)
    if (r.reply_code.empty() && d.size() > 4 && d[3] == ':')
      r.reply_code = rfc3464::find_reply_code(std::string(d.substr(0, 3)) + " " + std::string(d.substr(4)));
    // "(#5.1.1)" is qmail's own status notation
    r.status = rfc3464::find_enhanced_status(r.diagnostic);
    if (r.status.empty() && !r.reply_code.empty()) r.status = std::string(1, r.reply_code[0]) + ".0.0";
    if (r.status.empty()) r.status = r.action == "failed" ? "5.0.0" : "4.0.0";
    if (r.remote_mta.empty()) {
      // "198.51.100.9 does not like recipient."
      std::string_view first = d.substr(0, d.find(' '));
      if (util::is_ip(first)) r.remote_mta.assign(first);
    }
  }
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
