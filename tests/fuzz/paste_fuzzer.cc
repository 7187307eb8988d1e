// paste_fuzzer.cc - paste repair in both modes; the repaired text must stay
// within a bounded size and go through the whole pipeline without a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/paste/paste.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (auto mode : {ndrscan::paste::Mode::kAuto, ndrscan::paste::Mode::kOn}) {
    std::vector<ndrscan::Diagnostic> diags;
    auto out = ndrscan::paste::prepare(in, mode, &diags);
    // a repair may add a synthetic header and keep the text: never explode
    if (out && out->size() > 4 * size + 4096) std::abort();
  }
  return 0;
}
