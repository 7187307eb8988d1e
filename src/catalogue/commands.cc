// commands.cc - `ndrscan explain` and `ndrscan catalogue lint|dump`.
#include "src/catalogue/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "parsers/reason/reason.h"
#include "src/catalogue/matcher.h"
#include "src/core/exit_status.h"
#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::catalogue {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& known_shells() {
  static const std::vector<std::string> v = {"Exchange Management Shell", "Exchange Online PowerShell", "EAC", "DNS",
                                             "Firewall", "Admin center", "Google Admin console"};
  return v;
}

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

/// overlap - two status / reply-code patterns can describe the same code.
bool overlap(const Value& x, const Value& y) {
  if (!x.wildcard && !y.wildcard) return x.prefix == y.prefix;
  if (x.wildcard && y.wildcard) return starts(x.prefix, y.prefix) || starts(y.prefix, x.prefix);
  return x.wildcard ? starts(y.prefix, x.prefix) : starts(x.prefix, y.prefix);
}

bool values_compatible(Key k, const Value& x, const Value& y) {
  switch (k) {
    case Key::kStatus:
    case Key::kReplyCode: return overlap(x, y);
    case Key::kReason:
    case Key::kDialect:
    case Key::kRejectedClass:
    case Key::kRejectedProvider: return x.text == y.text;
    default: return true;
  }
}

bool conditions_compatible(const Condition& a, const Condition& b) {
  for (const auto& x : a.values)
    for (const auto& y : b.values)
      if (values_compatible(a.key, x, y)) return true;
  return false;
}

std::string values_text(const Condition& c) {
  std::string out;
  for (const auto& v : c.values) out += (out.empty() ? "" : ", ") + v.text;
  return out;
}

void never_holds(const Cause& c, std::vector<Problem>* out) {
  const Condition* st = c.condition(Key::kStatus);
  const Condition* rc = c.condition(Key::kReplyCode);
  if (st) {
    bool all_2 = std::all_of(st->values.begin(), st->values.end(), [](const Value& v) { return v.prefix[0] == '2'; });
    if (all_2)
      out->push_back({st->pos, true,
                      fmt::format("cause '{}' is unreachable: status [{}] is a success class; only failed and "
                                  "delayed recipients are ranked",
                                  c.id, values_text(*st))});
  }
  if (st && rc) {
    bool any = false;
    for (const auto& s : st->values)
      for (const auto& r : rc->values) any = any || s.prefix[0] == r.prefix[0];
    if (!any)
      out->push_back({rc->pos, true,
                      fmt::format("cause '{}' is unreachable: status [{}] and reply_code [{}] are of different classes",
                                  c.id, values_text(*st), values_text(*rc))});
  }
  for (const auto& sig : c.signals)
    for (const auto& w : sig.when) {
      const Condition* m = c.condition(w.key);
      if (!m || conditions_compatible(*m, w)) continue;
      out->push_back({w.pos, false,
                      fmt::format("signal of '{}' can never hold: its {} [{}] excludes the match's [{}]", c.id,
                                  key_name(w.key), values_text(w), values_text(*m))});
    }
}

void check_samples(const Catalogue& cat, const Cause& c, const Knowledge& k, std::vector<Problem>* out) {
  for (std::size_t i = 0; i < c.samples.size(); ++i) {
    SourcePos pos = i < c.sample_pos.size() ? c.sample_pos[i] : c.pos;
    SampleCase sc = sample_case(c.samples[i], c.needs_context() ? &c : nullptr, k);
    const Recipient& r = sc.analysis.recipients.front();
    auto ranked = rank_recipient(cat, sc.analysis, r, sc.site, k.networks, false);
    auto it = std::find_if(ranked.begin(), ranked.end(), [&](const CauseMatch& m) { return m.id == c.id; });
    std::string facts = fmt::format("status {}, reply {}, reason {}", r.status.empty() ? "-" : r.status,
                                    r.reply_code.empty() ? "-" : r.reply_code, r.reason.empty() ? "-" : r.reason);
    if (it == ranked.end()) {
      out->push_back({pos, true,
                      fmt::format("sample {} of '{}' does not match its cause ({}){}", i + 1, c.id, facts,
                                  c.needs_context() ? " with the route/profile/header facts of its match" : "")});
    } else if (it != ranked.begin()) {
      out->push_back({pos, true,
                      fmt::format("sample {} of '{}' ranks '{}' first (score {} vs {}): the cause is unreachable "
                                  "for this text",
                                  i + 1, c.id, ranked.front().id, ranked.front().score, it->score)});
    } else if (ranked.size() > 1 && ranked[1].score == ranked[0].score) {
      out->push_back({pos, false,
                      fmt::format("sample {} of '{}' ties with '{}' at score {} (first only by id)", i + 1, c.id,
                                  ranked[1].id, ranked[0].score)});
    }
  }
}

