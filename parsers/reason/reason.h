// reason.h - bounce reason classifier in Sisimai's vocabulary.
//
// PURPOSE
//   For one failed or delayed recipient, decide the bounce reason using the
//   names of Sisimai v5.1 (plus go-sisimai v5.2's failedstarttls and
//   suppressed), whether it is a hard bounce, and an enhanced status code
//   inferred from the reason/text when the bounce carried none. All facts
//   live in knowledge/reasons/*.tsv; this file only holds the order in which
//   they are consulted.
//
// DECISION ORDER (first step that decides wins; README.md has the details)
//   0. dialect facts        vendor.tsv rows "dialect:<reader>" (arf ->
//                            feedback, rfc3834 -> vacation, ...); action
//                            "delivered" or a 2.x.x status -> delivered.
//   0b. conditional rows    vendor.tsv rows with a `when` column (rhost=,
//                            cmd=, status=, dialect=, ctx): Sisimai's Rhost
//                            and Lhost rules, checked before other rows.
//   1. vendor texts         vendor.tsv, first matching row in file order
//                            (Exchange RESOLVER.ADR.*, Gmail, Yahoo, ...).
//   2. mailer error         X-UNIX/X-POSTFIX diagnostic type whose text
//                            names a local mailer failure -> mailererror.
//   3. phrases + status     Sisimai's first pass: reasons are tried in the
//                            order kFirstPass (reason.cc); a reason holds
//                            when the status maps to it (status.tsv) or a
//                            phrase of it (phrases.tsv) matches, with
//                            Sisimai's refinements: user-unknown text needs
//                            a 5.1.x status or the RCPT command, otherwise
//                            it is "filtered" (unless the command was before
//                            DATA); sender ("rejected") text needs MAIL/DATA
//                            or a non-specific status; 5.2.3 is exceedlimit.
//   4. status               the status.tsv reason unless it is one Sisimai
//                            retries (onhold, undefined, systemerror,
//                            securityerror, networkerror, userunknown) or
//                            expired (a second-pass phrase may be sharper).
//   5. more phrases         second pass order kSecondPass (policy, virus,
//                            system, network, expired, ...).
//   6. status class         X.6 -> contenterror, X.7 -> securityerror,
//                            X-UNIX type -> mailererror, reply code row of
//                            status.tsv (50x syntaxerror, 521/556 notaccept).
//   7. fall-backs           action delayed -> expired; command HELO/EHLO ->
//                            blocked; text present -> onhold; else undefined.
//
// INPUTS AS SISIMAI SEES THEM
//   A status written in the diagnostic (digits 1-9, "552 5.2.2 Over quota")
//   overrides the Status field; multi-line reply prefixes ("rate that
//   550-5.2.1 prevents") are removed; the SMTP command comes from the
//   recipient, else the diagnostic, else the bounce text (Input::context);
//   an empty diagnostic is replaced by the bounce text's paragraph that
//   names the recipient.
//
// HARD BOUNCE (Sisimai's hardbounce notion)
//   reasons.tsv says hard, soft or depends. hard (userunknown, hostunknown,
//   hasmoved) is a hard bounce unless the action is "delayed"; depends
//   (notaccept) is hard unless the action is delayed or the status / reply
//   code is 4xx; every other reason is soft.
//
// PERFORMANCE
//   Tables are compiled once by load(); classify() lowercases at most
//   kMaxScan bytes of the diagnostic into a thread-local buffer (reused, no
//   allocation after warm-up), scans literals with memchr/memcmp and runs
//   JIT-compiled PCRE2 patterns with a match limit. Only the result's strings
//   are allocated.
//
// PUBLIC FUNCTIONS
//   ReasonTables::load()  read knowledge/reasons/*.tsv ("file:line: problem")
//   classify()            reason, hardness, inferred status and evidence
//   newer_name()          the reason's name in newer go-sisimai, or itself
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/core/model.h"
#include "src/util/regex.h"

