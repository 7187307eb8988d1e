// catalogue.cc - cause catalogue loader, validator and TOML dumper (toml++).
#include "src/catalogue/catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <toml++/toml.h>

#include "parsers/dialects/dialect.h"
#include "parsers/reason/reason.h"
#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::catalogue {
namespace fs = std::filesystem;

// ------------------------------------------------------------ vocabularies

namespace {

constexpr const char* kKeyNames[kKeyCount] = {"status",         "reply_code",        "phrases", "regex",
                                              "codes",          "reason",            "rejected_class",
                                              "rejected_provider", "route",          "dialect", "header",
                                              "profile"};

const std::vector<std::string>& class_names() {
  static const std::vector<std::string> v = {"eop",      "exchange-online", "onprem", "third-party-filter",
                                             "provider", "private",         "unknown"};
  return v;
}

const std::vector<std::string>& placeholder_names() {
  static const std::vector<std::string> v = {"status",         "reply", "diagnostic", "recipient", "rejected_by",
                                             "rejected_class", "hop",   "route",      "code",      "phrase"};
  return v;
}

bool numeric_header_fact(std::string_view f) { return f == "scl" || f == "bcl" || f == "compauth_reason"; }

std::string hint(std::string_view word, const std::vector<std::string>& candidates) {
  std::string h = util::did_you_mean(word, candidates);
  return h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h);
}

std::vector<std::string> dialect_names() {
  std::vector<std::string> v = {"rfc3464"};
  for (const auto& d : dialects::registry()) v.emplace_back(d.name);
  return v;
}

std::vector<std::string> provider_ids(const classify::NetworkTables& n) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n.provider_count(); ++i) v.push_back(n.provider(static_cast<int>(i)).id);
  if (std::find(v.begin(), v.end(), "site") == v.end()) v.emplace_back("site");
  return v;
}

bool known_provider(std::string_view id, const LoadContext& ctx) {
  if (!ctx.networks || id == "site") return true;
  return ctx.networks->find_provider(id) >= 0;
}

/// collapse - lowercase, blanks (space, tab, CR, LF) collapsed to one space, trimmed.
std::string collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool blank = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out.push_back(' ');
    blank = false;
    out.push_back(util::to_lower_ascii(c));
  }
  return out;
}

/// parse_fact - "fact op operand" with op one of = != >= <=.
bool parse_fact(std::string_view text, Value* v, std::string* err) {
  std::size_t p = text.find_first_of("=!<>");
  if (p == std::string_view::npos) {
    *err = fmt::format("'{}' is not 'fact=value' (operators: =, !=, >=, <=)", text);
    return false;
  }
  std::size_t oplen = 1;
  if (text[p] == '=') v->op = Op::kEq;
  else if (p + 1 < text.size() && text[p + 1] == '=') {
    oplen = 2;
    v->op = text[p] == '!' ? Op::kNe : text[p] == '>' ? Op::kGe : Op::kLe;
  } else {
    *err = fmt::format("'{}': operator must be =, !=, >= or <=", text);
    return false;
  }
  v->fact = std::string(util::trim(text.substr(0, p)));
  v->operand = util::lower(util::trim(text.substr(p + oplen)));
  if (v->fact.empty() || v->operand.empty()) {
    *err = fmt::format("'{}' is not 'fact=value'", text);
    return false;
  }
  bool digits = std::all_of(v->operand.begin(), v->operand.end(), [](char c) { return util::is_digit(c); });
  if (digits && v->operand.size() <= 9) v->number = std::stol(v->operand);
  return true;
}

bool valid_number_part(std::string_view s) {
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return util::is_digit(c); });
}

}  // namespace

const char* key_name(Key k) { return kKeyNames[static_cast<int>(k)]; }

const std::vector<std::string>& condition_key_names() {
  static const std::vector<std::string> v(std::begin(kKeyNames), std::end(kKeyNames));
  return v;
}

const std::vector<std::string>& header_fact_names() {
  static const std::vector<std::string> v = {"auth_as", "auth_source", "spf", "dkim", "dmarc", "compauth",
                                             "compauth_reason", "scl", "bcl", "sfv", "cat", "dir"};
  return v;
}