/// lint_shells - step shells outside SCHEMA.md's list (warnings; steps keep no position: the cause's).
void lint_shells(const Catalogue& cat, std::vector<Problem>* out) {
  for (const auto& c : cat.causes())
    for (const auto& s : c.steps) {
      if (s.shell.empty()) continue;
      const auto& known = known_shells();
      if (std::find(known.begin(), known.end(), s.shell) != known.end()) continue;
      std::string h = util::did_you_mean(s.shell, known);
      out->push_back({c.pos, false,
                      fmt::format("cause '{}': step shell '{}' is not one of SCHEMA.md's{}", c.id, s.shell,
                                  h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h))});
    }
}
}  // namespace

std::vector<Problem> lint(const Catalogue& cat, const Knowledge& k) {
  std::vector<Problem> out;
  for (const auto& c : cat.causes()) {
    never_holds(c, &out);
    check_samples(cat, c, k, &out);
    if (c.samples.empty())
      out.push_back({c.pos, false, fmt::format("cause '{}' has no samples: nothing checks that it is reachable", c.id)});
  }
  lint_shells(cat, &out);
  std::sort(out.begin(), out.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.col, a.message) < std::tie(b.pos.file, b.pos.line, b.pos.col, b.message);
  });
  return out;
}

// ------------------------------------------------------------ describe

