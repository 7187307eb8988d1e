// scenarios.cc - knowledge/scenarios/scenarios.toml: loader (toml++, with
// file:line:col errors and "did you mean"), placeholders, text/JSON output,
// and `ndrscan advise`.
#include "src/advise/scenarios.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "src/core/exit_status.h"
#include "src/core/knowledge.h"
#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::advise {
namespace fs = std::filesystem;

const std::vector<std::string>& mailbox_values() {
  static const std::vector<std::string> v = {"office365", "onprem", "hybrid", "gsuite"};
  return v;
}
const std::vector<std::string>& entry_values() {
  static const std::vector<std::string> v = {"office365", "onprem", "filter", "gsuite"};
  return v;
}

std::vector<std::string> Scenarios::combinations() const {
  std::vector<std::string> out;
  for (const auto& s : scenarios) out.push_back(fmt::format("--mailboxes {} --entry {}", s.mailboxes, s.entry));
  return out;
}
const Scenario* Scenarios::find(const std::string& m, const std::string& e) const {
  for (const auto& s : scenarios)
    if (s.mailboxes == m && s.entry == e) return &s;
  return nullptr;
}
const Filter* Scenarios::filter(const std::string& id) const {
  for (const auto& f : filters)
    if (f.id == id) return &f;
  return nullptr;
}

// ------------------------------------------------------------ loading

namespace {

const std::vector<std::string>& known_shells() {
  static const std::vector<std::string> v = {"Exchange Management Shell", "Exchange Online PowerShell", "EAC", "DNS",
                                             "Firewall", "Admin center", "Google Admin console"};
  return v;
}

class Loader {
 public:
  Loader(std::string path, std::string* err) : path_(std::move(path)), err_(err) {}

  std::string at(const toml::source_region& r) const { return fmt::format("{}:{}:{}", path_, r.begin.line, r.begin.column); }

  bool fail(const toml::node& n, const std::string& msg) {
    *err_ = fmt::format("{}: {}", at(n.source()), msg);
    return false;
  }

  bool keys(const toml::table& t, const std::vector<std::string>& allowed, const char* where) {
    for (const auto& [k, v] : t) {
      std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string hint = util::did_you_mean(key, allowed);
      *err_ = fmt::format("{}: unknown key '{}' in {}{}", at(k.source()), key, where,
                          hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
      return false;
    }
    return true;
  }

  bool str(const toml::table& t, const char* key, std::string* out, bool required, const char* where) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) return fail(t, fmt::format("{} needs '{}'", where, key));
      return true;
    }
    if (!n->is_string()) return fail(*n, fmt::format("'{}' must be a string", key));
    *out = n->value<std::string>().value_or("");
    if (required && util::trim(*out).empty()) return fail(*n, fmt::format("'{}' must not be empty", key));
    return true;
  }

  bool strs(const toml::table& t, const char* key, std::vector<std::string>* out, bool required, const char* where) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) return fail(t, fmt::format("{} needs '{}'", where, key));
      return true;
    }
    const toml::array* a = n->as_array();
    if (!a) return fail(*n, fmt::format("'{}' must be an array of strings", key));
    for (const auto& el : *a) {
      if (!el.is_string()) return fail(el, fmt::format("'{}' must contain only strings", key));
      out->push_back(el.value<std::string>().value_or(""));
    }
    if (required && out->empty()) return fail(*n, fmt::format("'{}' must not be empty", key));
    return true;
  }

  bool one_of(const toml::table& t, const char* key, const std::string& v, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return true;
    std::string hint = util::did_you_mean(v, allowed);
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return fail(*t.get(key), fmt::format("{} '{}' is not one of {}{}", key, v, list,
                                         hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }

  const toml::array* tables(const toml::table& t, const char* key, const char* what) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) {
      fail(*n, fmt::format("'{}' must be written as [[{}]] tables", key, what));
      bad_ = true;
      return nullptr;
    }
    return a;
  }
  bool bad_ = false;

 private:
  std::string path_;
  std::string* err_;
};

}  // namespace

std::set<std::string> cause_ids(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".toml") continue;
    try {
      toml::table t = toml::parse_file(e.path().string());
      if (const toml::array* a = t["cause"].as_array())
        for (const auto& c : *a)
          if (const toml::table* ct = c.as_table())
            if (auto id = (*ct)["id"].value<std::string>()) out.insert(*id);
    } catch (const toml::parse_error&) {
      // `ndrscan catalogue lint` reports broken catalogue files.
    }
  }
  return out;
}

