// unix_text.cc - line helpers shared by the Unix MTA free-text readers.
//
// PURPOSE
//   Small, allocation-light helpers over std::string_view used by
//   sendmail.cc and unix_agents.cc: address checks, host names from
//   "host [ip]" forms, and filling reply code / status / action.
//
// PUBLIC FUNCTIONS
//   unixtext::line_text, is_address, angle_address, append, host_of, finish,
//   inline_dsn_status
//
// DIAGNOSTICS
//   None.
#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::dialects::unixtext {

using util::trim;

/// line_text - the trimmed text between `begin` and `end`.
std::string_view line_text(std::string_view t, std::size_t begin, std::size_t end) {
  if (begin > t.size()) return {};
  if (end > t.size()) end = t.size();
  if (end < begin) end = begin;
  return trim(t.substr(begin, end - begin));
}

/// is_address - one '@' with a non-empty local part and domain, no blanks.
bool is_address(std::string_view s) {
  if (s.empty() || s.size() > 320) return false;
  std::size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  for (char c : s)
    if (util::is_space(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';') return false;
  std::string_view dom = s.substr(at + 1);
  if (dom.front() == '.' || dom.back() == '.' || dom.find('@') != std::string_view::npos) return false;
  return true;
}

/// angle_address - the address inside the first "<...>" of `s`.
std::string angle_address(std::string_view s) {
  std::size_t lt = s.find('<');
  if (lt == std::string_view::npos) return {};
  std::size_t gt = s.find('>', lt + 1);
  if (gt == std::string_view::npos) return {};
  std::string a = rfc3464::clean_address(s.substr(lt + 1, gt - lt - 1));
  return is_address(a) ? a : std::string();
}

/// append - add `piece` to `diag`, one blank between pieces.
void append(std::string* diag, std::string_view piece) {
  piece = trim(piece);
  if (piece.empty()) return;
  if (!diag->empty()) *diag += ' ';
  diag->append(piece);
}

/// host_of - the host name of "host [ip]", "host[ip]", "host." forms.
std::string host_of(std::string_view s) {
  s = trim(s);
  std::size_t cut = s.find_first_of(" [\t(");
  std::string_view h = s.substr(0, cut);
  while (!h.empty() && (h.back() == '.' || h.back() == ':' || h.back() == ',')) h.remove_suffix(1);
  if (h.empty() && cut != std::string_view::npos && s[cut] == '[') {
    std::size_t e = s.find(']', cut);
    if (e != std::string_view::npos) return util::clean_ip(s.substr(cut, e - cut + 1));
  }
  if (util::is_ip(h) || util::is_hostname(h)) return std::string(h);
  return {};
}

/// inline_dsn_status - "Final-Recipient: rfc822; a@b" ... "Status: 5.2.0"
/// pairs written as plain text (a DSN pasted or forwarded inline, each line
/// perhaps quoted with "> "): the status of each recipient of `rs` whose
/// status is still empty.
void inline_dsn_status(std::string_view t, std::vector<Recipient>* rs) {
  std::string_view rcpt;
  std::size_t pos = 0;
  while (pos < t.size()) {
    rfc5322::Line l = rfc5322::next_line(t, pos);
    if (l.next <= pos) break;
    pos = l.next;
    std::string_view line = line_text(t, l.begin, l.end);
    while (!line.empty() && line.front() == '>' && line.substr(0, 3) != ">>>") line = trim(line.substr(1));
    if (util::istarts_with(line, "Final-Recipient:")) {
      rcpt = line.substr(16);
    } else if (util::istarts_with(line, "Status:") && !rcpt.empty()) {
      std::string a = rfc3464::strip_type(rcpt);
      std::string st = rfc3464::find_enhanced_status(line.substr(7));
      for (auto& r : *rs)
        if (r.status.empty() && util::iequals(r.address, a)) r.status = st;
      rcpt = {};
    }
  }
}

/// finish - reply code, status and action of one recipient.
void finish(Recipient* r, std::string_view reply, std::string_view action) {
  if (r->reply_code.empty()) r->reply_code = rfc3464::find_reply_code(reply.empty() ? r->diagnostic : reply);
  if (r->status.empty()) r->status = rfc3464::find_enhanced_status(r->diagnostic);
  if (r->status.empty() && !reply.empty()) r->status = rfc3464::find_enhanced_status(reply);
  // a 2xx or 3xx "status" in free text is not a failure code
  if (!r->status.empty() && r->status[0] != '4' && r->status[0] != '5') r->status.clear();
  if (r->status.empty() && !r->reply_code.empty() && (r->reply_code[0] == '4' || r->reply_code[0] == '5'))
    r->status = std::string(1, r->reply_code[0]) + ".0.0";
  if (r->action.empty()) r->action.assign(action);
}

}  // namespace ndrscan::dialects::unixtext
