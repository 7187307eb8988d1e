// advise_test.cc - `ndrscan advise`: the scenario data (loader errors with
// file:line:col, every scenario prints), and the offline SPF checker.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "src/advise/scenarios.h"
#include "src/advise/spf_check.h"

namespace fs = std::filesystem;
using namespace ndrscan::advise;

namespace {

const std::string kKnowledge = NDRSCAN_KNOWLEDGE_DIR;

const Scenarios& real() {
  static Scenarios s = [] {
    Scenarios out;
    std::string err;
    if (!load_scenarios(kKnowledge + "/scenarios/scenarios.toml", cause_ids(kKnowledge + "/causes"), &out, &err))
      FAIL(err);
    return out;
  }();
  return s;
}

/// load_text - load `text` from a temporary file called t.toml; "" or the error.
std::string load_text(const std::string& text, const std::set<std::string>& causes = {}) {
  fs::path dir = fs::temp_directory_path() / ("ndrscan-advise-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path p = dir / "t.toml";
  std::ofstream(p, std::ios::binary) << text;
  Scenarios s;
  std::string err;
  bool ok = load_scenarios(p.string(), causes, &s, &err);
  fs::remove_all(dir);
  if (ok) return "";
  std::string prefix = p.string();
  return err.rfind(prefix, 0) == 0 ? "t.toml" + err.substr(prefix.size()) : err;
}

const std::string kMinimal = R"([[scenario]]
mailboxes = "office365"
entry = "office365"
title = "t"
mx = ["0 <domain-key>.mail.protection.outlook.com"]
spf = "v=spf1 include:spf.protection.outlook.com -all"
prerequisites = ["p"]
refs = ["r"]
)";

bool has(const std::vector<Finding>& fs_, const std::string& code) {
  return std::any_of(fs_.begin(), fs_.end(), [&](const Finding& f) { return f.code == code; });
}
const Finding* get(const std::vector<Finding>& fs_, const std::string& code) {
  for (const auto& f : fs_)
    if (f.code == code) return &f;
  return nullptr;
}
std::string codes(const std::vector<Finding>& fs_) {
  std::string out;
  for (const auto& f : fs_) out += std::string(out.empty() ? "" : ", ") + severity_name(f.severity) + ":" + f.code;
  return out;
}
int errors(const std::vector<Finding>& fs_) {
  return static_cast<int>(std::count_if(fs_.begin(), fs_.end(), [](const Finding& f) { return f.severity == Severity::kError; }));
}

}  // namespace

TEST_CASE("advise: the scenario data loads and names real causes", "[advise]") {
  const Scenarios& s = real();
  REQUIRE(s.scenarios.size() >= 5);
  // every row of the scenario table of the fact sheet
  for (auto [m, e] : std::vector<std::pair<std::string, std::string>>{{"office365", "office365"},
                                                                     {"onprem", "onprem"},
                                                                     {"gsuite", "filter"},
                                                                     {"hybrid", "onprem"},
                                                                     {"hybrid", "filter"}}) {
    INFO(m << " + " << e);
    CHECK(s.find(m, e) != nullptr);
  }
  CHECK(cause_ids(kKnowledge + "/causes").count("dns-spf.include-with-space") == 1);
  for (const auto& sc : s.scenarios) {
    INFO(sc.mailboxes << " + " << sc.entry);
    CHECK_FALSE(sc.prerequisites.empty());
    CHECK_FALSE(sc.refs.empty());
    for (const auto& p : sc.pitfalls) CHECK_FALSE(p.cause.empty());
  }
  REQUIRE(s.filter("mimecast"));
  REQUIRE(s.filter("trend-micro"));
  CHECK(s.filter("trend-micro")->mx.front() == "in.hes.trendmicro.com");
}

