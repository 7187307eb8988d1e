// matcher.h - evaluate the cause catalogue against one analysed message.
//
// PURPOSE
//   For each failed or delayed recipient, every cause whose `match` holds
//   scores weight + the points of its signals that hold; causes rank by
//   score (descending), then id (ascending). Analysis::causes merges the
//   recipients (best score per cause, with the recipients it applies to) and
//   Recipient::cause names each recipient's top cause. Rules of each
//   condition key: docs/catalogue.md and knowledge/causes/SCHEMA.md.
//
//   Message facts (route nodes, header facts, rejected_by) are computed once
//   per message, text facts (lowercased and blank-collapsed diagnostic) once
//   per recipient; the catalogue itself was compiled at load.
//
// PUBLIC FUNCTIONS
//   rank()            the pipeline step: fill Analysis::causes and Recipient::cause
//   rank_recipient()  one recipient, with explanations when asked
//   sample_case()     a minimal Analysis for one server line (samples test,
//                     lint, `ndrscan explain <phrase>`)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/catalogue/catalogue.h"
#include "src/core/knowledge.h"
#include "src/core/model.h"

namespace ndrscan::catalogue {

/// counts_for_causes - failed or delayed (or no action but a 4xx/5xx status or reply).
bool counts_for_causes(const Recipient& r);

/// rank_recipient - every cause that matches `r`, ranked (rank 1 first),
/// `recipients` left empty. With `explain`, each carries one ✓/✗ line per
/// condition and signal and a final score line.
std::vector<CauseMatch> rank_recipient(const Catalogue& c, const Analysis& a, const Recipient& r,
                                       const SiteFacts& site, const classify::NetworkTables& nets, bool explain);

/// rank - the pipeline step (analyze_message's last): Analysis::causes and
/// every counted recipient's `cause`. With `explain`, each matched cause's
/// scoring lines (CauseMatch::explain, which only the text report's
/// --explain prints) are filled too; bulk scans leave them empty.
void rank(Analysis& a, const Knowledge& k, bool explain = true);

/// rank_with - the same with explicit site facts (tests, samples).
void rank_with(Analysis& a, const Catalogue& c, const SiteFacts& site, const classify::NetworkTables& nets,
               bool explain = true);

/// A minimal message for one server line.
struct SampleCase {
  Analysis analysis;  ///< one failed recipient user@contoso.com whose diagnostic is the line
  SiteFacts site;     ///< no profile, unless `context` asks for profile facts
};

/// sample_case - status and reply code from the line (rfc3464::find_*),
/// reason from the reason classifier. When `context` is given, the route,
/// rejected_by, dialect, header and profile facts its `match` needs are
/// supplied from the first value of each of those keys.
SampleCase sample_case(std::string_view line, const Cause* context, const Knowledge& k);

}  // namespace ndrscan::catalogue
