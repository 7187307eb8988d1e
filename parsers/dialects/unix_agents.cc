// unix_agents.cc - small Unix MTAs' free-text bounces.
//
// PURPOSE
//   Readers for notification texts that carry no DSN part:
//   * DragonFly Mail Agent ("This is the DragonFly Mail Agent v0.13 at HOST."),
//   * OpenSMTPD ("... for the following list of recipients:"),
//   * Postfix text-only notices ("This is the Postfix program at host HOST."),
//   * IMail / SMTP32 ("Unknown user: a@b" ... "Original message follows.").
//
// PUBLIC FUNCTIONS
//   dma_detect/dma_parse, opensmtpd_detect/opensmtpd_parse,
//   postfix_text_detect/postfix_text_parse, imail_detect/imail_parse
//
// DIAGNOSTICS
//   None: a reader returns false when it found no recipient.
#include <array>

#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using unixtext::line_text;
using util::ifind;
using util::istarts_with;
using util::trim;

constexpr std::size_t kMaxRecipients = 10000;

/// host_after - the host name following `intro` in `t` ("... at HOST."), or "".
std::string host_after(std::string_view t, std::string_view intro) {
  std::size_t p = ifind(t, intro);
  if (p == std::string_view::npos) return {};
  std::string_view h = t.substr(p + intro.size());
  h = h.substr(0, h.find_first_of(" \t\r\n<,"));
  return unixtext::host_of(h);
}

/// said_host - "mx.example.net [192.0.2.25] did not like our RCPT TO:" or
/// "host mx.example.net[192.0.2.25] said:" -> "mx.example.net".
std::string said_host(std::string_view line, std::string_view marker) {
  std::size_t p = ifind(line, marker);
  if (p == std::string_view::npos) return {};
  std::string_view before = trim(line.substr(0, p));
  std::size_t h = ifind(before, "host ");
  if (h != std::string_view::npos) before = before.substr(h + 5);
  return unixtext::host_of(before);
}

}  // namespace

// ---------------------------------------------------------------- DragonFly

constexpr std::string_view kDmaIntro = "This is the DragonFly Mail Agent";

/// dma_detect - the DragonFly banner in the first lines.
bool dma_detect(const BounceText& b) { return ifind(b.text.substr(0, 1024), kDmaIntro) != std::string_view::npos; }

/// dma_parse - one block per "There was an error delivering your mail to <a@b>."
bool dma_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  // "This is the DragonFly Mail Agent v0.13 at df.example.jp."
  {
    std::size_t p = ifind(t, kDmaIntro);
    std::size_t at = p == std::string_view::npos ? p : ifind(t.substr(p, 120), " at ");
    out->reporting_mta = at == std::string_view::npos ? std::string() : host_after(t.substr(p + at), " at ");
  }
  constexpr std::string_view kError = "There was an error delivering your mail to";
  Recipient* cur = nullptr;
  std::string reply;
  auto close = [&]() {
    if (cur) unixtext::finish(cur, reply, "failed");
    cur = nullptr;
    reply.clear();
  };
  std::size_t pos = 0;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = line_text(t, l.begin, l.end);
    // "Message headers follow." / "Original message follows."
    if (util::iequals(line, "Message headers follow.") || util::iequals(line, "Original message follows.")) {
      out->original_offset = l.next;
      break;
    }
    if (istarts_with(line, kError)) {
      close();
      std::string a = unixtext::angle_address(line);
      if (a.empty()) {
        std::string_view rest = trim(line.substr(kError.size()));
        while (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
        a = rfc3464::clean_address(rest);
        if (!unixtext::is_address(a)) a.clear();
      }
      if (a.empty() || out->recipients.size() >= kMaxRecipients) continue;
      out->recipients.emplace_back();
      cur = &out->recipients.back();
      cur->address = a;
      continue;
    }
    if (!cur || line.empty()) continue;
    // "gmail-smtp-in.l.google.com [74.125.203.27] did not like our final DATA:"
    std::string h = said_host(line, " did not like our ");
    if (!h.empty()) {
      cur->remote_mta = h;
      unixtext::append(&cur->diagnostic, line);
      continue;
    }
    // "550-5.7.26 Unauthenticated email ..." continuation lines of the reply
    if (!rfc3464::find_reply_code(line).empty() && reply.empty()) reply.assign(line);
    unixtext::append(&cur->diagnostic, line);
  }
  close();
  return !out->recipients.empty();
}

