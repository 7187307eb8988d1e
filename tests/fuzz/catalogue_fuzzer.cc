// catalogue_fuzzer.cc - the cause catalogue loader on arbitrary TOML: errors
// with positions, never a crash; a catalogue that loads can be dumped and
// reloaded.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "src/catalogue/catalogue.h"
#include "src/core/knowledge.h"

namespace {
const ndrscan::Knowledge& knowledge() {
  static ndrscan::Knowledge k = [] {
    ndrscan::Knowledge kk;
    std::string err;
    const char* dir = std::getenv("NDRSCAN_KNOWLEDGE");
    ndrscan::KnowledgeOptions opts;
    opts.geoip_auto = false;
    opts.load_causes = false;
    if (!ndrscan::load_knowledge(dir ? dir : NDRSCAN_FUZZ_KNOWLEDGE_DIR, opts, &kk, &err)) std::abort();
    return kk;
  }();
  return k;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::string dir = [] {
    char tmpl[] = "/tmp/ndrscan-fuzz-cat-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  // the file name must be the area: "fuzz.toml" holds meta.area = "fuzz"
  std::string path = dir + "/fuzz.toml";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  ndrscan::catalogue::Catalogue cat;
  ndrscan::catalogue::LoadContext ctx{&knowledge().reasons, &knowledge().networks};
  std::vector<ndrscan::catalogue::Problem> problems;
  (void)cat.load(dir, ctx, &problems);
  for (const auto& p : problems) (void)p.str();
  return 0;
}