TEST_CASE("advise: every scenario prints, as text and JSON, with the domain filled", "[advise]") {
  const Scenarios& s = real();
  for (const auto& sc : s.scenarios) {
    std::vector<const Filter*> filters = {nullptr};
    if (sc.entry == "filter")
      for (const auto& f : s.filters) filters.push_back(&f);
    for (const Filter* f : filters) {
      INFO(sc.mailboxes << " + " << sc.entry << " filter " << (f ? f->id : "-"));
      Fill fl{"contoso.com", f};
      std::string text = render_text(sc, fl, {}, {});
      CHECK(text.find("MX records for contoso.com") != std::string::npos);
      CHECK(text.find("SPF record (TXT at contoso.com)") != std::string::npos);
      CHECK(text.find("<domain>") == std::string::npos);
      CHECK(text.find("<domain-key>") == std::string::npos);
      CHECK(text.find("Prerequisites") != std::string::npos);
      if (sc.entry == "office365") CHECK(text.find("IN MX 0 contoso-com.mail.protection.outlook.com") != std::string::npos);
      if (f) {
        for (const char* ph : {"<filter>", "<filter-include>", "<filter-mx>"}) CHECK(text.find(ph) == std::string::npos);
        CHECK(text.find("include:" + f->spf_include) != std::string::npos);
      }
      for (const auto& c : sc.connectors)
        if (c.shell == "Exchange Online PowerShell") CHECK(text.find(fill(c.command, fl)) != std::string::npos);
      auto j = nlohmann::json::parse(render_json(&sc, fl, {}, {}, false));
      CHECK(j["scenario"]["mailboxes"] == sc.mailboxes);
      CHECK(j["scenario"]["domain"] == "contoso.com");
      CHECK_FALSE(j["scenario"]["mx"].empty());
      CHECK(j["scenario"]["connectors"].size() == sc.connectors.size());
      CHECK_FALSE(j.contains("spf_check"));
    }
  }
  // the connector commands the brief names are all in the data
  std::string all;
  for (const auto& sc : s.scenarios)
    for (const auto& c : sc.connectors) all += c.command + "\n";
  for (const char* cmd : {"New-InboundConnector", "New-OutboundConnector", "Set-AcceptedDomain", "-DomainType",
                          "-EFSkipIPs", "-EFSkipLastIP", "ms-Exch-SMTP-Accept-Any-Recipient", "Start-EdgeSynchronization"})
    CHECK(all.find(cmd) != std::string::npos);
  // without --domain the placeholder stays, and the text says so
  std::string bare = render_text(*s.find("office365", "office365"), Fill{}, {}, {});
  CHECK(bare.find("<domain-key>.mail.protection.outlook.com") != std::string::npos);
  CHECK(bare.find("Still placeholders: <domain>, <domain-key> (pass --domain)") != std::string::npos);
}

TEST_CASE("advise: each scenario's own SPF example passes its check", "[advise]") {
  const Scenarios& s = real();
  for (const auto& sc : s.scenarios) {
    std::vector<const Filter*> filters = {nullptr};
    if (sc.entry == "filter") filters = {s.filter("mimecast"), s.filter("trend-micro"), s.filter("proofpoint")};
    for (const Filter* f : filters) {
      Fill fl{"contoso.com", f};
      std::string rec = fill(sc.spf, fl);
      auto pos = rec.find("<onprem-ip>");
      if (pos != std::string::npos) rec.replace(pos, 11, "203.0.113.25");
      INFO(rec);
      auto found = check_spf({rec}, spf_context(s, &sc, fl));
      CHECK(errors(found) == 0);
      CHECK_FALSE(has(found, "missing-include"));
      CHECK_FALSE(has(found, "onprem-ips-missing"));
    }
  }
}