// ---------------------------------------------------------------- OpenSMTPD

/// opensmtpd_detect - the MAILER-DAEMON greeting and the recipient list.
bool opensmtpd_detect(const BounceText& b) {
  std::string_view head = b.text.substr(0, 2048);
  return ifind(head, "This is the MAILER-DAEMON") != std::string_view::npos &&
         ifind(head, "list of recipients:") != std::string_view::npos;
}

/// opensmtpd_parse - "a@b: 550 5.2.2 <a@b>... Mailbox Full" lines.
bool opensmtpd_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  std::size_t start = ifind(t, "list of recipients:");
  if (start == std::string_view::npos) return false;
  // "A message is delayed for more than 0 seconds for the following"
  // "Please note that this is only a temporary failure report."
  bool delayed = ifind(t.substr(0, start), "is delayed") != std::string_view::npos ||
                 ifind(t, "only a temporary failure") != std::string_view::npos;
  std::size_t pos = rfc5322::next_line(t, start).next;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = line_text(t, l.begin, l.end);
    // "    Below is a copy of the original message:"
    if (istarts_with(line, "Below is a copy of the original message")) {
      out->original_offset = l.next;
      break;
    }
    if (line.empty()) continue;
    std::size_t colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    std::string a = rfc3464::clean_address(line.substr(0, colon));
    if (!unixtext::is_address(a) || out->recipients.size() >= kMaxRecipients) continue;
    out->recipients.emplace_back();
    Recipient& r = out->recipients.back();
    r.address = a;
    r.diagnostic.assign(trim(line.substr(colon + 2)));
    unixtext::finish(&r, r.diagnostic, delayed ? "delayed" : "failed");
  }
  return !out->recipients.empty();
}

// ---------------------------------------------------------------- Postfix text

constexpr std::array<std::string_view, 2> kPostfixIntros = {"This is the mail system at host ", " program at host "};

/// postfix_text_detect - Postfix's banner near the start of the text.
bool postfix_text_detect(const BounceText& b) {
  std::string_view head = b.text.substr(0, 2048);
  if (ifind(head, kPostfixIntros[0]) != std::string_view::npos) return true;
  std::size_t p = ifind(head, kPostfixIntros[1]);
  return p != std::string_view::npos && ifind(head.substr(0, p), "This is the ") != std::string_view::npos;
}

/// postfix_text_parse - "<a@b>: ..." blocks up to a blank line.
bool postfix_text_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  for (std::string_view intro : kPostfixIntros) {
    out->reporting_mta = host_after(t.substr(0, 2048), intro);
    if (!out->reporting_mta.empty()) break;
  }
  // "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #"
  bool delayed = ifind(t, "THIS IS A WARNING ONLY") != std::string_view::npos ||
                 ifind(t, "message could not be delivered for") != std::string_view::npos;
  Recipient* cur = nullptr;
  std::size_t pos = 0;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = line_text(t, l.begin, l.end);
    if (line.empty()) {
      cur = nullptr;
      continue;
    }
    // "<xxxxx@local.ie>: host mail.local.ie[195.7.46.14] said: 550 5.1.1";
    // an indented "<a@b>: User unknown" inside a block is the server's reply
    // quoting the address (continuation), not a new recipient
    bool indented = l.begin < t.size() && (t[l.begin] == ' ' || t[l.begin] == '\t');
    if (line.front() == '<' && !(indented && cur)) {
      std::size_t e = line.find(">:");
      if (e != std::string_view::npos) {
        std::string a = rfc3464::clean_address(line.substr(1, e - 1));
        if (unixtext::is_address(a) && out->recipients.size() < kMaxRecipients) {
          out->recipients.emplace_back();
          cur = &out->recipients.back();
          cur->address = a;
          unixtext::append(&cur->diagnostic, line.substr(e + 2));
          continue;
        }
      }
    }
    if (cur) unixtext::append(&cur->diagnostic, line);
  }
  // An inline copy of the DSN fields (no MIME) gives the status the text omits.
  unixtext::inline_dsn_status(t, &out->recipients);
  for (auto& r : out->recipients) {
    std::string_view d = r.diagnostic;
    std::size_t said = ifind(d, " said: ");
    std::string_view reply = said == std::string_view::npos ? std::string_view() : d.substr(said + 7);
    if (said != std::string_view::npos) r.remote_mta = said_host(d.substr(0, said + 7), " said: ");
    unixtext::finish(&r, reply, delayed ? "delayed" : "failed");
  }
  return !out->recipients.empty();
}

