// auth_results.h - Authentication-Results (RFC 8601), ARC-A-R and Received-SPF.
//
// PURPOSE
//   Turns the authentication verdicts a receiver stamped into structured
//   methods (spf, dkim, dmarc, compauth, arc, ...), tolerating the forms
//   strict parsers reject (facts section 2.3):
//     - Exchange Online's Authentication-Results without an authserv-id
//       ("spf=pass (sender IP is 198.51.100.5) smtp.mailfrom=...;dkim=...")
//     - ARC-Authentication-Results with "i=N;" and an authres-version after
//       the authserv-id ("i=1; mx.microsoft.com 1; spf=...")
//     - Authentication-Results-Original (an earlier system's results that
//       Exchange Online renamed on arrival)
//     - Received-SPF (RFC 7208 9.1), e.g. Microsoft's "Pass (protection.
//       outlook.com: domain of ... designates 198.51.100.5 as permitted
//       sender) receiver=...; client-ip=...; helo=...;"
//   find_auth_results() then picks the most trustworthy set of a header
//   block: the top-most Authentication-Results, else the ARC-A-R with i=1
//   (what the first ARC sealer saw), else Authentication-Results-Original.
//
// PUBLIC FUNCTIONS
//   parse_authentication_results()  one A-R / A-R-Original / ARC-A-R value
//   parse_received_spf()            one Received-SPF value
//   find_auth_results()             pick from a header block
//
// DIAGNOSTICS
//   Nothing is thrown; AuthResults::partial and ReceivedSpf::partial mark
//   text that could not be read (unterminated comment or quote, stray
//   tokens); AuthFindings::notes explains choices and duplicates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/microsoft/ms_headers.h"
#include "parsers/rfc5322/header_block.h"

namespace ndrscan::microsoft {

/// Which header an AuthResults value came from.
enum class AuthSource { kAuthenticationResults, kArc, kOriginal };

/// One "method=result" entry (RFC 8601 2.2 resinfo).
struct AuthMethod {
  std::string method;   ///< lowercase: spf | dkim | dmarc | compauth | arc | iprev | ...
  std::string result;   ///< lowercase: pass | fail | softfail | none | bestguesspass | ...
  std::string reason;   ///< reason= value (compauth code, or RFC 8601 reason text)
  std::vector<std::pair<std::string, std::string>> properties;  ///< smtp.mailfrom, header.d, header.from, action, ... (keys lowercase)
  std::string comment;  ///< comment text(s) of the entry, without parentheses
};

/// One parsed Authentication-Results-style field.
struct AuthResults {
  std::string authserv_id;  ///< "" for Exchange Online's form without one
  std::string version;      ///< authres-version after the authserv-id ("1"), if any
  int arc_instance = 0;     ///< i= of an ARC-Authentication-Results, 0 otherwise
  std::vector<AuthMethod> methods;
  std::string spf, dkim, dmarc, compauth;  ///< result of the first entry of each method
  std::string compauth_reason;             ///< reason code after compauth=
  std::string compauth_reason_meaning;     ///< from compauth-reasons.tsv, "" if unknown
  std::string dmarc_action;                ///< action= of the dmarc entry (oreject, pct.quarantine, ...)
  std::string spf_client_ip;  ///< from the spf comment ("sender IP is ...") or Received-SPF client-ip
  bool from_original = false; ///< came from Authentication-Results-Original
  bool partial = false;       ///< some text could not be understood
};

/// One parsed Received-SPF field (RFC 7208 9.1).
struct ReceivedSpf {
  std::string result;   ///< lowercase: pass | fail | softfail | neutral | none | temperror | permerror
  std::string comment;  ///< the comment after the result
  std::string receiver, client_ip, helo, envelope_from, identity, mechanism;
  std::vector<std::pair<std::string, std::string>> properties;  ///< every key=value as written (keys lowercase)
  bool partial = false;
};

/// What a header block says about authentication.
struct AuthFindings {
  std::optional<AuthResults> results;  ///< the most trustworthy set, if any
  std::string used;                    ///< "Authentication-Results", "ARC-Authentication-Results i=1", ...
  std::int64_t offset = -1;            ///< byte offset of the field used
  std::optional<ReceivedSpf> received_spf;  ///< the top-most Received-SPF
  std::vector<std::string> notes;      ///< why this one, duplicates, renamed originals
};

/// parse_authentication_results - parse one field value. `source` tells how
/// to read the start (ARC has "i=N;"); `tables` (may be null) gives the
/// compauth reason meaning.
AuthResults parse_authentication_results(std::string_view value, AuthSource source = AuthSource::kAuthenticationResults,
                                         const MsTables* tables = nullptr);

/// parse_received_spf - parse one Received-SPF value.
ReceivedSpf parse_received_spf(std::string_view value);

/// find_auth_results - the most trustworthy authentication results of a
/// header block (first field = top-most) plus the top-most Received-SPF.
AuthFindings find_auth_results(const std::vector<rfc5322::HeaderField>& fields, const MsTables& tables);

}  // namespace ndrscan::microsoft