TEST_CASE("advise: scenario loader errors carry file:line:col", "[advise]") {
  struct Row {
    std::string text;
    std::string error;
  };
  std::string m = kMinimal;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = m;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  std::vector<Row> rows = {
      {m, ""},
      {with("title", "tittle"), "t.toml:4:1: unknown key 'tittle' in [[scenario]] (did you mean 'title'?)"},
      {with("\"office365\"\nentry", "\"ofice365\"\nentry"),
       "t.toml:2:13: mailboxes 'ofice365' is not one of office365, onprem, hybrid, gsuite (did you mean 'office365'?)"},
      {with("entry = \"office365\"", "entry = \"filtre\""),
       "t.toml:3:9: entry 'filtre' is not one of office365, onprem, filter, gsuite (did you mean 'filter'?)"},
      {with("spf = \"v=spf1", "spf = \"spf1"), "t.toml:6:7: 'spf' must start with 'v=spf1 '"},
      {with("mx = [\"0 <domain-key>.mail.protection.outlook.com\"]", "mx = \"x\""),
       "t.toml:5:6: 'mx' must be an array of strings"},
      {with("title = \"t\"\n", ""), "t.toml:1:1: [[scenario]] needs 'title'"},
      {m + m, "t.toml:9:1: duplicate scenario --mailboxes office365 --entry office365 (first at line 1)"},
      {m + "\n[[scenario.connector]]\ndirection = \"in\"\nsystem = \"onprem\"\nname = \"n\"\nsettings = \"s\"\n",
       "t.toml:11:13: direction 'in' is not one of inbound, outbound, setting"},
      {m + "\n[[scenario.connector]]\ndirection = \"inbound\"\nsystem = \"onprem\"\nname = \"n\"\nsettings = \"s\"\n"
           "shell = \"Exchange Online Powershell\"\n",
       "t.toml:15:9: shell 'Exchange Online Powershell' is not one of Exchange Management Shell, Exchange Online "
       "PowerShell, EAC, DNS, Firewall, Admin center, Google Admin console (did you mean 'Exchange Online PowerShell'?)"},
      {m + "\n[[scenario.pitfall]]\ntext = \"x\"\ncause = \"dns-spf.include-with-spaces\"\n",
       "t.toml:12:9: unknown cause id 'dns-spf.include-with-spaces' (not in knowledge/causes) (did you mean "
       "'dns-spf.include-with-space'?)"},
      {"[[filtre]]\nid = \"x\"\n" + m, "t.toml:1:3: unknown key 'filtre' in the top level (did you mean 'filter'?)"},
      {"scenario = 3\n", "t.toml:1:12: 'scenario' must be written as [[scenario]] tables"},
      {"", "t.toml: no [[scenario]] tables"},
      {"[[scenario]\n", "t.toml:1:12: expected ']]', saw '\\n'"},
  };
  std::set<std::string> causes = {"dns-spf.include-with-space", "dns-spf.too-many-lookups"};
  for (const auto& r : rows) {
    INFO(r.text);
    std::string got = load_text(r.text, causes);
    if (r.error == "t.toml:1:12: expected ']]', saw '\\n'") {
      CHECK(got.rfind("t.toml:1:", 0) == 0);  // toml++'s own wording varies between versions
    } else {
      CHECK(got == r.error);
    }
  }
}

