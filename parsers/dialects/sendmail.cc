// sendmail.cc - Sendmail free-text bounces (no DSN part, or a DSN part that
// named nobody).
//
// PURPOSE
//   Reads the sections Sendmail writes into its notification text:
//
//      ----- The following addresses had permanent fatal errors -----
//   <carol@example.org>
//       (reason: 550 5.1.1 <carol@example.org>... User unknown)
//
//      ----- Transcript of session follows -----
//   ... while talking to mx.example.org.:
//   >>> RCPT To:<carol@example.org>
//   <<< 550 5.1.1 <carol@example.org>... User unknown
//   550 5.1.1 <carol@example.org>... User unknown
//
//      ----- Original message follows -----
//
//   and the relatives: V5 Sendmail (transcript only, "While talking to
//   HOST:"), Active!Hunter (">>> a@b <a@b>" list lines), BIGLOBE ("had
//   delivery problems" / "Non-delivered information"), delay warnings
//   ("had transient non-fatal errors", "Warning: could not send message for
//   past 4 hours") and the whole text forwarded with "> " quoting.
//
// PUBLIC FUNCTIONS
//   sendmail_detect(), sendmail_parse()
//
// DIAGNOSTICS
//   None: returns false when no recipient was found.
#include <unordered_map>

#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
using util::istarts_with;
using util::trim;

constexpr std::string_view kTranscriptBanner = "Transcript of session follows";
constexpr std::string_view kFollowing = "The following addresses had";
constexpr std::size_t kMaxRecipients = 10000;

enum class Section { kNone, kList, kTranscript, kInfo, kOriginal };

/// unquote - drop one "> " (or a lone ">") forwarding prefix; ">>>" stays.
std::string_view unquote(std::string_view line, bool quoted) {
  if (!quoted) return line;
  if (line == ">") return {};
  if (line.size() >= 2 && line[0] == '>' && line[1] == ' ') return trim(line.substr(2));
  return line;
}

/// dashed - the words inside "----- words -----", or "" when not such a line.
std::string_view dashed(std::string_view line) {
  if (line.size() < 8 || line.substr(0, 3) != "---") return {};
  std::size_t b = line.find_first_not_of('-');
  std::size_t e = line.find_last_not_of('-');
  if (b == std::string_view::npos || e < b) return {};
  return trim(line.substr(b, e - b + 1));
}

/// find_or_add - the recipient for `addr`, created when new (capped);
/// `index` maps lowercase addresses to positions so long lists stay linear.
Recipient* find_or_add(DialectFacts* out, std::unordered_map<std::string, std::size_t>* index,
                       std::string_view addr) {
  std::string key = util::lower(addr);
  auto it = index->find(key);
  if (it != index->end()) return &out->recipients[it->second];
  if (out->recipients.size() >= kMaxRecipients) return nullptr;
  index->emplace(std::move(key), out->recipients.size());
  out->recipients.emplace_back();
  out->recipients.back().address.assign(addr);
  return &out->recipients.back();
}

struct Pending {
  std::string host;   ///< from "... while talking to HOST.:"
  std::string reply;  ///< "<<< " lines of the current exchange
  std::string rcpt;   ///< address of ">>> RCPT To:<a@b>"
  bool exchange = false;  ///< a ">>>" or "<<<" line since "while talking to"
};

}  // namespace

/// sendmail_detect - the transcript or address-list banner in the text.
bool sendmail_detect(const BounceText& b) {
  std::string_view t = b.text;
  std::size_t p = ifind(t, kTranscriptBanner);
  if (p != std::string_view::npos && p >= 2 && t.substr(p - 2, 2) == "- ") return true;
  p = ifind(t, kFollowing);
  return p != std::string_view::npos && p >= 2 && t.substr(p - 2, 2) == "- ";
}

