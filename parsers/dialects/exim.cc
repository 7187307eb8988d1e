// exim.cc - Exim and Exim-derived free-text bounces.
//
// PURPOSE
//   Exim writes its bounces from deliver.c as plain text (older versions and
//   many providers never add the message/delivery-status part):
//
//     This message was created automatically by mail delivery software.
//
//     A message that you sent could not be delivered to one or more of its
//     recipients. This is a permanent error. The following address(es) failed:
//
//       ana@example.org
//         SMTP error from remote mail server after RCPT TO:<ana@example.org>:
//         host mx.example.org [192.0.2.1]: 550 5.1.1 <ana@example.org>... User unknown
//
//     ------ This is a copy of the message, including all the headers. ------
//
//   The delay warning ("A message that you sent has not yet been delivered to
//   one or more of its recipients after more than 24 hours on the queue on
//   HOST.") lists the addresses the same way with a "Delay reason:" line.
//   Providers reuse the layout with their own wording: mail.ru writes the list
//   twice (Russian, then English), GMX and 1&1 drop the indentation and quote
//   the address, MXLogic puts the reply on the address line. The reader is
//   therefore layout-driven rather than sentence-driven: after the
//   introduction, the first prose line ending in ':' opens the address list;
//   an address line (indent 0-2) starts a recipient; deeper-indented lines are
//   its diagnostic; GMX-style unindented diagnostics run to the next address
//   or a closing sentence.
//
//   Zoho Mail's own forms (not Exim) have one line per recipient and are read
//   by zoho_parse.
//
// PUBLIC FUNCTIONS
//   exim_detect, exim_parse, zoho_detect, zoho_parse (see exim.h)
//
// DIAGNOSTICS
//   None: a text that does not fit yields no recipient and the next dialect
//   is tried.
#include "parsers/dialects/exim.h"

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

// How far into the text an introduction may start (mail.ru puts a Russian
// paragraph first; a multipart text part may start with a short preamble).
constexpr std::size_t kIntroWindow = 8192;

constexpr std::array<std::string_view, 7> kIntro = {
    // "This message was created automatically by mail delivery software."
    // "This message was created automatically by the SMTP relay on HOST."
    "This message was created automatically by",
    "A message that you sent could not be delivered",
    "A message that you sent has not yet been delivered",
    "A message that you have sent could not be delivered",  // MXLogic
    // "A message that you sent contained one or more recipient addresses that were
    //  incorrectly constructed:"
    "A message that you sent contained one or more recipient addresses",
    "\xD0\xAD\xD1\x82\xD0\xBE \xD0\xBF\xD0\xB8\xD1\x81\xD1\x8C\xD0\xBC\xD0\xBE \xD1\x81\xD0\xBE\xD0\xB7\xD0\xB4\xD0\xB0\xD0\xBD\xD0\xBE "
    "\xD0\xB0\xD0\xB2\xD1\x82\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x82\xD0\xB8\xD1\x87\xD0\xB5\xD1\x81\xD0\xBA\xD0\xB8",  // ru-RU "Это письмо создано автоматически" (mail.ru)
    "Diese Nachricht wurde automatisch",  // de-DE
};

// A warning, not a failure.
constexpr std::array<std::string_view, 6> kDelayed = {
    "has not yet been delivered",  // "A message that you sent has not yet been delivered to one or more of its"
    "Delay reason:",               // "    Delay reason: SMTP error from remote mail server after ..."
    "No action is required on your part",
    "This message has been delayed",
    "noch nicht zugestellt",  // de-DE "... wurde noch nicht zugestellt"
    "THIS IS A WARNING MESSAGE ONLY",
};

// Phrases of the separator line before the returned message (the line starts
// with dashes): "------ This is a copy of the message, including all the headers. ------",
// "------ This is a copy of the message's headers. ------",
// "------ The body of the message is 1234 characters long; only the first",
// "--- The header of the original message is following. ---" (GMX, 1&1),
// "---- START OF RETURNED MESSAGE ----".
constexpr std::array<std::string_view, 8> kCopyPhrases = {
    "copy of the message", "copy of your message", "body of the message is", "header of the original message",
    "START OF RETURNED MESSAGE", "original message",
    "Kopie der Nachricht",            // de-DE "------ Dies ist eine Kopie der Nachricht, einschliesslich aller Kopfzeilen. ------"
    "Kopfzeilen der Originalnachricht",  // de-DE
};

