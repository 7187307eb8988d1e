// network_test.cc - CIDR table, provider tables (one row type at a time),
// hop classifier, route summary and site profile.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "src/classify/hop_classifier.h"
#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"
#include "src/util/cidr_table.h"

using namespace ndrscan;
using namespace ndrscan::classify;
namespace fs = std::filesystem;

namespace {

util::Addr addr(const char* s) {
  auto a = util::parse_address(s);
  REQUIRE(a.has_value());
  return *a;
}

util::Prefix prefix(const char* s) {
  util::Prefix p;
  std::string err;
  REQUIRE(util::parse_prefix(s, &p, &err));
  return p;
}

/// A scratch knowledge/networks directory.
struct TableDir {
  fs::path dir;
  TableDir() {
    char tmpl[] = "/tmp/ndrscan-net-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~TableDir() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
};

const char* kHeader =
    "# provider: acme\n# name: Acme Filter\n# class: third-party-filter\n# date: 2025-01-01\n"
    "# columns: kind\tvalue\tclass\tweight\tsource\tdate\tnote\n";

}  // namespace

TEST_CASE("cidr: longest prefix wins, IPv4 and IPv6", "[network]") {
  util::CidrTable t;
  t.add(prefix("10.0.0.0/8"), 1);
  t.add(prefix("10.1.0.0/16"), 2);
  t.add(prefix("10.1.2.0/24"), 3);
  t.add(prefix("2001:db8::/32"), 4);
  t.add(prefix("2001:db8:1::/48"), 5);
  t.add(prefix("0.0.0.0/0"), 6);
  t.build();
  CHECK(t.lookup(addr("10.2.3.4")) == 1);
  CHECK(t.lookup(addr("10.1.3.4")) == 2);
  CHECK(t.lookup(addr("10.1.2.200")) == 3);
  CHECK(t.lookup(addr("10.1.255.255")) == 2);
  CHECK(t.lookup(addr("11.0.0.0")) == 6);
  CHECK(t.lookup(addr("2001:db8:1::5")) == 5);
  CHECK(t.lookup(addr("2001:db8:2::5")) == 4);
  CHECK(t.lookup(addr("2001:db9::1")) == -1);  // IPv4 /0 covers only ::ffff:0:0/96
  CHECK(t.lookup(addr("::ffff:10.1.2.3")) == 3);
}

TEST_CASE("cidr: the same prefix twice, the later wins", "[network]") {
  util::CidrTable t;
  t.add(prefix("192.0.2.0/24"), 1);
  t.add(prefix("192.0.2.0/24"), 7);
  t.build();
  CHECK(t.lookup(addr("192.0.2.9")) == 7);
}

TEST_CASE("cidr: prefix syntax errors", "[network]") {
  util::Prefix p;
  std::string err;
  CHECK_FALSE(util::parse_prefix("10.0.0.1/8", &p, &err));
  CHECK(err == "host bits set (not a network address)");
  CHECK_FALSE(util::parse_prefix("10.0.0.0", &p, &err));
  CHECK(err == "missing '/length'");
  CHECK_FALSE(util::parse_prefix("10.0.0.0/33", &p, &err));
  CHECK_FALSE(util::parse_prefix("nonsense/8", &p, &err));
  CHECK_FALSE(util::parse_prefix("2001:db8::/129", &p, &err));
}

TEST_CASE("network tables: each row type matches", "[network]") {
  TableDir d;
  d.write("acme.tsv", std::string(kHeader) +
                          "cidr\t198.51.100.0/24\tthird-party-filter\t90\thttps://acme.example/ips\t2025-01-01\t-\n"
                          "cidr\t2001:db8:aa::/48\tthird-party-filter\t90\thttps://acme.example/ips\t2025-01-01\t-\n"
                          "host\t*.filter.acme.example\tthird-party-filter\t80\thttps://acme.example/mx\t2025-01-01\t-\n"
                          "host\tgw.acme.example\tthird-party-filter\t80\thttps://acme.example/mx\t2025-01-01\t-\n"
                          "hostre\t^relay[0-9]+\\.acme\\.example$\tthird-party-filter\t70\thttps://acme.example\t2025-01-01\t-\n"
                          "header\tX-Acme-\tthird-party-filter\t60\thttps://acme.example/h\t2025-01-01\t-\n"
                          "header\tX-Acme\tthird-party-filter\t60\thttps://acme.example/h\t2025-01-01\texact\n"
                          "asn\t64500\tthird-party-filter\t70\thttps://acme.example/as\t2025-01-01\t-\n");
  NetworkTables t;
  std::string err;
  REQUIRE(t.load_dir(d.dir.string(), &err));
  t.build();
  CHECK(t.newest_date() == "2025-01-01");
  CHECK(t.match_ip("198.51.100.7") >= 0);
  CHECK(t.match_ip("2001:db8:aa::1") >= 0);
  CHECK(t.match_ip("198.51.101.7") == -1);
  CHECK(t.match_host("mx1.filter.acme.example") >= 0);
  CHECK(t.match_host("MX1.Filter.Acme.Example.") >= 0);
  CHECK(t.match_host("filter.acme.example") == -1);  // "*." means strictly below
  CHECK(t.match_host("gw.acme.example") >= 0);
  CHECK(t.match_host("relay12.acme.example") >= 0);
  CHECK(t.match_host("relayx.acme.example") == -1);
  CHECK(t.match_asn(64500) >= 0);
  std::vector<rfc5322::HeaderField> fields{{"X-Acme-Score", "5", 0}};
  CHECK(t.match_headers(fields).size() == 1);
  std::vector<rfc5322::HeaderField> none{{"X-Acmeish", "5", 0}};
  CHECK(t.match_headers(none).empty());
}

TEST_CASE("network tables: errors name file and line", "[network]") {
  struct Row {
    std::string body;
    std::string want;  // suffix after "<dir>/acme.tsv:"
  } rows[] = {
      {"cidr\t198.51.100.1/24\tthird-party-filter\t90\ts\t2025-01-01\t-\n",
       "6: bad CIDR '198.51.100.1/24': host bits set (not a network address)"},
      {"cidr\t198.51.100.0/24\tfilter\t90\ts\t2025-01-01\t-\n", "6: unknown class 'filter'"},
      {"cidr\t198.51.100.0/24\tprovider\t900\ts\t2025-01-01\t-\n", "6: weight '900' is not a number 1..100"},
      {"cidr\t198.51.100.0/24\tprovider\t90\ts\t2025-1-1\t-\n", "6: date '2025-1-1' is not YYYY-MM-DD"},
      {"cidr\t198.51.100.0/24\tprovider\t90\ts\t2025-01-01\n",
       "6: expected 7 tab-separated columns (kind, value, class, weight, source, date, note), found 6"},
      {"net\t198.51.100.0/24\tprovider\t90\ts\t2025-01-01\t-\n",
       "6: unknown kind 'net' (use cidr, host, hostre, header or asn)"},
      {"host\t*.bad host\tprovider\t90\ts\t2025-01-01\t-\n", "6: bad host pattern '*.bad host'"},
      {"hostre\t^(unclosed\tprovider\t90\ts\t2025-01-01\t-\n",
       "6: bad pattern '^(unclosed': missing closing parenthesis at offset 10"},
      {"cidr\t198.51.100.0/24\tprovider\t90\ts\t2025-01-01\t-\ncidr\t198.51.100.0/24\tprovider\t90\ts\t2025-01-01\t-\n",
       "7: CIDR '198.51.100.0/24' is already listed at networks/acme.tsv:6"},
  };
  for (const auto& r : rows) {
    TableDir d;
    d.write("acme.tsv", std::string(kHeader) + r.body);
    NetworkTables t;
    std::string err;
    CHECK_FALSE(t.load_dir(d.dir.string(), &err));
    CHECK(err == (d.dir / "acme.tsv").string() + ":" + r.want);
  }
  TableDir d;
  d.write("other.tsv", std::string(kHeader) + "asn\t1\tprovider\t1\ts\t2025-01-01\t-\n");
  NetworkTables t;
  std::string err;
  CHECK_FALSE(t.load_dir(d.dir.string(), &err));
  CHECK(err == (d.dir / "other.tsv").string() + ":6: '# provider: acme' does not match the file name 'other'");
}

TEST_CASE("classifier: the shipped tables place real hops", "[network]") {
  NetworkTables t;
  std::string err;
  REQUIRE(t.load_dir(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/networks", &err));
  SiteProfile site;
  site.onprem_ips = {"203.0.113.0/24"};
  site.domains = {{"contoso.local", "", ""}};
  REQUIRE(apply_profile(site, &t, &err));
  t.build();
  HopClassifier c(t, nullptr);
  struct Row {
    const char* ip;
    const char* rdns;
    const char* self;
    const char* helo;
    const char* cls;
    const char* provider;
  } rows[] = {
      {"40.107.243.101", "", "", "NAM12-DM6-obe.outbound.protection.outlook.com", "eop", "microsoft-eop"},
      {"", "", "BN8NAM12FT045.mail.protection.outlook.com", "", "eop", "microsoft-eop"},
      {"10.13.182.172", "", "BN8NAM12FT045.mail.protection.outlook.com", "", "eop", "microsoft-eop"},
      {"", "", "DM6PR11MB5678.namprd11.prod.outlook.com", "", "exchange-online", "microsoft-exchange-online"},
      {"209.85.220.41", "mail-sor-f41.google.com", "", "", "provider", "google"},
      {"203.0.113.25", "", "", "", "onprem", "site"},
      {"10.1.2.3", "", "", "EX01.contoso.local", "onprem", "site"},
      {"10.1.2.3", "", "", "", "private", "private"},
      {"192.0.2.10", "", "", "", "unknown", ""},
  };
  for (const auto& r : rows) {
    INFO(r.ip << " " << r.rdns << " " << r.self << " " << r.helo);
    NetworkInfo n = c.classify_side(r.ip, r.rdns, r.self, r.helo, {});
    CHECK(n.net_class == r.cls);
    CHECK(n.provider == r.provider);
    if (std::string(r.cls) != "unknown") CHECK_FALSE(n.evidence.empty());
  }
  // The HELO is the weakest fact: the same name as rDNS gives more confidence.
  NetworkInfo helo = c.classify_side("", "", "", "mx.google.com", {});
  NetworkInfo rdns = c.classify_side("", "mx.google.com", "", "", {});
  CHECK(helo.confidence < rdns.confidence);
}

TEST_CASE("classifier: route summary and inherited sides", "[network]") {
  NetworkTables t;
  std::string err;
  REQUIRE(t.load_dir(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/networks", &err));
  SiteProfile site;
  site.onprem_ips = {"203.0.113.0/24"};
  REQUIRE(apply_profile(site, &t, &err));
  t.build();
  HopClassifier c(t, nullptr);
  std::vector<Hop> hops(3);
  hops[0].from_ip = "192.0.2.10";
  hops[0].from_host = "client.example.com";
  hops[0].by_host = "BN8NAM12FT045.mail.protection.outlook.com";
  hops[1].from_host = "BN8NAM12FT045.mail.protection.outlook.com";
  hops[1].from_ip = "10.13.182.172";
  hops[1].by_host = "mail.contoso.com";
  hops[1].by_ip = "203.0.113.25";
  hops[2].from_host = "mail.contoso.com";
  hops[2].from_ip = "10.20.1.5";
  hops[2].by_host = "ex02.contoso.com";
  for (int i = 0; i < 3; ++i) hops[static_cast<std::size_t>(i)].index = i + 1;
  c.classify_hops(&hops, {});
  CHECK(hops[1].from_network->net_class == "eop");
  CHECK(hops[2].from_network->net_class == "onprem");  // same server as hop 2's receiver
  CHECK(route_summary(hops) == "Internet > EOP > on-prem > Internet");
}

TEST_CASE("site profile: loads the example and reports bad keys", "[network]") {
  SiteProfile p;
  std::string err;
  REQUIRE(load_profile(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/../docs/examples/site.toml", &p, &err));
  CHECK(p.name == "Contoso");
  CHECK(p.domains.size() == 2);
  CHECK(p.domains[0].exo_type == "InternalRelay");
  CHECK(p.connectors.size() == 2);
  CHECK(p.mx.size() == 1);

  TableDir d;
  d.write("bad.toml", "[organisation]\nname = \"x\"\n\n[[domain]]\nname = \"contoso.com\"\nonprem_typ = \"Authoritative\"\n");
  SiteProfile bad;
  CHECK_FALSE(load_profile((d.dir / "bad.toml").string(), &bad, &err));
  CHECK(err == (d.dir / "bad.toml").string() + ":6:1: unknown key 'onprem_typ' in [[domain]] (did you mean 'onprem_type'?)");
  d.write("type.toml", "[[domain]]\nname = \"contoso.com\"\nexo_type = \"Authorative\"\n");
  CHECK_FALSE(load_profile((d.dir / "type.toml").string(), &bad, &err));
  CHECK(err == (d.dir / "type.toml").string() +
                   ":3:12: domain type 'Authorative' is not Authoritative, InternalRelay or ExternalRelay (did you mean "
                   "'Authoritative'?)");
  d.write("ip.toml", "[organisation]\nonprem_ips = [\"10.0.0.1/8\"]\n");
  CHECK_FALSE(load_profile((d.dir / "ip.toml").string(), &bad, &err));
  CHECK(err == (d.dir / "ip.toml").string() + ":2:15: onprem_ips: '10.0.0.1/8': host bits set (not a network address)");
}
