// catalogue.h - the cause catalogue (knowledge/causes/*.toml), loaded once.
//
// PURPOSE
//   The catalogue turns "550 5.7.1 Unable to relay" into ranked causes with
//   evidence and remediation steps. It is data (one TOML file per area,
//   contract: knowledge/causes/SCHEMA.md). This file parses every *.toml of
//   the directory in name order with toml++, validates each entry with
//   "file:line:col: problem" messages ("did you mean" for unknown keys and
//   names), and compiles what matching needs, so that per-message work is
//   only the matching itself: regexes are JIT-compiled, phrases and codes
//   lowercased, status and code wildcards split into prefixes, route shapes
//   split into elements, header and profile facts parsed into (fact, op,
//   operand), evidence templates checked.
//
//   An empty or missing directory is an empty catalogue (not an error).
//
// PUBLIC FUNCTIONS
//   Catalogue::load()       read and validate a directory, collecting problems
//   Catalogue::find()       a cause by id
//   build_site_facts()      the site profile's facts the `profile` key reads
//   dump_area()/dump()      the loaded catalogue printed back as TOML
//   key_name(), kConditionKeys, kHeaderFacts, kProfileFacts
//
// DIAGNOSTICS
//   Problem lists ("error" or "warning", each with file:line:col). load()
//   fails when at least one error was found; warnings never fail a load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"
#include "src/core/model.h"
#include "src/util/phrase_set.h"
#include "src/util/regex.h"

namespace ndrscan::reason {
class ReasonTables;
}

namespace ndrscan::catalogue {

/// Condition keys, in their canonical order (dump, explain).
enum class Key {
  kStatus,
  kReplyCode,
  kPhrases,
  kRegex,
  kCodes,
  kReason,
  kRejectedClass,
  kRejectedProvider,
  kRoute,
  kDialect,
  kHeader,
  kProfile
};
inline constexpr int kKeyCount = 12;
/// key_name - TOML spelling: "status", "reply_code", "rejected_class", ...
const char* key_name(Key k);
/// kConditionKeys - every key name, canonical order.
const std::vector<std::string>& condition_key_names();
/// Facts `header` and `profile` conditions may name (SCHEMA.md).
const std::vector<std::string>& header_fact_names();
const std::vector<std::string>& profile_fact_names();

/// Where something was written.
struct SourcePos {
  std::string file;  ///< path as loaded ("knowledge/causes/hybrid.toml")
  int line = 0, col = 0;
  std::string str() const;  ///< "file:line:col" (or "file" when line is 0)
};

/// One problem found while loading or linting.
struct Problem {
  SourcePos pos;
  bool error = true;  ///< false: a warning
  std::string message;
  std::string str() const;  ///< "file:line:col: message" (warnings: "file:line:col: warning: message")
};

enum class Op { kEq, kNe, kGe, kLe };
const char* op_name(Op op);

/// One value of a condition list, compiled at load.
struct Value {
  std::string text;  ///< as written (phrases: lowercased and blanks collapsed; codes, status: as written)
  SourcePos pos;
  // status, reply_code, codes: literal prefix (lowercase for codes), `*` suffix wildcard
  std::string prefix;
  bool wildcard = false;
  // regex
  util::Regex regex;
  // route: lowercase elements ("eop", "onprem", "mimecast", "unknown")
  std::vector<std::string> shape;
  // header, profile: fact op operand; number when the operand is numeric
  std::string fact;
  Op op = Op::kEq;
  std::string operand;  ///< lowercase
  std::optional<long> number;
  // phrases: this value's number in Catalogue::phrases()
  std::uint32_t phrase_id = 0;
  // reason, rejected_class, rejected_provider, dialect: `text` lowercased is compared
};

/// One key of a `match` or `when` table: holds when any value holds.
struct Condition {
  Key key = Key::kStatus;
  std::vector<Value> values;
  SourcePos pos;
};

/// Conditions of one table (AND), in canonical key order.
using ConditionSet = std::vector<Condition>;

struct Signal {
  ConditionSet when;
  int points = 0;
  std::string why;
  SourcePos pos;
};

struct Cause {
  std::string id, title, reason, summary, evidence;
  int weight = 0;
  std::vector<std::string> refs, samples;
  std::vector<SourcePos> sample_pos;
  ConditionSet match;
  std::vector<Signal> signals;
  std::vector<Step> steps;
  SourcePos pos;          ///< the [[cause]] header
  std::string area;       ///< meta.area of its file
  /// needs_context - the `match` reads route, profile, header, rejected_by or dialect facts
  bool needs_context() const;
  const Condition* condition(Key k) const;  ///< in `match`, or null
};

/// One file.
struct Area {
  std::string area, title, date;
  std::string file;              ///< path as loaded
  std::vector<std::size_t> causes;  ///< indexes into Catalogue::causes()
};

/// The site profile's facts, computed once at load (profile key).
struct SiteFacts {
  bool present = false;  ///< a profile file or --onprem/--domain flags were given
  struct Domain {
    std::string name, exo_type, onprem_type;  ///< name lowercase; types as written
  };
  std::vector<Domain> domains;
  std::vector<std::string> mx_classes;    ///< class names and provider ids of the profile's MX hosts
  bool inbound_connector = false, outbound_connector = false;
  bool spf_known = false;                 ///< the profile has an SPF record
  std::vector<std::string> spf_includes;  ///< include: domains (lowercase) and the provider ids they name
};

/// build_site_facts - classify the profile's MX hosts and SPF includes with
/// the network tables (call after NetworkTables::build()).
SiteFacts build_site_facts(const classify::SiteProfile& p, const classify::NetworkTables& nets);

/// What the loader validates names against (each may be null: not checked).
struct LoadContext {
  const reason::ReasonTables* reasons = nullptr;
  const classify::NetworkTables* networks = nullptr;
};

class Catalogue {
 public:
  /// load - every *.toml of `dir` (name order). Appends every problem found to
  /// *problems; false when one is an error. A missing or empty dir loads as
  /// an empty catalogue.
  bool load(const std::string& dir, const LoadContext& ctx, std::vector<Problem>* problems);
  /// load - the same, with the first error (and a count of the others) in *err.
  bool load(const std::string& dir, const LoadContext& ctx, std::string* err);

