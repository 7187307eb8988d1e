// reason.cc - reason tables loader and the classifier (order: see reason.h).
#include "parsers/reason/reason.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <optional>

#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::reason {

namespace {

constexpr std::string_view kShown = "knowledge/reasons/";  // path prefix used in evidence

// Sisimai's first pass (Sisimai::Reason->get, go-sisimai reason.ClassOrder[0]).
constexpr std::array<std::string_view, 18> kFirstPass = {
    "mailboxfull", "mesgtoobig",      "exceedlimit",   "suspend",  "hasmoved",     "norelaying",
    "authfailure", "userunknown",     "filtered",      "requireptr", "notcompliantrfc", "badreputation",
    "rejected",    "hostunknown",     "spamdetected",  "speeding", "toomanyconn",  "blocked"};

// Sisimai's second pass (Sisimai::Reason->anotherone, ClassOrder[1]); failedstarttls first (go-sisimai 5.2).
constexpr std::array<std::string_view, 19> kSecondPass = {
    "failedstarttls", "mailboxfull", "authfailure",  "badreputation", "speeding",     "spamdetected", "virusdetected",
    "policyviolation", "norelaying", "systemerror",  "networkerror",  "suspend",      "contenterror", "systemfull",
    "notaccept",      "expired",     "securityerror", "suppressed",   "mailererror"};

// Every reason name the code refers to; reasons.tsv must define them all.
constexpr std::array<std::string_view, 16> kNeeded = {
    "userunknown", "filtered", "rejected",    "hostunknown",   "networkerror", "exceedlimit",  "suspend", "delivered",
    "expired",     "onhold",   "undefined",   "systemerror",   "securityerror", "contenterror", "blocked", "mailererror"};

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> cols;
  while (true) {
    std::size_t tab = line.find('\t');
    cols.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return cols;
}

bool is_number(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return util::is_digit(c); });
}

/// valid_status - "5.1.1" (class 2/4/5, subject and detail 1-3 digits).
bool valid_status(std::string_view s) {
  if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return false;
  s.remove_prefix(2);
  std::size_t dot = s.find('.');
  if (dot == std::string_view::npos) return false;
  return is_number(s.substr(0, dot), 3) && is_number(s.substr(dot + 1), 3);
}

/// valid_status_pattern - c.s.d, c.s.*, X.s.d, X.s.* or a 3-digit reply code.
bool valid_status_pattern(std::string_view p) {
  if (p.size() == 3) return is_number(p, 3) && (p[0] == '2' || p[0] == '4' || p[0] == '5');
  if (p.size() < 5 || p[1] != '.') return false;
  if (p[0] != 'X' && p[0] != '2' && p[0] != '4' && p[0] != '5') return false;
  std::string_view rest = p.substr(2);
  std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos || !is_number(rest.substr(0, dot), 3)) return false;
  std::string_view detail = rest.substr(dot + 1);
  return detail == "*" || is_number(detail, 3);
}

/// Line reader shared by the four tables: comments, '# date:', columns.
class TsvReader {
 public:
  TsvReader(const std::string& path, std::string* err) : path_(path), in_(path), err_(err) {
    if (!in_) *err_ = fmt::format("{}: cannot open", path_);
  }
  bool ok() const { return static_cast<bool>(in_); }
  /// next - next data line split at tabs; false at the end of file.
  bool next(std::vector<std::string_view>* cols) {
    while (std::getline(in_, line_)) {
      ++lineno_;
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (util::trim(line_).empty()) continue;
      if (line_[0] == '#') {
        std::string_view v = util::trim(std::string_view(line_).substr(1));
        if (util::istarts_with(v, "date:")) date_ = std::string(util::trim(v.substr(5)));
        continue;
      }
      *cols = split_tabs(line_);
      return true;
    }
    return false;
  }
  int line() const { return lineno_; }
  bool fail(std::string_view problem) {
    *err_ = fmt::format("{}:{}: {}", path_, lineno_, problem);
    return false;
  }
  bool finish() {
    if (date_.empty()) {
      *err_ = fmt::format("{}: missing '# date:' line", path_);
      return false;
    }
    return true;
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::string* err_;
  std::string line_;
  std::string date_;
  int lineno_ = 0;
};

std::string join_path(const std::string& dir, std::string_view file) {
  std::string p = dir;
  if (!p.empty() && p.back() != '/') p += '/';
  p += file;
  return p;
}

}  // namespace

void LiteralIndex::add(std::string_view literal, std::uint32_t row) {
  Entry e;
  e.key = (static_cast<unsigned char>(literal[0]) << 8) | static_cast<unsigned char>(literal.size() > 1 ? literal[1] : 0);
  e.literal = std::string(literal);
  e.row = row;
  entries_.push_back(std::move(e));
}

void LiteralIndex::build() {
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  offsets_.assign(65537, 0);
  for (const Entry& e : entries_) ++offsets_[e.key + 1];
  for (std::size_t k = 1; k < offsets_.size(); ++k) offsets_[k] += offsets_[k - 1];
}

int ReasonTables::id(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? -1 : it->second;
}

// ---------------------------------------------------------------- loading

bool ReasonTables::load(const std::string& dir, std::string* err) {
  *this = ReasonTables();
  dir_ = dir;
  if (!load_reasons(join_path(dir, "reasons.tsv"), err)) return false;
  if (!load_status(join_path(dir, "status.tsv"), err)) return false;
  if (!load_phrases(join_path(dir, "phrases.tsv"), err)) return false;
  if (!load_vendor(join_path(dir, "vendor.tsv"), err)) return false;
  for (std::size_t i = 0; i < phrases_.size(); ++i) {
    const Matcher& m = phrases_[i].m;
    if (!m.is_regex) phrase_lits_.add(m.literal, static_cast<std::uint32_t>(i));
    else if (m.required.size() >= 2) phrase_lits_.add(m.required, static_cast<std::uint32_t>(i) | LiteralIndex::kRequired);
  }
  for (std::size_t i = 0; i < vendors_.size(); ++i) {
    if (!vendors_[i].dialect.empty() || vendors_[i].conditional()) continue;
    const Matcher& m = vendors_[i].m;
    if (!m.is_regex) vendor_lits_.add(m.literal, static_cast<std::uint32_t>(i));
    else if (m.required.size() >= 2) vendor_lits_.add(m.required, static_cast<std::uint32_t>(i) | LiteralIndex::kRequired);
  }
  phrase_lits_.build();
  vendor_lits_.build();
  return true;
}

