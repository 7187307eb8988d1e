// geoip.cc - libmaxminddb reader.
#include "src/classify/geoip.h"

#include <fmt/format.h>
#include <maxminddb.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "src/util/strings.h"

namespace ndrscan::classify {
namespace fs = std::filesystem;

struct GeoIp::Db {
  MMDB_s mmdb{};
  bool open = false;
  ~Db() {
    if (open) MMDB_close(&mmdb);
  }
};

GeoIp::GeoIp() = default;
GeoIp::~GeoIp() = default;

bool GeoIp::open(const std::string& path, std::string* err) {
  auto db = std::make_unique<Db>();
  int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
  if (rc != MMDB_SUCCESS) {
    *err = fmt::format("{}: {}", path, MMDB_strerror(rc));
    return false;
  }
  db->open = true;
  dbs_.push_back(std::move(db));
  paths_.push_back(path);
  return true;
}

std::vector<std::string> GeoIp::find_default(const std::string& knowledge_dir) {
  std::vector<std::string> out;
  std::vector<fs::path> dirs = {fs::path(knowledge_dir) / "geoip", "/var/lib/ndrscan", "/usr/share/GeoIP",
                                "/var/lib/GeoIP", "/usr/local/share/GeoIP"};
  for (const auto& d : dirs) {
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.is_regular_file() && e.path().extension() == ".mmdb") found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::vector<std::string> GeoIp::describe() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < dbs_.size(); ++i) {
    const auto& m = dbs_[i]->mmdb.metadata;
    std::time_t t = static_cast<std::time_t>(m.build_epoch);
    char date[16] = "?";
    std::tm tm{};
    if (gmtime_r(&t, &tm)) std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    out.push_back(fmt::format("{} ({}, built {})", paths_[i], m.database_type ? m.database_type : "?", date));
  }
  return out;
}

namespace {

std::string get_string(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s d{};
  if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data) return {};
  if (d.type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  return std::string(d.utf8_string, d.data_size);  // not NUL-terminated
}

std::uint32_t get_uint(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s d{};
  if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data) return 0;
  switch (d.type) {
    case MMDB_DATA_TYPE_UINT32: return d.uint32;
    case MMDB_DATA_TYPE_UINT16: return d.uint16;
    case MMDB_DATA_TYPE_UINT64: return static_cast<std::uint32_t>(d.uint64);
    default: return 0;
  }
}

}  // namespace

std::optional<GeoFacts> GeoIp::lookup(std::string_view ip) const {
  if (dbs_.empty() || ip.empty() || ip.size() > 45) return std::nullopt;
  // getaddrinfo accepts "40.107.1", octal and hex forms: only plain addresses here
  if (!util::is_ip(ip)) return std::nullopt;
  std::string text(ip);
  GeoFacts g;
  bool any = false;
  for (const auto& db : dbs_) {
    int gai = 0, mmdb_err = 0;
    MMDB_lookup_result_s res = MMDB_lookup_string(&db->mmdb, text.c_str(), &gai, &mmdb_err);
    if (gai != 0 || mmdb_err != MMDB_SUCCESS || !res.found_entry) continue;
    static const char* const kAsn[] = {"autonomous_system_number", nullptr};
    static const char* const kAsName[] = {"autonomous_system_organization", nullptr};
    static const char* const kCountry[] = {"country", "iso_code", nullptr};
    static const char* const kCountryFlat[] = {"country_code", nullptr};
    if (!g.asn) g.asn = get_uint(&res.entry, kAsn);
    if (g.as_name.empty()) g.as_name = get_string(&res.entry, kAsName);
    if (g.country.empty()) g.country = get_string(&res.entry, kCountry);
    if (g.country.empty()) g.country = get_string(&res.entry, kCountryFlat);
    any = any || g.asn || !g.country.empty();
  }
  if (!any) return std::nullopt;
  return g;
}

}  // namespace ndrscan::classify