const std::vector<std::string>& profile_fact_names() {
  static const std::vector<std::string> v = {"domain_type", "mx_provider", "has_connector",
                                             "spf_includes", "spf_missing", "profile"};
  return v;
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kEq: return "=";
    case Op::kNe: return "!=";
    case Op::kGe: return ">=";
    case Op::kLe: return "<=";
  }
  return "=";
}

std::string SourcePos::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, col);
}

std::string Problem::str() const {
  return fmt::format("{}: {}{}", pos.str(), error ? "" : "warning: ", message);
}

bool Cause::needs_context() const {
  for (const auto& c : match)
    switch (c.key) {
      case Key::kRejectedClass:
      case Key::kRejectedProvider:
      case Key::kRoute:
      case Key::kDialect:
      case Key::kHeader:
      case Key::kProfile: return true;
      default: break;
    }
  return false;
}

const Condition* Cause::condition(Key k) const {
  for (const auto& c : match)
    if (c.key == k) return &c;
  return nullptr;
}

// ------------------------------------------------------------ values

bool parse_condition_value(Key key, std::string_view text, const LoadContext& ctx, Value* v, std::string* err) {
  v->text = std::string(text);
  std::string_view t = util::trim(text);
  if (t.empty()) {
    *err = fmt::format("{}: empty value", key_name(key));
    return false;
  }
  switch (key) {
    case Key::kStatus: {
      // "5.7.1", "5.7.*", "5.*": class 2, 4 or 5; '*' only as the last part.
      std::vector<std::string_view> parts;
      std::size_t start = 0;
      for (std::size_t i = 0; i <= t.size(); ++i)
        if (i == t.size() || t[i] == '.') {
          parts.push_back(t.substr(start, i - start));
          start = i + 1;
        }
      bool wild = parts.back() == "*";
      bool ok = parts.size() <= 3 && (wild ? parts.size() >= 2 : parts.size() == 3);
      for (std::size_t i = 0; ok && i + (wild ? 1 : 0) < parts.size(); ++i) ok = valid_number_part(parts[i]);
      if (ok) ok = parts[0] == "2" || parts[0] == "4" || parts[0] == "5";
      if (!ok) {
        *err = t.find('*') != std::string_view::npos
                   ? fmt::format("bad wildcard '{}' in status (use \"5.7.*\" or \"5.*\": '*' replaces whole last parts)", t)
                   : fmt::format("'{}' is not an enhanced status code (class.subject.detail, e.g. \"5.7.1\")", t);
        return false;
      }
      v->wildcard = wild;
      v->prefix = std::string(wild ? t.substr(0, t.size() - 1) : t);
      return true;
    }
    case Key::kReplyCode: {
      bool wild = t.back() == '*';
      std::string_view digits = wild ? t.substr(0, t.size() - 1) : t;
      bool ok = !digits.empty() && digits.size() <= 3 && (wild || digits.size() == 3) &&
                std::all_of(digits.begin(), digits.end(), [](char c) { return util::is_digit(c); }) &&
                digits[0] >= '2' && digits[0] <= '5';
      if (!ok) {
        *err = t.find('*') != std::string_view::npos
                   ? fmt::format("bad wildcard '{}' in reply_code (use \"550\" or \"55*\")", t)
                   : fmt::format("'{}' is not an SMTP reply code (three digits, e.g. \"550\")", t);
        return false;
      }
      v->wildcard = wild;
      v->prefix = std::string(digits);
      return true;
    }
    case Key::kPhrases:
      v->text = collapse(t);
      return true;
    case Key::kRegex: {
      std::string rerr;
      if (!v->regex.compile(t, &rerr)) {
        *err = fmt::format("bad regex '{}': {}", t, rerr);
        return false;
      }
      return true;
    }
    case Key::kCodes: {
      std::size_t star = t.find('*');
      if (star != std::string_view::npos && (star != t.size() - 1 || t.size() == 1)) {
        *err = fmt::format("bad wildcard '{}' in codes ('*' only at the end, after a prefix: \"RESOLVER.RST.*\")", t);
        return false;
      }
      if (std::any_of(t.begin(), t.end(), [](char c) { return util::is_space(c); })) {
        *err = fmt::format("code '{}' contains a blank (codes are single tokens; use phrases for text)", t);
        return false;
      }
      v->wildcard = star != std::string_view::npos;
      v->prefix = util::lower(v->wildcard ? t.substr(0, t.size() - 1) : t);
      return true;
    }
    case Key::kReason:
      if (ctx.reasons && ctx.reasons->id(t) < 0) {
        std::vector<std::string> names;
        for (const auto& r : ctx.reasons->reasons()) names.push_back(r.name);
        *err = fmt::format("unknown reason '{}'{}", t, hint(t, names));
        return false;
      }
      return true;
    case Key::kRejectedClass:
      if (!classify::parse_class(t)) {
        *err = fmt::format("unknown class '{}'{} (eop, exchange-online, onprem, third-party-filter, provider, private, "
                           "unknown)",
                           t, hint(t, class_names()));
        return false;
      }
      return true;
    case Key::kRejectedProvider:
      if (!known_provider(t, ctx)) {
        *err = fmt::format("unknown provider '{}'{}", t, hint(t, provider_ids(*ctx.networks)));
        return false;
      }
      return true;
    case Key::kRoute: {
      std::size_t start = 0;
      for (std::size_t i = 0; i <= t.size(); ++i) {
        if (i < t.size() && t[i] != '>') continue;
        std::string el = util::lower(util::trim(t.substr(start, i - start)));
        start = i + 1;
        if (el == "internet") el = "unknown";
        if (el.empty()) {
          *err = fmt::format("route '{}' has an empty element (write \"eop>onprem\")", t);
          return false;
        }
        if (!classify::parse_class(el) && !known_provider(el, ctx)) {
          std::vector<std::string> cands = class_names();
          if (ctx.networks)
            for (auto& p : provider_ids(*ctx.networks)) cands.push_back(p);
          *err = fmt::format("route '{}': '{}' is neither a network class nor a provider id{}", t, el, hint(el, cands));
          return false;
        }
        v->shape.push_back(std::move(el));
      }
      return true;
    }
    case Key::kDialect: {
      auto names = dialect_names();
      if (std::find(names.begin(), names.end(), t) == names.end()) {
        *err = fmt::format("unknown dialect '{}'{}", t, hint(t, names));
        return false;
      }
      return true;
    }
    case Key::kHeader: {
      if (!parse_fact(t, v, err)) return false;
      const auto& facts = header_fact_names();
      if (std::find(facts.begin(), facts.end(), v->fact) == facts.end()) {
        *err = fmt::format("unknown header fact '{}'{}", v->fact, hint(v->fact, facts));
        return false;
      }
      if ((v->op == Op::kGe || v->op == Op::kLe) && (!numeric_header_fact(v->fact) || !v->number)) {
        *err = fmt::format("'{}': >= and <= need a numeric fact (scl, bcl, compauth_reason) and a number", t);
        return false;
      }
      if (numeric_header_fact(v->fact) && !v->number) {
        *err = fmt::format("'{}': {} is a number", t, v->fact);
        return false;
      }
      return true;
    }
    case Key::kProfile: {
      if (!parse_fact(t, v, err)) return false;
      const auto& facts = profile_fact_names();
      if (std::find(facts.begin(), facts.end(), v->fact) == facts.end()) {
        *err = fmt::format("unknown profile fact '{}'{}", v->fact, hint(v->fact, facts));
        return false;
      }
      if (v->op != Op::kEq && v->op != Op::kNe) {
        *err = fmt::format("'{}': profile facts compare with = or != only", t);
        return false;
      }
      auto one_of = [&](const std::vector<std::string>& allowed) {
        for (const auto& a : allowed)
          if (util::iequals(a, v->operand)) return true;
        *err = fmt::format("'{}': {} is one of {}{}", t, v->fact, fmt::join(allowed, ", "), hint(v->operand, allowed));
        return false;
      };
      if (v->fact == "domain_type") return one_of({"Authoritative", "InternalRelay", "ExternalRelay"});
      if (v->fact == "has_connector") return one_of({"inbound", "outbound"});
      if (v->fact == "profile") return one_of({"present", "absent"});
      if (v->fact == "mx_provider" || v->fact == "spf_missing") {
        if (v->fact == "spf_missing" && v->operand == "*") return true;
        if (!classify::parse_class(v->operand) && !known_provider(v->operand, ctx)) {
          std::vector<std::string> cands = class_names();
          if (ctx.networks)
            for (auto& p : provider_ids(*ctx.networks)) cands.push_back(p);
          *err = fmt::format("'{}': '{}' is neither a network class nor a provider id{}", t, v->operand,
                             hint(v->operand, cands));
          return false;
        }
      }
      return true;
    }
  }
  return true;
}

