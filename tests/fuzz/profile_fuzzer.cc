// profile_fuzzer.cc - the site profile loader (TOML) and the network table
// loader on arbitrary file contents: errors, never crashes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"

namespace {
std::string scratch() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/ndrscan-fuzz-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string dir = scratch();
  std::string path = dir + "/site.toml";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  ndrscan::classify::SiteProfile p;
  std::string err;
  if (ndrscan::classify::load_profile(path, &p, &err)) {
    ndrscan::classify::NetworkTables t;
    (void)ndrscan::classify::apply_profile(p, &t, &err);
    t.build();
  }
  // the same bytes as a provider table (file name must match its header)
  std::string tdir = dir + "/networks";
  std::filesystem::create_directories(tdir);
  std::string tpath = tdir + "/acme.tsv";
  if (std::FILE* f = std::fopen(tpath.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  ndrscan::classify::NetworkTables t;
  if (t.load_dir(tdir, &err)) {
    t.build();
    (void)t.match_ip("192.0.2.1");
    (void)t.match_host("mx.example.com");
  }
  return 0;
}
