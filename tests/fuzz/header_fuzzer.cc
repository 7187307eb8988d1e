// header_fuzzer.cc - scan_header_block() from offset 0 with small limits,
// and next_line() over the whole input; offsets must stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace h = ndrscan::rfc5322;

  h::HeaderLimits small;
  small.max_field_bytes = 256;
  small.max_fields = 16;
  std::vector<ndrscan::Diagnostic> diags;
  h::HeaderBlock b = h::scan_header_block(text, 0, &diags, 0, small);
  if (b.body_offset > size) std::abort();
  if (b.fields.size() > small.max_fields) std::abort();
  for (const auto& f : b.fields) {
    if (f.offset >= size) std::abort();
    if (f.value.size() > small.max_field_bytes) std::abort();
  }
  if (!b.fields.empty()) {
    (void)b.find(b.fields.back().name);
    (void)b.value(b.fields.front().name);
  }

  // Default limits, starting part-way in (as the DSN and returned-header
  // callers do), without a diagnostics list.
  (void)h::scan_header_block(text, size / 3, nullptr, 1000);

  // next_line must always make progress and stay in bounds.
  std::size_t pos = 0;
  while (pos < size) {
    h::Line l = h::next_line(text, pos);
    if (l.begin != pos || l.end < l.begin || l.end > size || l.next <= pos || l.next > size) std::abort();
    pos = l.next;
  }
  return 0;
}