// ------------------------------------------------------------ loader

namespace {

SourcePos pos_of(const std::string& file, const toml::source_region& r) {
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

class FileLoader {
 public:
  FileLoader(std::string path, const LoadContext& ctx, std::vector<Problem>* problems)
      : path_(std::move(path)), ctx_(ctx), problems_(problems) {}

  void error(const toml::source_region& r, std::string msg) {
    problems_->push_back({pos_of(path_, r), true, std::move(msg)});
    ok_ = false;
  }
  void warning(const toml::source_region& r, std::string msg) {
    problems_->push_back({pos_of(path_, r), false, std::move(msg)});
  }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }

  /// check_keys - report every key of `t` not in `allowed`.
  void check_keys(const toml::table& t, const std::vector<std::string>& allowed, std::string_view where) {
    for (const auto& [k, v] : t) {
      std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      error(k.source(), fmt::format("unknown key '{}' in {}{}", key, where, hint(key, allowed)));
    }
  }

  /// str - a string key; `required` reports its absence at `owner`.
  bool str(const toml::table& t, const char* key, std::string* out, bool required, const toml::source_region& owner,
           std::string_view where) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) error(owner, fmt::format("{} has no '{}' (required)", where, key));
      return false;
    }
    if (!n->is_string()) {
      error(n->source(), fmt::format("'{}' must be a string", key));
      return false;
    }
    *out = n->value<std::string>().value_or("");
    if (required && util::trim(*out).empty()) {
      error(n->source(), fmt::format("'{}' is empty", key));
      return false;
    }
    return true;
  }

  bool integer(const toml::table& t, const char* key, int lo, int hi, int* out, const toml::source_region& owner,
               std::string_view where) {
    const toml::node* n = t.get(key);
    if (!n) {
      error(owner, fmt::format("{} has no '{}' (required)", where, key));
      return false;
    }
    if (!n->is_integer()) {
      error(n->source(), fmt::format("'{}' must be an integer {}..{}", key, lo, hi));
      return false;
    }
    std::int64_t v = n->value<std::int64_t>().value_or(0);
    if (v < lo || v > hi) {
      error(n->source(), fmt::format("'{}' = {} is outside {}..{}", key, v, lo, hi));
      return false;
    }
    *out = static_cast<int>(v);
    return true;
  }

  bool strings(const toml::table& t, const char* key, std::vector<std::string>* out, std::vector<SourcePos>* where) {
    const toml::node* n = t.get(key);
    if (!n) return false;
    const toml::array* arr = n->as_array();
    if (!arr) {
      error(n->source(), fmt::format("'{}' must be an array of strings", key));
      return false;
    }
    bool good = true;
    for (const auto& el : *arr) {
      if (!el.is_string()) {
        error(el.source(), fmt::format("'{}' must contain only strings", key));
        good = false;
        continue;
      }
      out->push_back(el.value<std::string>().value_or(""));
      if (where) where->push_back(pos_of(path_, el.source()));
    }
    return good;
  }

  /// conditions - a `match` or `when` table.
  void conditions(const toml::table& t, ConditionSet* out, std::string_view where) {
    const auto& names = condition_key_names();
    for (const auto& [k, node] : t) {
      std::string key(k.str());
      auto it = std::find(names.begin(), names.end(), key);
      if (it == names.end()) {
        error(k.source(), fmt::format("unknown condition key '{}' in {}{}", key, where, hint(key, names)));
        continue;
      }
      Condition c;
      c.key = static_cast<Key>(it - names.begin());
      c.pos = pos_of(path_, k.source());
      auto add = [&](const toml::node& el) {
        if (!el.is_string()) {
          error(el.source(), fmt::format("'{}' values must be strings", key));
          return;
        }
        Value v;
        v.pos = pos_of(path_, el.source());
        std::string err;
        if (!parse_condition_value(c.key, el.value<std::string>().value_or(""), ctx_, &v, &err)) {
          error(el.source(), err);
          return;
        }
        c.values.push_back(std::move(v));
      };
      if (const toml::array* arr = node.as_array()) {
        if (arr->empty()) error(node.source(), fmt::format("'{}' is an empty list (it could never hold)", key));
        for (const auto& el : *arr) add(el);
      } else {
        add(node);
      }
      if (!c.values.empty()) out->push_back(std::move(c));
    }
    std::stable_sort(out->begin(), out->end(),
                     [](const Condition& a, const Condition& b) { return a.key < b.key; });
  }

  void evidence_template(const std::string& tmpl, const toml::node& n) {
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
      if (tmpl[i] == '}') {
        error(n.source(), fmt::format("evidence: '}}' without '{{' at character {}", i + 1));
        return;
      }
      if (tmpl[i] != '{') continue;
      std::size_t close = tmpl.find('}', i);
      if (close == std::string::npos) {
        error(n.source(), fmt::format("evidence: unclosed '{{' at character {}", i + 1));
        return;
      }
      std::string name = tmpl.substr(i + 1, close - i - 1);
      const auto& names = placeholder_names();
      if (std::find(names.begin(), names.end(), name) == names.end())
        error(n.source(), fmt::format("evidence: unknown placeholder '{{{}}}'{}", name, hint(name, names)));
      i = close;
    }
  }

  /// cause - one [[cause]] table.
  bool cause(const toml::table& t, const std::string& area, Cause* c) {
    std::size_t before = problems_->size();
    const auto& where = t.source();
    c->pos = pos_of(path_, where);
    c->area = area;
    check_keys(t, {"id", "title", "reason", "weight", "summary", "evidence", "refs", "samples", "match", "signal", "step"},
               "[[cause]]");
    if (str(t, "id", &c->id, true, where, "[[cause]]")) {
      const toml::node* n = t.get("id");
      bool chars = std::all_of(c->id.begin(), c->id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || util::is_digit(ch) || ch == '.' || ch == '-';
      });
      if (!chars)
        error(n->source(), fmt::format("id '{}' must be lowercase [a-z0-9.-]", c->id));
      else if (!area.empty() && (c->id.rfind(area + ".", 0) != 0 || c->id.size() == area.size() + 1))
        error(n->source(), fmt::format("id '{}' must be '{}.<slug>' (the file's area)", c->id, area));
    }
    std::string ctx = c->id.empty() ? std::string("[[cause]]") : fmt::format("cause '{}'", c->id);
    if (str(t, "title", &c->title, true, where, ctx) && c->title.find('\n') != std::string::npos)
      error(t.get("title")->source(), "'title' must be one line");
    if (str(t, "reason", &c->reason, true, where, ctx) && ctx_.reasons && ctx_.reasons->id(c->reason) < 0) {
      std::vector<std::string> names;
      for (const auto& r : ctx_.reasons->reasons()) names.push_back(r.name);
      error(t.get("reason")->source(), fmt::format("unknown reason '{}'{}", c->reason, hint(c->reason, names)));
    }
    integer(t, "weight", 1, 100, &c->weight, where, ctx);
    str(t, "summary", &c->summary, true, where, ctx);
    if (str(t, "evidence", &c->evidence, false, where, ctx)) evidence_template(c->evidence, *t.get("evidence"));
    if (!t.get("refs")) error(where, fmt::format("{} has no 'refs' (at least one reference is required)", ctx));
    else if (strings(t, "refs", &c->refs, nullptr) && c->refs.empty())
      error(t.get("refs")->source(), "'refs' is empty (at least one reference is required)");
    strings(t, "samples", &c->samples, &c->sample_pos);
    if (const toml::node* m = t.get("match")) {
      if (const toml::table* mt = m->as_table()) {
        conditions(*mt, &c->match, "[cause.match]");
        if (mt->empty()) error(m->source(), fmt::format("{}: [cause.match] needs at least one condition", ctx));
      } else {
        error(m->source(), "'match' must be a table ([cause.match])");
      }
    } else {
      error(where, fmt::format("{} has no [cause.match] (required)", ctx));
    }
    if (const toml::node* s = t.get("signal")) {
      const toml::array* arr = s->as_array();
      if (!arr) error(s->source(), "'signal' must be an array of tables ([[cause.signal]])");
      for (std::size_t i = 0; arr && i < arr->size(); ++i) {
        const toml::table* st = (*arr)[i].as_table();
        if (!st) {
          error((*arr)[i].source(), "[[cause.signal]] entries must be tables");
          continue;
        }
        Signal sig;
        sig.pos = pos_of(path_, st->source());
        check_keys(*st, {"when", "points", "why"}, "[[cause.signal]]");
        if (const toml::node* w = st->get("when")) {
          if (const toml::table* wt = w->as_table()) {
            conditions(*wt, &sig.when, "signal 'when'");
            if (wt->empty()) error(w->source(), "signal 'when' needs at least one condition");
          } else {
            error(w->source(), "'when' must be a table (when = { route = [\"eop>onprem\"] })");
          }
        } else {
          error(st->source(), "[[cause.signal]] has no 'when' (required)");
        }
        integer(*st, "points", 1, 100, &sig.points, st->source(), "[[cause.signal]]");
        str(*st, "why", &sig.why, true, st->source(), "[[cause.signal]]");
        c->signals.push_back(std::move(sig));
      }
    }
    if (const toml::node* s = t.get("step")) {
      const toml::array* arr = s->as_array();
      if (!arr) error(s->source(), "'step' must be an array of tables ([[cause.step]])");
      for (std::size_t i = 0; arr && i < arr->size(); ++i) {
        const toml::table* st = (*arr)[i].as_table();
        if (!st) {
          error((*arr)[i].source(), "[[cause.step]] entries must be tables");
          continue;
        }
        check_keys(*st, {"text", "shell", "command"}, "[[cause.step]]");
        Step step;
        str(*st, "text", &step.text, true, st->source(), "[[cause.step]]");
        str(*st, "shell", &step.shell, false, st->source(), "[[cause.step]]");
        str(*st, "command", &step.command, false, st->source(), "[[cause.step]]");
        c->steps.push_back(std::move(step));
      }
      if (arr && arr->empty()) error(s->source(), fmt::format("{} has no [[cause.step]] (at least one)", ctx));
    } else {
      error(where, fmt::format("{} has no [[cause.step]] (at least one is required)", ctx));
    }
    return problems_->size() == before || std::none_of(problems_->begin() + static_cast<std::ptrdiff_t>(before),
                                                       problems_->end(), [](const Problem& p) { return p.error; });
  }

 private:
  std::string path_;
  const LoadContext& ctx_;
  std::vector<Problem>* problems_;
  bool ok_ = true;
};

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!util::is_digit(d[i])) return false;
  int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

}  // namespace