namespace ndrscan::reason {

/// Bytes of the diagnostic that are searched (a longer text is cut here).
inline constexpr std::size_t kMaxScan = 64 * 1024;

/// One lit:/re: matcher of a table row.
struct Matcher {
  bool is_regex = false;
  std::string literal;  ///< lowercase literal (lit:)
  util::Regex regex;    ///< compiled pattern (re:)
  std::string required; ///< re: literal every match contains (lowercase), searched first; "" = none
  std::string text;     ///< the match column as written, for evidence
};

/// Literals of one table indexed by their first two bytes, so one pass over
/// the text finds every literal row that occurs in it. The same pass finds
/// the required literals of the table's re: rows: those are added with
/// kRequired set in their row number, so a pattern whose literal is absent
/// is not run.
class LiteralIndex {
 public:
  static constexpr std::uint32_t kRequired = 0x80000000u;
  /// add - a literal of at least two bytes (the index keys on two).
  void add(std::string_view literal, std::uint32_t row);
  void build();
  /// scan_rows - scan() for a table of `rows` rows: the rows whose required
  /// literal occurs are marked in *required, every other hit goes to hit(row).
  template <class F>
  void scan_rows(std::string_view text, std::size_t rows, std::vector<char>* required, F&& hit) const {
    required->assign(rows, 0);
    scan(text, [&](std::uint32_t row) {
      if (row & kRequired) (*required)[row & ~kRequired] = 1;
      else hit(row);
    });
  }
  /// scan - calls hit(row) for every literal occurrence in `text` (a row may repeat).
  template <class F>
  void scan(std::string_view text, F&& hit) const {
    if (entries_.empty()) return;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      const unsigned key = (static_cast<unsigned char>(text[i]) << 8) | static_cast<unsigned char>(text[i + 1]);
      for (std::uint32_t k = offsets_[key]; k < offsets_[key + 1]; ++k) {
        const Entry& e = entries_[k];
        if (e.literal.size() <= text.size() - i && text.compare(i, e.literal.size(), e.literal) == 0) hit(e.row);
      }
    }
  }

 private:
  struct Entry {
    unsigned key = 0;
    std::string literal;
    std::uint32_t row = 0;
  };
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> offsets_;  ///< 65537 bucket starts after build()
};

/// The knowledge of knowledge/reasons, loaded and compiled once.
class ReasonTables {
 public:
  /// load - read reasons.tsv, status.tsv, phrases.tsv and vendor.tsv from
  /// `dir`; false with "path:line: problem" in *err.
  bool load(const std::string& dir, std::string* err);

  struct ReasonInfo {
    std::string name;
    char hardness = 's';     ///< 'h' hard, 's' soft, 'd' depends
    std::string status;      ///< "X.1.1" or "" when none
    std::string newer;       ///< newer go-sisimai name or ""
  };
  struct PhraseRow {
    int reason = -1;
    Matcher m;
    int line = 0;
  };
  struct VendorRow {
    std::string vendor;
    std::string dialect;  ///< set for dialect: rows (then `m` is unused)
    Matcher m;
    bool any = false;     ///< match column "*": any text, even none (needs a `when` condition)
    // optional 6th column `when` (all given conditions must hold):
    std::vector<std::string> rhosts;  ///< rhost=a,b: remote host or recipient domain ends with one (lowercase)
    std::string command;              ///< cmd=DATA: the failing SMTP command
    std::string when_dialect;         ///< dialect=imail: the reader that produced the recipient
    std::string when_status;          ///< status=5.2.0: the recipient's Status as given
    bool in_context = false;          ///< ctx: the match is searched in the bounce text, not the diagnostic
    bool conditional() const {
      return !rhosts.empty() || !command.empty() || !when_dialect.empty() || !when_status.empty() || in_context;
    }
    int reason = -1;
    std::string status;   ///< "" when '-'
    int line = 0;
  };
  struct StatusRow {
    std::string pattern;
    int reason = -1;
    int line = 0;
  };

  const std::vector<ReasonInfo>& reasons() const { return reasons_; }
  /// Reason ids the classifier consults, resolved once at load (-1 = absent).
  struct Ids {
    int userunknown = -1, filtered = -1, rejected = -1, hostunknown = -1, networkerror = -1, exceedlimit = -1,
        suspend = -1, mesgtoobig = -1, mailererror = -1, delivered = -1, expired = -1, onhold = -1, undefined = -1,
        systemerror = -1, securityerror = -1, contenterror = -1, blocked = -1, norelaying = -1, mailboxfull = -1,
        hasmoved = -1;
    std::vector<int> first_pass, second_pass;
  };
  const Ids& ids() const { return ids_; }
  /// id - index of a reason name, -1 when unknown.
  int id(std::string_view name) const;
  /// status_reason - reason id for an enhanced status or reply code, -1 if none;
  /// *line gets the status.tsv line that decided.
  int status_reason(std::string_view code, int* line) const;