namespace {

/// reason_column - reason id of a column, or a "did you mean" problem text.
int reason_column(const std::unordered_map<std::string, int>& by_name, const std::vector<std::string>& names,
                  std::string_view col, std::string* problem) {
  auto it = by_name.find(std::string(col));
  if (it != by_name.end()) return it->second;
  std::string guess = util::did_you_mean(col, names);
  *problem = guess.empty() ? fmt::format("unknown reason '{}'", col)
                           : fmt::format("unknown reason '{}' (did you mean '{}'?)", col, guess);
  return -1;
}

/// required_literal - the longest run of plain characters that every match of
/// `pat` must contain (top level, not quantified), lowercased; "" if none or
/// the pattern has a top-level alternation. Used as a cheap pre-filter.
std::string required_literal(std::string_view pat) {
  std::string best, run;
  int depth = 0;
  auto flush = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (std::size_t i = 0; i < pat.size(); ++i) {
    const char ch = pat[i];
    const bool quantified = i + 1 < pat.size() && (pat[i + 1] == '?' || pat[i + 1] == '*' || pat[i + 1] == '+' ||
                                                   pat[i + 1] == '{');
    if (ch == '\\') {
      if (i + 1 >= pat.size()) return {};
      const char e = pat[++i];
      const bool lit = !util::is_alpha(e) && !util::is_digit(e);
      const bool q = i + 1 < pat.size() && (pat[i + 1] == '?' || pat[i + 1] == '*' || pat[i + 1] == '+' || pat[i + 1] == '{');
      if (depth == 0 && lit && !q) run += util::to_lower_ascii(e);
      else flush();
      continue;
    }
    if (ch == '[') {
      flush();
      ++i;
      if (i < pat.size() && pat[i] == '^') ++i;
      if (i < pat.size() && pat[i] == ']') ++i;
      while (i < pat.size() && pat[i] != ']') {
        if (pat[i] == '\\') ++i;
        ++i;
      }
      continue;
    }
    if (ch == '(') { flush(); ++depth; continue; }
    if (ch == ')') { flush(); --depth; continue; }
    if (ch == '|' && depth == 0) return {};
    if (ch == '.' || ch == '^' || ch == '$' || ch == '|' || ch == '?' || ch == '*' || ch == '+' || ch == '{' ||
        ch == '}' || depth != 0 || quantified) {
      flush();
      continue;
    }
    run += util::to_lower_ascii(ch);
  }
  flush();
  return best.size() >= 3 ? best : std::string();
}

/// parse_matcher - "lit:..." or "re:..."; false with a problem text.
bool parse_matcher(std::string_view col, Matcher* m, std::string* problem) {
  m->text = std::string(col);
  if (col.substr(0, 4) == "lit:") {
    std::string_view lit = col.substr(4);
    if (lit.size() < 2) {
      *problem = "literal must have at least 2 characters";
      return false;
    }
    if (lit != util::lower(lit)) {
      *problem = fmt::format("literal '{}' must be lowercase", lit);
      return false;
    }
    m->literal = std::string(lit);
    m->text = std::string(lit);
    return true;
  }
  if (col.substr(0, 3) == "re:") {
    std::string_view pat = col.substr(3);
    std::string rerr;
    if (pat.empty() || !m->regex.compile(pat, &rerr)) {
      *problem = fmt::format("bad regex '{}': {}", pat, pat.empty() ? "empty pattern" : rerr);
      return false;
    }
    m->is_regex = true;
    m->text = std::string(pat);
    m->required = required_literal(pat);
    return true;
  }
  *problem = fmt::format("match '{}' must start with lit: or re:", col);
  return false;
}

}  // namespace

bool ReasonTables::load_reasons(const std::string& path, std::string* err) {
  TsvReader r(path, err);
  if (!r.ok()) return false;
  std::vector<std::string_view> c;
  while (r.next(&c)) {
    if (c.size() != 6)
      return r.fail(fmt::format(
          "expected 6 tab-separated columns (name, hardness, status, newer-name, meaning, source), found {}", c.size()));
    std::string_view name = c[0];
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
      return r.fail(fmt::format("reason name '{}' must be lowercase letters", name));
    ReasonInfo info;
    info.name = std::string(name);
    if (c[1] == "hard") info.hardness = 'h';
    else if (c[1] == "soft") info.hardness = 's';
    else if (c[1] == "depends") info.hardness = 'd';
    else return r.fail(fmt::format("hardness '{}' must be hard, soft or depends", c[1]));
    if (c[2] != "-") {
      if (c[2].size() < 5 || c[2][0] != 'X' || !valid_status_pattern(c[2]) || c[2].back() == '*')
        return r.fail(fmt::format("status '{}' must be X.s.d or -", c[2]));
      info.status = std::string(c[2]);
    }
    if (c[3] != "-") info.newer = std::string(c[3]);
    if (util::trim(c[4]).empty() || util::trim(c[5]).empty()) return r.fail("empty meaning or source");
    if (!by_name_.emplace(info.name, static_cast<int>(reasons_.size())).second)
      return r.fail(fmt::format("duplicate reason '{}'", name));
    reasons_.push_back(std::move(info));
  }
  if (!r.finish()) return false;
  if (reasons_.size() > 64) {
    *err = fmt::format("{}: at most 64 reasons are supported, found {}", path, reasons_.size());
    return false;
  }
  for (std::string_view n : kNeeded)
    if (id(n) < 0) {
      *err = fmt::format("{}: reason '{}' used by the classifier is missing", path, n);
      return false;
    }
  Ids& d = ids_;
  d.userunknown = id("userunknown"), d.filtered = id("filtered"), d.rejected = id("rejected");
  d.hostunknown = id("hostunknown"), d.networkerror = id("networkerror"), d.exceedlimit = id("exceedlimit");
  d.suspend = id("suspend"), d.mesgtoobig = id("mesgtoobig"), d.mailererror = id("mailererror");
  d.delivered = id("delivered"), d.expired = id("expired"), d.onhold = id("onhold"), d.undefined = id("undefined");
  d.systemerror = id("systemerror"), d.securityerror = id("securityerror"), d.contenterror = id("contenterror");
  d.blocked = id("blocked"), d.norelaying = id("norelaying"), d.mailboxfull = id("mailboxfull");
  d.hasmoved = id("hasmoved");
  for (std::string_view n : kFirstPass)
    if (id(n) >= 0) d.first_pass.push_back(id(n));
  for (std::string_view n : kSecondPass)
    if (id(n) >= 0) d.second_pass.push_back(id(n));
  return true;
}

