// matcher.cc - condition evaluation, scoring and ranking of causes.
#include "src/catalogue/matcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "parsers/microsoft/auth_results.h"
#include "parsers/microsoft/ms_headers.h"
#include "parsers/reason/reason.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "src/util/strings.h"

namespace ndrscan::catalogue {
namespace {

constexpr std::size_t kMaxText = 64 * 1024;  // bytes of a diagnostic that are searched

struct Node {
  std::string cls, provider;
};

/// Facts of the whole message, computed once.
struct MessageFacts {
  std::vector<Node> route;
  std::string route_text;  ///< "unknown > eop > onprem (original)"
  const RejectedBy* rejected = nullptr;
  std::string dialect;
  std::optional<std::string> header[12];  ///< by header_fact_names() index, lowercase
};

/// Facts of one recipient.
struct RecipientFacts {
  const Recipient* r = nullptr;
  std::string_view raw;  ///< diagnostic (capped)
  std::string lower;     ///< raw lowercased, same length
  std::string norm;      ///< lowercased, blanks collapsed
  std::string domain;    ///< recipient domain, lowercase
  util::Hits phrases;    ///< which of Catalogue::phrases() are in norm
};

/// What a held condition captured, for evidence.
struct Capture {
  std::string phrase, code;
};

int header_index(std::string_view fact) {
  const auto& names = header_fact_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == fact) return static_cast<int>(i);
  return -1;
}

void set_header(MessageFacts* m, std::string_view fact, const std::string& v) {
  int i = header_index(fact);
  if (i >= 0 && !m->header[i] && !v.empty()) m->header[i] = util::lower(v);
}

void header_facts(const std::shared_ptr<microsoft::MsHeaders>& ms, const std::shared_ptr<microsoft::AuthFindings>& au,
                  MessageFacts* m) {
  if (ms) {
    set_header(m, "auth_as", ms->auth_as);
    set_header(m, "auth_source", ms->auth_source);
    if (ms->scl) set_header(m, "scl", std::to_string(*ms->scl));
    if (ms->bcl) set_header(m, "bcl", std::to_string(*ms->bcl));
    set_header(m, "sfv", ms->ffas_sfv);
    set_header(m, "cat", ms->ffas_cat);
    set_header(m, "dir", ms->ffas_dir);
  }
  if (au) {
    if (au->results) {
      set_header(m, "spf", au->results->spf);
      set_header(m, "dkim", au->results->dkim);
      set_header(m, "dmarc", au->results->dmarc);
      set_header(m, "compauth", au->results->compauth);
      set_header(m, "compauth_reason", au->results->compauth_reason);
    }
    if (au->received_spf) set_header(m, "spf", au->received_spf->result);
  }
}

void route_nodes(const std::vector<Hop>& hops, std::vector<Node>* out) {
  auto push = [&](const std::optional<NetworkInfo>& n) {
    if (!n) return;
    if (!out->empty() && out->back().cls == n->net_class && out->back().provider == n->provider) return;
    out->push_back({n->net_class, n->provider});
  };
  for (const auto& h : hops) {
    if (!h.from_ip.empty() || !h.from_host.empty() || !h.from_rdns.empty()) push(h.from_network);
    push(h.by_network);
  }
}

MessageFacts message_facts(const Analysis& a) {
  MessageFacts m;
  bool original = a.original && !a.original->hops.empty();
  route_nodes(original ? a.original->hops : a.hops, &m.route);
  for (const auto& n : m.route) {
    if (!m.route_text.empty()) m.route_text += '>';
    m.route_text += n.cls;
    if (!n.provider.empty() && n.provider != n.cls) m.route_text.append("/").append(n.provider);
  }
  if (m.route_text.empty()) m.route_text = "(no route)";
  m.route_text += original ? " (original)" : " (bounce)";
  if (a.rejected_by) m.rejected = &*a.rejected_by;
  m.dialect = a.dialect;
  // the original's facts first, then the bounce's for what it lacks
  if (a.original) header_facts(a.original->microsoft, a.original->authentication, &m);
  header_facts(a.microsoft, a.authentication, &m);
  return m;
}

RecipientFacts recipient_facts(const Recipient& r) {
  RecipientFacts f;
  f.r = &r;
  f.raw = std::string_view(r.diagnostic).substr(0, kMaxText);
  f.lower = util::lower(f.raw);
  f.norm.reserve(f.lower.size());
  bool blank = false;
  for (char c : f.lower) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      blank = true;
      continue;
    }
    if (blank && !f.norm.empty()) f.norm.push_back(' ');
    blank = false;
    f.norm.push_back(c);
  }
  std::size_t at = r.address.rfind('@');
  if (at != std::string::npos) f.domain = util::lower(util::strip_dot(std::string_view(r.address).substr(at + 1)));
  return f;
}

