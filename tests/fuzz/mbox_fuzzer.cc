// mbox_fuzzer.cc - the mbox splitter and mboxrd unquoting.
// Asserts: spans are ordered, inside the input, and unquoting never grows a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "src/io/mbox.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)ndrscan::io::looks_like_mbox(in);
  std::size_t last = 0;
  for (const auto& s : ndrscan::io::split_mbox(in)) {
    if (s.offset < last || s.begin < s.offset || s.end < s.begin || s.end > size) std::abort();
    last = s.end;
    std::string_view msg = in.substr(s.begin, s.end - s.begin);
    if (ndrscan::io::needs_unquote(msg) && ndrscan::io::unquote_from(msg).size() > msg.size()) std::abort();
  }
  return 0;
}
