// json_report.h - Analysis -> one JSON object (the documented contract).
//
// PURPOSE
//   Field names and types are specified in docs/json.md; tests compare the
//   output byte for byte with corpus goldens. Absent values are null, never
//   "", so consumers need one test for "not there". Keys keep a fixed order.
//
// PUBLIC FUNCTIONS
//   to_json()      Analysis -> compact one-line JSON (JSON Lines friendly)
//   write_json()   the same, pretty-printed with `indent` spaces when >= 0
#pragma once

#include <string>

#include "src/core/model.h"

namespace ndrscan::report {

/// Version of the JSON contract; bumped only for incompatible changes.
inline constexpr int kJsonSchemaVersion = 1;

/// to_json - serialise; indent < 0 gives one line.
std::string to_json(const Analysis& a, int indent = -1);

/// recipient_to_json - one entry of `recipients[]`, on one line.
std::string recipient_to_json(const Recipient& r);

}  // namespace ndrscan::report
