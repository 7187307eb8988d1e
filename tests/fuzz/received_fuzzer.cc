// received_fuzzer.cc - parse_received() on one value, then build_hops() on
// the input split at LF into up to 8 Received fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "parsers/rfc5322/received.h"
#include "src/core/analyze.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  ndrscan::rfc5322::ReceivedFields r = ndrscan::rfc5322::parse_received(value);
  if (r.time && r.date_text.empty()) std::abort();  // a time must come from some date text

  std::vector<ndrscan::rfc5322::HeaderField> fields;
  std::size_t pos = 0;
  while (pos <= value.size() && fields.size() < 8) {
    std::size_t nl = value.find('\n', pos);
    if (nl == std::string_view::npos) nl = value.size();
    fields.push_back({"Received", std::string(value.substr(pos, nl - pos)), pos});
    pos = nl + 1;
  }
  std::vector<const ndrscan::rfc5322::HeaderField*> ptrs;
  for (const auto& f : fields) ptrs.push_back(&f);
  std::vector<ndrscan::Diagnostic> diags;
  std::vector<ndrscan::Hop> hops = ndrscan::build_hops(ptrs, 4, &diags);
  if (hops.size() > 4) std::abort();  // max_hops is a cap
  return 0;
}