bool load_scenarios(const std::string& path, const std::set<std::string>& causes, Scenarios* out, std::string* err) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    *err = fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column, e.description());
    return false;
  } catch (const std::exception& e) {
    *err = fmt::format("{}: {}", path, e.what());
    return false;
  }
  *out = Scenarios{};
  out->path = path;
  Loader L(path, err);
  if (!L.keys(root, {"meta", "no_spf_host", "filter", "scenario"}, "the top level")) return false;
  if (const toml::table* meta = root["meta"].as_table())
    if (!L.keys(*meta, {"date"}, "[meta]")) return false;

  auto check_cause = [&](const toml::table& t, const std::string& id) {
    if (id.empty() || causes.empty() || causes.count(id)) return true;
    std::vector<std::string> all(causes.begin(), causes.end());
    std::string hint = util::did_you_mean(id, all);
    return L.fail(*t.get("cause"), fmt::format("unknown cause id '{}' (not in knowledge/causes){}", id,
                                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  };

  if (const toml::array* a = L.tables(root, "no_spf_host", "no_spf_host")) {
    for (const auto& el : *a) {
      const toml::table& t = *el.as_table();
      if (!L.keys(t, {"pattern", "what", "cause"}, "[[no_spf_host]]")) return false;
      NoSpfHost h;
      if (!L.str(t, "pattern", &h.pattern, true, "[[no_spf_host]]") || !L.str(t, "what", &h.what, true, "[[no_spf_host]]") ||
          !L.str(t, "cause", &h.cause, false, "[[no_spf_host]]") || !check_cause(t, h.cause))
        return false;
      out->no_spf_hosts.push_back(std::move(h));
    }
  } else if (L.bad_) {
    return false;
  }

  if (const toml::array* a = L.tables(root, "filter", "filter")) {
    for (const auto& el : *a) {
      const toml::table& t = *el.as_table();
      if (!L.keys(t, {"id", "name", "spf_include", "mx", "inbound_hosts", "note"}, "[[filter]]")) return false;
      Filter f;
      if (!L.str(t, "id", &f.id, true, "[[filter]]") || !L.str(t, "name", &f.name, true, "[[filter]]") ||
          !L.str(t, "spf_include", &f.spf_include, true, "[[filter]]") || !L.strs(t, "mx", &f.mx, true, "[[filter]]") ||
          !L.strs(t, "inbound_hosts", &f.inbound_hosts, false, "[[filter]]") || !L.str(t, "note", &f.note, false, "[[filter]]"))
        return false;
      if (out->filter(f.id)) return L.fail(*t.get("id"), fmt::format("duplicate filter id '{}'", f.id));
      out->filters.push_back(std::move(f));
    }
  } else if (L.bad_) {
    return false;
  }

  const toml::array* sc = L.tables(root, "scenario", "scenario");
  if (!sc) {
    if (!L.bad_) *err = fmt::format("{}: no [[scenario]] tables", path);
    return false;
  }
  static const std::vector<std::string> kScenarioKeys = {
      "mailboxes", "entry", "title", "situation", "mx", "spf", "spf_includes", "spf_onprem_ips", "prerequisites",
      "refs", "connector", "pitfall"};
  for (const auto& el : *sc) {
    const toml::table& t = *el.as_table();
    const char* W = "[[scenario]]";
    if (!L.keys(t, kScenarioKeys, W)) return false;
    Scenario s;
    s.line = static_cast<int>(t.source().begin.line);
    if (!L.str(t, "mailboxes", &s.mailboxes, true, W) || !L.one_of(t, "mailboxes", s.mailboxes, mailbox_values()) ||
        !L.str(t, "entry", &s.entry, true, W) || !L.one_of(t, "entry", s.entry, entry_values()) ||
        !L.str(t, "title", &s.title, true, W) || !L.str(t, "situation", &s.situation, false, W) ||
        !L.strs(t, "mx", &s.mx, true, W) || !L.str(t, "spf", &s.spf, true, W) ||
        !L.strs(t, "spf_includes", &s.spf_includes, false, W) || !L.strs(t, "prerequisites", &s.prerequisites, true, W) ||
        !L.strs(t, "refs", &s.refs, true, W))
      return false;
    if (const toml::node* n = t.get("spf_onprem_ips")) {
      if (!n->is_boolean()) return L.fail(*n, "'spf_onprem_ips' must be true or false");
      s.spf_onprem_ips = n->value<bool>().value_or(false);
    }
    if (!util::istarts_with(s.spf, "v=spf1 ")) return L.fail(*t.get("spf"), "'spf' must start with 'v=spf1 '");
    if (const Scenario* d = out->find(s.mailboxes, s.entry))
      return L.fail(t, fmt::format("duplicate scenario --mailboxes {} --entry {} (first at line {})", s.mailboxes,
                                   s.entry, d->line));
    if (const toml::array* cs = L.tables(t, "connector", "scenario.connector")) {
      for (const auto& ce : *cs) {
        const toml::table& c = *ce.as_table();
        const char* CW = "[[scenario.connector]]";
        if (!L.keys(c, {"direction", "system", "name", "settings", "shell", "command"}, CW)) return false;
        Connector con;
        if (!L.str(c, "direction", &con.direction, true, CW) ||
            !L.one_of(c, "direction", con.direction, {"inbound", "outbound", "setting"}) ||
            !L.str(c, "system", &con.system, true, CW) ||
            !L.one_of(c, "system", con.system, {"exchange-online", "onprem", "filter", "gsuite"}) ||
            !L.str(c, "name", &con.name, true, CW) || !L.str(c, "settings", &con.settings, true, CW) ||
            !L.str(c, "shell", &con.shell, false, CW) || !L.str(c, "command", &con.command, false, CW))
          return false;
        if (!con.shell.empty() && !L.one_of(c, "shell", con.shell, known_shells())) return false;
        s.connectors.push_back(std::move(con));
      }
    } else if (L.bad_) {
      return false;
    }
    if (const toml::array* ps = L.tables(t, "pitfall", "scenario.pitfall")) {
      for (const auto& pe : *ps) {
        const toml::table& p = *pe.as_table();
        const char* PW = "[[scenario.pitfall]]";
        if (!L.keys(p, {"text", "cause"}, PW)) return false;
        Pitfall pf;
        if (!L.str(p, "text", &pf.text, true, PW) || !L.str(p, "cause", &pf.cause, false, PW) || !check_cause(p, pf.cause))
          return false;
        s.pitfalls.push_back(std::move(pf));
      }
    } else if (L.bad_) {
      return false;
    }
    out->scenarios.push_back(std::move(s));
  }
  return true;
}

// ------------------------------------------------------------ placeholders

std::string domain_key(const std::string& domain) {
  std::string d = util::lower(util::strip_dot(domain));
  std::replace(d.begin(), d.end(), '.', '-');
  return d;
}

namespace {
void replace_all(std::string* s, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}
}  // namespace

std::string fill(const std::string& text, const Fill& f) {
  std::string s = text;
  if (!f.domain.empty()) {
    replace_all(&s, "<domain-key>", domain_key(f.domain));
    replace_all(&s, "<domain>", util::lower(util::strip_dot(f.domain)));
  }
  if (f.filter) {
    replace_all(&s, "<filter-include>", f.filter->spf_include);
    replace_all(&s, "<filter>", f.filter->name);
  }
  return s;
}

namespace {
std::vector<std::string> mx_lines(const Scenario& s, const Fill& f) {
  std::vector<std::string> out;
  for (const auto& m : s.mx) {
    if (m == "<filter-mx>" && f.filter) {
      int pref = 10;
      for (const auto& h : f.filter->mx) {
        out.push_back(fmt::format("{} {}", pref, h));
        pref += 10;
      }
    } else {
      out.push_back(fill(m, f));
    }
  }
  return out;
}
}  // namespace

SpfContext spf_context(const Scenarios& all, const Scenario* s, const Fill& f) {
  SpfContext ctx;
  ctx.no_spf_hosts = all.no_spf_hosts;
  for (const auto& flt : all.filters) {
    ctx.spf_includes.push_back(flt.spf_include);
    for (const auto& h : flt.inbound_hosts)
      ctx.no_spf_hosts.push_back({h, flt.name + "'s inbound (MX) host", "dns-spf.filter-inbound-host-in-spf"});
  }
  if (!s) return ctx;
  ctx.scenario = fmt::format("{} + {}", s->mailboxes, s->entry);
  ctx.needs_onprem_ips = s->spf_onprem_ips;
  for (const auto& inc : s->spf_includes) {
    std::string provider = inc == "spf.protection.outlook.com" ? "Office 365"
                           : inc == "_spf.google.com"          ? "Google Workspace"
                           : inc == "<filter-include>"         ? (f.filter ? f.filter->name : std::string("filter"))
                                                               : inc;
    ctx.required.push_back({provider, fill(inc, f)});
  }
  return ctx;
}

// ------------------------------------------------------------ output

std::string render_findings_text(const std::vector<std::string>& records, const std::vector<Finding>& findings) {
  std::string out = "SPF check (offline, RFC 7208; nested includes are not resolved)\n";
  for (std::size_t i = 0; i < records.size(); ++i)
    out += fmt::format("  record {}: {}\n", i + 1, records[i].size() > 300 ? records[i].substr(0, 300) + "..." : records[i]);
  std::size_t errors = 0, warnings = 0;
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) ++errors;
    if (f.severity == Severity::kWarning) ++warnings;
    out += fmt::format("  {:<7} {}{}\n", severity_name(f.severity), f.record > 0 && records.size() > 1 ? fmt::format("record {}: ", f.record) : "", f.message);
    out += fmt::format("          fix: {}\n", f.fix);
    if (!f.cause.empty()) out += fmt::format("          see: ndrscan explain {}\n", f.cause);
  }
  if (findings.empty()) out += "  no problem found\n";
  out += fmt::format("  {} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return out;
}

