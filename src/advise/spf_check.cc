// spf_check.cc - offline SPF checks (RFC 7208). Linear in the record's size;
// no DNS and no recursion: nested includes are never resolved.
#include "src/advise/spf_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::advise {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative matcher with one backtrack point: linear-ish, no recursion.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] != '*' && util::to_lower_ascii(p[pi]) == util::to_lower_ascii(t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

const std::vector<std::string>& mechanisms() {
  static const std::vector<std::string> v = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"};
  return v;
}
const std::vector<std::string>& modifiers() {
  static const std::vector<std::string> v = {"redirect", "exp"};
  return v;
}
bool is_lookup(const std::string& name) {
  return name == "include" || name == "a" || name == "mx" || name == "ptr" || name == "exists" || name == "redirect";
}

struct Term {
  std::string text;
  char qual = 0;          ///< '+', '-', '~', '?' or 0
  std::string name;       ///< lower case
  std::string value;      ///< after ':' or '=' (mechanisms: domain-spec and cidr)
  std::string cidr;       ///< "/24" for a and mx written without a domain
  bool colon = false;     ///< "name:" form
  bool modifier = false;  ///< "name=value"
};

Term parse_term(const std::string& text) {
  Term t;
  t.text = text;
  std::string_view s = text;
  if (!s.empty() && (s[0] == '+' || s[0] == '-' || s[0] == '~' || s[0] == '?')) {
    t.qual = s[0];
    s.remove_prefix(1);
  }
  std::size_t d = s.find_first_of(":/=");
  if (d != std::string_view::npos && s[d] == '=') {
    t.modifier = true;
    t.name = util::lower(s.substr(0, d));
    t.value = std::string(s.substr(d + 1));
    return t;
  }
  t.name = util::lower(s.substr(0, d));
  if (d == std::string_view::npos) return t;
  if (s[d] == ':') {
    t.colon = true;
    t.value = std::string(s.substr(d + 1));
  } else {
    t.cidr = std::string(s.substr(d));
  }
  return t;
}

std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    std::size_t b = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    if (i > b) out.emplace_back(s.substr(b, i - b));
  }
  return out;
}

/// unquote - `"v=spf1 ..." "more"` (zone-file form) -> the joined text.
bool unquote(std::string_view s, std::string* out) {
  if (s.empty() || s[0] != '"') return false;
  out->clear();
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '"') {
      std::size_t e = s.find('"', i + 1);
      if (e == std::string_view::npos) {
        out->append(s.substr(i + 1));
        return true;
      }
      out->append(s.substr(i + 1, e - i - 1));
      i = e + 1;
    } else if (s[i] == ' ' || s[i] == '\t') {
      ++i;
    } else {
      out->append(s.substr(i));
      return true;
    }
  }
  return true;
}

bool valid_cidr(std::string_view c, int max) {
  if (c.empty() || c.size() > 3) return false;
  int n = 0;
  for (char ch : c) {
    if (!util::is_digit(ch)) return false;
    n = n * 10 + (ch - '0');
  }
  return n <= max && !(c.size() > 1 && c[0] == '0');
}

