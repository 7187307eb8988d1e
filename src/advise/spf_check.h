// spf_check.h - offline SPF record checks (RFC 7208): syntax, policy, the
// static DNS-lookup count, and the includes a mail-flow scenario needs.
// No DNS, ever: nested includes are not resolved.
#pragma once

#include <string>
#include <vector>

namespace ndrscan::advise {

enum class Severity { kError, kWarning, kInfo };
const char* severity_name(Severity s);

/// One problem in a record: what is wrong and how to fix it.
struct Finding {
  Severity severity = Severity::kError;
  std::string code;     ///< stable id, e.g. "include-with-space" (docs/advise.md)
  std::string message;  ///< what is wrong
  std::string fix;      ///< what to write instead
  std::string cause;    ///< knowledge/causes id when one applies
  int record = 0;       ///< 1-based record number (0: all records)
};

/// A provider whose include the scenario's SPF record must contain.
struct RequiredInclude {
  std::string provider;  ///< "Office 365", "Google Workspace", "Mimecast"
  std::string include;   ///< "spf.protection.outlook.com"
};

/// A host that publishes no SPF record (an MX host): `include:` of it fails.
struct NoSpfHost {
  std::string pattern;  ///< glob: '*' matches any run of characters
  std::string what;     ///< "Exchange Online Protection's inbound MX host"
  std::string cause;    ///< cause id for the finding
};

struct SpfContext {
  std::vector<RequiredInclude> required;  ///< from the scenario (empty: no scenario)
  std::vector<NoSpfHost> no_spf_hosts;    ///< from the scenario data
  std::vector<std::string> spf_includes;  ///< known SPF includes: never reported as MX hosts
  bool needs_onprem_ips = false;          ///< on-premises servers send for the domain
  std::string scenario;                   ///< "hybrid + filter", for messages
};

/// Largest number of findings returned; one more "info" says how many were left out.
inline constexpr std::size_t kMaxFindings = 60;

/// check_spf - every finding for the given TXT records (one v=spf1 record
/// expected); errors first, then warnings, then info.
std::vector<Finding> check_spf(const std::vector<std::string>& records, const SpfContext& ctx);

/// glob_match - '*' matches any run of characters; ASCII case-insensitive.
bool glob_match(std::string_view pattern, std::string_view text);

/// count_lookups - DNS-querying terms of one record counted statically.
int count_lookups(const std::string& record);

}  // namespace ndrscan::advise