bool ReasonTables::load_status(const std::string& path, std::string* err) {
  TsvReader r(path, err);
  if (!r.ok()) return false;
  std::vector<std::string> names;
  for (const auto& ri : reasons_) names.push_back(ri.name);
  std::vector<std::string_view> c;
  while (r.next(&c)) {
    if (c.size() != 3)
      return r.fail(fmt::format("expected 3 tab-separated columns (pattern, reason, source), found {}", c.size()));
    if (!valid_status_pattern(c[0]))
      return r.fail(fmt::format("'{}' is not a status pattern (use 5.7.1, 5.7.*, X.7.1, X.7.* or 550)", c[0]));
    std::string problem;
    int rid = reason_column(by_name_, names, c[1], &problem);
    if (rid < 0) return r.fail(problem);
    if (util::trim(c[2]).empty()) return r.fail("empty source");
    StatusRow row{std::string(c[0]), rid, r.line()};
    auto [it, inserted] = status_.emplace(row.pattern, row);
    if (!inserted) return r.fail(fmt::format("duplicate pattern '{}' (first at line {})", c[0], it->second.line));
  }
  return r.finish();
}

bool ReasonTables::load_phrases(const std::string& path, std::string* err) {
  TsvReader r(path, err);
  if (!r.ok()) return false;
  std::vector<std::string> names;
  for (const auto& ri : reasons_) names.push_back(ri.name);
  std::unordered_map<std::string, int> seen;
  std::vector<std::string_view> c;
  while (r.next(&c)) {
    if (c.size() != 3)
      return r.fail(fmt::format("expected 3 tab-separated columns (reason, match, source), found {}", c.size()));
    std::string problem;
    PhraseRow row;
    row.reason = reason_column(by_name_, names, c[0], &problem);
    if (row.reason < 0) return r.fail(problem);
    if (!parse_matcher(c[1], &row.m, &problem)) return r.fail(problem);
    if (util::trim(c[2]).empty()) return r.fail("empty source");
    row.line = r.line();
    auto [it, inserted] = seen.emplace(std::string(c[1]), r.line());
    if (!inserted) return r.fail(fmt::format("duplicate match '{}' (first at line {})", c[1], it->second));
    phrases_.push_back(std::move(row));
  }
  return r.finish();
}

bool ReasonTables::load_vendor(const std::string& path, std::string* err) {
  TsvReader r(path, err);
  if (!r.ok()) return false;
  std::vector<std::string> names;
  for (const auto& ri : reasons_) names.push_back(ri.name);
  std::unordered_map<std::string, int> seen;
  std::vector<std::string_view> c;
  while (r.next(&c)) {
    if (c.size() != 5 && c.size() != 6)
      return r.fail(fmt::format(
          "expected 5 or 6 tab-separated columns (vendor, match, reason, status, source[, when]), found {}", c.size()));
    VendorRow row;
    row.vendor = std::string(util::trim(c[0]));
    if (row.vendor.empty()) return r.fail("empty vendor");
    std::string problem;
    if (c.size() == 6) {
      std::string_view w = util::trim(c[5]);
      while (!w.empty()) {
        std::size_t sp = w.find(' ');
        std::string_view tok = w.substr(0, sp);
        w = sp == std::string_view::npos ? std::string_view() : util::trim(w.substr(sp + 1));
        if (tok.empty()) continue;
        if (tok == "ctx") {
          row.in_context = true;
        } else if (tok.substr(0, 6) == "rhost=" && tok.size() > 6) {
          std::string_view list = tok.substr(6);
          while (!list.empty()) {
            std::size_t comma = list.find(',');
            std::string_view h = list.substr(0, comma);
            if (h.empty() || h != util::lower(h)) return r.fail(fmt::format("rhost '{}' must be lowercase", h));
            row.rhosts.emplace_back(h);
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
          }
        } else if (tok.substr(0, 4) == "cmd=" && tok.size() > 4) {
          row.command = std::string(tok.substr(4));
        } else if (tok.substr(0, 7) == "status=" && valid_status(tok.substr(7))) {
          row.when_status = std::string(tok.substr(7));
        } else if (tok.substr(0, 8) == "dialect=" && tok.size() > 8) {
          row.when_dialect = std::string(tok.substr(8));
        } else {
          return r.fail(fmt::format("unknown condition '{}' (use rhost=a,b cmd=X status=c.s.d dialect=x ctx)", tok));
        }
      }
    }
    if (c[1] == "*") {
      if (!row.conditional() || row.in_context)
        return r.fail("match '*' needs a rhost=, cmd=, status= or dialect= condition");
      row.any = true;
      row.m.text = "*";
    } else if (c[1].substr(0, 8) == "dialect:") {
      row.dialect = std::string(c[1].substr(8));
      if (row.dialect.empty() || row.dialect != util::lower(row.dialect))
        return r.fail(fmt::format("dialect '{}' must be a non-empty lowercase name", row.dialect));
      row.m.text = row.dialect;
    } else if (!parse_matcher(c[1], &row.m, &problem)) {
      return r.fail(problem);
    }
    row.reason = reason_column(by_name_, names, c[2], &problem);
    if (row.reason < 0) return r.fail(problem);
    if (c[3] != "-") {
      if (!valid_status(c[3])) return r.fail(fmt::format("status '{}' must be c.s.d or -", c[3]));
      row.status = std::string(c[3]);
    }
    if (util::trim(c[4]).empty()) return r.fail("empty source");
    row.line = r.line();
    std::string key = std::string(c[1]);
    if (c.size() == 6) key += "\t" + std::string(util::trim(c[5]));
    auto [it, inserted] = seen.emplace(key, r.line());
    if (!inserted) return r.fail(fmt::format("duplicate match '{}' (first at line {})", c[1], it->second));
    vendors_.push_back(std::move(row));
  }
  return r.finish();
}

