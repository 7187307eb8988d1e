// date_fuzzer.cc - parse_date() and find_date(); what they consume must lie
// inside the input, and a parsed epoch must format.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parsers/rfc5322/date.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace r = ndrscan::rfc5322;

  if (auto d = r::parse_date(text)) {
    if (d->consumed > size) std::abort();
    if (d->tz_offset_min < -24 * 60 || d->tz_offset_min > 24 * 60) std::abort();
    (void)r::format_iso8601_utc(d->epoch);
  }
  std::size_t pos = 0;
  if (auto d = r::find_date(text, &pos)) {
    if (pos > size || d->consumed > size || d->consumed > size - pos) std::abort();
    (void)r::format_iso8601_utc(d->epoch);
  }
  return 0;
}