/// sendmail_parse - recipients from the address list and the transcript.
bool sendmail_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = b.text;
  // forwarded copies quote every line: "> The original message was received at"
  bool quoted = false;
  {
    std::size_t p = ifind(t, kFollowing);
    if (p == std::string_view::npos) p = ifind(t, kTranscriptBanner);
    std::size_t ls = t.find_last_of("\r\n", p == std::string_view::npos ? 0 : p);
    ls = ls == std::string_view::npos ? 0 : ls + 1;
    quoted = p != std::string_view::npos && t.substr(ls, 1) == ">" && t.substr(ls, 3) != ">>>";
  }
  bool delayed_notice = ifind(t, "Warning: could not send message for past") != std::string_view::npos ||
                        ifind(t, "transient non-fatal errors") != std::string_view::npos;
  Section sec = Section::kNone;
  std::string list_action = "failed";
  Pending pend;
  std::string info;     // "Non-delivered information" text (BIGLOBE)
  std::string orphans;  // coded transcript lines that name no recipient
  std::vector<std::string> replies;  // every "<<<" reply of the transcript, lines joined
  std::size_t pos = 0;
  std::size_t last_i = std::string::npos;  // last listed recipient, for "(reason: ...)"
  std::unordered_map<std::string, std::size_t> index;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = unquote(unixtext::line_text(t, l.begin, l.end), quoted);
    std::string_view head = dashed(line);
    if (!head.empty()) {
      // "----- The following addresses had permanent fatal errors -----"
      if (istarts_with(head, kFollowing)) {
        sec = Section::kList;
        list_action = (ifind(head, "transient") != std::string_view::npos ||
                       ifind(head, "non-fatal") != std::string_view::npos)
                          ? "delayed"
                          : "failed";
        continue;
      }
      if (istarts_with(head, kTranscriptBanner)) {
        sec = Section::kTranscript;
        continue;
      }
      // "----- Non-delivered information -----" (BIGLOBE)
      if (istarts_with(head, "Non-delivered information")) {
        sec = Section::kInfo;
        continue;
      }
      // "----- Original message follows -----", "----- Unsent message follows -----",
      // "----- Message header follows -----"
      if (ifind(head, "message follows") != std::string_view::npos ||
          ifind(head, "header follows") != std::string_view::npos ||
          ifind(head, "headers follow") != std::string_view::npos) {
        if (!quoted && out->original_offset == std::string_view::npos) out->original_offset = l.next;
        sec = Section::kOriginal;
        break;
      }
      if (sec != Section::kNone) sec = Section::kNone;  // another section we do not read
      continue;
    }
    switch (sec) {
      case Section::kNone:
      case Section::kOriginal:
        break;
      case Section::kInfo:
        unixtext::append(&info, line);
        break;
      case Section::kList: {
        if (line.empty()) break;
        // "    (reason: 550 5.1.1 <a@b>... User unknown)"
        if (line.front() == '(') {
          if (last_i >= out->recipients.size()) break;
          Recipient* last = &out->recipients[last_i];
          std::string_view in = trim(line.substr(1, line.size() > 1 && line.back() == ')' ? line.size() - 2 : line.size() - 1));
          if (istarts_with(in, "reason:")) {
            unixtext::append(&last->diagnostic, in.substr(7));
          } else if (istarts_with(in, "expanded from:")) {
            // "    (expanded from: <list@example.org>)"
            std::string a = rfc3464::clean_address(in.substr(14));
            if (unixtext::is_address(a)) last->original_recipient = a;
          }
          break;
        }
        // "<a@b>", "a@b", ">>> a@b <a@b>" (Active!Hunter)
        std::string_view s = line;
        if (istarts_with(s, ">>>")) s = trim(s.substr(3));
        std::string addr = unixtext::angle_address(s);
        if (addr.empty()) {
          std::string_view w = s.substr(0, s.find_first_of(" \t"));
          std::string c = rfc3464::clean_address(w);
          if (unixtext::is_address(c)) addr = c;
        }
        if (addr.empty()) break;
        Recipient* listed = find_or_add(out, &index, addr);
        if (!listed) break;
        last_i = static_cast<std::size_t>(listed - out->recipients.data());
        if (listed->action.empty()) listed->action = list_action;
        break;
      }
      case Section::kTranscript: {
        if (line.empty()) break;
        // "... while talking to mx.example.org.:" / "While talking to example.edu:"
        std::size_t wt = ifind(line, "while talking to ");
        if (wt != std::string_view::npos && wt < 8) {
          if (!pend.reply.empty()) replies.push_back(pend.reply);
          pend = Pending{};
          pend.host = unixtext::host_of(line.substr(wt + 17));
          break;
        }
        // ">>> RCPT To:<a@b>"
        if (istarts_with(line, ">>>")) {
          std::string_view cmd = trim(line.substr(3));
          if (!pend.reply.empty()) replies.push_back(pend.reply);
          pend.reply.clear();
          pend.exchange = true;
          pend.rcpt = istarts_with(cmd, "RCPT") ? unixtext::angle_address(cmd) : std::string();
          break;
        }
        // "<<< 550 5.1.1 <a@b>... User unknown"
        if (istarts_with(line, "<<<")) {
          unixtext::append(&pend.reply, line.substr(3));
          pend.exchange = true;
          break;
        }
        // "550 5.1.1 <a@b>... User unknown" / "554 <a@b>... 550 Host unknown"
        std::string code = rfc3464::find_reply_code(line);
        std::size_t dots = line.find("... ");
        if (dots == std::string_view::npos && line.size() > 3 && line.substr(line.size() - 3) == "...")
          dots = line.size() - 3;
        std::string addr = dots != std::string_view::npos ? unixtext::angle_address(line.substr(0, dots)) : "";
        if (addr.empty() && dots != std::string_view::npos) {
          // "550 a@b... User unknown" (no angle brackets)
          std::string_view pre = trim(line.substr(0, dots));
          std::string c = rfc3464::clean_address(pre.substr(pre.find_last_of(" \t") == std::string_view::npos
                                                                  ? 0
                                                                  : pre.find_last_of(" \t") + 1));
          if (unixtext::is_address(c)) addr = c;
        }
        if (addr.empty()) {
          // "550 example.org (smtp)... 550 Host unknown" names a host, not a recipient;
          // "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)" names nobody
          if (!code.empty() && (code[0] == '4' || code[0] == '5') && line.find("(smtp)...") == std::string_view::npos)
            unixtext::append(&orphans, line);
          break;
        }
        if (code.empty() || code[0] == '2' || code[0] == '3') break;
        Recipient* r = find_or_add(out, &index, addr);
        if (!r) break;
        bool same_rcpt = pend.rcpt.empty() || util::iequals(pend.rcpt, addr);
        if (r->remote_mta.empty() && !pend.host.empty() && pend.exchange && same_rcpt) r->remote_mta = pend.host;
        std::string_view after = dots != std::string_view::npos ? trim(line.substr(dots + 3)) : std::string_view();
        if (r->reply_code.empty()) {
          // the remote's own reply first, then "554 <a@b>... 550 Host unknown", then the line's code
          if (!pend.reply.empty() && same_rcpt) r->reply_code = rfc3464::find_reply_code(pend.reply);
          if (r->reply_code.empty()) r->reply_code = rfc3464::find_reply_code(after);
          if (r->reply_code.empty()) r->reply_code = code;
        }
        std::string diag = (!pend.reply.empty() && same_rcpt) ? pend.reply : std::string(line);
        if (r->diagnostic.empty() || r->diagnostic.find(diag) == std::string::npos) {
          // keep the list's "(reason: ...)" and add the transcript line once
          if (r->diagnostic.empty()) r->diagnostic = diag;
          else if (!pend.reply.empty() && same_rcpt) r->diagnostic = diag;
        }
        if (r->status.empty()) {
          r->status = rfc3464::find_enhanced_status(line);
          if (r->status.empty() && same_rcpt) r->status = rfc3464::find_enhanced_status(pend.reply);
        }
        if (r->action.empty()) r->action = (code[0] == '4' || delayed_notice) ? "delayed" : "failed";
        pend.reply.clear();
        pend.rcpt.clear();
        pend.exchange = false;
        break;
      }
    }
  }
  if (!pend.reply.empty()) replies.push_back(pend.reply);
  for (auto& r : out->recipients) {
    // "(reason: 552-5.7.0 This message was blocked ...)" is the first line of
    // a multi-line reply the transcript has whole ("<<< 552-5.7.0 ..." lines
    // answering DATA, which names no recipient)
    for (const std::string& rep : replies)
      if (!r.diagnostic.empty() && rep.size() > r.diagnostic.size() && rep.compare(0, r.diagnostic.size(), r.diagnostic) == 0) {
        r.diagnostic = rep;
        break;
      }
    // BIGLOBE's free text, or Active!Hunter's unaddressed "550 ... (#5.1.1 - chkusr)"
    if (r.diagnostic.empty()) r.diagnostic = !info.empty() ? info : orphans;
    if (r.action.empty()) r.action = delayed_notice ? "delayed" : "failed";
    if (r.status.empty()) r.status = rfc3464::find_enhanced_status(r.diagnostic);
  }
  // A DSN forwarded inline ("Begin forwarded message:" with "> " quoting)
  // still carries its Status lines: better than N.0.0 from a reply code.
  unixtext::inline_dsn_status(t, &out->recipients);
  for (auto& r : out->recipients) unixtext::finish(&r, {}, r.action);
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