int ReasonTables::status_reason(std::string_view code, int* line) const {
  auto look = [&](const std::string& key) -> int {
    auto it = status_.find(key);
    if (it == status_.end()) return -1;
    if (line) *line = it->second.line;
    return it->second.reason;
  };
  if (code.size() == 3) return is_number(code, 3) ? look(std::string(code)) : -1;
  if (!valid_status(code)) return -1;
  std::string_view rest = code.substr(2);
  std::string_view subject = rest.substr(0, rest.find('.'));
  std::string_view detail = rest.substr(rest.find('.') + 1);
  std::string key;
  key.reserve(12);
  int rid = look(std::string(code));
  if (rid >= 0) return rid;
  key = fmt::format("{}.{}.*", code[0], subject);
  if ((rid = look(key)) >= 0) return rid;
  key = fmt::format("X.{}.{}", subject, detail);
  if ((rid = look(key)) >= 0) return rid;
  key = fmt::format("X.{}.*", subject);
  return look(key);
}

// ---------------------------------------------------------------- classify

std::string_view infer_command(std::string_view t) {
  // Each cue contains an anchor word (checked at compile time below); a cue
  // is searched for only when its anchor is in the text, so most texts cost
  // a few scans instead of one per cue. The first cue found still wins.
  enum Anchor { kRcpt, kRecipient, kEhlo, kHelo, kMailFrom, kSender, kData, kSentThe, kTalk, kConnection, kNameWas, kAnchors };
  static constexpr std::string_view kAnchorText[kAnchors] = {
      "rcpt", "recipient", "ehlo", "helo", "mail from", "sender", "data", "sent the", "talk", "connection", "name was"};
  struct Cue {
    std::string_view text, command;
    Anchor anchor;
  };
  static constexpr Cue kCues[] = {
      {"in reply to rcpt to command", "RCPT", kRcpt},  {"after rcpt to", "RCPT", kRcpt},
      {"did not like our rcpt to", "RCPT", kRcpt},     {"most progress was rcpt to", "RCPT", kRcpt},
      {"does not like recipient", "RCPT", kRecipient}, {">>> rcpt to", "RCPT", kRcpt},
      {"after rcpt command", "RCPT", kRcpt},           {">>> ehlo", "HELO", kEhlo},
      {">>> helo", "HELO", kHelo},                     {"[rcpt_to]", "RCPT", kRcpt},
      {"smtp:rcpt ", "RCPT", kRcpt},                   {"error following rcpt command", "RCPT", kRcpt},
      {"in reply to mail from command", "MAIL", kMailFrom}, {"after mail from", "MAIL", kMailFrom},
      {"but sender was rejected", "MAIL", kSender},    {">>> mail from", "MAIL", kMailFrom},
      {"in reply to end of data command", "DATA", kData}, {"in reply to data command", "DATA", kData},
      {"after end of data", "DATA", kData},            {"did not like our final data", "DATA", kData},
      {"failed after i sent the message", "DATA", kSentThe}, {">>> data", "DATA", kData},
      {"refused to talk to me", "HELO", kTalk},        {"after initial connection", "HELO", kConnection},
      {"but my name was rejected", "HELO", kNameWas},  {"after ehlo", "HELO", kEhlo},
      {"after helo", "HELO", kHelo},                   {"in reply to ehlo command", "HELO", kEhlo},
      {"in reply to helo command", "HELO", kHelo},
  };
  static_assert([] {
    for (const Cue& c : kCues)
      if (c.text.find(kAnchorText[c.anchor]) == std::string_view::npos) return false;
    return true;
  }(), "every cue must contain its anchor");
  signed char present[kAnchors];
  std::fill(std::begin(present), std::end(present), static_cast<signed char>(-1));  // -1: not searched yet
  for (const Cue& c : kCues) {
    signed char& p = present[c.anchor];
    if (p < 0) p = util::find_bytes(t, kAnchorText[c.anchor]) != std::string_view::npos;
    if (p && util::find_bytes(t, c.text) != std::string_view::npos) return c.command;
  }
  return {};
}