std::string describe_cause(const Cause& c) {
  std::string out;
  out += fmt::format("{}  ({})\n", c.id, c.pos.str());
  out += fmt::format("  {}\n", c.title);
  out += fmt::format("  reason {}, weight {}\n", c.reason, c.weight);
  std::string summary(util::trim(c.summary));
  out += "\n";
  std::size_t start = 0;
  while (start <= summary.size()) {
    std::size_t nl = summary.find('\n', start);
    std::string_view line = std::string_view(summary).substr(start, nl == std::string::npos ? nl : nl - start);
    out += fmt::format("  {}\n", line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  out += "\n  Matches when (all of):\n";
  for (const auto& m : c.match) out += fmt::format("    {} = [{}]\n", key_name(m.key), values_text(m));
  if (!c.signals.empty()) out += "  Signals:\n";
  for (const auto& s : c.signals) {
    std::string when;
    for (const auto& w : s.when) when += (when.empty() ? "" : ", ") + fmt::format("{} = [{}]", key_name(w.key), values_text(w));
    out += fmt::format("    +{}  {}: {}\n", s.points, when, s.why);
  }
  if (!c.evidence.empty()) out += fmt::format("  Evidence: {}\n", c.evidence);
  out += "  Steps:\n";
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const Step& s = c.steps[i];
    out += fmt::format("    {}. {}\n", i + 1, s.text);
    if (!s.shell.empty() || !s.command.empty())
      out += fmt::format("       {}{}{}\n", s.shell.empty() ? "" : "[" + s.shell + "]", s.shell.empty() || s.command.empty() ? "" : " ",
                         s.command);
  }
  out += "  References:\n";
  for (const auto& r : c.refs) out += fmt::format("    {}\n", r);
  if (!c.samples.empty()) out += "  Samples:\n";
  for (const auto& s : c.samples) out += fmt::format("    {}\n", s);
  return out;
}

// ------------------------------------------------------------ explain

namespace {

bool is_status_query(std::string_view q) {
  Value v;
  std::string err;
  return parse_condition_value(Key::kStatus, q, LoadContext{}, &v, &err);
}

bool is_reply_query(std::string_view q) {
  return q.size() == 3 && std::all_of(q.begin(), q.end(), [](char c) { return util::is_digit(c); }) && q[0] >= '2' &&
         q[0] <= '5';
}

bool looks_like_id(std::string_view q) {
  return !q.empty() && std::all_of(q.begin(), q.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || util::is_digit(c) || c == '.' || c == '-';
  }) && std::any_of(q.begin(), q.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string entry_line(const Cause& c) {
  return fmt::format("  {}  (weight {}, {})\n    {}\n    {}\n", c.id, c.weight, c.reason, c.title, c.pos.str());
}

std::string explain_phrase(std::string_view q, const Knowledge& k, bool* found) {
  const Catalogue& cat = k.causes;
  SampleCase sc = sample_case(q, nullptr, k);
  const Recipient& r = sc.analysis.recipients.front();
  std::string out;
  out += fmt::format("Read as a server line: status {}{}, reply {}, reason {}\n", r.status.empty() ? "-" : r.status,
                     r.status_inferred ? " (inferred)" : "", r.reply_code.empty() ? "-" : r.reply_code,
                     r.reason.empty() ? "-" : r.reason);
  if (!r.status_text.empty()) out += fmt::format("  {}: {}\n", r.status, r.status_text);
  if (!r.reason_evidence.empty()) out += fmt::format("  reason from {}\n", r.reason_evidence);
  auto ranked = rank_recipient(cat, sc.analysis, r, sc.site, k.networks, true);
  out += fmt::format("\nCauses matching the text alone ({}):\n", ranked.size());
  if (ranked.empty()) out += "  none\n";
  for (const auto& m : ranked) {
    out += fmt::format("  {}. {}  score {}\n     {}\n", m.rank, m.id, m.score, m.title);
    for (const auto& e : m.explain) out += fmt::format("       {}\n", e);
  }
  std::string ctx;
  for (const auto& c : cat.causes()) {
    if (!c.needs_context()) continue;
    // only causes the text itself selects (a cause matching on context alone fits any text)
    if (!c.condition(Key::kStatus) && !c.condition(Key::kReplyCode) && !c.condition(Key::kPhrases) &&
        !c.condition(Key::kRegex) && !c.condition(Key::kCodes))
      continue;
    SampleCase with = sample_case(q, &c, k);
    auto rr = rank_recipient(cat, with.analysis, with.analysis.recipients.front(), with.site, k.networks, false);
    if (std::any_of(rr.begin(), rr.end(), [&](const CauseMatch& m) { return m.id == c.id; }))
      ctx += fmt::format("  {}  (weight {}) {}\n", c.id, c.weight, c.title);
  }
  if (!ctx.empty())
    out += "\nAlso possible when the route, rejecting server, headers or site profile fit\n"
           "(analyse the whole bounce to decide):\n" + ctx;
  *found = !ranked.empty() || !ctx.empty();
  return out;
}

}  // namespace

std::string explain_text(std::string_view query, const Knowledge& k, bool* found) {
  std::string q(util::trim(query));
  const Catalogue& cat = k.causes;
  *found = false;
  if (q.empty()) return "nothing to explain\n";
  if (const Cause* c = cat.find(q)) {
    *found = true;
    return describe_cause(*c);
  }
  std::string out;
  if (is_status_query(q)) {
    Value want;
    std::string err;
    parse_condition_value(Key::kStatus, q, LoadContext{}, &want, &err);
    if (!want.wildcard) {
      std::string meaning = k.status_codes.meaning(q);
      out += fmt::format("{}: {}\n", q, meaning.empty() ? "not in the status code table" : meaning);
      *found = !meaning.empty();
      int line = 0;
      int rid = k.reasons.status_reason(q, &line);
      if (rid >= 0)
        out += fmt::format("  reason {} (knowledge/reasons/status.tsv:{})\n",
                           k.reasons.reasons()[static_cast<std::size_t>(rid)].name, line);
    }
    std::string entries;
    for (const auto& c : cat.causes()) {
      const Condition* st = c.condition(Key::kStatus);
      if (!st) continue;
      if (std::any_of(st->values.begin(), st->values.end(), [&](const Value& v) { return overlap(v, want); }))
        entries += entry_line(c);
    }
    out += entries.empty() ? fmt::format("\nNo catalogue entry names status {}.\n", q)
                           : fmt::format("\nCatalogue entries for {}:\n{}", q, entries);
    *found = *found || !entries.empty();
    return out;
  }
  if (is_reply_query(q)) {
    Value want;
    std::string err;
    parse_condition_value(Key::kReplyCode, q, LoadContext{}, &want, &err);
    std::string entries;
    for (const auto& c : cat.causes()) {
      const Condition* rc = c.condition(Key::kReplyCode);
      if (rc && std::any_of(rc->values.begin(), rc->values.end(), [&](const Value& v) { return overlap(v, want); }))
        entries += entry_line(c);
    }
    *found = !entries.empty();
    return entries.empty() ? fmt::format("No catalogue entry names reply code {}.\n", q)
                           : fmt::format("Catalogue entries for reply code {}:\n{}", q, entries);
  }
  if (looks_like_id(q) && q.find(' ') == std::string::npos) {
    std::string area = q.back() == '.' ? q.substr(0, q.size() - 1) : q;
    std::string entries;
    for (const auto& c : cat.causes())
      if (c.area == area) entries += entry_line(c);
    if (!entries.empty()) {
      *found = true;
      return fmt::format("Catalogue entries of area {}:\n{}", area, entries);
    }
    if (q.find('.') != std::string::npos) {
      std::vector<std::string> ids;
      for (const auto& c : cat.causes()) ids.push_back(c.id);
      std::string h = util::did_you_mean(q, ids);
      return fmt::format("unknown cause id '{}'{}\n", q, h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h));
    }
  }
  return explain_phrase(q, k, found);
}

// ------------------------------------------------------------ main

namespace {

void err_line(const std::string& msg) { fmt::print(stderr, "ndrscan: error: {}\n", msg); }

constexpr const char* kExplainHelp = R"(Usage: ndrscan explain [--knowledge DIR] <status | reply code | cause-id | area | text...>

Offline explanation from the knowledge data and the cause catalogue:
  ndrscan explain 5.7.1                     what the status means, its reason, the causes for it
  ndrscan explain 550                       the causes for a reply code
  ndrscan explain hybrid.<slug>             one catalogue entry, with its steps
  ndrscan explain hybrid                    the entries of an area
  ndrscan explain "550 5.7.1 Unable to relay"   score a server line against the catalogue
Exit status: 0 something was found, 1 nothing was, 2 usage or knowledge error.
)";

constexpr const char* kCatalogueHelp = R"(Usage: ndrscan catalogue lint [--knowledge DIR] [CAUSES_DIR]
       ndrscan catalogue dump [--knowledge DIR] [--out DIR] [CAUSES_DIR]

lint   check the cause catalogue (default: <knowledge>/causes): schema errors
       with file:line:col and "did you mean", duplicate ids, unreachable
       entries (a sample that ranks another cause first or matches nothing,
       a match that can never hold), signals that can never hold. Exit 1
       when an error is found (warnings do not fail).
dump   print the loaded catalogue back in the format of SCHEMA.md; with
       --out DIR, write one <area>.toml per area into DIR instead.
)";