bool Catalogue::load(const std::string& dir, const LoadContext& ctx, std::vector<Problem>* problems) {
  dir_ = dir;
  causes_.clear();
  areas_.clear();
  by_id_.clear();
  phrases_ = {};
  match_phrases_.clear();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return true;  // no catalogue yet: empty
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  bool ok = true;
  for (const auto& f : files) {
    std::string path = f.string();
    FileLoader L(path, ctx, problems);
    toml::table root;
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      problems->push_back({pos_of(path, e.source()), true, std::string(e.description())});
      ok = false;
      continue;
    }
    L.check_keys(root, {"meta", "cause"}, "the file");
    Area area;
    area.file = path;
    const toml::table* meta = root["meta"].as_table();
    toml::source_region top;
    top.begin = {1, 1};
    if (!meta) {
      L.error(root.get("meta") ? root.get("meta")->source() : top, "[meta] table (area, title, date) is required");
    } else {
      L.check_keys(*meta, {"area", "title", "date"}, "[meta]");
      if (L.str(*meta, "area", &area.area, true, meta->source(), "[meta]") && area.area != f.stem().string())
        L.error(meta->get("area")->source(),
                fmt::format("meta.area '{}' must equal the file name stem '{}'", area.area, f.stem().string()));
      L.str(*meta, "title", &area.title, true, meta->source(), "[meta]");
      if (L.str(*meta, "date", &area.date, true, meta->source(), "[meta]") && !valid_date(area.date))
        L.error(meta->get("date")->source(), fmt::format("meta.date '{}' is not YYYY-MM-DD", area.date));
    }
    if (const toml::node* cn = root.get("cause")) {
      const toml::array* arr = cn->as_array();
      if (!arr) L.error(cn->source(), "'cause' must be an array of tables ([[cause]])");
      for (std::size_t i = 0; arr && i < arr->size(); ++i) {
        const toml::table* ct = (*arr)[i].as_table();
        if (!ct) {
          L.error((*arr)[i].source(), "[[cause]] entries must be tables");
          continue;
        }
        Cause c;
        bool good = L.cause(*ct, area.area.empty() ? f.stem().string() : area.area, &c);
        if (!c.id.empty()) {
          auto [it, inserted] = by_id_.emplace(c.id, causes_.size());
          if (!inserted) {
            const Cause& first = causes_[it->second];
            L.error(ct->get("id")->source(),
                    fmt::format("duplicate cause id '{}' (first defined at {})", c.id, first.pos.str()));
            continue;
          }
        }
        if (!good) {
          if (!c.id.empty()) by_id_.erase(c.id);
          continue;
        }
        area.causes.push_back(causes_.size());
        causes_.push_back(std::move(c));
      }
    }
    if (!L.ok()) ok = false;
    areas_.push_back(std::move(area));
  }
  index_phrases();
  return ok;  // on errors the valid causes stay loaded (lint checks them further)
}