bool code_char(char c) { return util::is_alpha(c) || util::is_digit(c) || c == '_' || c == '-'; }

/// find_code - a code token in `lower` (boundaries: not inside a longer
/// token); returns the token as written in `raw`.
bool find_code(const Value& v, const RecipientFacts& f, std::string* token) {
  std::size_t p = 0;
  while ((p = f.lower.find(v.prefix, p)) != std::string::npos) {
    std::size_t end = p + v.prefix.size();
    bool before_ok = p == 0 || !(code_char(f.lower[p - 1]) || f.lower[p - 1] == '.');
    bool after_ok = true;
    if (v.wildcard) {
      while (end < f.lower.size() &&
             (code_char(f.lower[end]) || (f.lower[end] == '.' && end + 1 < f.lower.size() && code_char(f.lower[end + 1]))))
        ++end;
    } else if (end < f.lower.size()) {
      char c = f.lower[end];
      after_ok = !code_char(c) && !(c == '.' && end + 1 < f.lower.size() && code_char(f.lower[end + 1]));
    }
    if (before_ok && after_ok) {
      *token = std::string(f.raw.substr(p, end - p));
      return true;
    }
    ++p;
  }
  return false;
}

bool prefix_match(const Value& v, std::string_view s) {
  if (s.empty()) return false;
  return v.wildcard ? s.substr(0, v.prefix.size()) == v.prefix : s == v.prefix;
}