/// check_domain_spec - "" when fine, else what is wrong.
std::string check_domain_spec(std::string_view d) {
  if (d.empty()) return "no domain";
  if (d.find('%') != std::string_view::npos) {
    // macro-string: %{x...}, %%, %_, %-; only the braces are checked
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (d[i] != '%') continue;
      if (i + 1 >= d.size()) return "a '%' at the end (write %% for a literal percent sign)";
      char n = d[i + 1];
      if (n == '%' || n == '_' || n == '-') {
        ++i;
        continue;
      }
      if (n != '{') return fmt::format("'%{}' is not a macro (%{{...}}, %%, %_ or %-)", n);
      std::size_t e = d.find('}', i);
      if (e == std::string_view::npos) return "a macro '%{' without its closing '}'";
      std::string_view letter = d.substr(i + 2, 1);
      if (letter.empty() || std::string_view("slodiphcrtvSLODIPHCRTV").find(letter[0]) == std::string_view::npos)
        return fmt::format("'%{{{}' is not a macro letter (s l o d i p h c r t v)", letter);
      i = e;
    }
    return "";
  }
  if (util::is_ipv4(d) || util::is_ipv6(d)) return "an IP address, not a domain";
  std::string_view h = d;
  if (h.back() == '.') h.remove_suffix(1);
  if (h.size() > 253) return "longer than 253 characters";
  std::size_t labels = 0, start = 0;
  while (start <= h.size()) {
    std::size_t dot = h.find('.', start);
    std::string_view label = h.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "an empty label (two dots, or a leading dot)";
    if (label.size() > 63) return "a label longer than 63 characters";
    for (char c : label)
      if (!(util::is_alpha(c) || util::is_digit(c) || c == '-' || c == '_'))
        return fmt::format("the character '{}' is not allowed in a host name", c);
    if (label.front() == '-' || label.back() == '-') return fmt::format("the label '{}' starts or ends with '-'", label);
    ++labels;
    if (dot == std::string_view::npos) {
      if (std::all_of(label.begin(), label.end(), [](char c) { return util::is_digit(c); }))
        return "an all-numeric top-level label";
      break;
    }
    start = dot + 1;
  }
  if (labels < 2) return "not a fully qualified domain (no dot)";
  return "";
}

/// check_ip - "" when `v` ("192.0.2.0/24") is a valid ip4/ip6 value.
std::string check_ip(const std::string& name, std::string_view v) {
  std::size_t slash = v.find('/');
  std::string_view addr = v.substr(0, slash);
  std::string_view cidr = slash == std::string_view::npos ? std::string_view() : v.substr(slash + 1);
  if (name == "ip4") {
    if (util::is_ipv6(addr)) return "an IPv6 address under ip4: (write ip6:)";
    if (!util::is_ipv4(addr)) return fmt::format("'{}' is not an IPv4 address", addr);
    if (slash != std::string_view::npos && !valid_cidr(cidr, 32)) return fmt::format("'/{}' is not a prefix length 0-32", cidr);
  } else {
    if (util::is_ipv4(addr)) return "an IPv4 address under ip6: (write ip4:)";
    if (!util::is_ipv6(addr)) return fmt::format("'{}' is not an IPv6 address", addr);
    if (slash != std::string_view::npos && !valid_cidr(cidr, 128))
      return fmt::format("'/{}' is not a prefix length 0-128", cidr);
  }
  return "";
}

/// check_dual_cidr - a/mx: "[:domain][/n][//n]"; "" when fine.
std::string check_a_mx(const Term& t) {
  std::string v = t.colon ? t.value : t.cidr;
  std::string_view domain, cidrs;
  if (t.colon) {
    std::size_t s = v.find('/');
    domain = std::string_view(v).substr(0, s);
    if (s != std::string::npos) cidrs = std::string_view(v).substr(s);
    std::string e = check_domain_spec(domain);
    if (!e.empty()) return fmt::format("the domain '{}' is {}", domain, e);
  } else {
    cidrs = v;
  }
  if (cidrs.empty()) return "";
  // "/n", "//m" or "/n//m"
  std::size_t dd = cidrs.find("//");
  std::string_view c4 = cidrs.substr(0, dd), c6 = dd == std::string_view::npos ? std::string_view() : cidrs.substr(dd + 2);
  if (!c4.empty() && (c4[0] != '/' || !valid_cidr(c4.substr(1), 32))) return fmt::format("'{}' is not a valid /prefix", c4);
  if (dd != std::string_view::npos && !valid_cidr(c6, 128)) return fmt::format("'//{}' is not a valid IPv6 prefix", c6);
  return "";
}

class Checker {
 public:
  Checker(const SpfContext& ctx, std::vector<Finding>* out) : ctx_(ctx), out_(out) {}

  void add(Severity s, std::string code, std::string msg, std::string fix, std::string cause = "") {
    out_->push_back({s, std::move(code), std::move(msg), std::move(fix), std::move(cause), record_});
  }

