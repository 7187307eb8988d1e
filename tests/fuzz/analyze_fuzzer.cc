// analyze_fuzzer.cc - the whole single-message pipeline on arbitrary bytes.
//
// analyze_message() must never throw or crash; whatever it returns must
// serialise (to_json must give valid JSON, render_text must not throw).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "src/core/analyze.h"
#include "src/core/knowledge.h"
#include "src/report/json_report.h"
#include "src/report/text_report.h"

namespace {

ndrscan::Knowledge g_knowledge;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* env = std::getenv("NDRSCAN_KNOWLEDGE");
  std::string dir = env && *env ? env : NDRSCAN_FUZZ_KNOWLEDGE_DIR;
  std::string err;
  if (!ndrscan::load_knowledge(dir, &g_knowledge, &err)) {
    std::fprintf(stderr, "analyze_fuzzer: cannot load knowledge from %s: %s\n", dir.c_str(), err.c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ndrscan::Analysis a;
  std::string err;
  bool ok = ndrscan::analyze_message(bytes, g_knowledge, ndrscan::AnalyzeOptions{}, &a, &err);
  if (!ok) {
    if (err.empty()) std::abort();  // failure must carry a reason
    // analyze_message() turns a parser's exception into "internal error:";
    // that keeps a bulk run going, but for the fuzzer it is a bug.
    if (err.rfind("internal error", 0) == 0) {
      std::fprintf(stderr, "analyze_message: %s\n", err.c_str());
      std::abort();
    }
    return 0;
  }
  std::string json = ndrscan::report::to_json(a);
  auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    std::fprintf(stderr, "to_json produced invalid JSON: %s\n", json.c_str());
    std::abort();
  }
  (void)ndrscan::report::to_json(a, 2);
  ndrscan::report::TextOptions topts;
  (void)ndrscan::report::render_text(a, topts);
  topts.color = true;
  topts.width = 20;
  (void)ndrscan::report::render_text(a, topts);
  return 0;
}
