// knowledge.h - locate and load the knowledge/ data files at start-up.
//
// PURPOSE
//   Facts live as data under knowledge/ (installed to share/ndrscan/knowledge)
//   and are loaded and validated once, before any message is read. A bad
//   file is a knowledge error: "path:line: problem", exit status 2.
//
// PUBLIC FUNCTIONS
//   find_knowledge_dir()  --knowledge, $NDRSCAN_KNOWLEDGE, install, source tree
//   load_knowledge()      read and validate every table
//
// DIAGNOSTICS
//   "<file>:<line>: ..." strings through the err argument.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/microsoft/ms_headers.h"
#include "parsers/reason/reason.h"
#include "src/classify/geoip.h"
#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"
#include "src/catalogue/catalogue.h"  // cause catalogue (knowledge/causes)

namespace ndrscan {

/// RFC 3463 class / subject / detail meanings.
class StatusCodeTable {
 public:
  /// load - parse enhanced-status-codes.tsv; false with "file:line: ..." in *err.
  bool load(const std::string& path, std::string* err);
  /// meaning - best description of `code` ("5.1.1" -> "Bad destination
  /// mailbox address"; unregistered details fall back to the subject).
  std::string meaning(std::string_view code) const;
  std::size_t size() const { return by_code_.size(); }
  const std::string& date() const { return date_; }

 private:
  std::unordered_map<std::string, std::string> by_code_;
  std::string date_;
};

/// What the command line adds to or chooses among the knowledge data.
struct KnowledgeOptions {
  std::string profile_path;                ///< --profile site.toml
  std::vector<std::string> onprem;         ///< --onprem CIDR
  std::vector<std::string> domains;        ///< --domain D
  std::vector<std::string> geoip_dbs;      ///< --geoip-db FILE (explicit: must open)
  bool geoip_auto = true;                  ///< also look in the usual directories
  bool load_causes = true;                 ///< cause catalogue; `catalogue lint` loads it itself
};

/// All knowledge tables, loaded once and then shared read-only.
struct Knowledge {
  std::string dir;
  StatusCodeTable status_codes;
  classify::NetworkTables networks;
  microsoft::MsTables ms_tables;
  reason::ReasonTables reasons;
  classify::SiteProfile profile;
  std::unique_ptr<classify::GeoIp> geo;  ///< null when no database was found
  catalogue::Catalogue causes;           ///< knowledge/causes/*.toml (empty when the directory is empty or missing)
};

/// find_knowledge_dir - the first existing candidate; empty if none.
std::string find_knowledge_dir(const std::string& flag_value, const char* argv0);

/// load_knowledge - load every table under `dir`, then the site profile,
/// flags and MaxMind databases.
bool load_knowledge(const std::string& dir, const KnowledgeOptions& opts, Knowledge* k, std::string* err);

/// load_knowledge - the same with default options (tests).
bool load_knowledge(const std::string& dir, Knowledge* k, std::string* err);

}  // namespace ndrscan
