// detections.h - route-level findings: loops, bypassed filters, clock skew,
// TLS downgrades.
//
// PURPOSE
//   Looks at a classified hop chain as a whole and reports what an
//   administrator should know before reading the causes: the same server
//   seen again and again (a loop, 5.4.6 / 5.4.14), a hop count close to
//   MTA limits, mail that reached EOP straight from the Internet although
//   the site's MX points to a third-party filter (Enhanced Filtering /
//   connector lock-down territory), clocks that disagree, and a message
//   that travelled with TLS and then without it.
//
// PUBLIC FUNCTIONS
//   detect_route_findings()  hops + profile -> findings
#pragma once

#include <string>
#include <vector>

#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"
#include "src/core/model.h"

namespace ndrscan::classify {

/// detect_route_findings - append findings for one chain (`chain` is
/// "bounce" or "original") to *out.
void detect_route_findings(const std::vector<Hop>& hops, const std::string& chain, const SiteProfile& profile,
                           const NetworkTables& tables, std::vector<Finding>* out);

}  // namespace ndrscan::classify