namespace {

bool matches(const Matcher& m, std::string_view low) {
  if (m.is_regex)
    return (m.required.empty() || util::find_bytes(low, m.required) != std::string_view::npos) && m.regex.search(low);
  return util::find_bytes(low, m.literal) != std::string_view::npos;
}

/// matches_scanned - matches() for an re: row of a table whose LiteralIndex
/// scan already marked (in `seen`) the rows whose required literal occurs.
bool matches_scanned(const Matcher& m, std::string_view low, const std::vector<char>& seen, std::size_t row) {
  if (m.required.size() >= 2) return seen[row] && m.regex.search(low);
  return matches(m, low);
}

bool before_data(std::string_view cmd) {
  return cmd == "HELO" || cmd == "EHLO" || cmd == "MAIL" || cmd == "RCPT" || cmd == "CONN" || cmd == "STARTTLS" ||
         cmd == "AUTH";
}

bool digit(char c) { return c >= '0' && c <= '9'; }

/// diag_status - the first enhanced status code written in the (lowercased)
/// text when its subject and detail are made of the digits 1-9 only (Sisimai
/// then lets it override the Status field, lib/Sisimai/Fact.pm), else "";
/// with `any_digits` the first code whatever its digits ("5.7.0").
std::string_view diag_status(std::string_view t, bool any_digits = false) {
  for (std::size_t i = 0; i + 4 < t.size(); ++i) {
    if ((t[i] != '4' && t[i] != '5') || t[i + 1] != '.') continue;
    if (i > 0 && (digit(t[i - 1]) || t[i - 1] == '.')) continue;
    std::size_t j = i + 2, a = j;
    while (j < t.size() && digit(t[j]) && j - a < 3) ++j;
    if (j == a || j >= t.size() || t[j] != '.') continue;
    std::size_t b = ++j;
    while (j < t.size() && digit(t[j]) && j - b < 3) ++j;
    if (j == b) continue;
    if (j < t.size() && (digit(t[j]) || (t[j] == '.' && j + 1 < t.size() && digit(t[j + 1])))) continue;
    std::string_view code = t.substr(i, j - i);
    if (any_digits) return code;
    for (std::size_t k = 2; k < code.size(); ++k)
      if (code[k] == '0') return {};
    return code;
  }
  return {};
}

/// count_word - occurrences of `w` in `t` not touching other digits.
std::size_t count_word(std::string_view t, std::string_view w) {
  if (w.empty()) return 0;
  std::size_t n = 0;
  for (std::size_t p = t.find(w); p != std::string_view::npos; p = t.find(w, p + 1)) {
    const bool left = p == 0 || !digit(t[p - 1]);
    const bool right = p + w.size() >= t.size() || !digit(t[p + w.size()]);
    n += left && right;
  }
  return n;
}

/// strip_continuations - Sisimai's clean-up of multi-line replies: when the
/// reply code and status occur more than twice, every " 550-5.2.1 " /
/// " 550 5.2.1 " continuation prefix after the first becomes one space, so
/// "rate that 550-5.2.1 prevents" reads "rate that prevents".
void strip_continuations(std::string* s, std::string_view reply) {
  std::string_view t = *s;
  char vr[4] = {0, 0, 0, 0};
  if (reply.size() == 3 && digit(reply[0]) && digit(reply[1]) && digit(reply[2])) {
    std::memcpy(vr, reply.data(), 3);
  } else {
    std::size_t i = 0;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (i + 3 > t.size() || !digit(t[i]) || !digit(t[i + 1]) || !digit(t[i + 2])) return;
    std::memcpy(vr, t.data() + i, 3);
  }
  const std::string_view code(vr, 3);
  char vsb[12] = {};
  std::string_view vs = diag_status(t, /*any_digits=*/true);  // "552-5.7.0 ... 552-5.7.0 ..." too
  if (vs.empty()) {
    vs = {};
  } else if (vs.size() < sizeof(vsb)) {
    std::memcpy(vsb, vs.data(), vs.size());  // memcpy from a null pointer is UB even for 0 bytes
    vs = std::string_view(vsb, vs.size());
  } else {
    vs = {};
  }
  if (count_word(t, code) + count_word(t, vs) <= 2) return;
  std::string& out = *s;
  std::size_t w = 0;
  for (std::size_t i = 0; i < out.size();) {
    if (out[i] == ' ' && i + 5 <= out.size() && std::string_view(out).substr(i + 1, 3) == code &&
        (out[i + 4] == '-' || out[i + 4] == ' ')) {
      std::size_t j = i + 5;
      if (!vs.empty() && std::string_view(out).substr(j, vs.size()) == vs) j += vs.size();
      if (w == 0 || out[w - 1] != ' ') out[w++] = ' ';
      i = j;
      while (i < out.size() && out[i] == ' ') ++i;
      continue;
    }
    if (out[i] == ' ' && w > 0 && out[w - 1] == ' ') {
      ++i;
      continue;
    }
    out[w++] = out[i++];
  }
  out.resize(w);
}

/// host_of - first word of a Remote-MTA value without brackets, lowercase view into `buf`.
std::string_view host_of(std::string_view v, std::string* buf) {
  v = util::trim(v);
  while (!v.empty() && (v.front() == '[' || v.front() == '(' || v.front() == '<')) v.remove_prefix(1);
  std::size_t e = 0;
  while (e < v.size() && v[e] != ' ' && v[e] != ']' && v[e] != ')' && v[e] != '>' && v[e] != '[' && v[e] != ':') ++e;
  v = v.substr(0, e);
  while (!v.empty() && v.back() == '.') v.remove_suffix(1);
  buf->assign(v);
  for (char& ch : *buf) ch = util::to_lower_ascii(ch);
  return *buf;
}

/// ends_with_host - `host` is `suffix` or ends with ".suffix" (a suffix
/// starting with '.' or '-' matches as written).
bool ends_with_host(std::string_view host, std::string_view suffix) {
  if (host.size() < suffix.size() || suffix.empty()) return false;
  if (host.substr(host.size() - suffix.size()) != suffix) return false;
  if (host.size() == suffix.size() || suffix.front() == '.' || suffix.front() == '-') return true;
  return host[host.size() - suffix.size() - 1] == '.';
}

/// recipient_paragraph - the paragraph of the (lowercased) bounce text that
/// names the recipient outside a header field ("<bob@x>: host y said: 550
/// ...", "bob@x: 550 5.7.25 ..."), at most 1,000 bytes; "" if none.
std::string_view recipient_paragraph(std::string_view ctx, std::string_view addr) {
  if (addr.size() < 3) return {};
  int tries = 0;
  for (std::size_t p = ctx.find(addr); p != std::string_view::npos && tries < 16; p = ctx.find(addr, p + 1), ++tries) {
    std::size_t ls = ctx.rfind('\n', p);
    ls = ls == std::string_view::npos ? 0 : ls + 1;
    if (ctx.substr(ls, p - ls).find(':') != std::string_view::npos) continue;  // "Final-Recipient: rfc822; bob@x"
    std::size_t end = p;
    while (end < ctx.size() && end - ls < 1000) {
      std::size_t nl = ctx.find('\n', end);
      if (nl == std::string_view::npos) {
        end = ctx.size();
        break;
      }
      std::size_t q = nl + 1;
      while (q < ctx.size() && (ctx[q] == '\r' || ctx[q] == ' ' || ctx[q] == '\t')) ++q;
      end = nl;
      if (q >= ctx.size() || ctx[q] == '\n' || ctx.substr(q, 2) == "--") break;
      end = q;
    }
    std::string_view para = util::trim(ctx.substr(ls, std::min(end, ls + 1000) - ls));
    if (para.size() > addr.size() + 8) return para;
  }
  return {};
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return out;
}

}  // namespace