  /// check - one record; returns whether it is an SPF record (v=spf1).
  bool check(int record, const std::string& raw) {
    record_ = record;
    std::string text(util::trim(raw));
    std::string joined;
    if (unquote(text, &joined)) {
      add(Severity::kInfo, "quoted",
          "the record is written with quotes (zone-file syntax); the quotes are not part of the record, the joined "
          "text was checked",
          "publish the text between the quotes; split strings longer than 255 characters into several quoted strings");
      text = std::string(util::trim(joined));
    }
    if (text.empty()) {
      add(Severity::kError, "empty-record", "the record is empty", "publish v=spf1 followed by your senders and -all");
      return false;
    }
    std::vector<std::string> tokens = split_ws(text);
    bool spf = false;
    std::size_t first = 0;
    const std::string& v = tokens.front();
    if (util::iequals(v, "v=spf1")) {
      spf = true;
      first = 1;
    } else if (util::istarts_with(v, "v=spf1")) {
      add(Severity::kError, "version", fmt::format("'{}': v=spf1 must be followed by a space", v),
          fmt::format("v=spf1 {}", v.substr(6)));
      first = 1;
      spf = true;
    } else if (util::istarts_with(v, "spf2.0")) {
      add(Severity::kError, "version", "a Sender ID record (spf2.0), which receivers no longer evaluate",
          "publish a v=spf1 record instead");
      first = 1;
    } else if (util::istarts_with(v, "v=")) {
      add(Severity::kError, "version", fmt::format("'{}' is not v=spf1: receivers ignore the record", v),
          "start the record with v=spf1");
      first = 1;
    } else {
      add(Severity::kError, "version", "the record does not start with v=spf1: receivers ignore it",
          "start the record with v=spf1");
    }
    if (text.size() > 450)
      add(Severity::kWarning, "length",
          fmt::format("the record is {} characters: long answers may not fit a 512-byte DNS reply (RFC 7208 "
                      "section 3.4)",
                      text.size()),
          "replace terms by fewer ip4:/ip6: ranges, or move senders to a subdomain");
    else if (text.size() > 255)
      add(Severity::kInfo, "length",
          fmt::format("the record is {} characters: a TXT string holds 255, so publish it as several quoted strings",
                      text.size()),
          "\"v=spf1 ...first 255...\" \"...rest...\" in one TXT record");

    int lookups = 0;
    bool seen_all = false, seen_redirect = false, after_all_reported = false, has_sender = false;
    std::map<std::string, int> modifier_count;
    std::map<std::string, int> seen;
    for (std::size_t i = first; i < tokens.size(); ++i) {
      const std::string& tok = tokens[i];
      if (seen_all && !after_all_reported) {
        after_all_reported = true;
        add(Severity::kWarning, "after-all", fmt::format("'{}' comes after 'all': receivers never evaluate it", tok),
            "move every term before the all mechanism");
      }
      if (tok.find(',') != std::string::npos) {
        std::string joined_fix;
        std::string_view s = tok;
        std::string prefix;
        std::size_t colon = s.find(':');
        if (colon != std::string_view::npos) prefix = std::string(s.substr(0, colon + 1));
        std::size_t start = prefix.size();
        while (start <= s.size()) {
          std::size_t c = s.find(',', start);
          std::string_view part = s.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start);
          if (!part.empty()) joined_fix += (joined_fix.empty() ? "" : " ") + prefix + std::string(part);
          if (c == std::string_view::npos) break;
          start = c + 1;
        }
        add(Severity::kError, "comma-separated",
            fmt::format("'{}': terms are separated by spaces, not commas (receivers return permerror)", tok),
            joined_fix, "dns-spf.comma-separated-terms");
        has_sender = true;
        continue;
      }
      Term t = parse_term(tok);
      if (t.modifier) {
        check_modifier(t, &lookups, &modifier_count, &seen_redirect);
        continue;
      }
      bool known = std::find(mechanisms().begin(), mechanisms().end(), t.name) != mechanisms().end();
      if (!known) {
        if (util::is_ipv4(tok) || util::is_ipv6(tok)) {
          add(Severity::kError, "bare-ip", fmt::format("'{}' is an address without a mechanism", tok),
              fmt::format("{}:{}", util::is_ipv4(tok) ? "ip4" : "ip6", tok));
          continue;
        }
        std::string h = util::did_you_mean(t.name, mechanisms());
        std::string fix = h.empty() ? "use one of all, include, a, mx, ip4, ip6, exists (or a name=value modifier)"
                                    : fmt::format("did you mean '{}'?", h);
        add(Severity::kError, "unknown-mechanism",
            fmt::format("'{}' is not an SPF mechanism: receivers return permerror", tok), fix);
        continue;
      }
      // "include: host" - a mechanism with ':' and nothing after it, the value in the next word.
      if (t.colon && t.value.empty() && t.name != "all" && i + 1 < tokens.size()) {
        const std::string& next = tokens[i + 1];
        Term nt = parse_term(next);
        bool next_is_term = nt.modifier || std::find(mechanisms().begin(), mechanisms().end(), nt.name) != mechanisms().end();
        if (!next_is_term) {
          add(Severity::kError, "include-with-space",
              fmt::format("'{} {}': the space after '{}:' makes two terms, an {} with no domain and the unknown "
                          "term '{}' (permerror)",
                          tok, next, t.name, t.name, next),
              fmt::format("{}:{}", tok.substr(0, tok.size() - 1), next), "dns-spf.include-with-space");
          t.value = next;
          t.text = tok + next;
          ++i;
          check_mechanism(t, true, &lookups, &seen, &seen_all, &has_sender);
          continue;
        }
      }
      check_mechanism(t, false, &lookups, &seen, &seen_all, &has_sender);
    }
    if (!spf) return false;
    if (lookups > 10)
      add(Severity::kError, "too-many-lookups",
          fmt::format("at least {} DNS-querying terms (include, a, mx, ptr, exists, redirect) in this record alone; "
                      "RFC 7208 allows 10 in all, nested includes counted (not resolved offline, so the real count "
                      "is higher): receivers return permerror",
                      lookups),
          "remove unused includes; replace a:/mx:/ptr terms by ip4:/ip6: ranges", "dns-spf.too-many-lookups");
    else if (lookups >= 8)
      add(Severity::kWarning, "lookups-near-limit",
          fmt::format("{} DNS-querying terms counted here; every include adds its own nested look-ups (not "
                      "resolved offline), and the limit is 10",
                      lookups),
          "count the nested look-ups of each include before adding another", "dns-spf.too-many-lookups");
    if (!seen_all && !seen_redirect)
      add(Severity::kWarning, "no-all",
          "no 'all' mechanism and no redirect=: mail from unlisted hosts gets 'neutral', which protects nothing",
          "end the record with -all (or ~all while you are still finding senders)");
    if (seen_all && seen_redirect)
      add(Severity::kWarning, "redirect-ignored", "redirect= is ignored when the record has an 'all' mechanism",
          "keep either 'all' or redirect=, not both");
    (void)has_sender;
    return true;
  }

  bool record_has_sender_terms() const { return sender_terms_; }
  const std::vector<std::string>& includes() const { return includes_; }

 private:
  void check_modifier(const Term& t, int* lookups, std::map<std::string, int>* count, bool* seen_redirect) {
    bool known = std::find(modifiers().begin(), modifiers().end(), t.name) != modifiers().end();
    if (!known) {
      if (std::find(mechanisms().begin(), mechanisms().end(), t.name) != mechanisms().end()) {
        add(Severity::kError, "mechanism-with-equals",
            fmt::format("'{}' is an unknown modifier that receivers ignore: mechanisms take ':', not '='", t.text),
            fmt::format("{}:{}", t.name, t.value));
        return;
      }
      std::string h = util::did_you_mean(t.name, modifiers());
      add(Severity::kWarning, "unknown-modifier",
          fmt::format("'{}' is an unknown modifier: receivers ignore it", t.text),
          h.empty() ? "remove it" : fmt::format("did you mean '{}='?", h));
      return;
    }
    if (++(*count)[t.name] == 2)
      add(Severity::kError, "duplicate-modifier", fmt::format("'{}=' appears more than once (permerror)", t.name),
          "keep one");
    std::string e = check_domain_spec(t.value);
    if (!e.empty())
      add(Severity::kError, "malformed-domain", fmt::format("'{}': the domain is {}", t.text, e),
          fmt::format("{}=<domain that publishes the record>", t.name));
    if (t.name == "redirect") {
      ++*lookups;
      *seen_redirect = true;
    }
  }

  void check_mechanism(const Term& t, bool joined, int* lookups, std::map<std::string, int>* seen, bool* seen_all,
                       bool* has_sender) {
    if (is_lookup(t.name)) ++*lookups;
    std::string key = t.name + ":" + util::lower(t.value) + t.cidr;
    if (++(*seen)[key] == 2)
      add(Severity::kWarning, "duplicate", fmt::format("'{}' appears more than once", t.text),
          "remove the repeated term (it may cost a DNS look-up for nothing)");
    if (t.name == "all") {
      *seen_all = true;
      if (t.colon || !t.cidr.empty())
        add(Severity::kError, "malformed-all", fmt::format("'{}': all takes no argument", t.text), "-all");
      if (t.qual == 0 || t.qual == '+')
        add(Severity::kError, "permissive-all",
            fmt::format("'{}' lets every host on the Internet pass SPF for the domain", t.text),
            "end with -all (or ~all while you are still finding senders)");
      else if (t.qual == '?')
        add(Severity::kWarning, "neutral-all", "'?all' gives unlisted hosts 'neutral': SPF protects nothing",
            "end with -all (or ~all while you are still finding senders)");
      else if (t.qual == '~')
        add(Severity::kInfo, "softfail-all",
            "'~all' marks unlisted hosts softfail: receivers accept and usually junk the mail; fine while senders "
            "are being found",
            "once every sender is listed (and DMARC reports are clean), change ~all to -all", "dns-spf.softfail-all");
      return;
    }
    if (t.name == "ptr") {
      add(Severity::kWarning, "ptr", "'ptr' is slow, unreliable and SHOULD NOT be used (RFC 7208 section 5.5)",
          "list the senders' addresses with ip4:/ip6:");
      if (t.colon) {
        std::string e = check_domain_spec(t.value);
        if (!e.empty()) add(Severity::kError, "malformed-domain", fmt::format("'{}': the domain is {}", t.text, e), "ptr");
      }
      return;
    }
    if (t.name == "ip4" || t.name == "ip6") {
      *has_sender = sender_terms_ = true;
      if (!t.colon) {
        add(Severity::kError, "missing-value", fmt::format("'{}' needs an address: {}:<address>[/prefix]", t.text, t.name),
            fmt::format("{}:{}", t.name, t.name == "ip4" ? "192.0.2.25" : "2001:db8::25"));
        return;
      }
      std::string e = check_ip(t.name, t.value);
      if (!e.empty()) add(Severity::kError, "malformed-ip", fmt::format("'{}': {}", t.text, e), "a valid address or range");
      return;
    }
    if (t.name == "a" || t.name == "mx") {
      *has_sender = sender_terms_ = true;
      std::string e = check_a_mx(t);
      if (!e.empty()) add(Severity::kError, "malformed-domain", fmt::format("'{}': {}", t.text, e), t.name);
      if (t.colon && t.value.empty())
        add(Severity::kError, "missing-value", fmt::format("'{}': ':' with no domain", t.text), t.name);
      return;
    }
    // include, exists
    if (!t.colon || t.value.empty()) {
      if (!joined)
        add(Severity::kError, t.name == "include" ? "include-empty" : "missing-value",
            fmt::format("'{}' has no domain", t.text), fmt::format("{}:<domain>", t.name));
      return;
    }
    std::string e = check_domain_spec(t.value);
    if (!e.empty()) {
      std::string fix = util::is_ipv4(t.value) ? "ip4:" + t.value
                        : util::is_ipv6(t.value) ? "ip6:" + t.value
                                                 : fmt::format("{}:<domain>", t.name);
      add(Severity::kError, "malformed-domain", fmt::format("'{}': the domain is {}", t.text, e), fix);
      return;
    }
    if (t.name != "include") return;
    std::string host = util::lower(util::strip_dot(t.value));
    includes_.push_back(host);
    for (const auto& k : ctx_.spf_includes)
      if (util::iequals(k, host)) return;
    for (const auto& n : ctx_.no_spf_hosts) {
      if (!glob_match(n.pattern, host)) continue;
      add(Severity::kError, "include-without-spf",
          fmt::format("'include:{}': {} publishes no SPF record, so the include fails (permerror)", host, n.what),
          n.cause == "dns-spf.filter-inbound-host-in-spf"
              ? "use the filter's outbound SPF include (ndrscan advise --filter NAME shows it)"
              : fmt::format("list the host's addresses with ip4:/ip6: (or a:{})", host),
          n.cause);
      break;
    }
  }

  const SpfContext& ctx_;
  std::vector<Finding>* out_;
  int record_ = 0;
  bool sender_terms_ = false;
  std::vector<std::string> includes_;
};

}  // namespace

