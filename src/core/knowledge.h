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

#include <string>
#include <string_view>
#include <unordered_map>

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

/// All knowledge tables, loaded once and then shared read-only.
struct Knowledge {
  std::string dir;
  StatusCodeTable status_codes;
};

/// find_knowledge_dir - the first existing candidate; empty if none.
std::string find_knowledge_dir(const std::string& flag_value, const char* argv0);

/// load_knowledge - load every table under `dir`.
bool load_knowledge(const std::string& dir, Knowledge* k, std::string* err);

}  // namespace ndrscan