// ---------------------------------------------------------------- IMail / SMTP32

constexpr std::array<std::string_view, 5> kImailLeads = {
    "Unknown user: ",  "User mailbox exceeds allowed size: ", "Invalid final delivery userid: ",
    "Host unknown: ", "Delivery failed "};

/// imail_lead - the address of an IMail recipient line, or "".
std::string imail_lead(std::string_view line) {
  // "undeliverable  to userx@example.com" (SMTP32 sometimes writes two blanks)
  if (istarts_with(line, "undeliverable ")) {
    std::string_view rest = trim(line.substr(14));
    if (!istarts_with(rest, "to ")) return {};
    std::string a = rfc3464::clean_address(trim(rest.substr(3)));
    return unixtext::is_address(a) ? a : std::string();
  }
  for (std::string_view lead : kImailLeads) {
    if (!istarts_with(line, lead)) continue;
    std::string_view rest = line.substr(lead.size());
    // "Delivery failed 20 attempts: a@b"
    if (lead == "Delivery failed ") {
      std::size_t c = rest.find(": ");
      if (c == std::string_view::npos) return {};
      rest = rest.substr(c + 2);
    }
    std::string a = rfc3464::clean_address(trim(rest));
    return unixtext::is_address(a) ? a : std::string();
  }
  return {};
}

/// imail_detect - "Original message follows." and an IMail recipient line.
bool imail_detect(const BounceText& b) {
  std::string_view t = b.text;
  std::size_t p = ifind(t, "Original message follows.");
  if (p == std::string_view::npos) return false;
  std::size_t pos = 0;
  while (pos < p) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    if (!imail_lead(line_text(t, l.begin, l.end)).empty()) return true;
  }
  return false;
}

/// imail_parse - one recipient per lead line, the SMTP response below it.
bool imail_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  Recipient* cur = nullptr;
  std::size_t pos = 0;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = line_text(t, l.begin, l.end);
    // "Original message follows."
    if (util::iequals(line, "Original message follows.")) {
      out->original_offset = l.next;
      break;
    }
    std::string a = imail_lead(line);
    if (!a.empty() && out->recipients.size() < kMaxRecipients) {
      out->recipients.emplace_back();
      cur = &out->recipients.back();
      cur->address = a;
      cur->diagnostic.assign(line);
      continue;
    }
    if (!cur || line.empty()) continue;
    // "RCPT TO generated following response:" then
    // "553 5.3.0 <a@b>... Addressee unknown, relay=[192.0.2.10]"
    if (!rfc3464::find_reply_code(line).empty() && cur->reply_code.empty()) cur->reply_code = rfc3464::find_reply_code(line);
    unixtext::append(&cur->diagnostic, line);
  }
  for (auto& r : out->recipients) {
    // the lead ("Unknown user:") carries no code of its own
    std::string reply = r.reply_code;
    unixtext::finish(&r, reply, "failed");
  }
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