void Catalogue::index_phrases() {
  std::vector<std::string_view> texts;
  auto number = [&](ConditionSet& set) {
    for (Condition& c : set) {
      if (c.key != Key::kPhrases) continue;
      for (Value& v : c.values) {
        v.phrase_id = static_cast<std::uint32_t>(texts.size());
        texts.push_back(v.text);
      }
    }
  };
  match_phrases_.clear();
  for (Cause& cause : causes_) {
    const auto lo = static_cast<std::uint32_t>(texts.size());
    number(cause.match);
    match_phrases_.emplace_back(lo, static_cast<std::uint32_t>(texts.size()));
    for (Signal& sig : cause.signals) number(sig.when);
  }
  phrases_ = util::PhraseSet(texts, false);  // the diagnostic is lowercased already
}

bool Catalogue::load(const std::string& dir, const LoadContext& ctx, std::string* err) {
  std::vector<Problem> problems;
  if (load(dir, ctx, &problems)) return true;
  std::size_t errors = 0;
  const Problem* first = nullptr;
  for (const auto& p : problems)
    if (p.error && !errors++) first = &p;
  *err = first ? first->str() : dir + ": cannot load the cause catalogue";
  if (errors > 1) *err += fmt::format(" (and {} more; run 'ndrscan catalogue lint')", errors - 1);
  return false;
}

