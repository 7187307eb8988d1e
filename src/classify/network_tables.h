// network_tables.h - provider network tables (knowledge/networks/*.tsv).
//
// PURPOSE
//   Loads every provider table once at start-up, validates each row with
//   "file:line: problem" errors, and builds the look-up structures the hop
//   classifier uses per hop: a longest-prefix CIDR table, exact and suffix
//   host-name maps, anchored PCRE2 host patterns, header-name fingerprints
//   and AS numbers. The site profile adds the organisation's own ranges and
//   names through add_rule() before build().
//
// PUBLIC FUNCTIONS
//   parse_class(), class_name()    the closed set of network classes
//   NetworkTables::load_dir()      read knowledge/networks/*.tsv
//   NetworkTables::add_rule()      one extra rule (site profile, flags)
//   NetworkTables::build()         freeze: flatten CIDRs
//   NetworkTables::match_*()       per-fact look-ups
//
// DIAGNOSTICS
//   Load errors: "<file>:<line>: <problem>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "src/util/cidr_table.h"
#include "src/util/regex.h"

namespace ndrscan::classify {

/// Where a hop's server belongs.
enum class NetClass { kUnknown, kEop, kExchangeOnline, kOnprem, kThirdPartyFilter, kProvider, kPrivate };

/// class_name - the JSON spelling: "eop", "exchange-online", ...
const char* class_name(NetClass c);
/// parse_class - inverse of class_name.
std::optional<NetClass> parse_class(std::string_view s);

struct Provider {
  std::string id, name, file, date;
  NetClass default_class = NetClass::kUnknown;
};

/// One fact: "this CIDR / host / header / AS belongs to this provider".
struct Rule {
  int provider = -1;
  NetClass cls = NetClass::kUnknown;
  int weight = 0;          ///< 1..100
  std::string kind, value, source, date, note;
  std::string where;       ///< "networks/microsoft-eop.tsv:12" or "site flags: onprem_ips"
  std::string file;        ///< "networks/microsoft-eop.tsv" (no line: evidence stays stable when rows move)
};

class NetworkTables {
 public:
  /// load_dir - load every *.tsv in `dir` (sorted by name).
  bool load_dir(const std::string& dir, std::string* err);
  /// add_provider - register a provider not backed by a file (the site).
  int add_provider(const std::string& id, const std::string& name, NetClass cls);
  /// add_rule - one rule; `kind` is cidr, host, hostre, header or asn.
  bool add_rule(int provider, std::string_view kind, std::string_view value, NetClass cls, int weight,
                const std::string& where, std::string* err);
  /// build - flatten the CIDR table; call once after all rules are added.
  void build();

  int match_ip(std::string_view ip) const;     ///< rule index or -1
  int match_host(std::string_view name) const; ///< most specific rule or -1
  int match_asn(std::uint32_t asn) const;
  /// match_headers - providers whose header fingerprints occur in `fields`
  /// (rule indexes, at most one per provider).
  std::vector<int> match_headers(const std::vector<rfc5322::HeaderField>& fields) const;

  const Rule& rule(int i) const { return rules_[static_cast<std::size_t>(i)]; }
  const Provider& provider(int i) const { return providers_[static_cast<std::size_t>(i)]; }
  int find_provider(std::string_view id) const;
  std::size_t rule_count() const { return rules_.size(); }
  std::size_t provider_count() const { return providers_.size(); }
  /// newest_date - the newest "# date:" of all files ("" when none loaded).
  const std::string& newest_date() const { return newest_date_; }

 private:
  bool load_file(const std::string& path, const std::string& shown, std::string* err);

  struct SvHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using NameMap = std::unordered_map<std::string, int, SvHash, std::equal_to<>>;

  std::vector<Provider> providers_;
  std::vector<Rule> rules_;
  util::CidrTable cidrs_;
  NameMap exact_hosts_, suffix_hosts_;
  std::vector<std::pair<util::Regex, int>> host_patterns_;
  std::vector<std::pair<std::string, int>> header_prefixes_;  // lowercase name prefix -> rule
  // build(): header_prefixes_ numbers by the first three letters of the
  // prefix (a field name is compared only with the prefixes it can match);
  // prefixes shorter than three are in short_prefixes_.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> prefix_index_;
  std::vector<std::uint32_t> short_prefixes_;
  std::unordered_map<std::uint32_t, int> asns_;
  std::unordered_map<std::string, std::string> cidr_where_;   // duplicate detection
  std::string newest_date_;
};

}  // namespace ndrscan::classify