ReasonResult classify(std::string_view status, std::string_view reply_code, std::string_view diagnostic,
                      std::string_view action, std::string_view dialect, const ReasonTables& t) {
  Input in;
  in.status = status;
  in.reply_code = reply_code;
  in.diagnostic = diagnostic;
  in.action = action;
  in.dialect = dialect;
  return classify(in, t);
}

ReasonResult classify(const Recipient& r, std::string_view dialect, const ReasonTables& t, std::string_view rhost,
                      std::string_view context) {
  Input in;
  in.status = r.status;
  in.reply_code = r.reply_code;
  in.diagnostic = r.diagnostic;
  in.action = r.action;
  in.dialect = dialect;
  in.diagnostic_type = r.diagnostic_type;
  in.command = r.command;
  in.rhost = r.remote_mta.empty() ? rhost : std::string_view(r.remote_mta);
  in.recipient = r.address;
  in.context = context;
  return classify(in, t);
}

std::string_view bounce_context(std::string_view message) {
  std::string_view m = message.substr(0, std::min(message.size(), kMaxScan));
  // The first marker that a Content-Type field names (not the report's own
  // header) starts the returned message. Every marker has one '/', so one
  // pass over the slashes finds the first of any of them.
  struct Marker {
    std::string_view text;
    std::size_t slash;  // where its '/' is
  };
  static constexpr Marker kMarkers[] = {{"message/rfc822", 7}, {"text/rfc822-headers", 4}, {"message/global", 7}};
  for (std::size_t s = m.find('/'); s != std::string_view::npos; s = m.find('/', s + 1)) {
    for (const Marker& k : kMarkers) {
      if (s < k.slash || m.size() - (s - k.slash) < k.text.size()) continue;
      const std::size_t p = s - k.slash;
      if (!util::iequals(m.substr(p, k.text.size()), k.text)) continue;
      std::size_t ls = m.rfind('\n', p);
      ls = ls == std::string_view::npos ? 0 : ls + 1;
      if (util::istarts_with(m.substr(ls), "content-type:")) return m.substr(0, p);
    }
  }
  return m;
}