std::string render_text(const Scenario& s, const Fill& f, const std::vector<std::string>& spf_records,
                        const std::vector<Finding>& findings) {
  std::string out;
  out += fmt::format("{}\n  (--mailboxes {} --entry {}{})\n", s.title, s.mailboxes, s.entry,
                     f.filter ? " --filter " + f.filter->id : std::string());
  if (!s.situation.empty()) out += fmt::format("  {}\n", fill(s.situation, f));
  std::string dom = f.domain.empty() ? "<domain>" : util::lower(util::strip_dot(f.domain));
  out += fmt::format("\nMX records for {}\n", dom);
  for (const auto& m : mx_lines(s, f)) out += fmt::format("  {}. IN MX {}\n", dom, m);
  if (f.filter && !f.filter->note.empty()) out += fmt::format("  note: {}\n", f.filter->note);
  out += fmt::format("\nSPF record (TXT at {})\n  {}\n", dom, fill(s.spf, f));
  out += "\nConnectors and settings\n";
  if (s.connectors.empty()) out += "  none needed\n";
  for (std::size_t i = 0; i < s.connectors.size(); ++i) {
    const Connector& c = s.connectors[i];
    std::string sys = c.system == "exchange-online" ? "Exchange Online"
                      : c.system == "onprem"        ? "on-premises"
                      : c.system == "gsuite"        ? "Google Workspace"
                                                    : "filter";
    out += fmt::format("  {}. [{} {}] {}\n     {}\n", i + 1, sys, c.direction, fill(c.name, f), fill(c.settings, f));
    if (!c.command.empty())
      out += fmt::format("     {}{}\n", c.shell.empty() ? "" : c.shell + ": ", fill(c.command, f));
  }
  out += "\nPrerequisites\n";
  for (const auto& p : s.prerequisites) out += fmt::format("  - {}\n", fill(p, f));
  if (!s.pitfalls.empty()) out += "\nPitfalls\n";
  for (const auto& p : s.pitfalls)
    out += fmt::format("  - {}{}\n", fill(p.text, f), p.cause.empty() ? "" : fmt::format("\n    ndrscan explain {}", p.cause));
  out += "\nReferences\n";
  for (const auto& r : s.refs) out += fmt::format("  {}\n", r);
  std::string left;
  for (const char* ph : {"<domain>", "<domain-key>", "<filter>", "<filter-include>", "<filter-mx>"})
    if (out.find(ph) != std::string::npos) left += (left.empty() ? "" : ", ") + std::string(ph);
  if (!left.empty())
    out += fmt::format("\nStill placeholders: {} (pass --domain{})\n", left,
                       left.find("<filter") != std::string::npos ? " and --filter" : "");
  if (!spf_records.empty()) out += "\n" + render_findings_text(spf_records, findings);
  return out;
}