  const std::vector<PhraseRow>& phrases() const { return phrases_; }
  const LiteralIndex& phrase_literals() const { return phrase_lits_; }
  const LiteralIndex& vendor_literals() const { return vendor_lits_; }
  const std::vector<VendorRow>& vendors() const { return vendors_; }
  const std::string& dir() const { return dir_; }
  bool loaded() const { return !reasons_.empty(); }

 private:
  bool load_reasons(const std::string& path, std::string* err);
  bool load_status(const std::string& path, std::string* err);
  bool load_phrases(const std::string& path, std::string* err);
  bool load_vendor(const std::string& path, std::string* err);

  std::string dir_;
  std::vector<ReasonInfo> reasons_;
  std::unordered_map<std::string, int> by_name_;
  Ids ids_;
  std::unordered_map<std::string, StatusRow> status_;  ///< by pattern
  std::vector<PhraseRow> phrases_;
  std::vector<VendorRow> vendors_;
  LiteralIndex phrase_lits_, vendor_lits_;
};

/// What decided one recipient's reason.
struct ReasonResult {
  std::string reason;    ///< Sisimai vocabulary (reasons.tsv), never empty after classify()
  bool hard = false;     ///< Sisimai's hardbounce (see HARD BOUNCE above)
  std::string status;    ///< inferred enhanced status when the recipient had none, else ""
  std::string evidence;  ///< "status 5.1.1 (knowledge/reasons/status.tsv:12)", "phrase 'user unknown' (...)"
};

/// Everything classify() can use; the 6-argument overload fills the first five.
/// `context` (optional) is the bounce's own text without the returned message:
/// the SMTP command is inferred from it when neither `command` nor the
/// diagnostic names one (Sisimai reads the whole notification), the
/// recipient's paragraph of it stands in for an empty diagnostic, and
/// vendor.tsv rows marked `ctx` are searched in it.
struct Input {
  std::string_view status;           ///< recipient's enhanced status ("" if none)
  std::string_view reply_code;       ///< basic SMTP reply code ("" if none)
  std::string_view diagnostic;       ///< diagnostic text
  std::string_view action;           ///< failed | delayed | delivered | ...
  std::string_view dialect;          ///< reader that produced it ("rfc3464", "qmail", ...)
  std::string_view diagnostic_type;  ///< "smtp", "x-unix", ... ("" if unknown)
  std::string_view command;          ///< SMTP command that failed ("RCPT", ...); "" = infer from the text
  std::string_view rhost;            ///< remote host that refused ("" if unknown); for vendor.tsv rhost= rows
  std::string_view recipient;        ///< recipient address (its domain also matches rhost= rows)
  std::string_view context;          ///< the bounce text (see above); "" = none
};

/// classify - reason for one recipient. `status` is the recipient's enhanced
/// status ("" if none), `reply_code` its basic code, `diagnostic` its text,
/// `action` failed|delayed|..., `dialect` which reader produced it.
ReasonResult classify(std::string_view status, std::string_view reply_code, std::string_view diagnostic,
                      std::string_view action, std::string_view dialect, const ReasonTables& t);

/// classify - the same with the diagnostic type and SMTP command when known.
ReasonResult classify(const Input& in, const ReasonTables& t);

/// classify - convenience for the pipeline: one Recipient of an Analysis.
/// `rhost` is used when the recipient has no Remote-MTA; `context` as in Input.
ReasonResult classify(const Recipient& r, std::string_view dialect, const ReasonTables& t,
                      std::string_view rhost = {}, std::string_view context = {});

/// bounce_context - the part of a raw message that classify() may read as
/// context: everything before the returned message (message/rfc822 or
/// text/rfc822-headers part), at most kMaxScan bytes.
std::string_view bounce_context(std::string_view message);

/// infer_command - SMTP command a diagnostic text names ("RCPT", "MAIL",
/// "DATA", "HELO") or "" (e.g. "(in reply to RCPT TO command)").
std::string_view infer_command(std::string_view lowered_text);

/// newer_name - the name newer go-sisimai uses (mesgtoobig -> emailtoolarge,
/// speeding/toomanyconn -> ratelimited), or `reason` itself.
std::string_view newer_name(std::string_view reason, const ReasonTables& t);

}  // namespace ndrscan::reason
