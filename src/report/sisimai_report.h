// sisimai_report.h - `--format sisimai`: Sisimai's dump field names.
//
// PURPOSE
//   Lets users swap Sisimai out of an existing pipeline: one JSON object per
//   failed or delayed recipient with the field names `Sisimai->dump` prints
//   (v4: smtpagent, smtpcommand, softbounce; plus v5's hardbounce), values
//   derived from ndrscan's analysis. docs/sisimai.md lists the mapping.
//
// PUBLIC FUNCTIONS
//   sisimai_records()  Analysis -> JSON objects (one per recipient), compact
#pragma once

#include <string>
#include <vector>

#include "src/core/model.h"

namespace ndrscan::report {

/// sisimai_records - one compact JSON object per failed/delayed recipient.
std::vector<std::string> sisimai_records(const Analysis& a);

}  // namespace ndrscan::report
