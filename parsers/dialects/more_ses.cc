// more_ses.cc - Amazon SES bounce notifications delivered as JSON through
// Amazon SNS (registry_more.inc: "ses-json").
//
// PURPOSE
//   An SES identity whose bounce topic is an SNS e-mail subscription gets
//   the notification as a JSON text (sisimai lhost-amazonses-09, BSD-2-Clause):
//
//     Subject: AWS Notification Message
//     {"notificationType":"Bounce","bounce":{"bounceType":"Permanent",...,
//      "bouncedRecipients":[{"emailAddress":"ana@example.org","action":"failed",
//      "status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],
//      ...,"reportingMTA":"dsn; a1-2.smtp-out.example.com"},"mail":{...}}
//
//   Only "Bounce" notifications are read ("Delivery" and "Complaint" ones
//   are not failures). Each object of bouncedRecipients is one recipient;
//   a missing action comes from bounceType (Transient -> delayed).
//
// PUBLIC FUNCTIONS
//   ses_json_detect / ses_json_parse (more.h)
//
// DIAGNOSTICS
//   none.
#include <string>

#include "parsers/dialects/microsoft.h"
#include "parsers/dialects/more.h"
#include "parsers/dialects/sendmail.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "src/util/strings.h"

namespace ndrscan::dialects {
namespace {

using util::ifind;
constexpr auto npos = std::string_view::npos;
constexpr std::size_t kMaxJson = 256 * 1024;
constexpr std::size_t kMaxString = 2000;

/// json_string - the JSON string starting at the '"' at `pos` of `t`
/// (common escapes undone); *end gets the offset after its closing quote.
std::string json_string(std::string_view t, std::size_t pos, std::size_t* end) {
  std::string out;
  std::size_t i = pos + 1;
  for (; i < t.size() && t[i] != '"'; ++i) {
    char c = t[i];
    if (c == '\\' && i + 1 < t.size()) {
      char e = t[++i];
      c = e == 'n' ? ' ' : e == 't' ? ' ' : e == 'r' ? ' ' : e;
      if (e == 'u') {  // \uXXXX: kept only for ASCII
        unsigned v = 0;
        std::size_t k = 0;
        for (; k < 4 && i + 1 < t.size() && util::is_xdigit(t[i + 1]); ++k, ++i)
          v = v * 16 + static_cast<unsigned>(util::is_digit(t[i + 1]) ? t[i + 1] - '0' : (util::to_lower_ascii(t[i + 1]) - 'a' + 10));
        c = (k == 4 && v >= 0x20 && v < 0x7F) ? static_cast<char>(v) : '?';
      }
    }
    if (out.size() < kMaxString) out.push_back(c);
  }
  *end = i < t.size() ? i + 1 : t.size();
  return out;
}

/// member - the string value of "key" inside the object text `obj`, or "".
std::string member(std::string_view obj, std::string_view key) {
  std::string pat = "\"" + std::string(key) + "\"";
  std::size_t p = obj.find(pat);
  if (p == npos) return {};
  p += pat.size();
  while (p < obj.size() && (obj[p] == ' ' || obj[p] == ':' || obj[p] == '\t' || obj[p] == '\r' || obj[p] == '\n')) ++p;
  if (p >= obj.size() || obj[p] != '"') return {};
  std::size_t end = 0;
  return json_string(obj, p, &end);
}

/// object_end - offset of the '}' closing the object that opens at `pos`
/// (strings skipped), or npos.
std::size_t object_end(std::string_view t, std::size_t pos) {
  int depth = 0;
  for (std::size_t i = pos; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      std::size_t e = 0;
      json_string(t, i, &e);
      i = e - 1;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    else if ((c == '}' || c == ']') && --depth == 0) return i;
  }
  return npos;
}

bool is_bounce_notification(std::string_view t) {
  std::size_t p = t.find("\"notificationType\"");
  if (p == npos) return false;
  std::size_t q = t.find('"', t.find(':', p) + 1);
  return q != npos && t.substr(q, 8) == "\"Bounce\"";
}

}  // namespace

bool ses_json_detect(const BounceText& b) {
  std::string_view t = util::trim(b.text.substr(0, kMaxJson));
  if (t.empty() || t.front() != '{') return false;
  return is_bounce_notification(t.substr(0, 512)) && t.find("\"bouncedRecipients\"") != npos;
}

bool ses_json_parse(const BounceText& b, DialectFacts* out) {
  std::string_view t = util::trim(b.text.substr(0, kMaxJson));
  std::size_t p = t.find("\"bouncedRecipients\"");
  if (p == npos) return false;
  std::size_t open = t.find('[', p);
  if (open == npos) return false;
  std::size_t close = object_end(t, open);
  if (close == npos) return false;
  std::size_t bounce_obj = t.find("\"bounce\"");
  std::string type = bounce_obj == npos ? std::string() : member(t.substr(bounce_obj), "bounceType");
  bool transient = util::iequals(type, "Transient");
  for (std::size_t i = open + 1; i < close;) {
    std::size_t o = t.find('{', i);
    if (o == npos || o > close) break;
    std::size_t e = object_end(t, o);
    if (e == npos || e > close) break;
    std::string_view obj = t.substr(o, e - o + 1);
    i = e + 1;
    std::string addr = member(obj, "emailAddress");
    if (!unixtext::is_address(rfc3464::clean_address(addr))) continue;
    std::string action = util::lower(member(obj, "action"));
    bool delayed = action == "delayed" || (action.empty() && transient);
    Recipient* r = vtext::add_recipient(out, addr, delayed);
    if (!r) break;
    std::string type_of_diag;
    r->diagnostic = rfc3464::strip_type(member(obj, "diagnosticCode"), &type_of_diag);
    r->diagnostic_type = type_of_diag;
    r->status = rfc3464::most_specific_status(rfc3464::find_enhanced_status(member(obj, "status")),
                                              rfc3464::find_enhanced_status(r->diagnostic));
    r->reply_code = rfc3464::find_reply_code(r->diagnostic);
    if (r->status.empty()) r->status = delayed ? "4.0.0" : "5.0.0";
  }
  if (bounce_obj != npos) out->reporting_mta = rfc3464::strip_type(member(t.substr(bounce_obj), "reportingMTA"));
  return !out->recipients.empty();
}

}  // namespace ndrscan::dialects