// Sentences that close a recipient's (unindented) diagnostic.
constexpr std::array<std::string_view, 8> kStop = {
    "No action is required",
    "This address has been ignored",
    "The following text was generated",
    "Included is a copy of the message",  // MXLogic
    "**********",                         // mail.ru, between its two lists
    "\xD0\xA0\xD0\xB5\xD0\xBA\xD0\xBE\xD0\xBC\xD0\xB5\xD0\xBD\xD0\xB4\xD1\x83\xD0\xB5\xD0\xBC",  // ru-RU "Рекомендуем Вам проверить ..."
    "Es ist keine Aktion",  // de-DE "Es ist keine Aktion Ihrerseits erforderlich."
    "Eventually the mail delivery software",
};

// Label lines of the unindented forms, not part of the diagnostic:
// "For the following reason:" (1&1), "Reason:" (GMX).
constexpr std::array<std::string_view, 4> kLabels = {"For the following reason:", "Reason:", "Grund:", "Aus folgendem Grund:"};

/// starts_with_any - `s` begins (case-insensitively) with one of `list`.
template <std::size_t N>
bool starts_with_any(std::string_view s, const std::array<std::string_view, N>& list) {
  for (std::string_view p : list)
    if (istarts_with(s, p)) return true;
  return false;
}

/// contains_any - `s` contains (case-insensitively) one of `list`.
template <std::size_t N>
bool contains_any(std::string_view s, const std::array<std::string_view, N>& list) {
  for (std::string_view p : list)
    if (ifind(s, p) != npos) return true;
  return false;
}

/// find_intro - offset of the first introduction in the leading window.
std::size_t find_intro(std::string_view t) {
  std::string_view w = t.substr(0, kIntroWindow);
  std::size_t best = npos;
  for (std::string_view p : kIntro) {
    std::size_t at = ifind(w, p);
    if (at < best) best = at;
  }
  return best;
}

/// indent_of - leading blanks of a raw line (a tab counts 8).
std::size_t indent_of(std::string_view raw) {
  std::size_t n = 0;
  for (char c : raw) {
    if (c == ' ') ++n;
    else if (c == '\t') n += 8;
    else break;
  }
  return n;
}

/// is_copy_marker - the dashed line before the returned message.
bool is_copy_marker(std::string_view s) {
  if (istarts_with(s, "Included is a copy of the message header")) return true;  // MXLogic
  if (s.size() < 3 || s.substr(0, 3) != "---") return false;
  return contains_any(s, kCopyPhrases);
}

/// plausible_address - "local@domain" with both sides present and no blanks.
bool plausible_address(std::string_view a) {
  std::size_t at = a.rfind('@');
  if (at == npos || at == 0 || at + 1 >= a.size()) return false;
  for (char c : a)
    if (util::is_space(c) || c == '<' || c == '>' || c == '"' || c == ',') return false;
  return true;
}

/// What one address line holds.
struct AddrLine {
  std::string address;    ///< empty for "pipe to |..." until "generated by" names one
  std::string_view shown; ///< the line as written (to match generated-text headers)
  std::string_view rest;  ///< text after the address (MXLogic's reply, Exim's parse error)
};