bool compare(const Value& v, const std::string& actual) {
  if (v.op == Op::kGe || v.op == Op::kLe) {
    bool digits = !actual.empty() && actual.size() <= 9 &&
                  std::all_of(actual.begin(), actual.end(), [](char c) { return util::is_digit(c); });
    if (!digits || !v.number) return false;
    long n = std::stol(actual);
    return v.op == Op::kGe ? n >= *v.number : n <= *v.number;
  }
  bool eq = v.number && !actual.empty() &&
                    std::all_of(actual.begin(), actual.end(), [](char c) { return util::is_digit(c); }) &&
                    actual.size() <= 9
                ? std::stol(actual) == *v.number
                : actual == v.operand;
  return v.op == Op::kEq ? eq : !eq;
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

/// route_providers - providers on the route that could send for the domain
/// (not the site, private networks or the unclassified Internet).
std::vector<std::string> route_providers(const MessageFacts& m) {
  std::vector<std::string> out;
  for (const auto& n : m.route)
    if (!n.provider.empty() && n.provider != "site" && n.provider != "private" && n.cls != "onprem" &&
        n.cls != "unknown" && !contains(out, n.provider))
      out.push_back(n.provider);
  return out;
}

/// profile_fact - (known, equal) for one value; `detail` describes the fact.
bool profile_fact(const Value& v, const MessageFacts& m, const RecipientFacts& f, const SiteFacts& s,
                  std::string* detail) {
  bool known = false, eq = false;
  if (v.fact == "profile") {
    known = true;
    eq = (v.operand == "present") == s.present;
    *detail = s.present ? "a site profile is present" : "no site profile";
  } else if (v.fact == "domain_type") {
    for (const auto& d : s.domains) {
      if (d.name != f.domain) continue;
      known = true;
      eq = util::iequals(d.exo_type, v.operand) || util::iequals(d.onprem_type, v.operand);
      *detail = fmt::format("{}: Exchange Online {}, on-premises {}", d.name, d.exo_type.empty() ? "-" : d.exo_type,
                            d.onprem_type.empty() ? "-" : d.onprem_type);
    }
    if (!known) *detail = fmt::format("recipient domain {} not in the site profile", f.domain.empty() ? "?" : f.domain);
  } else if (v.fact == "mx_provider") {
    known = !s.mx_classes.empty();
    eq = contains(s.mx_classes, v.operand);
    *detail = known ? fmt::format("MX is {}", fmt::join(s.mx_classes, "/")) : "no MX in the site profile";
  } else if (v.fact == "has_connector") {
    known = s.present;
    eq = v.operand == "inbound" ? s.inbound_connector : s.outbound_connector;
    *detail = fmt::format("connectors: inbound {}, outbound {}", s.inbound_connector ? "yes" : "no",
                          s.outbound_connector ? "yes" : "no");
  } else if (v.fact == "spf_includes") {
    known = s.spf_known;
    eq = contains(s.spf_includes, v.operand);
    *detail = known ? fmt::format("SPF includes {}", s.spf_includes.empty() ? "nothing" : fmt::format("{}", fmt::join(s.spf_includes, ", ")))
                    : "no SPF record in the site profile";
  } else if (v.fact == "spf_missing") {
    known = s.spf_known;
    std::vector<std::string> missing;
    for (const auto& p : route_providers(m))
      if (!contains(s.spf_includes, p)) missing.push_back(p);
    eq = v.operand == "*" ? !missing.empty() : contains(missing, v.operand);
    *detail = !known ? std::string("no SPF record in the site profile")
              : missing.empty() ? std::string("SPF covers every provider on the route")
                                : fmt::format("not in SPF: {}", fmt::join(missing, ", "));
  }
  return known && (v.op == Op::kEq ? eq : !eq);
}

/// holds - one condition (any of its values); `detail` says what was seen
/// (may be null: the first pass over a cause only needs the answer).
bool holds(const Condition& c, const MessageFacts& m, const RecipientFacts& f, const SiteFacts& s, Capture* cap,
           std::string* detail) {
  const Recipient& r = *f.r;
  switch (c.key) {
    case Key::kStatus:
      if (detail) *detail = r.status.empty() ? "no status" : "status " + r.status;
      for (const auto& v : c.values)
        if (prefix_match(v, r.status)) return true;
      return false;
    case Key::kReplyCode:
      if (detail) *detail = r.reply_code.empty() ? "no reply code" : "reply " + r.reply_code;
      for (const auto& v : c.values)
        if (prefix_match(v, r.reply_code)) return true;
      return false;
    case Key::kPhrases:
      for (const auto& v : c.values)
        if (f.phrases.test(v.phrase_id)) {
          if (detail) *detail = fmt::format("phrase \"{}\" in the diagnostic", v.text);
          if (cap->phrase.empty()) cap->phrase = v.text;
          return true;
        }
      if (detail) *detail = f.norm.empty() ? "no diagnostic text" : "no phrase in the diagnostic";
      return false;
    case Key::kRegex:
      for (const auto& v : c.values)
        if (v.regex.search(f.raw)) {
          if (detail) *detail = fmt::format("regex '{}' matched", v.text);
          return true;
        }
      if (detail) *detail = "no regex matched the diagnostic";
      return false;
    case Key::kCodes:
      for (const auto& v : c.values) {
        std::string token;
        if (find_code(v, f, &token)) {
          if (detail) *detail = "code " + token;
          if (cap->code.empty()) cap->code = token;
          return true;
        }
      }
      if (detail) *detail = "no code in the diagnostic";
      return false;
    case Key::kReason:
      if (detail) *detail = r.reason.empty() ? "no reason" : "reason " + r.reason;
      for (const auto& v : c.values)
        if (util::iequals(r.reason, v.text)) return true;
      return false;
    case Key::kRejectedClass:
      if (detail) *detail = m.rejected ? "rejected_by class " + m.rejected->network.net_class : "no rejecting server known";
      for (const auto& v : c.values)
        if (m.rejected && m.rejected->network.net_class == v.text) return true;
      return false;
    case Key::kRejectedProvider:
      if (detail) *detail = !m.rejected                           ? std::string("no rejecting server known")
                : m.rejected->network.provider.empty() ? std::string("rejected_by has no provider")
                                                       : "rejected_by provider " + m.rejected->network.provider;
      for (const auto& v : c.values)
        if (m.rejected && m.rejected->network.provider == v.text) return true;
      return false;
    case Key::kRoute:
      if (detail) *detail = "route " + m.route_text;
      for (const auto& v : c.values) {
        std::size_t i = 0;
        for (const auto& n : m.route)
          if (i < v.shape.size() && (n.cls == v.shape[i] || n.provider == v.shape[i])) ++i;
        if (i == v.shape.size()) return true;
      }
      return false;
    case Key::kDialect:
      if (detail) *detail = m.dialect.empty() ? "no dialect" : "dialect " + m.dialect;
      for (const auto& v : c.values)
        if (m.dialect == v.text) return true;
      return false;
    case Key::kHeader: {
      std::string seen;
      bool any = false;
      for (const auto& v : c.values) {
        int i = header_index(v.fact);
        const auto& actual = m.header[i];
        const bool hit = actual && compare(v, *actual);
        if (!detail) {
          if (hit) return true;
          continue;
        }
        std::string d = actual ? fmt::format("{}={}", v.fact, *actual) : v.fact + " not in the headers";
        if (seen.find(d) == std::string::npos) seen += (seen.empty() ? "" : ", ") + d;
        if (hit) {
          *detail = d;
          any = true;
          break;
        }
      }
      if (!any && detail) *detail = seen;
      return any;
    }
    case Key::kProfile: {
      std::string seen;
      for (const auto& v : c.values) {
        std::string d;
        bool ok = profile_fact(v, m, f, s, &d);
        if (ok) {
          if (detail) *detail = d;
          return true;
        }
        if (detail && seen.find(d) == std::string::npos) seen += (seen.empty() ? "" : "; ") + d;
      }
      if (detail) *detail = seen;
      return false;
    }
  }
  return false;
}

std::string values_text(const Condition& c) {
  std::string out;
  for (const auto& v : c.values) out += (out.empty() ? "" : ", ") + v.text;
  return out;
}

std::string render_evidence(const Cause& cause, const Analysis& a, const MessageFacts& m, const Recipient& r,
                            const Capture& cap) {
  const std::string& t = cause.evidence;
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') {
      out.push_back(t[i]);
      continue;
    }
    std::size_t close = t.find('}', i);
    if (close == std::string::npos) {
      out += t.substr(i);
      break;
    }
    std::string name = t.substr(i + 1, close - i - 1);
    std::string v;
    if (name == "status") v = r.status;
    else if (name == "reply") v = r.reply_code;
    else if (name == "diagnostic") v = r.diagnostic.size() > 300 ? r.diagnostic.substr(0, 300) + "..." : r.diagnostic;
    else if (name == "recipient") v = r.address;
    else if (name == "rejected_by") {
      if (m.rejected) v = m.rejected->host.empty() ? m.rejected->ip : m.rejected->host;
      if (v.empty()) v = "the remote server";
    } else if (name == "rejected_class") v = m.rejected ? m.rejected->network.net_class : "";
    else if (name == "hop") v = m.rejected && m.rejected->hop ? std::to_string(m.rejected->hop) : "";
    else if (name == "route") v = a.original && !a.original_route.empty() ? a.original_route : a.route;
    else if (name == "code") v = cap.code;
    else if (name == "phrase") v = cap.phrase;
    out += v.empty() ? "?" : v;
    i = close;
  }
  return out;
}

}  // namespace