/// load_base - every knowledge table but the catalogue.
bool load_base(const std::string& flag_dir, const char* argv0, Knowledge* k) {
  std::string kdir = find_knowledge_dir(flag_dir, argv0);
  if (kdir.empty()) {
    err_line("knowledge data not found (install it, or pass --knowledge DIR)");
    return false;
  }
  KnowledgeOptions opts;
  opts.geoip_auto = false;
  opts.load_causes = false;
  std::string err;
  if (!load_knowledge(kdir, opts, k, &err)) {
    err_line(err);
    return false;
  }
  return true;
}

}  // namespace

int explain_main(int argc, char** argv, const char* argv0) {
  std::string kflag;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      fmt::print("{}", kExplainHelp);
      return kExitOk;
    }
    if (a == "--knowledge" && i + 1 < argc) kflag = argv[++i];
    else if (a.rfind("--knowledge=", 0) == 0) kflag = a.substr(12);
    else if (a == "--") {
      for (++i; i < argc; ++i) words.emplace_back(argv[i]);
    } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
      err_line(fmt::format("explain: unknown option '{}' (see ndrscan explain --help)", a));
      return kExitUsage;
    } else {
      words.push_back(a);
    }
  }
  if (words.empty()) {
    err_line("explain: nothing to explain (see ndrscan explain --help)");
    return kExitUsage;
  }
  Knowledge k;
  std::string kdir = find_knowledge_dir(kflag, argv0);
  if (kdir.empty()) {
    err_line("knowledge data not found (install it, or pass --knowledge DIR)");
    return kExitUsage;
  }
  KnowledgeOptions opts;
  opts.geoip_auto = false;
  std::string err;
  if (!load_knowledge(kdir, opts, &k, &err)) {
    err_line(err);
    return kExitUsage;
  }
  std::string q;
  for (const auto& w : words) q += (q.empty() ? "" : " ") + w;
  bool found = false;
  fmt::print("{}", explain_text(q, k, &found));
  return found ? kExitOk : kExitSomeFailed;
}

