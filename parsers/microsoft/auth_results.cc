// auth_results.cc - RFC 8601 / RFC 8617 / RFC 7208 9.1 result fields.
#include "parsers/microsoft/auth_results.h"

#include <fmt/format.h>

#include <array>
#include <climits>

#include "src/util/strings.h"

namespace ndrscan::microsoft {
namespace {

using util::iequals;
using util::is_space;
using util::trim;

/// One "key" or "key=value" word of a result entry.
struct Item {
  std::string key, value;
  bool has_eq = false;
};

/// The words and comments between two ';' separators.
struct Segment {
  std::vector<Item> items;
  std::string comments;  // comment texts joined by a blank
};

/// Lexer - a cursor over one field value that never moves backwards, so
/// every loop over it ends (RFC 5322 3.2.2 comments, 3.2.4 quoted strings).
struct Lexer {
  std::string_view s;
  std::size_t i = 0;
  bool partial = false;

  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }

  /// read_comment - at '(': text of a possibly nested comment.
  std::string read_comment() {
    std::string out;
    int depth = 0;
    while (!at_end()) {
      char c = s[i++];
      if (c == '\\' && !at_end()) {
        out += s[i++];
        continue;
      }
      if (c == '(') {
        if (depth++ > 0) out += c;
        continue;
      }
      if (c == ')') {
        if (--depth == 0) return std::string(trim(out));
        out += c;
        continue;
      }
      out += c;
    }
    partial = true;  // unterminated comment runs to the end of the field
    return std::string(trim(out));
  }

  /// read_quoted - at '"': the unescaped content of a quoted string.
  std::string read_quoted() {
    std::string out;
    ++i;
    while (!at_end()) {
      char c = s[i++];
      if (c == '\\' && !at_end()) {
        out += s[i++];
        continue;
      }
      if (c == '"') return out;
      out += c;
    }
    partial = true;
    return out;
  }

  /// read_token - a run of characters up to blank, ';', '(' or '"' (and '='
  /// unless `allow_eq`, so values may hold base64 padding).
  std::string read_token(bool allow_eq) {
    std::size_t b = i;
    while (!at_end()) {
      char c = s[i];
      if (is_space(c) || c == ';' || c == '(' || c == '"' || (!allow_eq && c == '=')) break;
      ++i;
    }
    return std::string(s.substr(b, i - b));
  }

  /// skip_cfws - blanks and comments; comment texts are appended to *comments.
  void skip_cfws(std::string* comments) {
    while (!at_end()) {
      if (is_space(s[i])) {
        ++i;
      } else if (s[i] == '(') {
        std::string c = read_comment();
        if (!c.empty()) {
          if (!comments->empty()) *comments += ' ';
          *comments += c;
        }
      } else {
        break;
      }
    }
  }

  /// read_segment - items up to the next ';' (not consumed) or the end.
  Segment read_segment() {
    Segment seg;
    while (true) {
      skip_cfws(&seg.comments);
      if (at_end() || peek() == ';') break;
      Item it;
      it.key = peek() == '"' ? read_quoted() : read_token(false);
      if (it.key.empty()) {  // stray '=' or ')' where a word should be
        ++i;
        partial = true;
        continue;
      }
      skip_cfws(&seg.comments);
      if (peek() == '=') {
        ++i;
        it.has_eq = true;
        skip_cfws(&seg.comments);
        it.value = peek() == '"' ? read_quoted() : read_token(true);
      }
      seg.items.push_back(std::move(it));
    }
    return seg;
  }
};

/// is_method_name - registered method names (IANA "Email Authentication
/// Methods") plus Microsoft's compauth; used to split entries that lack ';'.
bool is_method_name(std::string_view k) {
  static constexpr std::array<std::string_view, 17> kNames = {
      "spf",  "dkim",  "dmarc", "compauth", "arc",  "iprev", "auth", "dkim-adsp", "dkim-atps",
      "sender-id", "bimi", "domainkeys", "dnswl", "rrvs", "smime", "vbr", "x-original-auth"};
  for (auto n : kNames)
    if (iequals(k, n)) return true;
  return false;
}

/// all_digits - non-empty and only ASCII digits.
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!util::is_digit(c)) return false;
  return true;
}

/// parse_instance - "i=1" at the start of an ARC field; 0 if absent.
int parse_instance(std::string_view v) {
  v = trim(v);
  if (v.empty() || util::to_lower_ascii(v[0]) != 'i') return 0;
  v = trim(v.substr(1));
  if (v.empty() || v[0] != '=') return 0;
  v = trim(v.substr(1));
  int n = 0;
  std::size_t k = 0;
  while (k < v.size() && util::is_digit(v[k])) {
    if (k == 5) return 0;  // RFC 8617 allows 1..50; more than 5 digits is junk
    n = n * 10 + (v[k++] - '0');
  }
  return n;
}

