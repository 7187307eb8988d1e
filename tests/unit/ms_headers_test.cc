// ms_headers_test.cc - Microsoft tables and X-Forefront / X-MS header decoding.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "parsers/microsoft/ms_headers.h"

using ndrscan::microsoft::decode_ms_headers;
using ndrscan::microsoft::MsHeaders;
using ndrscan::microsoft::MsTables;
using ndrscan::microsoft::split_ms_list;
using ndrscan::rfc5322::HeaderField;

namespace {

const MsTables& tables() {
  static MsTables t;
  static bool loaded = false;
  if (!loaded) {
    std::string err;
    loaded = t.load(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/microsoft", &err);
    INFO(err);
    REQUIRE(loaded);
  }
  return t;
}

std::vector<HeaderField> fields(std::initializer_list<std::pair<const char*, std::string>> list) {
  std::vector<HeaderField> out;
  std::size_t offset = 0;
  for (const auto& [n, v] : list) {
    out.push_back({n, v, offset});
    offset += std::string(n).size() + v.size() + 3;
  }
  return out;
}

const ndrscan::microsoft::DecodedValue* find(const std::vector<ndrscan::microsoft::DecodedValue>& v,
                                             const std::string& key) {
  for (const auto& d : v)
    if (d.key == key) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("ms: the shipped Microsoft tables load", "[ms]") {
  const MsTables& t = tables();
  CHECK(t.antispam_rows() > 80);
  CHECK(t.compauth_rows() >= 12);
  CHECK(t.build_rows() > 70);
  CHECK(t.date() == "2026-11-27");
  CHECK(t.antispam_meaning("sfv", "nspm").find("not spam") == 0);
  CHECK(t.antispam_meaning("CIP", "198.51.100.5").find("connecting IP address") == 0);
  CHECK(t.antispam_meaning("NOSUCH", "1").empty());
  CHECK(t.antispam_meaning("", "").empty());
}

TEST_CASE("ms: Exchange Online inbound header block", "[ms]") {
  auto f = fields({
      {"Received", "from mail.example.com (198.51.100.5) by BN8NAM11FT000.mail.protection.outlook.com"},
      {"X-MS-Exchange-Organization-SCL", "1"},
      {"X-Forefront-Antispam-Report",
       "CIP:198.51.100.5;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example.com;PTR:mail.example.com;"
       "CAT:NONE;SFS:(13230040)(4636009)(376014);DIR:INB;"},
      {"X-Microsoft-Antispam", "BCL:0;ARA:13230040|366016|1800799024;"},
      {"X-Microsoft-Antispam-Mailbox-Delivery", "ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604);"},
      {"X-MS-Exchange-Organization-AuthAs", "Anonymous"},
      {"X-MS-Exchange-Organization-AuthSource", "BN8NAM11FT000.eop-nam11.prod.protection.outlook.com"},
      {"X-MS-Exchange-Organization-AuthMechanism", "04"},
      {"x-ms-exchange-organization-network-message-id", "6f0c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"},
      {"X-MS-Exchange-CrossTenant-Id", "00000000-1111-2222-3333-444444444444"},
      {"X-MS-Exchange-CrossTenant-AuthAs", "Anonymous"},
      {"X-MS-Exchange-CrossTenant-AuthSource", "BN8NAM11FT000.eop-nam11.prod.protection.outlook.com"},
      {"X-MS-Exchange-CrossTenant-FromEntityHeader", "Internet"},
      {"X-MS-Exchange-CrossTenant-Network-Message-Id", "6f0c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"},
      {"X-MS-Exchange-CrossTenant-OriginalArrivalTime", "02 Mar 2026 22:55:29.1234 (UTC)"},
  });
  MsHeaders h = decode_ms_headers(f, tables());
  CHECK(h.any);
  CHECK(h.notes.empty());
  CHECK(h.scl == 1);
  CHECK(h.bcl == 0);
  CHECK_FALSE(h.pcl.has_value());
  CHECK(h.ffas_client_ip == "198.51.100.5");
  CHECK(h.ffas_country == "US");
  CHECK(h.ffas_helo == "mail.example.com");
  CHECK(h.ffas_ptr == "mail.example.com");
  CHECK(h.ffas_sfv == "NSPM");
  CHECK(h.ffas_cat == "NONE");
  CHECK(h.ffas_dir == "INB");
  REQUIRE(h.forefront.size() == 12);
  CHECK(h.forefront[0].key == "CIP");
  CHECK(h.forefront[11].key == "DIR");
  CHECK(h.forefront[11].meaning == "inbound message");
  CHECK(find(h.forefront, "SFV")->meaning.find("not spam") == 0);
  CHECK(find(h.forefront, "SRV")->value.empty());
  CHECK(find(h.forefront, "SFS")->value == "(13230040)(4636009)(376014)");
  CHECK(find(h.forefront, "SFS")->meaning.find("internal spam filter rules") != std::string::npos);
  CHECK(find(h.antispam, "BCL")->meaning == "not from a bulk sender");
  REQUIRE(h.mailbox_delivery.size() == 5);
  CHECK(find(h.mailbox_delivery, "dest")->meaning == "delivered to the Inbox");
  CHECK(find(h.mailbox_delivery, "ucf")->meaning.find("undocumented") == 0);
  CHECK(h.auth_as == "Anonymous");
  CHECK(h.auth_source == "BN8NAM11FT000.eop-nam11.prod.protection.outlook.com");
  CHECK(h.auth_mechanism == "04");
  CHECK(h.network_message_id == "6f0c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
  CHECK(h.cross_tenant_id == "00000000-1111-2222-3333-444444444444");
  CHECK(h.cross_tenant_auth_as == "Anonymous");
  CHECK(h.cross_tenant_auth_source == "BN8NAM11FT000.eop-nam11.prod.protection.outlook.com");
  CHECK(h.cross_tenant_from_entity == "Internet");
  CHECK(h.cross_tenant_network_message_id == "6f0c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
  CHECK(h.cross_tenant_original_arrival_time == "02 Mar 2026 22:55:29.1234 (UTC)");
  CHECK_FALSE(h.is_ndr);
}

TEST_CASE("ms: Forefront report values and their meanings", "[ms]") {
  struct Row {
    const char* name;
    const char* ffas;
    const char* key;
    const char* value;
    const char* meaning_starts;  // "" = no meaning expected
  } rows[] = {
      {"high confidence phish", "SFV:SPM;CAT:HPHISH;SFTY:9.19;", "CAT", "HPHISH", "high confidence phishing"},
      {"domain impersonation tip", "SFV:SPM;CAT:HPHISH;SFTY:9.19;", "SFTY", "9.19", "domain impersonation"},
      {"user impersonation", "CAT:UIMP;SFTY:9.20", "SFTY", "9.20", "user impersonation"},
      {"first contact tip", "SFTY:9.25;SFV:NSPM", "SFTY", "9.25", "first contact safety tip"},
      {"IP allow list", "IPV:CAL;SFV:SKN;SCL:-1", "IPV", "CAL", "spam filtering skipped"},
      {"bypass by rule", "IPV:CAL;SFV:SKN;SCL:-1", "SFV", "SKN", "marked as not spam before"},
      {"SCL -1", "IPV:CAL;SFV:SKN;SCL:-1", "SCL", "-1", "spam filtering skipped"},
      {"intra-org", "SFV:SKI;SCL:1;DIR:INT", "SFV", "SKI", "intra-organisation"},
      {"internal direction", "SFV:SKI;SCL:1;DIR:INT", "DIR", "INT", "internal message"},
      {"outbound", "DIR:OUT;SFV:NSPM", "DIR", "OUT", "outbound message"},
      {"bulk", "SRV:BULK;SFV:SPM;CAT:BULK;SCL:6", "SRV", "BULK", "identified as bulk mail"},
      {"bulk category", "SRV:BULK;SFV:SPM;CAT:BULK;SCL:6", "CAT", "BULK", "bulk mail"},
      {"high confidence spam", "SFV:SPM;CAT:HSPM;SCL:9", "SCL", "9", "high confidence spam"},
      {"quarantine release", "SFV:SKQ", "SFV", "SKQ", "released from quarantine"},
      {"blocked sender", "SFV:BLK", "SFV", "BLK", "filtering skipped and message blocked"},
      {"safe sender", "SFV:SFE", "SFV", "SFE", "filtering skipped and message allowed"},
      {"spoof", "CAT:SPOOF;SFV:SPM", "CAT", "SPOOF", "spoofing"},
      {"malware", "CAT:MALW", "CAT", "MALW", "malware"},
      {"lowercase value", "sfv:nspm", "sfv", "nspm", "not spam"},
      {"unknown SFV value falls back to the field", "SFV:ZZZ", "SFV", "ZZZ", "spam filtering verdict"},
      {"unknown field", "ABC:1", "ABC", "1", ""},
      {"IPv6 client IP keeps its colons", "CIP:2001:db8::25;CTRY:DE", "CIP", "2001:db8::25",
       "connecting IP address"},
      {"MHA (null) values", "CTRY:(null);LANG:(null);SFV:NSPM", "CTRY", "", "country or region"},
      {"ASF option", "X-CustomSpam: Image links;SFV:SPM", "X-CustomSpam", "Image links", "an Advanced Spam Filter"},
      {"no colon", "JUNK;SFV:NSPM", "JUNK", "", ""},
      {"PCL in FFAS", "PCL:5;SFV:NSPM", "PCL", "5", "suspicious"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    MsHeaders h = decode_ms_headers(fields({{"X-Forefront-Antispam-Report", r.ffas}}), tables());
    const auto* d = find(h.forefront, r.key);
    REQUIRE(d != nullptr);
    CHECK(d->value == r.value);
    if (*r.meaning_starts == '\0') CHECK(d->meaning.empty());
    else CHECK(d->meaning.rfind(r.meaning_starts, 0) == 0);
  }
}

TEST_CASE("ms: mailbox delivery and X-Microsoft-Antispam values", "[ms]") {
  struct Row {
    const char* name;
    const char* header;
    const char* value;
    const char* key;
    const char* meaning_starts;
  } rows[] = {
      {"junk", "X-Microsoft-Antispam-Mailbox-Delivery", "ucf:0;jmr:1;auth:0;dest:J;ENG:(20160513016)(750129);", "dest",
       "delivered to the Junk Email folder"},
      {"custom folder", "X-Microsoft-Antispam-Mailbox-Delivery", "ucf:1;jmr:0;auth:0;dest:C;OFR:CustomRules;", "dest",
       "delivered to a custom folder"},
      {"user rule", "X-Microsoft-Antispam-Mailbox-Delivery", "ucf:1;jmr:0;auth:0;dest:C;OFR:CustomRules;", "OFR",
       "a rule of the user"},
      {"junk settings", "X-Microsoft-Antispam-Mailbox-Delivery", "dest:J;OFR:SpamFilterAuthJ;", "OFR",
       "Exchange chose the folder"},
      {"junk rule", "X-Microsoft-Antispam-Mailbox-Delivery", "dest:J;RF:JunkEmail;", "RF", "marked as junk"},
      {"engine ids", "X-Microsoft-Antispam-Mailbox-Delivery", "dest:I;ENG:(910001)(944506478);", "ENG",
       "internal engine"},
      {"bulk complaints", "X-Microsoft-Antispam", "BCL:8;", "BCL", "bulk sender with many complaints"},
      {"bulk mixed", "X-Microsoft-Antispam", "BCL:5;ARA:1444111002|4022899009;", "BCL",
       "bulk sender with a mixed number"},
      {"phish level", "X-Microsoft-Antispam", "BCL:0;PCL:2;", "PCL", "phishing confidence level"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    MsHeaders h = decode_ms_headers(fields({{r.header, r.value}}), tables());
    const auto& list = std::string(r.header) == "X-Microsoft-Antispam" ? h.antispam : h.mailbox_delivery;
    const auto* d = find(list, r.key);
    REQUIRE(d != nullptr);
    CHECK(d->meaning.rfind(r.meaning_starts, 0) == 0);
  }
  MsHeaders h = decode_ms_headers(fields({{"X-Microsoft-Antispam", "BCL:5;PCL:2;"}}), tables());
  CHECK(h.bcl == 5);
  CHECK(h.pcl == 2);
}

TEST_CASE("ms: duplicates, fallbacks and disagreements", "[ms]") {
  SECTION("the top-most Forefront report wins") {
    auto f = fields({{"X-Forefront-Antispam-Report", "CIP:203.0.113.7;SFV:SPM;SCL:5;CAT:SPM"},
                     {"Received", "from relay.example.net"},
                     {"X-Forefront-Antispam-Report", "CIP:198.51.100.5;SFV:NSPM;SCL:1"}});
    MsHeaders h = decode_ms_headers(f, tables());
    CHECK(h.ffas_client_ip == "203.0.113.7");
    CHECK(h.ffas_sfv == "SPM");
    CHECK(h.scl == 5);
    REQUIRE(h.notes.size() == 1);
    CHECK(h.notes[0].find("X-Forefront-Antispam-Report appears 2 times; used the top-most (offset 0)") == 0);
  }
  SECTION("organization SCL wins over the report and the difference is noted") {
    auto f = fields({{"X-MS-Exchange-Organization-SCL", "-1"}, {"X-Forefront-Antispam-Report", "SFV:SPM;SCL:5"}});
    MsHeaders h = decode_ms_headers(f, tables());
    CHECK(h.scl == -1);
    REQUIRE(h.notes.size() == 1);
    CHECK(h.notes[0].find("differs") != std::string::npos);
  }
  SECTION("PCL falls back to the organization field, then the report") {
    MsHeaders a = decode_ms_headers(
        fields({{"X-MS-Exchange-Organization-PCL", "7"}, {"X-Forefront-Antispam-Report", "PCL:3"}}), tables());
    CHECK(a.pcl == 7);
    MsHeaders b = decode_ms_headers(fields({{"X-Forefront-Antispam-Report", "PCL:3"}}), tables());
    CHECK(b.pcl == 3);
  }
  SECTION("NDR marker and another tenant's report") {
    auto f = fields({{"X-MS-Exchange-Message-Is-Ndr", ""},
                     {"X-Forefront-Antispam-Report-Untrusted", "CIP:192.0.2.44;SFV:NSPM;DIR:OUT"}});
    MsHeaders h = decode_ms_headers(f, tables());
    CHECK(h.is_ndr);
    CHECK(h.forefront.empty());
    REQUIRE(h.notes.size() == 1);
    CHECK(h.notes[0].find("Untrusted") != std::string::npos);
  }
  SECTION("no Microsoft fields") {
    MsHeaders h = decode_ms_headers(fields({{"From", "a@example.com"}, {"Subject", "hello"}}), tables());
    CHECK_FALSE(h.any);
    CHECK(h.notes.empty());
  }
}

TEST_CASE("ms: hostile input does not crash", "[ms]") {
  SECTION("empty and degenerate values") {
    for (const char* v : {"", ";", ";;;;", ":", "::::", "(null)", "SCL:", "SCL:abc", "SCL:99999999999", "=;=;"}) {
      INFO(v);
      MsHeaders h = decode_ms_headers(
          fields({{"X-Forefront-Antispam-Report", v}, {"X-Microsoft-Antispam", v}, {"X-MS-Exchange-Organization-SCL", v}}),
          tables());
      CHECK_FALSE(h.scl.has_value());
      CHECK_FALSE(h.bcl.has_value());
    }
    MsHeaders h = decode_ms_headers(fields({{"X-Forefront-Antispam-Report", "SCL:abc"}}), tables());
    REQUIRE(h.notes.size() == 1);
    CHECK(h.notes[0] == "X-Forefront-Antispam-Report SCL value 'abc' is not a number; ignored");
  }
  SECTION("10k fields") {
    std::vector<HeaderField> f;
    for (int i = 0; i < 10000; ++i)
      f.push_back({i % 2 ? "X-Forefront-Antispam-Report" : "X-Microsoft-Antispam", "SFV:NSPM;BCL:1", std::size_t(i)});
    MsHeaders h = decode_ms_headers(f, tables());
    CHECK(h.ffas_sfv == "NSPM");
    CHECK(h.notes.size() == 2);
  }
  SECTION("one field with 100k items is capped") {
    std::string v;
    for (int i = 0; i < 100000; ++i) v += "K:V;";
    CHECK(split_ms_list(v).size() == 4096);
    MsHeaders h = decode_ms_headers(fields({{"X-Forefront-Antispam-Report", v}}), tables());
    CHECK(h.forefront.size() == 4096);
  }
}

TEST_CASE("ms: table errors name file and line", "[ms]") {
  const std::string good_ffas =
      "# date: 2026-01-01\n# columns: field<TAB>value<TAB>meaning<TAB>source\nSFV\tNSPM\tnot spam\thttps://x\n";
  const std::string good_ca = "# date: 2026-01-01\n# columns: code<TAB>meaning<TAB>source\n000\tfail\thttps://x\n";
  const std::string good_eb =
      "# date: 2026-01-01\n# columns: build_prefix<TAB>product<TAB>source\n15.2.1544\tEx 2019 CU14\thttps://x\n";
  struct Row {
    const char* name;
    std::string ffas, ca, eb;
    const char* file;
    const char* want;
  } rows[] = {
      {"column count", "# date: 2026-01-01\n# columns: field<TAB>value<TAB>meaning<TAB>source\nSFV\tNSPM\tnot spam\n",
       good_ca, good_eb, "forefront-antispam.tsv",
       ":3: expected 4 tab-separated columns (field, value, meaning, source), found 3"},
      {"empty field", "# date: 2026-01-01\n# columns: field<TAB>value<TAB>meaning<TAB>source\nSFV\t \tx\thttps://x\n",
       good_ca, good_eb, "forefront-antispam.tsv", ":3: empty value column"},
      {"duplicate field/value", good_ffas + "sfv\tnspm\tagain\thttps://x\n", good_ca, good_eb,
       "forefront-antispam.tsv", ":4: duplicate field/value 'sfv:nspm'"},
      {"missing date", "# columns: field<TAB>value<TAB>meaning<TAB>source\nSFV\tNSPM\tx\thttps://x\n", good_ca, good_eb,
       "forefront-antispam.tsv", ": missing '# date:' line"},
      {"missing columns", "# date: 2026-01-01\nSFV\tNSPM\tx\thttps://x\n", good_ca, good_eb, "forefront-antispam.tsv",
       ": missing '# columns:' line"},
      {"bad date", "# date: 1.1.2026\n", good_ca, good_eb, "forefront-antispam.tsv",
       ":1: date must be YYYY-MM-DD, found '1.1.2026'"},
      {"bad code", good_ffas, good_ca + "1x\tpass\thttps://x\n", good_eb, "compauth-reasons.tsv",
       ":4: '1x' is not a reason code (use 000 or 1xx)"},
      {"duplicate code", good_ffas, good_ca + "000\tagain\thttps://x\n", good_eb, "compauth-reasons.tsv",
       ":4: duplicate code '000'"},
      {"bad build", good_ffas, good_ca, good_eb + "15.x\tEx\thttps://x\n", "exchange-builds.tsv",
       ":4: '15.x' is not a build prefix (use 15.2.1544)"},
      {"duplicate build after normalising", good_ffas, good_ca, good_eb + "15.02.1544\tEx\thttps://x\n",
       "exchange-builds.tsv", ":4: duplicate build prefix '15.02.1544'"},
      {"wrong columns line", good_ffas, "# date: 2026-01-01\n# columns: code<TAB>meaning\n", good_eb,
       "compauth-reasons.tsv", ":2: columns line says 'code<TAB>meaning', expected 'code<TAB>meaning<TAB>source'"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    char tmpl[] = "/tmp/ndrscan-ms-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    std::string dir = tmpl;
    std::ofstream(dir + "/forefront-antispam.tsv") << r.ffas;
    std::ofstream(dir + "/compauth-reasons.tsv") << r.ca;
    std::ofstream(dir + "/exchange-builds.tsv") << r.eb;
    MsTables t;
    std::string err;
    CHECK_FALSE(t.load(dir, &err));
    CHECK(err == dir + "/" + r.file + r.want);
    std::filesystem::remove_all(dir);
  }
  MsTables t;
  std::string err;
  CHECK_FALSE(t.load("/nonexistent-ndrscan-dir", &err));
  CHECK(err == "/nonexistent-ndrscan-dir/forefront-antispam.tsv: cannot open");
}