int count_lookups(const std::string& record) {
  int n = 0;
  for (const auto& tok : split_ws(record)) {
    Term t = parse_term(tok);
    if (is_lookup(t.name) && (t.modifier ? t.name == "redirect" : t.name != "redirect")) ++n;
  }
  return n;
}

std::vector<Finding> check_spf(const std::vector<std::string>& records, const SpfContext& ctx) {
  std::vector<Finding> out;
  Checker c(ctx, &out);
  int spf_records = 0;
  if (records.empty()) c.add(Severity::kError, "empty-record", "no record given", "v=spf1 ... -all");
  for (std::size_t i = 0; i < records.size(); ++i)
    if (c.check(static_cast<int>(i) + 1, records[i])) ++spf_records;
  if (spf_records > 1)
    out.push_back({Severity::kError, "several-records",
                   fmt::format("{} v=spf1 records: a domain must publish exactly one (receivers return permerror)",
                               spf_records),
                   "merge them into one record with one v=spf1 and one all", "dns-spf.two-spf-records", 0});
  if (spf_records > 0) {
    std::string where = ctx.scenario.empty() ? "" : fmt::format(" (scenario {})", ctx.scenario);
    for (const auto& r : ctx.required) {
      if (r.include.find('<') != std::string::npos) {
        out.push_back({Severity::kInfo, "include-unchecked",
                       fmt::format("the {}'s include cannot be checked without knowing which one{}", r.provider, where),
                       "pass --filter NAME", "", 0});
        continue;
      }
      std::string want = util::lower(r.include);
      const auto& inc = c.includes();
      if (std::find(inc.begin(), inc.end(), want) != inc.end()) continue;
      out.push_back({Severity::kError, "missing-include",
                     fmt::format("{} sends for the domain{} but include:{} is missing", r.provider, where, r.include),
                     fmt::format("add include:{} before the all mechanism", r.include),
                     "dns-spf.include-missing-for-route-provider", 0});
    }
    if (ctx.needs_onprem_ips && !c.record_has_sender_terms())
      out.push_back({Severity::kWarning, "onprem-ips-missing",
                     fmt::format("on-premises servers send for the domain{} but the record lists no ip4:/ip6:/a/mx "
                                 "term for them",
                                 where),
                     "add ip4:<public sending address of each on-premises server>", "dns-spf.onprem-ips-missing", 0});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return static_cast<int>(a.severity) < static_cast<int>(b.severity); });
  if (out.size() > kMaxFindings) {
    std::size_t more = out.size() - kMaxFindings;
    out.resize(kMaxFindings);
    out.push_back({Severity::kInfo, "truncated", fmt::format("{} more findings left out", more),
                   "fix the ones above and check again", "", 0});
  }
  return out;
}

}  // namespace ndrscan::advise