/// parse_address_line - one of the forms Exim and its derivatives write:
///   "kijitora@example.net"  "kijitora@neko.example.co.jp:"  "<kijitora@example.jp>"
///   "\"mikeneko@example.co.jp\":" (GMX)
///   "<kijitora@example.co.jp>: 550 5.1.1 <kijitora@example.co.jp>: Recipient address rejected" (MXLogic)
///   "kijitora@example.com <neko@example.net>: malformed address: <neko@example.net> may not follow ..."
///   "pipe to |/usr/local/bin/prog ..."  "save to /path"  "an undisclosed address"
bool parse_address_line(std::string_view s, AddrLine* a) {
  a->shown = s;
  if (istarts_with(s, "pipe to |") || istarts_with(s, "save to ") || istarts_with(s, "an undisclosed address")) {
    a->address.clear();
    a->rest = {};
    return true;
  }
  std::size_t i = 0;
  char open = 0;
  if (!s.empty() && (s[0] == '"' || s[0] == '<')) open = s[i++];
  std::size_t j = i;
  while (j < s.size() && s[j] != '"' && s[j] != '>' && s[j] != ':' && !util::is_space(s[j]) && s[j] != '<') ++j;
  std::string_view addr = s.substr(i, j - i);
  if (!plausible_address(addr)) return false;
  if (open && j < s.size() && ((open == '"' && s[j] == '"') || (open == '<' && s[j] == '>'))) ++j;
  std::string_view r = s.substr(j);
  a->address = rfc3464::clean_address(addr);
  a->rest = {};
  if (r.empty()) return true;
  if (r[0] == ':') {
    a->rest = trim(r.substr(1));
    return true;
  }
  // "kijitora@example.com <neko@example.net>: malformed address: ..." names the
  // address Exim could not parse inside the angle brackets
  if (r.size() > 2 && r[0] == ' ' && r[1] == '<') {
    std::size_t close = r.find(">:");
    if (close == npos) return false;
    std::string_view inner = r.substr(2, close - 2);
    if (!plausible_address(inner)) return false;
    a->address = rfc3464::clean_address(inner);
    a->rest = trim(r.substr(close + 2));
    return true;
  }
  return false;
}

/// generated_address - "(generated from kijitora@example.jp)",
/// "(ultimately generated from ...)", "generated by kijitora@example.com".
bool generated_address(std::string_view s, std::string* addr) {
  std::size_t p = npos, skip = 0;
  if (istarts_with(s, "(generated from ")) p = 0, skip = 16;
  else if (istarts_with(s, "(ultimately generated from ")) p = 0, skip = 27;
  else if (istarts_with(s, "generated by ")) p = 0, skip = 13;
  if (p == npos) return false;
  std::string_view a = trim(s.substr(skip));
  while (!a.empty() && (a.back() == ')' || a.back() == '-' || a.back() == ' ')) a.remove_suffix(1);
  a = a.substr(0, a.find(' '));
  *addr = rfc3464::clean_address(a);
  return true;
}

/// host_clause - "host mx.example.org [192.0.2.1]: 550 ...", "host: mx.example.co.jp"
/// (GMX), "host lsvk.example[192.0.2.7]:", "host: smtp.example.fr (192.0.2.9) reason: 550 ..."
/// (1&1). `s` starts at the word "host"; *name gets the host, *rest what follows.
bool host_clause(std::string_view s, std::string* name, std::string_view* rest) {
  if (!istarts_with(s, "host")) return false;
  std::size_t i = 4;
  if (i < s.size() && s[i] == ':') ++i;
  if (i >= s.size() || s[i] != ' ') return false;
  while (i < s.size() && s[i] == ' ') ++i;
  std::size_t j = i;
  while (j < s.size() && !util::is_space(s[j]) && s[j] != '[' && s[j] != '(') ++j;
  std::string_view h = s.substr(i, j - i);
  while (!h.empty() && (h.back() == ':' || h.back() == '.' || h.back() == ',')) h.remove_suffix(1);
  std::size_t k = j;
  while (k < s.size() && s[k] == ' ') ++k;
  bool bracketed = k < s.size() && (s[k] == '[' || s[k] == '(');
  if (bracketed) {
    std::size_t close = s.find(s[k] == '[' ? ']' : ')', k);
    k = close == npos ? s.size() : close + 1;
  }
  // "host lookup did not complete" is not a host name
  if (h.empty() || (!bracketed && h.find('.') == npos)) return false;
  name->assign(h);
  std::string_view r = s.substr(k);
  while (!r.empty() && (r.front() == ':' || r.front() == ' ')) r.remove_prefix(1);
  *rest = r;
  return true;
}