const Cause* Catalogue::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &causes_[it->second];
}

std::string Catalogue::newest_date() const {
  std::string d;
  for (const auto& a : areas_) d = std::max(d, a.date);
  return d;
}

// ------------------------------------------------------------ site facts

SiteFacts build_site_facts(const classify::SiteProfile& p, const classify::NetworkTables& nets) {
  SiteFacts s;
  s.present = !p.empty() || !p.path.empty() || !p.mx.empty() || !p.spf.empty();
  for (const auto& d : p.domains) s.domains.push_back({util::lower(d.name), d.exo_type, d.onprem_type});
  auto add_unique = [](std::vector<std::string>* v, std::string x) {
    if (!x.empty() && std::find(v->begin(), v->end(), x) == v->end()) v->push_back(std::move(x));
  };
  for (const auto& mx : p.mx) {
    std::string host = util::lower(util::strip_dot(util::trim(mx)));
    int r = nets.match_host(host);
    if (r < 0) {
      add_unique(&s.mx_classes, "unknown");
      continue;
    }
    const classify::Rule& rule = nets.rule(r);
    add_unique(&s.mx_classes, classify::class_name(rule.cls));
    if (rule.provider >= 0) add_unique(&s.mx_classes, nets.provider(rule.provider).id);
  }
  for (const auto& c : p.connectors) {
    if (c.direction == "inbound") s.inbound_connector = true;
    if (c.direction == "outbound") s.outbound_connector = true;
  }
  s.spf_known = !util::trim(p.spf).empty();
  std::string_view spf = p.spf;
  std::size_t pos = 0;
  while (pos < spf.size()) {
    while (pos < spf.size() && util::is_space(spf[pos])) ++pos;
    std::size_t end = pos;
    while (end < spf.size() && !util::is_space(spf[end])) ++end;
    std::string_view term = spf.substr(pos, end - pos);
    pos = end;
    if (!term.empty() && (term[0] == '+' || term[0] == '~' || term[0] == '?')) term.remove_prefix(1);
    if (!util::istarts_with(term, "include:")) continue;
    std::string dom = util::lower(util::strip_dot(term.substr(8)));
    if (dom.empty()) continue;
    add_unique(&s.spf_includes, dom);
    int r = nets.match_host(dom);
    if (r >= 0 && nets.rule(r).provider >= 0) add_unique(&s.spf_includes, nets.provider(nets.rule(r).provider).id);
  }
  return s;
}