/// ip_in_comment - the address in "sender IP is X" (Exchange Online),
/// "designates X as permitted sender", "does not designate X as ..." or
/// "discourages use of X as ..." (RFC 7208 9.1 style); "" if none.
std::string ip_in_comment(std::string_view c) {
  for (std::string_view marker : {std::string_view("sender IP is "), std::string_view("designates "),
                                  std::string_view("designate "), std::string_view("use of "),
                                  std::string_view("client-ip=")}) {
    std::size_t p = util::ifind(c, marker);
    if (p == std::string_view::npos) continue;
    std::string_view rest = c.substr(p + marker.size());
    std::size_t e = 0;
    while (e < rest.size() && !is_space(rest[e]) && rest[e] != ')' && rest[e] != ';' && rest[e] != ',') ++e;
    std::string ip = util::clean_ip(rest.substr(0, e));
    if (!ip.empty()) return ip;
  }
  return {};
}

/// start_method - a method entry from its "method=result" item.
AuthMethod start_method(const Item& it) {
  AuthMethod m;
  std::string_view name = it.key;
  if (std::size_t slash = name.find('/'); slash != std::string_view::npos) name = name.substr(0, slash);  // "dkim/1"
  m.method = util::lower(trim(name));
  m.result = util::lower(trim(it.value));
  return m;
}

}  // namespace

AuthResults parse_authentication_results(std::string_view value, AuthSource source, const MsTables* tables) {
  AuthResults r;
  r.from_original = source == AuthSource::kOriginal;
  Lexer lx{value};
  bool header_done = false;  // authserv-id (or its absence) settled
  while (true) {
    Segment seg = lx.read_segment();
    std::vector<Item>& items = seg.items;
    std::size_t k = 0;
    // ARC: "i=N" comes first, before the authserv-id
    if (source == AuthSource::kArc && !header_done && r.arc_instance == 0 && !items.empty() && items[0].has_eq &&
        iequals(items[0].key, "i")) {
      r.arc_instance = all_digits(items[0].value) && items[0].value.size() <= 5 ? std::stoi(items[0].value) : 0;
      if (r.arc_instance == 0) r.partial = true;
      k = 1;
    }
    // leading words without '=': authserv-id [version], or "none"
    std::size_t first_eq = k;
    while (first_eq < items.size() && !items[first_eq].has_eq) ++first_eq;
    if (first_eq > k) {
      if (!header_done && r.methods.empty() && k < first_eq) {
        r.authserv_id = items[k].key;
        if (first_eq - k >= 2 && all_digits(items[k + 1].key)) r.version = items[k + 1].key;
        if (first_eq - k > (r.version.empty() ? 1u : 2u)) r.partial = true;
        header_done = true;
      } else if (!(first_eq - k == 1 && iequals(items[k].key, "none"))) {
        r.partial = true;  // words that belong to nothing
      }
    }
    if (first_eq < items.size()) {
      header_done = true;  // Exchange Online: results start without an authserv-id
      AuthMethod m = start_method(items[first_eq]);
      for (std::size_t j = first_eq + 1; j < items.size(); ++j) {
        const Item& it = items[j];
        if (!it.has_eq) {
          r.partial = true;
          continue;
        }
        if (it.key.find('.') == std::string::npos && is_method_name(it.key)) {  // entry missing its ';'
          r.methods.push_back(std::move(m));
          m = start_method(it);
          continue;
        }
        if (iequals(it.key, "reason") && m.reason.empty()) {
          m.reason = it.value;
        } else {
          m.properties.emplace_back(util::lower(it.key), it.value);
        }
      }
      m.comment = seg.comments;
      r.methods.push_back(std::move(m));
    }
    if (lx.at_end()) break;
    ++lx.i;  // the ';'
  }
  r.partial = r.partial || lx.partial;

  for (const auto& m : r.methods) {
    if (m.method == "spf" && r.spf.empty()) {
      r.spf = m.result;
      r.spf_client_ip = ip_in_comment(m.comment);
    } else if (m.method == "dkim" && r.dkim.empty()) {
      r.dkim = m.result;
    } else if (m.method == "dmarc" && r.dmarc.empty()) {
      r.dmarc = m.result;
      for (const auto& [key, v] : m.properties)
        if (key == "action") r.dmarc_action = util::lower(v);
    } else if (m.method == "compauth" && r.compauth.empty()) {
      r.compauth = m.result;
      r.compauth_reason = std::string(trim(m.reason));
      if (tables) r.compauth_reason_meaning = tables->compauth_meaning(r.compauth_reason);
    }
  }
  return r;
}