/// find_host - the first "host" clause anywhere in a line (at a word start).
bool find_host(std::string_view s, std::string* name, std::string_view* rest) {
  for (std::size_t p = ifind(s, "host"); p != npos; p = ifind(s, "host", p + 4)) {
    if (p > 0 && s[p - 1] != ' ' && s[p - 1] != ',' && s[p - 1] != ':') continue;
    if (host_clause(s.substr(p), name, rest)) return true;
  }
  return false;
}

/// A recipient being read, with the lines of its diagnostic.
struct Work {
  Recipient r;
  std::string_view shown;
  std::string generated;
  std::vector<std::string_view> lines;
  bool indented = false;  ///< the diagnostic lines are indented (Exim proper)
};

/// reply_in - the reply code at the start of `s`, skipping a host clause.
std::string reply_in(std::string_view s, Recipient* r) {
  s = trim(s);
  std::string host;
  std::string_view rest;
  if (host_clause(s, &host, &rest)) {
    if (r->remote_mta.empty()) r->remote_mta = host;
    s = rest;
  }
  return rfc3464::find_reply_code(s);
}

/// analyse - reply code, enhanced status and remote host from the lines.
/// The reply code is looked for after the "host X [ip]:" clause or after a
/// colon of "SMTP error from remote mail server after RCPT TO:<a@b>:", then at
/// the start of any line of the diagnostic, never inside the text.
void analyse(Work* w) {
  Recipient& r = w->r;
  std::size_t found_line = npos;
  std::string_view found_from;
  for (std::size_t i = 0; i < w->lines.size(); ++i) {
    std::string_view s = w->lines[i];
    // "    Delay reason: SMTP error from remote mail server after MAIL FROM:<a@b> SIZE=1024:"
    if (istarts_with(s, "Delay reason:")) s = trim(s.substr(13));
    std::string host;
    std::string_view rest;
    if (find_host(s, &host, &rest) && r.remote_mta.empty()) r.remote_mta = host;
    if (found_line != npos) continue;
    std::string code = reply_in(s, &r);
    if (!code.empty()) {
      r.reply_code = code;
      found_line = i;
      found_from = s;
      continue;
    }
    // candidates after each ": " (or a colon at the end of the line is followed by nothing)
    for (std::size_t p = s.find(':'); p != npos; p = s.find(':', p + 1)) {
      if (p + 1 < s.size() && s[p + 1] != ' ') continue;
      std::string_view cand = s.substr(p + 1);
      code = reply_in(cand, &r);
      if (!code.empty()) {
        r.reply_code = code;
        found_line = i;
        found_from = cand;
        break;
      }
    }
  }
  // the enhanced status from the reply onwards, else anywhere in the text
  if (found_line != npos) {
    std::string tail(found_from);
    for (std::size_t i = found_line + 1; i < w->lines.size(); ++i) {
      tail += ' ';
      tail.append(w->lines[i]);
    }
    r.status = rfc3464::find_enhanced_status(tail);
  }
  if (r.status.empty()) r.status = rfc3464::find_enhanced_status(r.diagnostic);
}

/// host_after - the host name following `marker` in `t` ("... on the queue on HOST.").
std::string host_after(std::string_view t, std::string_view marker) {
  std::size_t p = ifind(t, marker);
  if (p == npos) return {};
  std::string_view h = t.substr(p + marker.size());
  std::size_t e = 0;
  while (e < h.size() && !util::is_space(h[e])) ++e;
  h = h.substr(0, e);
  while (!h.empty() && (h.back() == '.' || h.back() == ',' || h.back() == ':')) h.remove_suffix(1);
  return util::is_hostname(h) || util::is_ip(h) ? std::string(h) : std::string();
}

/// after_marker - offset of the returned message after the separator line at
/// `next` (skips the second line of "The body of the message is N characters
/// long; only the first / ------ N or so are included here." and MXLogic's
/// dashed underline).
std::size_t after_marker(std::string_view t, std::size_t next) {
  while (next < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, next);
    std::string_view s = trim(t.substr(l.begin, l.end - l.begin));
    if (s.size() >= 3 && s.substr(0, 3) == "---") {
      next = l.next;
      continue;
    }
    break;
  }
  return next;
}

}  // namespace

