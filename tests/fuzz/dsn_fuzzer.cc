// dsn_fuzzer.cc - parse_delivery_status() on a message/delivery-status body,
// plus the status helpers on the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc3464/dsn_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<ndrscan::Diagnostic> diags;
  ndrscan::rfc3464::DeliveryStatus ds = ndrscan::rfc3464::parse_delivery_status(body, &diags, 0);
  (void)ndrscan::rfc3464::parse_delivery_status(body, nullptr);

  std::string enhanced = ndrscan::rfc3464::find_enhanced_status(body);
  std::string reply = ndrscan::rfc3464::find_reply_code(body);
  std::string half1(body.substr(0, size / 2)), half2(body.substr(size / 2));
  (void)ndrscan::rfc3464::most_specific_status(half1, half2);
  (void)ndrscan::rfc3464::most_specific_status(enhanced, half2);
  std::string type;
  (void)ndrscan::rfc3464::strip_type(body, &type);
  (void)ndrscan::rfc3464::strip_type(body);
  (void)ndrscan::rfc3464::clean_address(body);
  (void)reply;
  (void)ds;
  return 0;
}
