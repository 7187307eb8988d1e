// json_report.h - Analysis -> one JSON object (the documented contract).
//
// PURPOSE
//   Field names and types are specified in docs/json.md; tests compare the
//   output byte for byte with corpus goldens. Absent values are null, never
//   "", so consumers need one test for "not there". Keys keep a fixed order.
//
// PUBLIC FUNCTIONS
//   to_json()                Analysis -> compact one-line JSON (JSON Lines
//                            friendly), or pretty with `indent` spaces >= 0
//   append_json()            the same, appended to a caller's string
//   recipient_to_json()      one recipients[] entry, one line
//   append_recipient_json()  the same, appended
//   append_jsonl_records()   `ndrscan scan`'s JSON Lines records of one
//                            message (docs/bulk.md)
//
// Written with util::JsonWriter (no DOM); the bytes are those
// nlohmann::ordered_json::dump() gave, which the goldens pin.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/model.h"

namespace ndrscan::report {

/// Version of the JSON contract; bumped only for incompatible changes.
inline constexpr int kJsonSchemaVersion = 1;

/// to_json - serialise; indent < 0 gives one line.
std::string to_json(const Analysis& a, int indent = -1);

/// append_json - to_json() appended to `*out` (no intermediate string).
void append_json(const Analysis& a, std::string* out, int indent = -1);

/// recipient_to_json - one entry of `recipients[]`, on one line.
std::string recipient_to_json(const Recipient& r);

/// append_recipient_json - recipient_to_json() appended to `*out`.
void append_recipient_json(const Recipient& r, std::string* out);

/// append_jsonl_records - one JSON Lines record per failed or delayed
/// recipient of `a`: {"file", "offset", "recipient_index", "recipient",
/// "message"}. The message object is serialised once, into the first
/// record, and copied from there into the others.
void append_jsonl_records(const Analysis& a, std::string_view file, std::uint64_t offset, std::string* out);

}  // namespace ndrscan::report