int catalogue_main(int argc, char** argv, const char* argv0) {
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    fmt::print("{}", kCatalogueHelp);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  std::string cmd = argv[1];
  if (cmd != "lint" && cmd != "dump") {
    std::string h = util::did_you_mean(cmd, {"lint", "dump"});
    err_line(fmt::format("catalogue: unknown command '{}'{} (lint or dump)", cmd,
                         h.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", h)));
    return kExitUsage;
  }
  std::string kflag, out_dir, causes_dir;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      fmt::print("{}", kCatalogueHelp);
      return kExitOk;
    }
    if (a == "--knowledge" && i + 1 < argc) kflag = argv[++i];
    else if (a.rfind("--knowledge=", 0) == 0) kflag = a.substr(12);
    else if (cmd == "dump" && a == "--out" && i + 1 < argc) out_dir = argv[++i];
    else if (cmd == "dump" && a.rfind("--out=", 0) == 0) out_dir = a.substr(6);
    else if (!a.empty() && a[0] == '-') {
      err_line(fmt::format("catalogue {}: unknown option '{}'", cmd, a));
      return kExitUsage;
    } else if (causes_dir.empty()) causes_dir = a;
    else {
      err_line(fmt::format("catalogue {}: one directory only", cmd));
      return kExitUsage;
    }
  }
  Knowledge k;
  if (!load_base(kflag, argv0, &k)) return kExitUsage;
  if (causes_dir.empty()) causes_dir = (fs::path(k.dir) / "causes").string();
  std::vector<Problem> problems;
  bool ok = k.causes.load(causes_dir, LoadContext{&k.reasons, &k.networks}, &problems);
  if (cmd == "dump") {
    if (!ok) {
      for (const auto& p : problems)
        if (p.error) fmt::print(stderr, "{}\n", p.str());
      err_line("catalogue dump: the catalogue has errors (run ndrscan catalogue lint)");
      return kExitSomeFailed;
    }
    if (out_dir.empty()) {
      fmt::print("{}", dump(k.causes));
      return kExitOk;
    }
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    for (const auto& a : k.causes.areas()) {
      fs::path p = fs::path(out_dir) / fs::path(a.file).filename();
      std::ofstream o(p, std::ios::binary);
      o << dump_area(k.causes, a);
      if (!o) {
        err_line(fmt::format("{}: cannot write", p.string()));
        return kExitSomeFailed;
      }
    }
    return kExitOk;
  }
  // lint
  std::vector<Problem> more = lint(k.causes, k);
  problems.insert(problems.end(), more.begin(), more.end());
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.col) < std::tie(b.pos.file, b.pos.line, b.pos.col);
  });
  std::size_t errors = 0, warnings = 0;
  for (const auto& p : problems) {
    fmt::print("{}\n", p.str());
    (p.error ? errors : warnings)++;
  }
  fmt::print("catalogue {}: {} causes in {} files; {} error{}, {} warning{}\n", causes_dir, k.causes.size(),
             k.causes.areas().size(), errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return errors ? kExitSomeFailed : kExitOk;
}

}  // namespace ndrscan::catalogue