ReceivedSpf parse_received_spf(std::string_view value) {
  ReceivedSpf out;
  Lexer lx{value};
  bool first = true;
  while (true) {
    Segment seg = lx.read_segment();
    std::size_t k = 0;
    if (first) {
      if (!seg.items.empty() && !seg.items[0].has_eq) {
        out.result = util::lower(seg.items[0].key);
        k = 1;
      }
      out.comment = seg.comments;
      first = false;
    }
    for (; k < seg.items.size(); ++k) {
      const Item& it = seg.items[k];
      if (!it.has_eq) {
        out.partial = true;
        continue;
      }
      std::string key = util::lower(it.key);
      if (key == "receiver") out.receiver = it.value;
      else if (key == "client-ip") out.client_ip = util::clean_ip(it.value);
      else if (key == "helo") out.helo = it.value;
      else if (key == "envelope-from") out.envelope_from = it.value;
      else if (key == "identity") out.identity = it.value;
      else if (key == "mechanism") out.mechanism = it.value;
      out.properties.emplace_back(std::move(key), it.value);
    }
    if (lx.at_end()) break;
    ++lx.i;
  }
  if (out.client_ip.empty()) out.client_ip = ip_in_comment(out.comment);
  out.partial = out.partial || lx.partial;
  return out;
}

AuthFindings find_auth_results(const std::vector<rfc5322::HeaderField>& fields, const MsTables& tables) {
  AuthFindings out;
  const rfc5322::HeaderField *ar = nullptr, *orig = nullptr, *arc = nullptr, *spf = nullptr;
  std::size_t n_ar = 0, n_orig = 0, n_arc = 0, n_spf = 0;
  int arc_i = INT_MAX;
  for (const auto& f : fields) {
    if (iequals(f.name, "Authentication-Results")) {
      if (n_ar++ == 0) ar = &f;
    } else if (iequals(f.name, "Authentication-Results-Original")) {
      if (n_orig++ == 0) orig = &f;
    } else if (iequals(f.name, "ARC-Authentication-Results")) {
      ++n_arc;
      int i = parse_instance(f.value);
      if (i <= 0) i = INT_MAX - 1;  // no usable instance: only as a last resort
      if (i < arc_i) {              // the lowest instance; the top-most of equals
        arc_i = i;
        arc = &f;
      }
    } else if (iequals(f.name, "Received-SPF")) {
      if (n_spf++ == 0) spf = &f;
    }
  }

  if (ar) {
    out.results = parse_authentication_results(ar->value, AuthSource::kAuthenticationResults, &tables);
    out.used = "Authentication-Results";
    out.offset = static_cast<std::int64_t>(ar->offset);
    if (n_ar > 1)
      out.notes.push_back(fmt::format("{} Authentication-Results fields; used the top-most, added by the nearest "
                                      "receiver",
                                      n_ar));
    if (orig)
      out.notes.push_back(
          "Authentication-Results-Original present: an earlier system's results, renamed by Exchange Online; "
          "not used");
  } else if (arc) {
    out.results = parse_authentication_results(arc->value, AuthSource::kArc, &tables);
    out.used = arc_i < INT_MAX - 1 ? fmt::format("ARC-Authentication-Results i={}", arc_i)
                                   : std::string("ARC-Authentication-Results");
    out.offset = static_cast<std::int64_t>(arc->offset);
    out.notes.push_back(fmt::format("no Authentication-Results; used {} (what the first ARC sealer saw)", out.used));
  } else if (orig) {
    out.results = parse_authentication_results(orig->value, AuthSource::kOriginal, &tables);
    out.used = "Authentication-Results-Original";
    out.offset = static_cast<std::int64_t>(orig->offset);
    out.notes.push_back(
        "only Authentication-Results-Original found: results of a system before Exchange Online, not verified by "
        "it");
  }
  if (n_arc > 0 && out.used.rfind("ARC", 0) != 0)
    out.notes.push_back(fmt::format("{} ARC-Authentication-Results field(s) present; not used", n_arc));

  if (spf) {
    out.received_spf = parse_received_spf(spf->value);
    if (n_spf > 1) out.notes.push_back(fmt::format("{} Received-SPF fields; used the top-most", n_spf));
    if (out.results && out.results->spf_client_ip.empty())
      out.results->spf_client_ip = out.received_spf->client_ip;
  }
  return out;
}

}  // namespace ndrscan::microsoft
