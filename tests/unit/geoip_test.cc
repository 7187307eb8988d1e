// geoip_test.cc - the libmaxminddb reader against a database the project
// builds itself (tests/data/geoip-test.tsv -> build/tests/geoip-test.mmdb,
// tools/make-geoip-db), then the hop classifier with that database.
//
// The path comes from $NDRSCAN_GEOIP_TEST_DB (set by the "unit: geoip" test
// in tests/CMakeLists.txt); without it every case here succeeds as skipped.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "src/classify/geoip.h"
#include "src/classify/hop_classifier.h"
#include "src/classify/network_tables.h"

using namespace ndrscan;
using namespace ndrscan::classify;

namespace {

/// test_db - the test database path, or empty when the test is not set up.
std::string test_db() {
  const char* p = std::getenv("NDRSCAN_GEOIP_TEST_DB");
  return p ? std::string(p) : std::string();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("geoip: IPv4, IPv6, mapped and 6to4 addresses", "[geoip]") {
  const std::string path = test_db();
  if (path.empty()) {
    SUCCEED("skipped: NDRSCAN_GEOIP_TEST_DB is not set (run through ctest -R 'unit: geoip')");
    return;
  }
  GeoIp geo;
  std::string err;
  REQUIRE(geo.open(path, &err));
  CHECK(err.empty());
  CHECK_FALSE(geo.empty());

  struct Row {
    const char* ip;
    std::uint32_t asn;
    const char* as_name;
    const char* country;
  } rows[] = {
      {"40.107.1.1", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US"},
      {"40.107.237.102", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "IE"},  // the /24 inside the /16 wins
      {"52.101.73.81", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US"},
      {"209.85.220.41", 15169, "GOOGLE", "US"},
      {"2a01:111:f400:7e1b::1", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "GB"},
      {"2607:f8b0:4864:20::42a", 15169, "GOOGLE", "US"},
      {"::ffff:40.107.1.1", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US"},  // IPv4-mapped
      {"2002:286b:101::1", 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US"},   // 6to4 of 40.107.1.1
      {"2603:10a6:20b:3e1::7", 0, "", "US"},                              // country only
      {"203.0.113.9", 64499, "Z\xc3\xbcrich Pr\xc3\xbc" "fnetz \xc3\x96sterreich GmbH (test)", "AT"},
      {"198.51.100.7", 64497, "NDRSCAN-TEST-DOC-2", "FR"},
      {"198.51.100.200", 64498, "NDRSCAN-TEST-DOC-3", "NL"},
      {"2001:db8:1::5", 65536, "NDRSCAN-TEST-DOC-V6-32BIT-ASN", "NO"},
      {"2001:DB8:2::5", 64500, "NDRSCAN-TEST-DOC-V6", "SE"},
  };
  for (const auto& r : rows) {
    INFO(r.ip);
    auto g = geo.lookup(r.ip);
    REQUIRE(g.has_value());
    CHECK(g->asn == r.asn);
    CHECK(g->as_name == r.as_name);
    CHECK(g->country == r.country);
  }
}

TEST_CASE("geoip: misses and garbage give nothing", "[geoip]") {
  const std::string path = test_db();
  if (path.empty()) {
    SUCCEED("skipped: NDRSCAN_GEOIP_TEST_DB is not set");
    return;
  }
  GeoIp geo;
  std::string err;
  REQUIRE(geo.open(path, &err));
  for (const std::string ip : {"8.8.8.8", "10.1.2.3", "2001:4860:4860::8888", "::1", "not-an-ip", "",
                               "40.107.1.1.1", "40.107.1.300", "[40.107.1.1]", "40.107.1.1/32",
                               "mail.protection.outlook.com", "localhost"}) {
    INFO("'" << ip << "'");
    CHECK_FALSE(geo.lookup(ip).has_value());
  }
  CHECK_FALSE(geo.lookup(std::string(300, '1')).has_value());
  // An empty reader answers nothing.
  GeoIp none;
  CHECK(none.empty());
  CHECK_FALSE(none.lookup("40.107.1.1").has_value());
}

// MMDB_lookup_string uses getaddrinfo(AI_NUMERICHOST), which accepts
// inet_aton shorthands and stops at an embedded NUL; GeoIp::lookup checks
// for a plain address first, so none of these may match.
TEST_CASE("geoip: inet_aton shorthands and embedded NULs are not addresses", "[geoip]") {
  const std::string path = test_db();
  if (path.empty()) {
    SUCCEED("skipped: NDRSCAN_GEOIP_TEST_DB is not set");
    return;
  }
  GeoIp geo;
  std::string err;
  REQUIRE(geo.open(path, &err));
  for (const std::string ip : {"40.107.1", "40.107.257", "0x28.107.1.1", "0050.107.1.1"}) {
    INFO("'" << ip << "'");
    CHECK_FALSE(geo.lookup(ip).has_value());
  }
  CHECK_FALSE(geo.lookup(std::string("40.107.1.1\0junk", 15)).has_value());
}

TEST_CASE("geoip: open errors and describe()", "[geoip]") {
  const std::string path = test_db();
  if (path.empty()) {
    SUCCEED("skipped: NDRSCAN_GEOIP_TEST_DB is not set");
    return;
  }
  GeoIp geo;
  std::string err;
  CHECK_FALSE(geo.open("/nonexistent/geoip.mmdb", &err));
  CHECK(contains(err, "/nonexistent/geoip.mmdb"));
  err.clear();
  // A file that is not a MaxMind database: the TSV it was built from.
  std::string tsv = std::string(NDRSCAN_KNOWLEDGE_DIR) + "/../tests/data/geoip-test.tsv";
  CHECK_FALSE(geo.open(tsv, &err));
  CHECK(contains(err, "geoip-test.tsv"));
  CHECK(geo.empty());

  REQUIRE(geo.open(path, &err));
  REQUIRE(geo.paths().size() == 1);
  CHECK(geo.paths()[0] == path);
  auto d = geo.describe();
  REQUIRE(d.size() == 1);
  INFO(d[0]);
  CHECK(contains(d[0], path));
  CHECK(contains(d[0], "(ndrscan-geoip, built 20"));
}

TEST_CASE("geoip: the hop classifier adds AS facts and matches asn rows", "[geoip]") {
  const std::string path = test_db();
  if (path.empty()) {
    SUCCEED("skipped: NDRSCAN_GEOIP_TEST_DB is not set");
    return;
  }
  GeoIp geo;
  std::string err;
  REQUIRE(geo.open(path, &err));
  NetworkTables t;
  REQUIRE(t.load_dir(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/networks", &err));
  t.build();
  HopClassifier with(t, &geo);
  HopClassifier without(t, nullptr);

  auto has_evidence = [](const NetworkInfo& n, const std::string& prefix) {
    for (const auto& e : n.evidence)
      if (e.rfind(prefix, 0) == 0) return true;
    return false;
  };

  SECTION("an EOP address: CIDR row plus the AS8075 row, more confidence") {
    NetworkInfo n = with.classify_side("40.107.1.1", "", "", "", {});
    INFO(n.evidence.size());
    CHECK(n.asn == 8075);
    CHECK(n.as_name == "MICROSOFT-CORP-MSN-AS-BLOCK");
    CHECK(n.country == "US");
    CHECK(n.provider == "microsoft-eop");
    CHECK(n.net_class == "eop");
    CHECK(has_evidence(n, "IP 40.107.1.1 in 40.107.0.0/16"));
    CHECK(has_evidence(n, "AS8075 "));  // "AS8075 ... (networks/microsoft-eop.tsv, ...)"
    NetworkInfo plain = without.classify_side("40.107.1.1", "", "", "", {});
    CHECK(plain.asn == 0);
    CHECK(plain.as_name.empty());
    CHECK(plain.country.empty());
    CHECK_FALSE(has_evidence(plain, "AS8075"));
    CHECK(n.confidence > plain.confidence);
  }
  SECTION("a Microsoft address outside every CIDR row: the asn row alone") {
    // 52.96.0.0/12 is AS8075 in the test data; 52.108.0.0/14 is in no table.
    NetworkInfo n = with.classify_side("52.108.0.1", "", "", "", {});
    CHECK(n.asn == 8075);
    CHECK(n.provider == "microsoft-eop");
    REQUIRE(n.evidence.size() == 1);
    CHECK(has_evidence(n, "AS8075 "));
    CHECK(n.confidence == 30);  // corroboration only (weight 30 in the table)
    CHECK(without.classify_side("52.108.0.1", "", "", "", {}).provider.empty());
  }
  SECTION("an AS with no asn row: facts recorded, no provider claimed") {
    NetworkInfo n = with.classify_side("198.51.100.7", "", "", "", {});
    CHECK(n.asn == 64497);
    CHECK(n.as_name == "NDRSCAN-TEST-DOC-2");
    CHECK(n.country == "FR");
    CHECK(n.provider.empty());
    CHECK(n.net_class == "unknown");
    CHECK_FALSE(has_evidence(n, "AS64497"));
  }
  SECTION("IPv6 EOP address") {
    NetworkInfo n = with.classify_side("2a01:111:f400:7e1b::1", "", "", "", {});
    CHECK(n.asn == 8075);
    CHECK(n.country == "GB");
    CHECK(n.provider == "microsoft-eop");
    CHECK(has_evidence(n, "AS8075 "));
  }
  SECTION("no IP, no lookup") {
    NetworkInfo n = with.classify_side("", "", "BN8NAM12FT045.mail.protection.outlook.com", "", {});
    CHECK(n.asn == 0);
    CHECK(n.provider == "microsoft-eop");
  }
}
