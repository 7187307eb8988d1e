// qmail.cc - qmail-send bounces (plain text, no DSN).
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
#include "parsers/dialects/qmail.h"

#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::trim;

constexpr std::string_view kIntro = "This is the qmail-send program at ";
constexpr std::string_view kCopyMarker = "--- Below this line is a copy of the message.";
constexpr std::string_view kCopyMarkerHeaders = "--- Below this line is the original message.";
// "I tried to deliver a bounce message to this address, but the bounce bounced!"
constexpr std::string_view kPermanent = "This is a permanent error";

}  // namespace

bool qmail_detect(const BounceText& b) {
  return util::ifind(b.text.substr(0, 2048), kIntro) != std::string_view::npos;
}

bool qmail_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  std::size_t intro = util::ifind(t, kIntro);
  if (intro == std::string_view::npos) return false;
  {
    std::string_view host = t.substr(intro + kIntro.size());
    host = host.substr(0, host.find_first_of(" \r\n"));
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    out->reporting_mta.assign(host);
  }
  bool permanent = util::ifind(t, kPermanent) != std::string_view::npos;
  std::size_t end = t.find(kCopyMarker);
  if (end == std::string_view::npos) end = t.find(kCopyMarkerHeaders);
  if (end != std::string_view::npos) {
    out->original_offset = rfc5322::next_line(t, end).next;
  } else {
    end = t.size();
  }
  // Recipient blocks: "<addr>:" then text lines up to a blank line.
  std::size_t pos = intro;
  Recipient* cur = nullptr;
  while (pos < end) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    std::string_view line = trim(t.substr(l.begin, std::min(l.end, end) - l.begin));
    pos = l.next;
    if (line.size() > 3 && line.front() == '<' && line.substr(line.size() - 2) == ">:") {
      out->recipients.emplace_back();
      cur = &out->recipients.back();
      cur->address = rfc3464::clean_address(line.substr(1, line.size() - 3));
      cur->action = permanent ? "failed" : "delayed";
      continue;
    }
    if (!cur) continue;
    if (line.empty()) {
      cur = nullptr;
      continue;
    }
    if (!cur->diagnostic.empty()) cur->diagnostic += ' ';
    cur->diagnostic.append(line);
    // "Giving up on 198.51.100.9." names the remote host
    if (util::istarts_with(line, "Giving up on ")) {
      std::string_view h = trim(line.substr(13));
      while (!h.empty() && h.back() == '.') h.remove_suffix(1);
      cur->remote_mta.assign(h);
    }
  }
  for (auto& r : out->recipients) {
    std::size_t said = util::ifind(r.diagnostic, "Remote host said:");
    if (said != std::string::npos) r.reply_code = rfc3464::find_reply_code(r.diagnostic.substr(said + 17));
    // "(#5.1.1)" is qmail's own status notation
    r.status = rfc3464::find_enhanced_status(r.diagnostic);
    if (r.status.empty() && !r.reply_code.empty()) r.status = std::string(1, r.reply_code[0]) + ".0.0";
    if (r.status.empty()) r.status = permanent ? "5.0.0" : "4.0.0";
    if (r.remote_mta.empty()) {
      // "198.51.100.9 does not like recipient."
      std::string_view first = r.diagnostic;
      first = first.substr(0, first.find(' '));
      if (util::is_ip(first)) r.remote_mta.assign(first);
    }
  }
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