TEST_CASE("advise: SPF checker, one finding per mistake", "[advise]") {
  struct Row {
    std::vector<std::string> records;
    std::string scenario;  ///< "mailboxes+entry" or ""
    std::string filter;
    std::string code;
    Severity severity;
    std::string cause;
  };
  const Scenarios& s = real();
  using S = Severity;
  std::vector<Row> rows = {
      {{"include:spf.protection.outlook.com -all"}, "", "", "version", S::kError, ""},
      {{"v=spf1include:spf.protection.outlook.com -all"}, "", "", "version", S::kError, ""},
      {{"spf2.0/pra include:spf.protection.outlook.com -all"}, "", "", "version", S::kError, ""},
      {{""}, "", "", "empty-record", S::kError, ""},
      {{"v=spf1 include: spf.protection.outlook.com ~all"}, "", "", "include-with-space", S::kError,
       "dns-spf.include-with-space"},
      {{"v=spf1 include: mx1.contoso.com -all"}, "", "", "include-with-space", S::kError, "dns-spf.include-with-space"},
      {{"v=spf1 ip4: 192.0.2.1 -all"}, "", "", "include-with-space", S::kError, "dns-spf.include-with-space"},
      {{"v=spf1 include: -all"}, "", "", "include-empty", S::kError, ""},
      {{"v=spf1 include:contoso..com -all"}, "", "", "malformed-domain", S::kError, ""},
      {{"v=spf1 include:contoso -all"}, "", "", "malformed-domain", S::kError, ""},
      {{"v=spf1 include:192.0.2.1 -all"}, "", "", "malformed-domain", S::kError, ""},
      {{"v=spf1 include:bad_%{z}.example.com -all"}, "", "", "malformed-domain", S::kError, ""},
      {{"v=spf1 inclde:spf.protection.outlook.com -all"}, "", "", "unknown-mechanism", S::kError, ""},
      {{"v=spf1 include=spf.protection.outlook.com -all"}, "", "", "mechanism-with-equals", S::kError, ""},
      {{"v=spf1 redirct=_spf.contoso.com"}, "", "", "unknown-modifier", S::kWarning, ""},
      {{"v=spf1 192.0.2.1 -all"}, "", "", "bare-ip", S::kError, ""},
      {{"v=spf1 ip4:192.0.2.1,192.0.2.2 -all"}, "", "", "comma-separated", S::kError, "dns-spf.comma-separated-terms"},
      {{"v=spf1 ip4:192.0.2.300 -all"}, "", "", "malformed-ip", S::kError, ""},
      {{"v=spf1 ip4:192.0.2.0/33 -all"}, "", "", "malformed-ip", S::kError, ""},
      {{"v=spf1 ip6:192.0.2.1 -all"}, "", "", "malformed-ip", S::kError, ""},
      {{"v=spf1 a mx ptr -all"}, "", "", "ptr", S::kWarning, ""},
      {{"v=spf1 ip4:192.0.2.1 +all"}, "", "", "permissive-all", S::kError, ""},
      {{"v=spf1 ip4:192.0.2.1 all"}, "", "", "permissive-all", S::kError, ""},
      {{"v=spf1 ip4:192.0.2.1 ?all"}, "", "", "neutral-all", S::kWarning, ""},
      {{"v=spf1 ip4:192.0.2.1 ~all"}, "", "", "softfail-all", S::kInfo, "dns-spf.softfail-all"},
      {{"v=spf1 ip4:192.0.2.1"}, "", "", "no-all", S::kWarning, ""},
      {{"v=spf1 -all ip4:192.0.2.1"}, "", "", "after-all", S::kWarning, ""},
      {{"v=spf1 include:spf.protection.outlook.com include:spf.protection.outlook.com -all"}, "", "", "duplicate",
       S::kWarning, ""},
      {{"v=spf1 redirect=a.contoso.com redirect=b.contoso.com"}, "", "", "duplicate-modifier", S::kError, ""},
      {{"v=spf1 a mx include:a.example.com include:b.example.com include:c.example.com include:d.example.com "
        "include:e.example.com include:f.example.com include:g.example.com include:h.example.com include:i.example.com "
        "-all"},
       "", "", "too-many-lookups", S::kError, "dns-spf.too-many-lookups"},
      {{"v=spf1 a mx include:a.example.com include:b.example.com include:c.example.com include:d.example.com "
        "include:e.example.com include:f.example.com -all"},
       "", "", "lookups-near-limit", S::kWarning, "dns-spf.too-many-lookups"},
      {{"v=spf1 include:spf.protection.outlook.com -all", "v=spf1 include:_spf.google.com -all"}, "", "",
       "several-records", S::kError, "dns-spf.two-spf-records"},
      {{"v=spf1 include:contoso-com.mail.protection.outlook.com -all"}, "", "", "include-without-spf", S::kError,
       "dns-spf.include-host-without-spf"},
      {{"v=spf1 include:aspmx.l.google.com -all"}, "", "", "include-without-spf", S::kError,
       "dns-spf.include-host-without-spf"},
      {{"v=spf1 include:spf.protection.outlook.com include:in.hes.trendmicro.com -all"}, "", "",
       "include-without-spf", S::kError, "dns-spf.filter-inbound-host-in-spf"},
      {{"v=spf1 ip4:192.0.2.1 -all"}, "office365+office365", "", "missing-include", S::kError,
       "dns-spf.include-missing-for-route-provider"},
      {{"v=spf1 include:spf.protection.outlook.com include:_spf.google.com -all"}, "gsuite+filter", "trend-micro",
       "missing-include", S::kError, "dns-spf.include-missing-for-route-provider"},
      {{"v=spf1 include:spf.protection.outlook.com include:spf.tmes.trendmicro.com -all"}, "gsuite+filter",
       "trend-micro", "missing-include", S::kError, "dns-spf.include-missing-for-route-provider"},
      {{"v=spf1 include:spf.protection.outlook.com -all"}, "hybrid+filter", "", "include-unchecked", S::kInfo, ""},
      {{"v=spf1 include:spf.protection.outlook.com -all"}, "hybrid+onprem", "", "onprem-ips-missing", S::kWarning,
       "dns-spf.onprem-ips-missing"},
      {{"\"v=spf1 include:spf.protection.outlook.com \" \"-all\""}, "", "", "quoted", S::kInfo, ""},
      {{"v=spf1 ip4:192.0.2.1 redirect=_spf.contoso.com -all"}, "", "", "redirect-ignored", S::kWarning, ""},
  };
  for (const auto& r : rows) {
    const Scenario* sc = nullptr;
    Fill fl;
    if (!r.scenario.empty()) {
      auto plus = r.scenario.find('+');
      sc = s.find(r.scenario.substr(0, plus), r.scenario.substr(plus + 1));
      REQUIRE(sc);
    }
    if (!r.filter.empty()) fl.filter = s.filter(r.filter);
    auto found = check_spf(r.records, spf_context(s, sc, fl));
    INFO(r.records.front() << " -> " << codes(found));
    const Finding* f = get(found, r.code);
    REQUIRE(f);
    CHECK(f->severity == r.severity);
    CHECK(f->cause == r.cause);
    CHECK_FALSE(f->message.empty());
    CHECK_FALSE(f->fix.empty());
  }
}