bool exim_detect(const BounceText& b) { return find_intro(b.text) != npos; }

bool exim_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  std::size_t intro = find_intro(t);
  if (intro == npos) return false;
  while (intro > 0 && t[intro - 1] != '\n' && t[intro - 1] != '\r') --intro;

  bool delayed = istarts_with(trim(b.subject), "Warning: message");
  std::vector<Work> rs;
  std::unordered_set<std::string> seen;
  Work* cur = nullptr;
  bool in_list = false;
  bool generated_text = false;  // after "The following text was generated during the delivery attempt:"
  bool gen_header_open = false;
  Work* gen_target = nullptr;
  std::size_t list_begin = npos;
  std::size_t pos = intro;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    std::string_view raw = t.substr(l.begin, l.end - l.begin);
    pos = l.next;
    std::string_view s = trim(raw);
    if (!delayed && contains_any(s, kDelayed)) delayed = true;
    if (is_copy_marker(s)) {
      out->original_offset = after_marker(t, l.next);
      break;
    }
    if (s.empty()) continue;
    if (!in_list) {
      // "recipients. This is a permanent error. The following address(es) failed:"
      // "The address to which the message has not yet been delivered is:"
      if (s.back() == ':') {
        in_list = true;
        list_begin = l.begin;
      }
      continue;
    }
    if (istarts_with(s, "The following text was generated during the delivery attempt")) {
      generated_text = true;
      cur = nullptr;
      continue;
    }
    if (generated_text) {
      // ------ pipe to |/usr/local/bin/prog a@example.com /home/a/.prog
      //        generated by a@example.com ------
      // [2016-04-22 23:34:45 +0900] info [prog] Failed to read ...
      if (s.size() >= 6 && s.substr(0, 6) == "------") {
        gen_target = rs.empty() ? nullptr : &rs.back();
        for (Work& w : rs) {
          std::string_view key = !w.shown.empty() ? w.shown : std::string_view(w.r.address);
          if (!key.empty() && s.find(key.substr(0, std::min<std::size_t>(key.size(), 60))) != npos) gen_target = &w;
        }
        gen_header_open = !(s.size() > 6 && s.substr(s.size() - 6) == "------");
        continue;
      }
      if (gen_header_open) {
        if (s.size() >= 6 && s.substr(s.size() - 6) == "------") gen_header_open = false;
        continue;
      }
      if (gen_target) gen_target->lines.push_back(s);
      continue;
    }
    std::size_t indent = indent_of(raw);
    AddrLine a;
    if (indent <= 2 && parse_address_line(s, &a)) {
      std::string key = util::lower(a.address.empty() ? a.shown : std::string_view(a.address));
      if (!seen.insert(key).second) {
        cur = nullptr;  // mail.ru repeats its list in English
        continue;
      }
      rs.emplace_back();
      cur = &rs.back();
      cur->r.address = std::move(a.address);
      if (cur->r.address.empty()) cur->shown = a.shown;
      if (!a.rest.empty()) cur->lines.push_back(a.rest);
      gen_target = nullptr;
      continue;
    }
    if (!cur) continue;
    if (starts_with_any(s, kStop)) {
      cur = nullptr;
      continue;
    }
    bool deep = indent >= 3;
    if (!deep && cur->indented) {  // prose after an indented Exim block
      cur = nullptr;
      continue;
    }
    if (deep) cur->indented = true;
    std::string gen;
    if (generated_address(s, &gen)) {
      cur->generated = std::move(gen);
      continue;
    }
    if (!deep && starts_with_any(s, kLabels)) {
      std::size_t colon = s.find(':');
      std::string_view after = trim(s.substr(colon + 1));
      if (!after.empty()) cur->lines.push_back(after);
      continue;
    }
    cur->lines.push_back(s);
  }
  // the host the text names: "... by the SMTP relay on HOST." or
  // "... after more than 24 hours on the queue on HOST."
  {
    std::string_view head = t.substr(intro, (list_begin == npos ? t.size() : list_begin) - intro);
    std::string host = host_after(head, "by the SMTP relay on ");
    if (host.empty()) host = host_after(head, "on the queue on ");
    out->reporting_mta = std::move(host);
  }
  for (Work& w : rs) {
    if (!plausible_address(w.r.address)) {
      if (w.generated.empty() || !plausible_address(w.generated)) continue;
      w.r.address = w.generated;
    }
    for (std::string_view line : w.lines) {
      if (!w.r.diagnostic.empty()) w.r.diagnostic += ' ';
      w.r.diagnostic.append(line);
    }
    w.r.action = delayed ? "delayed" : "failed";
    analyse(&w);
    // no enhanced code in the text: the reply's class, else the wording's
    // (Exim's "This is a permanent error" list vs its delay warning)
    if (w.r.status.empty()) {
      const std::string& rc = w.r.reply_code;
      w.r.status = !rc.empty() && (rc[0] == '4' || rc[0] == '5') ? std::string(1, rc[0]) + ".0.0"
                   : delayed                                      ? "4.0.0"
                                                                  : "5.0.0";
    }
    out->recipients.push_back(std::move(w.r));
  }
  return !out->recipients.empty();
}

