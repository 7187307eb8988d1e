// ms_headers.h - Microsoft 365 / Exchange header fields decoded with meanings.
//
// PURPOSE
//   Exchange Online Protection and Exchange stamp their verdicts into
//   X-Forefront-Antispam-Report, X-Microsoft-Antispam(-Mailbox-Delivery),
//   X-MS-Exchange-Organization-* and X-MS-Exchange-CrossTenant-* fields. This
//   decoder splits those "KEY:value;" lists, copies the handy values (SCL,
//   BCL, CIP, SFV, ...) into named members and attaches the meaning of every
//   value from the knowledge tables under knowledge/microsoft/. Only the
//   top-most copy of a field is used: it is the one the nearest Microsoft
//   server added, lower copies may come from the sender (facts section 2.4).
//
//   MsTables holds the three Microsoft tables (anti-spam values, compauth
//   reasons, Exchange builds); it is loaded once and then shared read-only by
//   this decoder, auth_results and exchange_build.
//
// PUBLIC FUNCTIONS
//   MsTables::load()        read and validate knowledge/microsoft/*.tsv
//   MsTables::antispam_meaning(), compauth_meaning(), exchange_product()
//   split_ms_list()         "A:1;B:2" -> key/value pairs
//   decode_ms_headers()     header fields -> MsHeaders
//
// DIAGNOSTICS
//   Table errors: "path:line: problem" through the err argument of load().
//   Decoding never fails; oddities (duplicate fields, unparsable numbers,
//   disagreeing SCL values) are appended to MsHeaders::notes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parsers/rfc5322/header_block.h"

namespace ndrscan::microsoft {

/// The Microsoft knowledge tables, loaded once at start-up.
class MsTables {
 public:
  /// load - read forefront-antispam.tsv, compauth-reasons.tsv and
  /// exchange-builds.tsv from `dir`; false with "path:line: problem" in *err.
  bool load(const std::string& dir, std::string* err);

  /// antispam_meaning - meaning of `value` of `field` (case-insensitive);
  /// the field's "*" row when the value has none; "" when unknown. Fields of
  /// other headers are prefixed: "X-Microsoft-Antispam/BCL".
  std::string antispam_meaning(std::string_view field, std::string_view value) const;

  /// compauth_meaning - meaning of a compauth reason code ("000", "130"),
  /// falling back to its class row ("1xx"); "" when unknown.
  std::string compauth_meaning(std::string_view code) const;

  /// exchange_product - product whose build prefix is the longest match for
  /// the dotted number `build` ("15.01.2507.023"); "" when none matches.
  std::string exchange_product(std::string_view build) const;

  std::size_t antispam_rows() const { return antispam_.size(); }
  std::size_t compauth_rows() const { return compauth_.size(); }
  std::size_t build_rows() const { return builds_.size(); }
  const std::string& date() const { return date_; }

 private:
  std::unordered_map<std::string, std::string> antispam_;  // "field\tvalue" lowercase -> meaning
  std::unordered_map<std::string, std::string> compauth_;  // "000", "1xx" -> meaning
  std::vector<std::pair<std::vector<long>, std::string>> builds_;  // numeric prefix -> product
  std::string date_;  // newest "# date:" of the three tables
};

/// normalise_build - "15.01.2507.023" -> {15, 1, 2507, 23}; empty when `s`
/// is not 1-4 dot-separated numbers of at most 6 digits each.
std::vector<long> normalise_build(std::string_view s);

/// One "KEY:value" item of a Microsoft list field, with its meaning.
struct DecodedValue {
  std::string key, value, meaning;  ///< meaning from the knowledge tables, "" if unknown
};

/// Everything decoded from the Microsoft fields of one header block.
struct MsHeaders {
  std::string auth_as, auth_source, auth_mechanism;  ///< X-MS-Exchange-Organization-AuthAs / -AuthSource / -AuthMechanism
  std::optional<int> scl, bcl, pcl;  ///< SCL from X-MS-Exchange-Organization-SCL or FFAS; BCL/PCL from X-Microsoft-Antispam
  std::vector<DecodedValue> forefront;  ///< every X-Forefront-Antispam-Report item, in order
  std::string ffas_country, ffas_client_ip, ffas_ptr, ffas_helo, ffas_sfv, ffas_cat, ffas_dir;  ///< handy copies
  std::vector<DecodedValue> antispam;  ///< X-Microsoft-Antispam items (BCL, PCL, ...)
  std::vector<DecodedValue> mailbox_delivery;  ///< X-Microsoft-Antispam-Mailbox-Delivery items
  std::string cross_tenant_id, cross_tenant_auth_as, cross_tenant_auth_source, cross_tenant_from_entity,
      cross_tenant_network_message_id, cross_tenant_original_arrival_time;  ///< X-MS-Exchange-CrossTenant-*
  std::string network_message_id;  ///< X-MS-Exchange-Organization-Network-Message-Id
  bool is_ndr = false;             ///< X-MS-Exchange-Message-Is-Ndr present
  bool any = false;                ///< at least one Microsoft field was seen
  std::vector<std::string> notes;  ///< duplicates ignored, unparsable values, ...
};

/// split_ms_list - split "CIP:198.51.100.5;CTRY:US;SFV:NSPM;" into pairs at
/// ';' and the first ':' of each item (IPv6 values keep their colons);
/// "(null)" values become empty, empty items are skipped, an item without
/// ':' gives an empty value. At most `max_items` pairs are returned.
std::vector<std::pair<std::string, std::string>> split_ms_list(std::string_view value,
                                                               std::size_t max_items = 4096);

/// decode_ms_headers - decode the Microsoft headers of one header block.
/// `fields` is in message order: the first field is the top-most.
MsHeaders decode_ms_headers(const std::vector<rfc5322::HeaderField>& fields, const MsTables& tables);

}  // namespace ndrscan::microsoft