ReasonResult classify(const Input& in, const ReasonTables& t) {
  ReasonResult res;
  if (!t.loaded()) {
    res.reason = "undefined";
    res.evidence = "reason tables not loaded";
    return res;
  }
  const auto& R = t.reasons();
  const auto& I = t.ids();
  const std::string_view given_status = util::trim(in.status);
  const std::string_view reply = util::trim(in.reply_code);
  const bool delayed = util::iequals(util::trim(in.action), "delayed") || util::iequals(util::trim(in.action), "expired");
  int decided = -1;
  std::string vendor_status;

  // Lowercased, bounded copies of the context and the diagnostic in reused
  // per-thread buffers (the context is lowercased once per message).
  thread_local std::string ctx_low;
  thread_local std::string ctx_flat;  // the same with every whitespace run as one space
  // infer_command(ctx_flat), found when first needed
  thread_local std::optional<std::string_view> ctx_command;
  // The key is the context's bytes, not its address: a message's context
  // may be a string built for it, and the next message's can be built at
  // the same address with the same length.
  thread_local std::string ctx_key;
  const std::string_view ctx_in = in.context.substr(0, kMaxScan);
  if (ctx_in.empty() || std::string_view(ctx_key) != ctx_in) {
    const std::size_t cn = ctx_in.size();
    ctx_key.assign(ctx_in);
    ctx_low.resize(cn);
    ctx_flat.resize(cn);
    util::lower_into(ctx_low.data(), ctx_in.data(), cn);
    ctx_flat.resize(util::collapse_blanks(ctx_flat.data(), ctx_low.data(), cn));
    ctx_command.reset();
  }
  const std::string_view ctx = ctx_low;
  const std::string_view flat = ctx_flat;
  thread_local std::string addr_low;
  addr_low.assign(util::trim(in.recipient));
  for (char& ch : addr_low) ch = util::to_lower_ascii(ch);

  thread_local std::string low;
  std::string_view diag = in.diagnostic;
  bool from_context = false;
  if (util::trim(diag).empty() && !ctx.empty()) {
    diag = recipient_paragraph(ctx, addr_low);  // already lowercase
    from_context = !diag.empty();
  }
  const std::size_t n = std::min(diag.size(), kMaxScan);
  low.resize(n);
  util::lower_into(low.data(), diag.data(), n);
  strip_continuations(&low, reply);
  const std::string_view text = low;
  const bool has_text = !util::trim(text).empty();
  // Sisimai lets a status written in the diagnostic override the Status field.
  const std::string_view written = diag_status(text);
  const std::string_view status = written.empty() ? given_status : written;

  // The SMTP command: given, else named by the diagnostic, else by the bounce
  // text near the recipient's address, else anywhere in the bounce text.
  // Looked for when a rule first asks: many recipients are decided without.
  std::string cmd_found;
  bool cmd_known = false;
  auto command = [&]() -> const std::string& {
    if (cmd_known) return cmd_found;
    cmd_known = true;
    std::string& cmd = cmd_found;
    cmd = in.command.empty() ? std::string(infer_command(text)) : upper_ascii(util::trim(in.command));
    if (cmd.empty() && !flat.empty()) {
      int tries = 0;
      for (std::size_t p = addr_low.size() >= 3 ? flat.find(addr_low) : std::string_view::npos;
           p != std::string_view::npos && cmd.empty() && tries < 16; p = flat.find(addr_low, p + 1), ++tries) {
        const std::size_t from = p > 40 ? p - 40 : 0;
        cmd = std::string(infer_command(flat.substr(from, p - from + 600)));
      }
      if (cmd.empty()) {
        if (!ctx_command) ctx_command = infer_command(flat);
        cmd = std::string(*ctx_command);
      }
    }
    if (cmd == "EHLO") cmd = "HELO";
    return cmd;
  };
  thread_local std::string rhost_buf;
  const std::string_view rhost = host_of(in.rhost, &rhost_buf);
  const std::size_t at = addr_low.rfind('@');
  const std::string_view rcpt_domain = at == std::string::npos ? std::string_view() : std::string_view(addr_low).substr(at + 1);

  // 0. dialect facts and delivered.
  std::string dialect_low = util::lower(util::trim(in.dialect));
  for (const auto& v : t.vendors()) {
    if (v.dialect.empty() || v.dialect != dialect_low) continue;
    decided = v.reason;
    vendor_status = v.status;
    res.evidence = fmt::format("dialect '{}' ({}vendor.tsv:{})", v.dialect, kShown, v.line);
    break;
  }
  if (decided < 0 &&
      (util::iequals(util::trim(in.action), "delivered") || (!given_status.empty() && given_status[0] == '2'))) {
    decided = I.delivered;
    res.evidence = given_status.empty() ? std::string("action delivered") : fmt::format("status {}", given_status);
  }

  // 0b. conditional vendor rows: remote host / recipient domain, command,
  // reader, or a text of the whole bounce (Sisimai's Rhost and Lhost rules).
  if (decided < 0) {
    for (const auto& v : t.vendors()) {
      if (!v.dialect.empty() || !v.conditional()) continue;
      if (!v.when_dialect.empty() && v.when_dialect != dialect_low) continue;
      if (!v.when_status.empty() && v.when_status != given_status) continue;
      if (!v.command.empty() && v.command != command()) continue;
      if (!v.rhosts.empty() &&
          std::none_of(v.rhosts.begin(), v.rhosts.end(), [&](const std::string& h) {
            return ends_with_host(rhost, h) || ends_with_host(rcpt_domain, h);
          }))
        continue;
      if (!v.any && !(v.in_context ? (!flat.empty() && matches(v.m, flat)) : (has_text && matches(v.m, text)))) continue;
      decided = v.reason;
      vendor_status = v.status;
      res.evidence = fmt::format("{} {}'{}' ({}vendor.tsv:{})", v.vendor, v.in_context ? "bounce text " : "text ",
                                 v.m.text, kShown, v.line);
      if (!v.rhosts.empty()) res.evidence += fmt::format(", remote host {}", rhost.empty() ? rcpt_domain : rhost);
      if (!v.command.empty()) res.evidence += ", command " + command();
      break;
    }
  }

  // 1. vendor texts.
  if (decided < 0 && has_text) {
    const auto& vs = t.vendors();
    std::size_t best = vs.size();
    thread_local std::vector<char> seen;  // re: rows whose required literal occurs
    t.vendor_literals().scan_rows(text, vs.size(), &seen,
                                  [&](std::uint32_t row) { best = std::min<std::size_t>(best, row); });
    for (std::size_t i = 0; i < best; ++i)
      if (vs[i].m.is_regex && !vs[i].conditional() && matches_scanned(vs[i].m, text, seen, i)) {
        best = i;
        break;
      }
    if (best < vs.size()) {
      const auto& v = vs[best];
      decided = v.reason;
      vendor_status = v.status;
      res.evidence = fmt::format("{} text '{}' ({}vendor.tsv:{})", v.vendor, v.m.text, kShown, v.line);
    }
  }

  // Phrase matches: one bit per reason, first matching row kept for evidence.
  std::uint64_t mask = 0;
  std::array<int, 64> first_row{};
  first_row.fill(-1);
  if (decided < 0 && has_text) {
    const auto& rows = t.phrases();
    auto note = [&](std::size_t i) {
      const int rid = rows[i].reason;
      mask |= std::uint64_t{1} << rid;
      if (first_row[rid] < 0 || static_cast<int>(i) < first_row[rid]) first_row[rid] = static_cast<int>(i);
    };
    thread_local std::vector<char> seen;  // re: rows whose required literal occurs
    t.phrase_literals().scan_rows(text, rows.size(), &seen, [&](std::uint32_t row) { note(row); });
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].m.is_regex) continue;
      const std::uint64_t bit = std::uint64_t{1} << rows[i].reason;
      if ((mask & bit) && first_row[rows[i].reason] < static_cast<int>(i)) continue;
      if (matches_scanned(rows[i].m, text, seen, i)) note(i);
    }
  }
  auto has = [&](int rid) { return rid >= 0 && (mask & (std::uint64_t{1} << rid)) != 0; };
  auto phrase_ev = [&](int rid) {
    const auto& row = t.phrases()[first_row[rid]];
    return fmt::format("phrase '{}' ({}phrases.tsv:{})", row.m.text, kShown, row.line);
  };

  int status_line = 0;
  const int sr = status.empty() ? -1 : t.status_reason(status, &status_line);
  auto status_ev = [&] { return fmt::format("status {} ({}status.tsv:{})", status, kShown, status_line); };
  const int uu = I.userunknown, filtered = I.filtered, rejected = I.rejected;
  const int hostunknown = I.hostunknown, networkerror = I.networkerror;
  const int exceedlimit = I.exceedlimit, suspend = I.suspend, mesgtoobig = I.mesgtoobig;
  const int mailererror = I.mailererror;

  // 2. local mailer failure reported with an X-UNIX / X-POSTFIX type.
  const std::string dtype = upper_ascii(util::trim(in.diagnostic_type));
  if (decided < 0 && (dtype == "X-UNIX" || dtype == "X-POSTFIX") && has(mailererror)) {
    decided = mailererror;
    res.evidence = phrase_ev(mailererror) + ", diagnostic type " + dtype;
  }

  // 3. first pass: status or phrase, with Sisimai's refinements.
  if (decided < 0) {
    for (const int rid : I.first_pass) {
      bool ok = false;
      std::string ev;
      if (rid == uu) {
        if (sr == suspend) continue;
        if (sr == uu) {
          bool other_matched = false;
          for (const int other : {I.norelaying, I.blocked, I.mailboxfull, I.hasmoved, I.rejected})
            other_matched = other_matched || has(other);
          if (!other_matched) {
            ok = true;
            ev = status_ev();
            if (has(uu)) ev += ", " + phrase_ev(uu);
          }
        } else if (has(uu) && command() == "RCPT") {
          ok = true;
          ev = phrase_ev(uu) + ", command RCPT";
        }
      } else if (rid == filtered) {
        if (sr == suspend) continue;
        if (sr == filtered) {
          if (has(uu) || has(filtered)) {
            ok = true;
            ev = status_ev() + ", " + phrase_ev(has(filtered) ? filtered : uu);
          }
        } else if ((has(filtered) || has(uu)) && !before_data(command())) {
          ok = true;
          ev = has(filtered) ? phrase_ev(filtered)
                             : phrase_ev(uu) + (command().empty() ? std::string(", no RCPT command seen")
                                                                  : ", command " + command());
        }
      } else if (rid == rejected) {
        if (sr == rejected) {
          ok = true;
          ev = status_ev();
        } else if (has(rejected)) {
          const bool weak_status =
              sr < 0 || sr == I.onhold || sr == I.undefined || sr == I.securityerror || sr == I.systemerror;
          const std::string& cmd = command();
          if (cmd == "MAIL" || (cmd == "DATA" && sr != uu) || (cmd != "MAIL" && cmd != "DATA" && weak_status)) {
            ok = true;
            ev = phrase_ev(rejected) + (cmd.empty() ? std::string() : ", command " + cmd);
          }
        }
      } else if (rid == hostunknown) {
        if (sr == hostunknown && !has(networkerror)) {
          ok = true;
          ev = status_ev();
        } else if (sr != hostunknown && has(hostunknown)) {
          ok = true;
          ev = phrase_ev(hostunknown);
        }
      } else if (rid == mesgtoobig) {
        if (sr == mesgtoobig) {
          ok = true;
          ev = status_ev();
        } else if (sr != exceedlimit && status != "5.2.3" && has(mesgtoobig)) {
          ok = true;
          ev = phrase_ev(mesgtoobig);
        }
      } else if (sr == rid) {
        ok = true;
        ev = status_ev();
      } else if (has(rid)) {
        ok = true;
        ev = phrase_ev(rid);
      }
      if (ok) {
        decided = rid;
        res.evidence = std::move(ev);
        break;
      }
    }
  }

  // 4./5. status unless retried, then the second phrase pass.
  if (decided < 0) {
    const bool retry = sr < 0 || sr == uu || sr == I.onhold || sr == I.undefined || sr == I.systemerror ||
                       sr == I.securityerror || sr == networkerror || sr == I.expired;
    if (!retry) {
      decided = sr;
      res.evidence = status_ev();
    } else {
      for (const int rid : I.second_pass) {
        if (!has(rid)) continue;
        decided = rid;
        res.evidence = phrase_ev(rid);
        break;
      }
      if (decided < 0 && sr >= 0) {
        decided = sr;
        res.evidence = status_ev();
      }
    }
  }

  // 6. status class, diagnostic type, reply code.
  if (decided < 0) {
    if (status.size() >= 4 && status[2] == '6' && status[3] == '.') {
      decided = I.contenterror;
      res.evidence = fmt::format("status class X.6 ({})", status);
    } else if (status.size() >= 4 && status[2] == '7' && status[3] == '.') {
      decided = I.securityerror;
      res.evidence = fmt::format("status class X.7 ({})", status);
    } else if (dtype == "X-UNIX" || dtype == "X-POSTFIX") {
      decided = mailererror;
      res.evidence = "diagnostic type " + dtype;
    } else if (!reply.empty()) {
      int line = 0;
      const int rid = t.status_reason(reply, &line);
      if (rid >= 0) {
        decided = rid;
        res.evidence = fmt::format("reply code {} ({}status.tsv:{})", reply, kShown, line);
      }
    }
  }

  // 7. fall-backs.
  if (decided < 0) {
    if (delayed) {
      decided = I.expired;
      res.evidence = "action delayed";
    } else if (command() == "HELO") {
      decided = I.blocked;
      res.evidence = "rejected at HELO/EHLO or connection";
    } else if (has_text) {
      decided = I.onhold;
      res.evidence = "text present but nothing matched";
    } else {
      decided = I.undefined;
      res.evidence = "nothing to go on";
    }
  }
  if (decided < 0) decided = I.undefined;

  const auto& info = R[decided];
  res.reason = info.name;

  if (from_context && !res.evidence.empty()) res.evidence += ", in the bounce text naming the recipient";

  // Inferred status: only when the recipient had none.
  if (given_status.empty()) {
    if (!vendor_status.empty()) {
      res.status = vendor_status;
    } else if (!info.status.empty()) {
      char cls = (delayed || (!reply.empty() && reply[0] == '4')) ? '4' : '5';
      res.status = info.status;
      res.status[0] = cls;
    }
  }

  // Hard bounce.
  if (info.hardness == 'h') {
    res.hard = !delayed;
  } else if (info.hardness == 'd') {
    char cls = !status.empty() ? status[0] : !reply.empty() ? reply[0] : !res.status.empty() ? res.status[0] : '5';
    res.hard = !delayed && cls != '4';
  }
  return res;
}

std::string_view newer_name(std::string_view reason, const ReasonTables& t) {
  const int rid = t.id(reason);
  if (rid < 0 || t.reasons()[rid].newer.empty()) return reason;
  return t.reasons()[rid].newer;
}

}  // namespace ndrscan::reason
