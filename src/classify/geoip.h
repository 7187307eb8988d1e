// geoip.h - ASN, AS name and country from MaxMind-format databases.
//
// PURPOSE
//   Wraps libmaxminddb (memory-mapped, read-only, shareable across
//   threads). Any number of databases may be opened (GeoLite2-ASN,
//   GeoLite2-Country/City, DB-IP lite, or the one tools/make-geoip-db builds
//   from Debian's libloc-database); each lookup takes the first database
//   that knows each fact. Lookups are numeric only: no DNS, ever.
//
// PUBLIC FUNCTIONS
//   GeoIp::open()          add one .mmdb file
//   GeoIp::find_default()  the usual directories
//   GeoIp::lookup()        IP text -> {asn, as_name, country}
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::classify {

struct GeoFacts {
  std::uint32_t asn = 0;
  std::string as_name;
  std::string country;  ///< ISO 3166-1 alpha-2
};

class GeoIp {
 public:
  GeoIp();
  ~GeoIp();
  GeoIp(const GeoIp&) = delete;
  GeoIp& operator=(const GeoIp&) = delete;

  /// open - add a database; false with a reason in *err.
  bool open(const std::string& path, std::string* err);
  /// find_default - paths of .mmdb files in the usual directories.
  static std::vector<std::string> find_default(const std::string& knowledge_dir);
  /// lookup - nullopt for non-public or unknown addresses.
  std::optional<GeoFacts> lookup(std::string_view ip) const;
  bool empty() const { return dbs_.empty(); }
  const std::vector<std::string>& paths() const { return paths_; }
  /// describe - "path (type, built YYYY-MM-DD)" per database.
  std::vector<std::string> describe() const;

 private:
  struct Db;
  std::vector<std::unique_ptr<Db>> dbs_;
  std::vector<std::string> paths_;
};

}  // namespace ndrscan::classify