std::string render_json(const Scenario* s, const Fill& f, const std::vector<std::string>& spf_records,
                        const std::vector<Finding>& findings, bool checked) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (s) {
    nlohmann::ordered_json sj;
    sj["mailboxes"] = s->mailboxes;
    sj["entry"] = s->entry;
    sj["title"] = s->title;
    sj["situation"] = fill(s->situation, f);
    sj["domain"] = f.domain.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.domain);
    sj["filter"] = f.filter ? nlohmann::ordered_json(f.filter->id) : nlohmann::ordered_json(nullptr);
    sj["mx"] = mx_lines(*s, f);
    sj["spf"] = fill(s->spf, f);
    nlohmann::ordered_json cs = nlohmann::ordered_json::array();
    for (const auto& c : s->connectors)
      cs.push_back({{"direction", c.direction}, {"system", c.system}, {"name", fill(c.name, f)},
                    {"settings", fill(c.settings, f)}, {"shell", c.shell}, {"command", fill(c.command, f)}});
    sj["connectors"] = cs;
    std::vector<std::string> pre;
    for (const auto& p : s->prerequisites) pre.push_back(fill(p, f));
    sj["prerequisites"] = pre;
    nlohmann::ordered_json ps = nlohmann::ordered_json::array();
    for (const auto& p : s->pitfalls) ps.push_back({{"text", fill(p.text, f)}, {"cause", p.cause}});
    sj["pitfalls"] = ps;
    sj["refs"] = s->refs;
    j["scenario"] = sj;
  }
  if (checked) {
    nlohmann::ordered_json fj = nlohmann::ordered_json::array();
    for (const auto& x : findings)
      fj.push_back({{"severity", severity_name(x.severity)}, {"code", x.code}, {"message", x.message}, {"fix", x.fix},
                    {"cause", x.cause}, {"record", x.record}});
    j["spf_check"] = {{"records", spf_records}, {"findings", fj}};
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// ------------------------------------------------------------ main

namespace {

constexpr const char* kHelp = R"(Usage: ndrscan advise --mailboxes WHERE --entry WHERE [--domain D] [--filter NAME]
                      [--spf RECORD]... [--json] [--knowledge DIR]
       ndrscan advise --spf RECORD... [--json]
       ndrscan advise --list

Offline advice for a mail-flow scenario (knowledge/scenarios/scenarios.toml):
the MX records, the SPF record, the connectors with their Exchange Online
PowerShell / Exchange Management Shell commands, prerequisites and pitfalls.

  --mailboxes WHERE  where the mailboxes live: office365, onprem, hybrid, gsuite
  --entry WHERE      where Internet mail enters (the MX): office365, onprem,
                     filter, gsuite
  --domain D         fill <domain> (contoso.com -> MX
                     contoso-com.mail.protection.outlook.com)
  --filter NAME      the third-party filter: mimecast, trend-micro, proofpoint,
                     barracuda, sophos (fills its MX hosts and SPF include)
  --spf RECORD       check an SPF record offline (RFC 7208; no DNS); repeat it
                     for every TXT record the domain publishes; with a
                     scenario, also check the scenario's providers are included
  --json             one JSON object instead of text
  --list             list the scenarios and filters
  --knowledge DIR    knowledge data directory
  -h, --help         this text

Exit status: 0 advice printed and no SPF error, 1 the SPF check found an
error, 2 usage error, unknown scenario, or the scenario data failed to load.
)";

void err_line(const std::string& msg) { fmt::print(stderr, "ndrscan: error: advise: {}\n", msg); }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

bool take(const std::string& a, const char* name, int* i, int argc, char** argv, std::string* out, bool* bad) {
  std::string flag = std::string("--") + name;
  if (a == flag) {
    if (*i + 1 >= argc) {
      err_line(fmt::format("{} needs a value", flag));
      *bad = true;
      return true;
    }
    *out = argv[++*i];
    return true;
  }
  if (a.rfind(flag + "=", 0) == 0) {
    *out = a.substr(flag.size() + 1);
    return true;
  }
  return false;
}

}  // namespace

