// site_profile.h - the organisation's own network, domains, connectors, DNS.
//
// PURPOSE
//   A site profile (TOML, documented in docs/profile.md) tells ndrscan what
//   is "on-premises" for this organisation: its IP ranges and host names,
//   its accepted domains (with their type on each side of a hybrid), its
//   connectors, and its published MX and SPF records. Hops in these ranges
//   are classified `onprem`; the rest feeds the cause catalogue. Quick
//   flags (--onprem CIDR, --domain D) add to the same structure.
//
// PUBLIC FUNCTIONS
//   load_profile()      TOML file -> SiteProfile, "file:line:col: problem"
//   apply_profile()     add the profile's rules to the network tables
//
// DIAGNOSTICS
//   Unknown keys are errors with a "did you mean" suggestion.
#pragma once

#include <string>
#include <vector>

#include "src/classify/network_tables.h"

namespace ndrscan::classify {

struct AcceptedDomain {
  std::string name;
  std::string exo_type;     ///< Authoritative | InternalRelay | ExternalRelay, as set in Exchange Online
  std::string onprem_type;  ///< the same, on the on-premises side
};

struct Connector {
  std::string name;
  std::string direction;    ///< inbound | outbound (seen from Exchange Online)
  std::vector<std::string> smart_hosts, allowed_ips, recipient_domains;
  std::string tls_cert_name;
};

struct SiteProfile {
  std::string path;  ///< "" when built from flags only
  std::string name;
  std::vector<std::string> onprem_ips;    ///< CIDRs (or single addresses)
  std::vector<std::string> onprem_hosts;  ///< exact names or "*.suffix"
  std::vector<AcceptedDomain> domains;
  std::vector<Connector> connectors;
  std::vector<std::string> mx;
  std::string spf;
  bool empty() const { return onprem_ips.empty() && onprem_hosts.empty() && domains.empty() && connectors.empty(); }
};

/// load_profile - parse and validate a profile file.
bool load_profile(const std::string& path, SiteProfile* out, std::string* err);

/// apply_profile - register provider "site" and its onprem rules; flags
/// (--onprem, --domain) go through the same path with where = "--onprem".
bool apply_profile(const SiteProfile& p, NetworkTables* tables, std::string* err);

}  // namespace ndrscan::classify