  const std::vector<Cause>& causes() const { return causes_; }
  const std::vector<Area>& areas() const { return areas_; }
  const Cause* find(std::string_view id) const;
  bool empty() const { return causes_.empty(); }
  std::size_t size() const { return causes_.size(); }
  const std::string& dir() const { return dir_; }
  /// newest_date - newest meta.date ("" when empty)
  std::string newest_date() const;

  /// The site facts the `profile` key reads (set by load_knowledge).
  const SiteFacts& site() const { return site_; }
  void set_site(SiteFacts s) { site_ = std::move(s); }

  /// phrases - every `phrases` value of every cause in one automaton (each
  /// Value's phrase_id is its number), so that a diagnostic is read once
  /// however many phrases the catalogue has.
  const util::PhraseSet& phrases() const { return phrases_; }

  /// may_match - false when cause i's `match` has a `phrases` key and none
  /// of its phrases is in `hits` (marked by phrases()): the cause cannot
  /// match, and its other conditions need not be read.
  bool may_match(std::size_t i, const util::Hits& hits) const {
    if (i >= match_phrases_.size()) return true;
    const auto [lo, hi] = match_phrases_[i];
    return lo == hi || hits.any_in(lo, hi);
  }

 private:
  void index_phrases();

  util::PhraseSet phrases_;
  /// per cause, the phrase ids of its match's `phrases` key ([lo, hi), or
  /// empty): numbered consecutively by index_phrases()
  std::vector<std::pair<std::uint32_t, std::uint32_t>> match_phrases_;
  std::string dir_;
  std::vector<Cause> causes_;
  std::vector<Area> areas_;
  std::unordered_map<std::string, std::size_t> by_id_;
  SiteFacts site_;
};

/// parse_condition_value - compile one value of `key` (exposed for tests and
/// lint); false with the problem in *err.
bool parse_condition_value(Key key, std::string_view text, const LoadContext& ctx, Value* out, std::string* err);

/// dump_area - one file printed back in the SCHEMA.md format (deterministic).
std::string dump_area(const Catalogue& c, const Area& a);
/// dump - every area, each preceded by a "# file: <name>.toml" comment line.
std::string dump(const Catalogue& c);

/// toml_string - a TOML basic string literal (quoted and escaped).
std::string toml_string(std::string_view s);

}  // namespace ndrscan::catalogue