TEST_CASE("advise: SPF checker fixes and clean records", "[advise]") {
  const Scenarios& s = real();
  auto found = check_spf({"v=spf1 include: spf.protection.outlook.com ~all"}, spf_context(s, nullptr, {}));
  const Finding* f = get(found, "include-with-space");
  REQUIRE(f);
  CHECK(f->fix == "include:spf.protection.outlook.com");
  CHECK_FALSE(has(found, "unknown-mechanism"));  // the host after the space is not reported twice
  found = check_spf({"v=spf1 ip4:192.0.2.1,192.0.2.2 -all"}, spf_context(s, nullptr, {}));
  REQUIRE(get(found, "comma-separated"));
  CHECK(get(found, "comma-separated")->fix == "ip4:192.0.2.1 ip4:192.0.2.2");
  // clean records: no finding at all
  for (const char* rec : {"v=spf1 include:spf.protection.outlook.com -all",
                          "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 a:mail.contoso.com/28 mx -all",
                          "v=spf1 exists:%{i}._spf.contoso.com -all", "v=spf1 redirect=_spf.contoso.com",
                          "V=SPF1 INCLUDE:spf.protection.outlook.com -ALL"}) {
    auto clean = check_spf({rec}, spf_context(s, nullptr, {}));
    INFO(rec << " -> " << codes(clean));
    CHECK(clean.empty());
  }
  CHECK(count_lookups("v=spf1 a mx ptr include:x.example exists:y.example redirect=z.example ip4:192.0.2.1") == 6);
  CHECK(glob_match("*.mail.protection.outlook.com", "Contoso-com.mail.protection.outlook.com"));
  CHECK_FALSE(glob_match("*.mail.protection.outlook.com", "spf.protection.outlook.com"));
  CHECK(glob_match("alt*.aspmx.l.google.com", "alt1.aspmx.l.google.com"));
  CHECK(domain_key("Contoso.co.uk.") == "contoso-co-uk");
}

TEST_CASE("advise: SPF checker on hostile input", "[advise]") {
  const Scenarios& s = real();
  SpfContext ctx = spf_context(s, s.find("hybrid", "filter"), {});
  SECTION("empty and blank") {
    CHECK(has(check_spf({""}, ctx), "empty-record"));
    CHECK(has(check_spf({"   \t "}, ctx), "empty-record"));
    CHECK(has(check_spf({}, ctx), "empty-record"));
    CHECK(has(check_spf({"\"\""}, ctx), "empty-record"));
    CHECK(has(check_spf({"v=spf1"}, ctx), "no-all"));
  }
  SECTION("a 10 KB record") {
    std::string rec = "v=spf1";
    while (rec.size() < 10240) rec += " ip4:192.0.2.1";
    rec += " -all";
    auto found = check_spf({rec}, ctx);
    CHECK(has(found, "length"));
    CHECK(has(found, "duplicate"));
    CHECK(found.size() <= kMaxFindings + 1);
    std::string junk(10240, 'x');
    found = check_spf({"v=spf1 " + junk}, ctx);
    CHECK(has(found, "unknown-mechanism"));
    std::string binary;
    for (int i = 0; i < 10240; ++i) binary += static_cast<char>(i % 256);
    found = check_spf({binary}, ctx);
    CHECK(has(found, "version"));
    CHECK(found.size() <= kMaxFindings + 1);
  }
  SECTION("200 includes") {
    std::string rec = "v=spf1";
    for (int i = 0; i < 200; ++i) rec += " include:s" + std::to_string(i) + ".example.com";
    rec += " -all";
    auto found = check_spf({rec}, ctx);
    const Finding* f = get(found, "too-many-lookups");
    REQUIRE(f);
    CHECK(f->message.find("at least 200") != std::string::npos);
    CHECK(count_lookups(rec) == 200);
    // 200 copies of the same include, and 200 broken terms: findings stay bounded
    std::string dup = "v=spf1", bad = "v=spf1";
    for (int i = 0; i < 200; ++i) {
      dup += " include:spf.protection.outlook.com";
      bad += " include: x" + std::to_string(i) + ".example.com";
    }
    CHECK(check_spf({dup + " -all"}, ctx).size() <= kMaxFindings + 1);
    auto many = check_spf({bad + " -all"}, ctx);
    CHECK(many.size() == kMaxFindings + 1);
    CHECK(many.back().code == "truncated");
  }
  SECTION("200 records") {
    std::vector<std::string> recs(200, "v=spf1 -all");
    CHECK(has(check_spf(recs, ctx), "several-records"));
  }
}