bool counts_for_causes(const Recipient& r) {
  if (r.action == "failed" || r.action == "delayed") return true;
  if (!r.action.empty()) return false;
  char c = !r.status.empty() ? r.status[0] : !r.reply_code.empty() ? r.reply_code[0] : '\0';
  return c == '4' || c == '5';
}

namespace {

std::vector<CauseMatch> rank_one(const Catalogue& cat, const Analysis& a, const MessageFacts& m, const Recipient& r,
                                 const SiteFacts& site, bool explain) {
  std::vector<CauseMatch> out;
  if (cat.empty()) return out;
  RecipientFacts f = recipient_facts(r);
  cat.phrases().mark(f.norm, &f.phrases);
  std::string detail;
  const auto& causes = cat.causes();
  for (std::size_t ci = 0; ci < causes.size(); ++ci) {
    if (!cat.may_match(ci, f.phrases)) continue;
    const Cause& cause = causes[ci];
    Capture cap;
    bool ok = true;
    for (const auto& c : cause.match)
      if (!holds(c, m, f, site, &cap, nullptr)) {
        ok = false;
        break;
      }
    if (!ok) continue;
    CauseMatch cm;
    cm.id = cause.id;
    cm.title = cause.title;
    cm.reason = cause.reason;
    cm.score = cause.weight;
    if (explain)
      for (const auto& c : cause.match) {
        holds(c, m, f, site, &cap, &detail);
        cm.explain.push_back(fmt::format("✓ match {} [{}]: {}", key_name(c.key), values_text(c), detail));
      }
    std::vector<std::string> whys;
    std::string sum = std::to_string(cause.weight);
    for (const auto& sig : cause.signals) {
      bool held = true;
      std::vector<std::string> parts;
      for (const auto& c : sig.when) {
        Capture sc = cap;
        bool h = holds(c, m, f, site, &sc, &detail);
        if (explain) parts.push_back(fmt::format("{} [{}]: {}", key_name(c.key), values_text(c), detail));
        if (h) cap = sc;
        if (!h) {
          held = false;
          if (!explain) break;
        }
      }
      if (held) {
        cm.score += sig.points;
        whys.push_back(sig.why);
        sum += fmt::format(" + {}", sig.points);
      }
      if (explain)
        cm.explain.push_back(fmt::format("{} signal +{} ({}): {}", held ? "✓" : "✗", sig.points, sig.why,
                                         fmt::join(parts, "; ")));
    }
    if (explain) cm.explain.push_back(fmt::format("= score {}{}", sum, sum.find('+') != std::string::npos ? fmt::format(" = {}", cm.score) : ""));
    if (!cause.evidence.empty()) cm.evidence.push_back(render_evidence(cause, a, m, r, cap));
    for (auto& w : whys) cm.evidence.push_back(std::move(w));
    cm.steps = cause.steps;
    cm.refs = cause.refs;
    out.push_back(std::move(cm));
  }
  std::sort(out.begin(), out.end(), [](const CauseMatch& x, const CauseMatch& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  for (std::size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<int>(i) + 1;
  return out;
}

}  // namespace

std::vector<CauseMatch> rank_recipient(const Catalogue& c, const Analysis& a, const Recipient& r,
                                       const SiteFacts& site, const classify::NetworkTables& /*nets*/, bool explain) {
  if (c.empty()) return {};
  MessageFacts m = message_facts(a);
  return rank_one(c, a, m, r, site, explain);
}

void rank_with(Analysis& a, const Catalogue& c, const SiteFacts& site, const classify::NetworkTables& /*nets*/,
               bool explain) {
  a.causes.clear();
  if (c.empty()) return;
  MessageFacts m = message_facts(a);
  std::map<std::string, std::size_t> index;  // id -> position in a.causes
  for (auto& r : a.recipients) {
    if (!counts_for_causes(r)) continue;
    std::vector<CauseMatch> ranked = rank_one(c, a, m, r, site, explain);
    if (ranked.empty()) continue;
    r.cause = ranked.front().id;
    std::string who = r.address.empty() ? std::string("(no address)") : r.address;
    for (auto& cm : ranked) {
      auto it = index.find(cm.id);
      if (it == index.end()) {
        cm.recipients.push_back(who);
        index.emplace(cm.id, a.causes.size());
        a.causes.push_back(std::move(cm));
        continue;
      }
      CauseMatch& have = a.causes[it->second];
      if (!contains(have.recipients, who)) have.recipients.push_back(who);
      if (cm.score > have.score) {  // a better recipient: its evidence and explanation
        cm.recipients = std::move(have.recipients);
        have = std::move(cm);
      }
    }
  }
  std::sort(a.causes.begin(), a.causes.end(), [](const CauseMatch& x, const CauseMatch& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  for (std::size_t i = 0; i < a.causes.size(); ++i) a.causes[i].rank = static_cast<int>(i) + 1;
}

void rank(Analysis& a, const Knowledge& k, bool explain) {
  rank_with(a, k.causes, k.causes.site(), k.networks, explain);
}

// ------------------------------------------------------------ sample cases

namespace {

/// other_value - a value that differs from `v` (for a != condition).
std::string other_value(const Value& v, const std::vector<std::string>& choices) {
  for (const auto& c : choices)
    if (!util::iequals(c, v.operand)) return c;
  return v.number ? std::to_string(*v.number + 1) : "x-other";
}

NetworkInfo node_info(const std::string& el, const classify::NetworkTables& nets) {
  NetworkInfo n;
  if (classify::parse_class(el)) {
    n.net_class = el;
  } else {
    int p = nets.find_provider(el);
    n.provider = el;
    n.net_class = p >= 0 ? classify::class_name(nets.provider(p).default_class) : (el == "site" ? "onprem" : "provider");
    if (p >= 0) n.provider_name = nets.provider(p).name;
  }
  n.confidence = 90;
  return n;
}

}  // namespace

SampleCase sample_case(std::string_view line, const Cause* context, const Knowledge& k) {
  SampleCase sc;
  Analysis& a = sc.analysis;
  a.source = "<sample>";
  a.input_kind = "message";
  a.dialect = "rfc3464";
  const Condition* dialect = context ? context->condition(Key::kDialect) : nullptr;
  if (dialect) a.dialect = dialect->values.front().text;
  Recipient r;
  r.address = "user@contoso.com";
  r.action = "failed";
  r.diagnostic = std::string(line);
  r.diagnostic_type = "smtp";
  r.status = rfc3464::find_enhanced_status(line);
  r.reply_code = rfc3464::find_reply_code(line);
  reason::ReasonResult rr = reason::classify(r, a.dialect, k.reasons);
  r.reason = rr.reason;
  r.hard = rr.hard;
  r.reason_evidence = rr.evidence;
  if (r.status.empty() && !rr.status.empty()) {
    r.status = rr.status;
    r.status_inferred = true;
  }
  r.status_text = k.status_codes.meaning(r.status);
  a.recipients.push_back(std::move(r));
  if (!context) return sc;

  // rejected_by from rejected_class / rejected_provider
  const Condition* rc = context->condition(Key::kRejectedClass);
  const Condition* rp = context->condition(Key::kRejectedProvider);
  if (rc || rp) {
    RejectedBy rej;
    rej.host = "mail.contoso.com";
    rej.source = "Remote-MTA";
    if (rp) rej.network = node_info(rp->values.front().text, k.networks);
    if (rc) rej.network.net_class = rc->values.front().text;
    a.rejected_by = rej;
  }
  // route: one hop per pair of consecutive elements
  std::vector<std::string> shape;
  if (const Condition* route = context->condition(Key::kRoute)) shape = route->values.front().shape;
  // header facts
  if (const Condition* hdr = context->condition(Key::kHeader)) {
    const Value& v = hdr->values.front();
    std::string val = v.op == Op::kNe ? other_value(v, {"pass", "fail", "none"}) : v.operand;
    auto ms = std::make_shared<microsoft::MsHeaders>();
    auto au = std::make_shared<microsoft::AuthFindings>();
    au->results.emplace();
    ms->any = true;
    if (v.fact == "auth_as") ms->auth_as = val;
    else if (v.fact == "auth_source") ms->auth_source = val;
    else if (v.fact == "scl") ms->scl = static_cast<int>(std::stol(val));
    else if (v.fact == "bcl") ms->bcl = static_cast<int>(std::stol(val));
    else if (v.fact == "sfv") ms->ffas_sfv = val;
    else if (v.fact == "cat") ms->ffas_cat = val;
    else if (v.fact == "dir") ms->ffas_dir = val;
    else if (v.fact == "spf") au->results->spf = val;
    else if (v.fact == "dkim") au->results->dkim = val;
    else if (v.fact == "dmarc") au->results->dmarc = val;
    else if (v.fact == "compauth") au->results->compauth = val;
    else if (v.fact == "compauth_reason") au->results->compauth_reason = val;
    a.microsoft = ms;
    a.authentication = au;
  }
  // profile facts
  if (const Condition* prof = context->condition(Key::kProfile)) {
    const Value& v = prof->values.front();
    bool ne = v.op == Op::kNe;
    SiteFacts& s = sc.site;
    s.present = true;
    if (v.fact == "profile") {
      s.present = (v.operand == "present") != ne;
    } else if (v.fact == "domain_type") {
      std::string t = ne ? other_value(v, {"Authoritative", "InternalRelay", "ExternalRelay"}) : v.operand;
      s.domains.push_back({"contoso.com", t, t});
    } else if (v.fact == "mx_provider") {
      s.mx_classes.push_back(ne ? other_value(v, {"onprem", "eop"}) : v.operand);
    } else if (v.fact == "has_connector") {
      bool in = v.operand == "inbound";
      s.inbound_connector = in != ne;
      s.outbound_connector = !in != ne;
    } else if (v.fact == "spf_includes") {
      s.spf_known = true;
      if (!ne) s.spf_includes.push_back(v.operand);
    } else if (v.fact == "spf_missing") {
      s.spf_known = true;
      std::string p = v.operand == "*" ? std::string("x-sample-provider") : v.operand;
      if (ne) s.spf_includes.push_back(p);
      bool on_route = std::find(shape.begin(), shape.end(), p) != shape.end();
      if (!on_route) shape.insert(shape.begin(), p);
    }
  }
  if (!shape.empty()) {
    if (shape.size() == 1) {
      Hop h;
      h.index = 1;
      h.by_host = "mx.contoso.com";
      h.by_network = node_info(shape[0], k.networks);
      a.hops.push_back(std::move(h));
    }
    for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
      Hop h;
      h.index = static_cast<int>(i) + 1;
      h.from_host = fmt::format("hop{}.example", i);
      h.by_host = fmt::format("hop{}.example", i + 1);
      h.from_network = node_info(shape[i], k.networks);
      h.by_network = node_info(shape[i + 1], k.networks);
      a.hops.push_back(std::move(h));
    }
    for (const auto& el : shape) a.route += (a.route.empty() ? "" : " > ") + el;
  }
  return sc;
}

}  // namespace ndrscan::catalogue