int advise_main(int argc, char** argv, const char* argv0) {
  std::string mailboxes, entry, domain, filter_id, kflag, v;
  std::vector<std::string> spf;
  bool json = false, list = false, bad = false, have_spf = false;
  static const std::vector<std::string> kOptions = {"--mailboxes", "--entry", "--domain", "--filter", "--spf",
                                                    "--json",      "--list",  "--knowledge", "--help"};
  for (int i = 1; i < argc && !bad; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      fmt::print("{}", kHelp);
      return kExitOk;
    }
    if (take(a, "mailboxes", &i, argc, argv, &mailboxes, &bad) || take(a, "entry", &i, argc, argv, &entry, &bad) ||
        take(a, "domain", &i, argc, argv, &domain, &bad) || take(a, "filter", &i, argc, argv, &filter_id, &bad) ||
        take(a, "knowledge", &i, argc, argv, &kflag, &bad))
      continue;
    if (take(a, "spf", &i, argc, argv, &v, &bad)) {
      if (!bad) spf.push_back(v);
      have_spf = true;
      continue;
    }
    if (a == "--json") json = true;
    else if (a == "--list") list = true;
    else {
      std::string h = a.rfind("--", 0) == 0 ? util::did_you_mean(a.substr(0, a.find('=')), kOptions) : "";
      err_line(fmt::format("unknown argument '{}'{} (see ndrscan advise --help)", a,
                           h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h)));
      return kExitUsage;
    }
  }
  if (bad) return kExitUsage;
  bool scenario_wanted = !mailboxes.empty() || !entry.empty();
  if (!scenario_wanted && !have_spf && !list) {
    err_line("name a scenario (--mailboxes and --entry), an SPF record (--spf) or --list (see ndrscan advise --help)");
    return kExitUsage;
  }
  if (scenario_wanted && (mailboxes.empty() || entry.empty())) {
    err_line(mailboxes.empty() ? "--entry needs --mailboxes too" : "--mailboxes needs --entry too");
    return kExitUsage;
  }
  auto check_value = [](const char* flag, const std::string& val, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), val) != allowed.end()) return true;
    std::string h = util::did_you_mean(val, allowed);
    err_line(fmt::format("--{} '{}' is not one of {}{}", flag, val, join(allowed, ", "),
                         h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h)));
    return false;
  };
  if (scenario_wanted &&
      (!check_value("mailboxes", mailboxes, mailbox_values()) || !check_value("entry", entry, entry_values())))
    return kExitUsage;
  if (!domain.empty() && !util::is_hostname(util::strip_dot(domain))) {
    err_line(fmt::format("--domain '{}' is not a domain name", domain));
    return kExitUsage;
  }

  std::string kdir = find_knowledge_dir(kflag, argv0);
  if (kdir.empty()) {
    err_line("knowledge data not found (install it, or pass --knowledge DIR)");
    return kExitUsage;
  }
  Scenarios all;
  std::string err;
  if (!load_scenarios((fs::path(kdir) / "scenarios" / "scenarios.toml").string(),
                      cause_ids((fs::path(kdir) / "causes").string()), &all, &err)) {
    err_line(err);
    return kExitUsage;
  }
  if (list) {
    fmt::print("Scenarios (ndrscan advise --mailboxes M --entry E):\n");
    for (const auto& s : all.scenarios) fmt::print("  --mailboxes {:<9} --entry {:<9}  {}\n", s.mailboxes, s.entry, s.title);
    fmt::print("Filters (--filter NAME):\n");
    for (const auto& f : all.filters) fmt::print("  {:<12} {} (SPF include:{})\n", f.id, f.name, f.spf_include);
    if (!scenario_wanted && !have_spf) return kExitOk;
  }
  Fill fl;
  fl.domain = domain;
  if (!filter_id.empty()) {
    fl.filter = all.filter(util::lower(filter_id));
    if (!fl.filter) {
      std::vector<std::string> ids;
      for (const auto& f : all.filters) ids.push_back(f.id);
      std::string h = util::did_you_mean(filter_id, ids);
      err_line(fmt::format("--filter '{}' is not known{}; known filters: {}", filter_id,
                           h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h), join(ids, ", ")));
      return kExitUsage;
    }
  }
  const Scenario* s = nullptr;
  if (scenario_wanted) {
    s = all.find(mailboxes, entry);
    if (!s) {
      err_line(fmt::format("no scenario for --mailboxes {} --entry {}; the scenarios are:\n  {}", mailboxes, entry,
                           join(all.combinations(), "\n  ")));
      return kExitUsage;
    }
  }
  std::vector<Finding> findings;
  if (have_spf) findings = check_spf(spf, spf_context(all, s, fl));
  bool spf_error = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::kError; });
  if (json)
    fmt::print("{}", render_json(s, fl, spf, findings, have_spf));
  else if (s)
    fmt::print("{}", render_text(*s, fl, spf, findings));
  else
    fmt::print("{}", render_findings_text(spf, findings));
  return spf_error ? kExitSomeFailed : kExitOk;
}

}  // namespace ndrscan::advise
