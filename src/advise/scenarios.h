// scenarios.h - the mail-flow scenarios of knowledge/scenarios/scenarios.toml
// (where mailboxes live x where Internet mail enters): MX, SPF, connectors,
// prerequisites and pitfalls; loaded and validated with file:line:col errors.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "src/advise/spf_check.h"

namespace ndrscan::advise {

struct Connector {
  std::string direction;  ///< "inbound" | "outbound" (seen from the system named by `system`)
  std::string system;     ///< "exchange-online" | "onprem" | "filter" | "gsuite"
  std::string name;
  std::string settings;
  std::string shell;      ///< "Exchange Online PowerShell" | "Exchange Management Shell" | ...
  std::string command;
};

struct Pitfall {
  std::string text;
  std::string cause;  ///< knowledge/causes id, or ""
};

struct Scenario {
  std::string mailboxes;  ///< office365 | onprem | hybrid | gsuite
  std::string entry;      ///< office365 | onprem | filter | gsuite
  std::string title;
  std::string situation;
  std::vector<std::string> mx;
  std::string spf;
  std::vector<std::string> spf_includes;  ///< providers' includes the SPF record must hold
  bool spf_onprem_ips = false;
  std::vector<Connector> connectors;
  std::vector<std::string> prerequisites;
  std::vector<Pitfall> pitfalls;
  std::vector<std::string> refs;
  int line = 0;
};

/// A third-party filter: its MX hosts and its outbound SPF include.
struct Filter {
  std::string id;  ///< --filter value: "mimecast"
  std::string name;
  std::string spf_include;
  std::vector<std::string> mx;
  std::vector<std::string> inbound_hosts;  ///< globs of its inbound (MX) hosts: no SPF there
  std::string note;
};

struct Scenarios {
  std::string path;
  std::vector<Scenario> scenarios;
  std::vector<Filter> filters;
  std::vector<NoSpfHost> no_spf_hosts;
  std::vector<std::string> combinations() const;  ///< "office365 + filter", ...
  const Scenario* find(const std::string& mailboxes, const std::string& entry) const;
  const Filter* filter(const std::string& id) const;
};

const std::vector<std::string>& mailbox_values();
const std::vector<std::string>& entry_values();

/// load_scenarios - parse and validate; `cause_ids` (when not empty) are the
/// ids pitfalls may name. Errors: "<file>:<line>:<col>: <message>".
bool load_scenarios(const std::string& path, const std::set<std::string>& cause_ids, Scenarios* out, std::string* err);

/// cause_ids - the ids of every [[cause]] in <dir>/*.toml (knowledge/causes).
std::set<std::string> cause_ids(const std::string& causes_dir);

/// Filled placeholders: <domain>, <domain-key>, <filter>, <filter-include>, <filter-mx>.
struct Fill {
  std::string domain;     ///< "" keeps <domain>
  const Filter* filter = nullptr;
};
std::string fill(const std::string& text, const Fill& f);
/// domain_key - "contoso.com" -> "contoso-com" (the Exchange Online MX host label).
std::string domain_key(const std::string& domain);

/// spf_context - what the SPF checker needs of a scenario (nullptr: none).
SpfContext spf_context(const Scenarios& all, const Scenario* s, const Fill& f);

/// render_text / render_json - the advice for one scenario (and SPF findings).
std::string render_text(const Scenario& s, const Fill& f, const std::vector<std::string>& spf_records,
                        const std::vector<Finding>& findings);
std::string render_json(const Scenario* s, const Fill& f, const std::vector<std::string>& spf_records,
                        const std::vector<Finding>& findings, bool checked);
std::string render_findings_text(const std::vector<std::string>& records, const std::vector<Finding>& findings);

/// advise_main - `ndrscan advise ...` (argv[0] is "advise").
int advise_main(int argc, char** argv, const char* argv0);

}  // namespace ndrscan::advise