// ------------------------------------------------------------ dump

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04X}", c);
        else out.push_back(ch);
    }
  }
  return out + "\"";
}

namespace {

/// multiline - a long text as a multi-line basic string when it has newlines.
std::string multiline(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return toml_string(s);
  std::string out = "\"\"\"\n";
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    unsigned char c = static_cast<unsigned char>(ch);
    if (ch == '\\') out += "\\\\";
    else if (ch == '"') out += "\\\"";
    else if (ch == '\n' || ch == '\t') out.push_back(ch);
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04X}", c);
    else out.push_back(ch);
  }
  return out + "\"\"\"";
}

/// regex_string - a literal string when possible (no escaping of backslashes).
std::string regex_string(std::string_view s) {
  bool literal_ok = std::none_of(s.begin(), s.end(), [](char c) {
    return c == '\'' || c == '\n' || c == '\r' || (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
  });
  return literal_ok ? "'" + std::string(s) + "'" : toml_string(s);
}

std::string string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_string(v[i]);
  return out + "]";
}

std::string condition_array(const Condition& c) {
  std::string out = "[";
  for (std::size_t i = 0; i < c.values.size(); ++i)
    out += (i ? ", " : "") + (c.key == Key::kRegex ? regex_string(c.values[i].text) : toml_string(c.values[i].text));
  return out + "]";
}

}  // namespace