// --- Zoho Mail -------------------------------------------------------------

bool zoho_detect(const BounceText& b) {
  std::string_view w = b.text.substr(0, kIntroWindow);
  return ifind(w, "ERROR_CODE :") != npos || ifind(w, "[Status: Error, Address:") != npos;
}

bool zoho_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  bool delayed = contains_any(t.substr(0, kIntroWindow), kDelayed);
  std::size_t pos = 0;
  std::size_t last = npos;
  std::unordered_set<std::string> seen;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    std::string_view s = trim(t.substr(l.begin, l.end - l.begin));
    pos = l.next;
    Recipient r;
    std::size_t ec = ifind(s, "ERROR_CODE :");
    if (ec != npos) {
      // kijitora@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <kijitora@example.co.jp>... User Unknown
      std::string_view addr = s.substr(0, s.find(' '));
      if (!plausible_address(addr)) continue;
      r.address = rfc3464::clean_address(addr);
      r.diagnostic.assign(trim(s.substr(addr.size())));
      r.reply_code = rfc3464::find_reply_code(s.substr(ec + 12));
      std::size_t ec2 = ifind(s, "ERROR_CODE :", ec + 12);
      r.status = rfc3464::find_enhanced_status(s.substr(ec2 != npos ? ec2 + 12 : ec + 12));
    } else if (istarts_with(s, "[Status: ") && ifind(s, "Address:") != npos) {
      // [Status: Error, Address: <kijitora@example.co.jp>, ResponseCode 421, , Host not reachable.]
      std::size_t a = ifind(s, "Address:") + 8;
      std::size_t e = s.find(',', a);
      std::string_view addr = trim(s.substr(a, e == npos ? npos : e - a));
      r.address = rfc3464::clean_address(addr);
      if (!plausible_address(r.address)) continue;
      std::size_t rc = ifind(s, "ResponseCode ");
      if (rc != npos) r.reply_code = rfc3464::find_reply_code(s.substr(rc + 13));
      std::string_view d = s.substr(1);
      if (!d.empty() && d.back() == ']') d.remove_suffix(1);
      r.diagnostic.assign(trim(d));
      r.status = rfc3464::find_enhanced_status(r.diagnostic);
    } else {
      continue;
    }
    if (!seen.insert(util::lower(r.address)).second) continue;
    r.action = delayed ? "delayed" : "failed";
    out->recipients.push_back(std::move(r));
    last = pos;
  }
  // the returned header block follows directly: "Received:from mail.zoho.com by mx.zohomail.com"
  if (last != npos) {
    for (std::size_t p = last; p < t.size();) {
      rfc5322::Line l = rfc5322::next_line(t, p);
      std::string_view s = t.substr(l.begin, l.end - l.begin);
      if (istarts_with(s, "Received:")) {
        out->original_offset = l.begin;
        break;
      }
      p = l.next;
    }
  }
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