std::string dump_area(const Catalogue& cat, const Area& a) {
  std::string out;
  out += "[meta]\n";
  out += fmt::format("area = {}\ntitle = {}\ndate = {}\n", toml_string(a.area), toml_string(a.title), toml_string(a.date));
  for (std::size_t idx : a.causes) {
    const Cause& c = cat.causes()[idx];
    out += "\n[[cause]]\n";
    out += fmt::format("id = {}\ntitle = {}\nreason = {}\nweight = {}\n", toml_string(c.id), toml_string(c.title),
                       toml_string(c.reason), c.weight);
    out += fmt::format("summary = {}\n", multiline(c.summary));
    if (!c.evidence.empty()) out += fmt::format("evidence = {}\n", toml_string(c.evidence));
    out += fmt::format("refs = {}\n", string_array(c.refs));
    if (!c.samples.empty()) out += fmt::format("samples = {}\n", string_array(c.samples));
    out += "\n[cause.match]\n";
    for (const auto& cond : c.match) out += fmt::format("{} = {}\n", key_name(cond.key), condition_array(cond));
    for (const auto& s : c.signals) {
      out += "\n[[cause.signal]]\nwhen = { ";
      for (std::size_t i = 0; i < s.when.size(); ++i)
        out += fmt::format("{}{} = {}", i ? ", " : "", key_name(s.when[i].key), condition_array(s.when[i]));
      out += fmt::format(" }}\npoints = {}\nwhy = {}\n", s.points, toml_string(s.why));
    }
    for (const auto& st : c.steps) {
      out += fmt::format("\n[[cause.step]]\ntext = {}\n", toml_string(st.text));
      if (!st.shell.empty()) out += fmt::format("shell = {}\n", toml_string(st.shell));
      if (!st.command.empty()) out += fmt::format("command = {}\n", toml_string(st.command));
    }
  }
  return out;
}

std::string dump(const Catalogue& c) {
  std::string out;
  for (std::size_t i = 0; i < c.areas().size(); ++i) {
    const Area& a = c.areas()[i];
    out += fmt::format("{}# file: {}\n", i ? "\n" : "", fs::path(a.file).filename().string());
    out += dump_area(c, a);
  }
  return out;
}

}  // namespace ndrscan::catalogue
