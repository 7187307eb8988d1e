// catalogue_test.cc - the cause catalogue: loader errors, conditions,
// wildcards, signals, ranking, explain, dump round-trip, lint, and the
// samples of the real knowledge/causes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "parsers/microsoft/auth_results.h"
#include "parsers/microsoft/ms_headers.h"
#include "src/catalogue/catalogue.h"
#include "src/catalogue/commands.h"
#include "src/catalogue/matcher.h"
#include "src/core/knowledge.h"
#include "src/report/json_report.h"
#include "src/report/text_report.h"

namespace fs = std::filesystem;
using namespace ndrscan;
using namespace ndrscan::catalogue;

namespace {

const std::string kTestCauses = std::string(NDRSCAN_KNOWLEDGE_DIR) + "/../tests/data/causes-test";

/// base - the knowledge tables (reasons, networks, status) without a catalogue.
const Knowledge& base() {
  static Knowledge k = [] {
    Knowledge kk;
    KnowledgeOptions o;
    o.geoip_auto = false;
    o.load_causes = false;
    std::string err;
    if (!load_knowledge(NDRSCAN_KNOWLEDGE_DIR, o, &kk, &err)) FAIL(err);
    return kk;
  }();
  return k;
}

/// with_causes - the base knowledge with the catalogue of `dir`.
Knowledge with_causes(const std::string& dir) {
  Knowledge k;
  KnowledgeOptions o;
  o.geoip_auto = false;
  o.load_causes = false;
  std::string err;
  REQUIRE(load_knowledge(NDRSCAN_KNOWLEDGE_DIR, o, &k, &err));
  REQUIRE(k.causes.load(dir, LoadContext{&k.reasons, &k.networks}, &err));
  return k;
}

struct TempDir {
  fs::path dir;
  TempDir() {
    char name[] = "/tmp/ndrscan-causes-XXXXXX";
    REQUIRE(mkdtemp(name));
    dir = name;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(dir / file) << text;
    return (dir / file).string();
  }
};

const char* kMeta = "[meta]\narea = \"t\"\ntitle = \"T\"\ndate = \"2026-01-01\"\n";  // 4 lines

/// one_cause - a file t.toml with one cause whose [cause.match] is `match`
/// (and whatever follows it).
std::string one_cause(const std::string& match, const std::string& id = "t.x", int weight = 10,
                      const std::string& extra = "") {
  return std::string(kMeta) + "\n[[cause]]\nid = \"" + id + "\"\ntitle = \"X\"\nreason = \"norelaying\"\nweight = " +
         std::to_string(weight) + "\nsummary = \"s\"\nrefs = [\"RFC 5321\"]\n" + extra +
         "\n[cause.match]\n" + match + "\n[[cause.step]]\ntext = \"do\"\n";
}

/// first_error - the first problem of loading `text` as t.toml.
std::string first_error(const std::string& text, const std::string& file = "t.toml") {
  TempDir d;
  std::string path = d.write(file, text);
  Catalogue c;
  std::vector<Problem> problems;
  bool ok = c.load(d.dir.string(), LoadContext{&base().reasons, &base().networks}, &problems);
  if (ok) return "loaded";
  for (const auto& p : problems)
    if (p.error) {
      std::string s = p.str();
      return s.substr(0, path.size()) == path ? s.substr(path.size()) : s;
    }
  return "no error";
}

Analysis analysis(const std::string& diag, const std::string& status, const std::string& reply,
                  const std::string& reason = "norelaying") {
  Analysis a;
  a.dialect = "rfc3464";
  Recipient r;
  r.address = "user@contoso.com";
  r.action = "failed";
  r.diagnostic = diag;
  r.status = status;
  r.reply_code = reply;
  r.reason = reason;
  a.recipients.push_back(r);
  return a;
}

/// matches - does a one-cause catalogue with `match` hold for `a`?
bool matches(const std::string& match, const Analysis& a, const SiteFacts& site = {}) {
  TempDir d;
  d.write("t.toml", one_cause(match));
  Catalogue c;
  std::string err;
  REQUIRE(c.load(d.dir.string(), LoadContext{&base().reasons, &base().networks}, &err));
  return !rank_recipient(c, a, a.recipients.front(), site, base().networks, false).empty();
}

Hop hop(const std::string& from_cls, const std::string& from_prov, const std::string& by_cls, const std::string& by_prov) {
  Hop h;
  h.from_host = "a.example";
  h.by_host = "b.example";
  h.from_network = NetworkInfo{};
  h.from_network->net_class = from_cls;
  h.from_network->provider = from_prov;
  h.by_network = NetworkInfo{};
  h.by_network->net_class = by_cls;
  h.by_network->provider = by_prov;
  return h;
}

}  // namespace

TEST_CASE("catalogue: the test catalogue loads in file-name order with positions", "[catalogue]") {
  Knowledge k = with_causes(kTestCauses);
  REQUIRE(k.causes.size() == 4);
  REQUIRE(k.causes.areas().size() == 2);
  CHECK(k.causes.areas()[0].area == "mailbox");
  CHECK(k.causes.areas()[1].area == "relay");
  CHECK(k.causes.causes()[0].id == "mailbox.unknown");
  CHECK(k.causes.causes()[3].id == "relay.onprem-eop");
  const Cause* c = k.causes.find("relay.onprem-eop");
  REQUIRE(c);
  CHECK(c->pos.line == 23);
  CHECK(c->pos.file.size() > 11);
  CHECK(c->pos.file.substr(c->pos.file.size() - 10) == "relay.toml");
  CHECK(c->needs_context());
  CHECK_FALSE(k.causes.find("relay.generic")->needs_context());
  CHECK(k.causes.newest_date() == "2026-01-03");
  // compiled at load: phrases lowercased, wildcards split, route shapes split
  REQUIRE(c->condition(Key::kRoute));
  CHECK(c->condition(Key::kRoute)->values[0].shape == std::vector<std::string>{"eop", "onprem"});
  CHECK(c->condition(Key::kStatus)->values[0].prefix == "5.7.");
  CHECK(c->condition(Key::kStatus)->values[0].wildcard);
}

TEST_CASE("catalogue: an empty or missing directory is an empty catalogue", "[catalogue]") {
  TempDir d;
  Catalogue c;
  std::string err;
  CHECK(c.load(d.dir.string(), LoadContext{}, &err));
  CHECK(c.empty());
  CHECK(c.load((d.dir / "nope").string(), LoadContext{}, &err));
  CHECK(c.empty());
  Analysis a = analysis("550 5.7.1 Unable to relay", "5.7.1", "550");
  rank_with(a, c, SiteFacts{}, base().networks);
  CHECK(a.causes.empty());
  CHECK(a.recipients[0].cause.empty());
}

TEST_CASE("catalogue: loader errors name file:line:col", "[catalogue]") {
  // unknown key with a suggestion (line 11 of the cause file)
  CHECK(first_error(one_cause("phrases = [\"x\"]", "t.x", 10, "tittle = \"oops\"\n")) ==
        ":13:1: unknown key 'tittle' in [[cause]] (did you mean 'title'?)");
  CHECK(first_error(one_cause("phrase = [\"x\"]")) ==
        ":15:1: unknown condition key 'phrase' in [cause.match] (did you mean 'phrases'?)");
  CHECK(first_error(one_cause("reason = [\"norelayin\"]")) ==
        ":15:11: unknown reason 'norelayin' (did you mean 'norelaying'?)");
  CHECK(first_error(one_cause("status = [\"5.*.1\"]")) ==
        ":15:11: bad wildcard '5.*.1' in status (use \"5.7.*\" or \"5.*\": '*' replaces whole last parts)");
  CHECK(first_error(one_cause("status = [\"5.7\"]")) ==
        ":15:11: '5.7' is not an enhanced status code (class.subject.detail, e.g. \"5.7.1\")");
  CHECK(first_error(one_cause("codes = [\"RESOLVER.*.X\"]")) ==
        ":15:10: bad wildcard 'RESOLVER.*.X' in codes ('*' only at the end, after a prefix: \"RESOLVER.RST.*\")");
  CHECK(first_error(one_cause("regex = ['relay(']")).substr(0, 25) == ":15:10: bad regex 'relay("); 
  CHECK(first_error(one_cause("header = [\"scl>>5\"]")) ==
        ":15:11: 'scl>>5': operator must be =, !=, >= or <=");
  CHECK(first_error(one_cause("header = [\"spff=fail\"]")) ==
        ":15:11: unknown header fact 'spff' (did you mean 'spf'?)");
  CHECK(first_error(one_cause("header = [\"spf>=3\"]")) ==
        ":15:11: 'spf>=3': >= and <= need a numeric fact (scl, bcl, compauth_reason) and a number");
  CHECK(first_error(one_cause("profile = [\"domain_type=InternalRelais\"]")) ==
        ":15:12: 'domain_type=InternalRelais': domain_type is one of Authoritative, InternalRelay, ExternalRelay "
        "(did you mean 'InternalRelay'?)");
  CHECK(first_error(one_cause("route = [\"eop>onprim\"]")) ==
        ":15:10: route 'eop>onprim': 'onprim' is neither a network class nor a provider id (did you mean 'onprem'?)");
  CHECK(first_error(one_cause("rejected_class = [\"onprem\"]", "t.x", 101)) == ":10:10: 'weight' = 101 is outside 1..100");
  CHECK(first_error(one_cause("status = []")) == ":15:10: 'status' is an empty list (it could never hold)");
  CHECK(first_error(one_cause("status = [\"5.7.1\"]", "other.x")) == ":7:6: id 'other.x' must be 't.<slug>' (the file's area)");
  CHECK(first_error(one_cause("status = [\"5.7.1\"]", "t.x", 10, "evidence = \"{statu} at {hop}\"\n")) ==
        ":13:12: evidence: unknown placeholder '{statu}' (did you mean 'status'?)");
  CHECK(first_error(one_cause("status = [\"5.7.1\"]"), "u.toml") ==
        ":2:8: meta.area 't' must equal the file name stem 'u'");
  CHECK(first_error("[meta\n").find(":1:") == 0);
}

TEST_CASE("catalogue: duplicate ids name both places", "[catalogue]") {
  TempDir d;
  std::string same = one_cause("status = [\"5.7.1\"]", "t.x") + "\n[[cause]]\nid = \"t.x\"\ntitle = \"Y\"\nreason = "
                     "\"norelaying\"\nweight = 5\nsummary = \"s\"\nrefs = [\"r\"]\n[cause.match]\nstatus = [\"5.7.1\"]\n"
                     "[[cause.step]]\ntext = \"t\"\n";
  std::string path = d.write("t.toml", same);
  Catalogue c;
  std::vector<Problem> problems;
  CHECK_FALSE(c.load(d.dir.string(), LoadContext{&base().reasons, &base().networks}, &problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].str() == path + ":20:6: duplicate cause id 't.x' (first defined at " + path + ":6:1)");
  CHECK(c.size() == 1);  // the first stays loaded for lint
}

TEST_CASE("catalogue: each condition kind", "[catalogue]") {
  Analysis a = analysis("550 5.7.1 RESOLVER.RST.NotAuthorized; Unable  to\n relay (AS(2002))", "5.7.1", "550");
  CHECK(matches("status = [\"5.7.1\"]", a));
  CHECK_FALSE(matches("status = [\"5.7.10\"]", a));
  CHECK(matches("reply_code = [\"550\"]", a));
  CHECK_FALSE(matches("reply_code = [\"554\"]", a));
  CHECK(matches("phrases = [\"Unable to relay\"]", a));  // lowercased at load, blanks collapsed in the text
  CHECK_FALSE(matches("phrases = [\"relay denied\"]", a));
  CHECK(matches("regex = ['unable\\s+to\\s+relay']", a));
  CHECK_FALSE(matches("regex = ['^relay']", a));
  CHECK(matches("codes = [\"RESOLVER.RST.NotAuthorized\"]", a));
  CHECK(matches("codes = [\"as(2002)\"]", a));
  CHECK_FALSE(matches("codes = [\"RESOLVER.RST.Not\"]", a));  // not inside a longer token
  CHECK(matches("reason = [\"norelaying\"]", a));
  CHECK_FALSE(matches("reason = [\"userunknown\"]", a));
  CHECK(matches("dialect = [\"rfc3464\"]", a));
  CHECK_FALSE(matches("dialect = [\"exchange\"]", a));

  // rejected_by
  CHECK_FALSE(matches("rejected_class = [\"onprem\"]", a));
  a.rejected_by = RejectedBy{};
  a.rejected_by->network.net_class = "third-party-filter";
  a.rejected_by->network.provider = "mimecast";
  CHECK(matches("rejected_class = [\"onprem\", \"third-party-filter\"]", a));
  CHECK(matches("rejected_provider = [\"mimecast\"]", a));
  CHECK_FALSE(matches("rejected_provider = [\"proofpoint\"]", a));

  // route: a subsequence of the original's route, else the bounce's
  a.hops = {hop("unknown", "", "eop", "microsoft-eop"), hop("eop", "microsoft-eop", "onprem", "site")};
  CHECK(matches("route = [\"eop>onprem\"]", a));
  CHECK(matches("route = [\"internet>onprem\"]", a));
  CHECK(matches("route = [\"microsoft-eop>site\"]", a));
  CHECK_FALSE(matches("route = [\"onprem>eop\"]", a));
  a.original = OriginalMessage{};
  a.original->hops = {hop("onprem", "site", "eop", "microsoft-eop")};
  CHECK(matches("route = [\"onprem>eop\"]", a));
  CHECK_FALSE(matches("route = [\"eop>onprem\"]", a));

  // header: the original's facts, else the bounce's
  CHECK_FALSE(matches("header = [\"auth_as=Anonymous\"]", a));
  a.microsoft = std::make_shared<microsoft::MsHeaders>();
  a.microsoft->auth_as = "Anonymous";
  a.microsoft->scl = 6;
  a.original->authentication = std::make_shared<microsoft::AuthFindings>();
  a.original->authentication->results.emplace();
  a.original->authentication->results->spf = "fail";
  CHECK(matches("header = [\"auth_as=anonymous\"]", a));
  CHECK(matches("header = [\"scl>=5\"]", a));
  CHECK_FALSE(matches("header = [\"scl<=5\"]", a));
  CHECK(matches("header = [\"spf=fail\"]", a));
  CHECK(matches("header = [\"spf!=pass\"]", a));
  CHECK_FALSE(matches("header = [\"dkim!=pass\"]", a));  // an absent fact never holds

  // profile
  SiteFacts none;
  CHECK(matches("profile = [\"profile=absent\"]", a, none));
  SiteFacts s;
  s.present = true;
  s.domains.push_back({"contoso.com", "InternalRelay", "Authoritative"});
  s.mx_classes = {"third-party-filter", "mimecast"};
  s.outbound_connector = true;
  s.spf_known = true;
  s.spf_includes = {"spf.protection.outlook.com", "microsoft-eop"};
  CHECK(matches("profile = [\"profile=present\"]", a, s));
  CHECK(matches("profile = [\"domain_type=InternalRelay\"]", a, s));
  CHECK(matches("profile = [\"domain_type=Authoritative\"]", a, s));
  CHECK_FALSE(matches("profile = [\"domain_type=ExternalRelay\"]", a, s));
  CHECK(matches("profile = [\"mx_provider=third-party-filter\"]", a, s));
  CHECK(matches("profile = [\"mx_provider=mimecast\"]", a, s));
  CHECK(matches("profile = [\"has_connector=outbound\"]", a, s));
  CHECK_FALSE(matches("profile = [\"has_connector=inbound\"]", a, s));
  CHECK(matches("profile = [\"spf_includes=microsoft-eop\"]", a, s));
  CHECK_FALSE(matches("profile = [\"spf_missing=microsoft-eop\"]", a, s));
  a.original->hops.push_back(hop("eop", "microsoft-eop", "third-party-filter", "mimecast"));
  CHECK(matches("profile = [\"spf_missing=mimecast\"]", a, s));
  CHECK(matches("profile = [\"spf_missing=*\"]", a, s));

  // AND of keys, OR within a list
  CHECK(matches("status = [\"5.1.1\", \"5.7.1\"]\nreply_code = [\"550\"]", a));
  CHECK_FALSE(matches("status = [\"5.7.1\"]\nreply_code = [\"421\"]", a));
}

TEST_CASE("catalogue: wildcards", "[catalogue]") {
  Analysis a = analysis("550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "5.1.10", "550", "userunknown");
  CHECK(matches("status = [\"5.1.*\"]", a));
  CHECK(matches("status = [\"5.*\"]", a));
  CHECK_FALSE(matches("status = [\"5.1.1\"]", a));  // exact: 5.1.1 is not 5.1.10
  CHECK_FALSE(matches("status = [\"4.*\"]", a));
  CHECK(matches("reply_code = [\"5*\"]", a));
  CHECK(matches("reply_code = [\"55*\"]", a));
  CHECK_FALSE(matches("reply_code = [\"45*\"]", a));
  CHECK(matches("codes = [\"RESOLVER.ADR.*\"]", a));
  CHECK(matches("codes = [\"resolver.*\"]", a));
  CHECK_FALSE(matches("codes = [\"RESOLVER.RST.*\"]", a));
  CHECK(first_error(one_cause("reply_code = [\"*\"]")) == ":15:15: bad wildcard '*' in reply_code (use \"550\" or \"55*\")");
  CHECK(first_error(one_cause("codes = [\"*\"]")).find("bad wildcard '*' in codes") != std::string::npos);
}

TEST_CASE("catalogue: signals add points, evidence is filled in, Recipient::cause is set", "[catalogue]") {
  Knowledge k = with_causes(kTestCauses);
  Analysis a = analysis("550 5.7.1 Unable to relay", "5.7.1", "550");
  a.hops = {hop("unknown", "", "eop", "microsoft-eop"), hop("eop", "microsoft-eop", "onprem", "site")};
  a.route = "Internet > EOP > on-prem";
  a.rejected_by = RejectedBy{};
  a.rejected_by->host = "mail.contoso.com";
  a.rejected_by->hop = 2;
  a.rejected_by->network.net_class = "onprem";
  a.microsoft = std::make_shared<microsoft::MsHeaders>();
  a.microsoft->auth_as = "Anonymous";
  SiteFacts s;
  s.present = true;
  s.domains.push_back({"contoso.com", "Authoritative", ""});
  rank_with(a, k.causes, s, k.networks);
  REQUIRE(a.causes.size() == 2);
  CHECK(a.causes[0].id == "relay.onprem-eop");
  CHECK(a.causes[0].rank == 1);
  CHECK(a.causes[0].score == 40 + 15 + 10);
  CHECK(a.causes[0].evidence ==
        std::vector<std::string>{"route Internet > EOP > on-prem, refused at hop 2", "the domain is Authoritative",
                                 "EOP's mail arrived anonymous"});
  CHECK(a.causes[0].steps.size() == 2);
  CHECK(a.causes[0].steps[0].shell == "Exchange Management Shell");
  CHECK(a.causes[0].refs.size() == 2);
  CHECK(a.causes[0].recipients == std::vector<std::string>{"user@contoso.com"});
  CHECK(a.causes[1].id == "relay.generic");
  CHECK(a.causes[1].score == 20);
  CHECK(a.causes[1].evidence == std::vector<std::string>{"mail.contoso.com answered 550: \"unable to relay\""});
  CHECK(a.recipients[0].cause == "relay.onprem-eop");

  // the signal with two keys needs both
  a.rejected_by->network.net_class = "eop";
  rank_with(a, k.causes, s, k.networks);
  CHECK(a.causes[0].score == 55);
}

TEST_CASE("catalogue: ranking is by score, then id; recipients are merged", "[catalogue]") {
  TempDir d;
  d.write("t.toml", one_cause("status = [\"5.7.1\"]", "t.b", 30) + "\n" +
                        one_cause("status = [\"5.7.*\"]", "t.a", 30).substr(std::string(kMeta).size()) + "\n" +
                        one_cause("status = [\"5.*\"]", "t.c", 25, "").substr(std::string(kMeta).size()) +
                        "\n[[cause.signal]]\nwhen = { reply_code = [\"554\"] }\npoints = 10\nwhy = \"554\"\n");
  Catalogue c;
  std::string err;
  REQUIRE(c.load(d.dir.string(), LoadContext{&base().reasons, &base().networks}, &err));
  Analysis a = analysis("550 5.7.1 no", "5.7.1", "550");
  Recipient r2 = a.recipients[0];
  r2.address = "other@contoso.com";
  r2.status = "5.7.2";
  r2.reply_code = "554";
  a.recipients.push_back(r2);
  Recipient ok = a.recipients[0];
  ok.address = "fine@contoso.com";
  ok.action = "delivered";
  ok.status = "2.0.0";
  a.recipients.push_back(ok);
  rank_with(a, c, SiteFacts{}, base().networks);
  REQUIRE(a.causes.size() == 3);
  // t.c scores 35 for the 554 recipient; t.a and t.b tie at 30 and rank by id
  CHECK(a.causes[0].id == "t.c");
  CHECK(a.causes[0].score == 35);
  CHECK(a.causes[0].recipients == std::vector<std::string>{"user@contoso.com", "other@contoso.com"});
  CHECK(a.causes[1].id == "t.a");
  CHECK(a.causes[2].id == "t.b");
  CHECK(a.causes[2].recipients == std::vector<std::string>{"user@contoso.com"});
  CHECK(a.recipients[0].cause == "t.a");  // tie at 30 with t.b: id order
  CHECK(a.recipients[1].cause == "t.c");
  CHECK(a.recipients[2].cause.empty());  // delivered recipients are not ranked
  // deterministic: the same again
  Analysis b = a;
  rank_with(b, c, SiteFacts{}, base().networks);
  for (std::size_t i = 0; i < a.causes.size(); ++i) CHECK(a.causes[i].id == b.causes[i].id);
}

TEST_CASE("catalogue: explain lines show every condition and signal", "[catalogue]") {
  Knowledge k = with_causes(kTestCauses);
  Analysis a = analysis("550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "5.1.10", "550", "userunknown");
  auto ranked = rank_recipient(k.causes, a, a.recipients[0], SiteFacts{}, k.networks, true);
  REQUIRE(ranked.size() == 1);
  CHECK(ranked[0].explain == std::vector<std::string>{
                                 "✓ match status [5.1.1, 5.1.10]: status 5.1.10",
                                 "✓ signal +20 (Exchange's resolver could not find the address): codes [RESOLVER.ADR.*]: "
                                 "code RESOLVER.ADR.RecipientNotFound",
                                 "= score 30 + 20 = 50"});
  CHECK(ranked[0].evidence[0] == "the remote server answered 5.1.10 (RESOLVER.ADR.RecipientNotFound)");
  a.recipients[0].diagnostic = "550 5.1.10 not found";
  ranked = rank_recipient(k.causes, a, a.recipients[0], SiteFacts{}, k.networks, true);
  REQUIRE(ranked.size() == 1);
  CHECK(ranked[0].explain[1] ==
        "✗ signal +20 (Exchange's resolver could not find the address): codes [RESOLVER.ADR.*]: no code in the diagnostic");
  CHECK(ranked[0].explain[2] == "= score 30");

  // reports: JSON causes[] and recipients[].cause; text "Likely causes" and --explain
  Analysis b = analysis("550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "5.1.10", "550", "userunknown");
  rank_with(b, k.causes, SiteFacts{}, k.networks);
  std::string json = report::to_json(b, -1);
  CHECK(json.find("\"cause\":\"mailbox.unknown\"") != std::string::npos);
  CHECK(json.find("\"causes\":[{\"id\":\"mailbox.unknown\",\"title\":\"The recipient does not exist\",\"reason\":"
                  "\"userunknown\",\"rank\":1,\"score\":50,\"evidence\":[") != std::string::npos);
  CHECK(json.find("\"steps\":[{\"text\":\"Check the address for typing errors\",\"shell\":null,\"command\":null}]") !=
        std::string::npos);
  CHECK(json.find("\"rejected_by\":null,\"causes\":[") != std::string::npos);
  report::TextOptions t;
  std::string text = report::render_text(b, t);
  CHECK(text.find("Likely causes\n  1. The recipient does not exist  (score 50)\n     mailbox.unknown\n") != std::string::npos);
  CHECK(text.find("Cause scoring") == std::string::npos);
  t.explain = true;
  text = report::render_text(b, t);
  CHECK(text.find("Cause scoring (--explain)") != std::string::npos);
  CHECK(text.find("✓ match status [5.1.1, 5.1.10]: status 5.1.10") != std::string::npos);

  // without explain (bulk scans): the same ranking, evidence and JSON, no scoring lines
  Analysis q = analysis("550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "5.1.10", "550", "userunknown");
  rank_with(q, k.causes, SiteFacts{}, k.networks, false);
  REQUIRE(q.causes.size() == b.causes.size());
  for (std::size_t i = 0; i < q.causes.size(); ++i) {
    CHECK(q.causes[i].id == b.causes[i].id);
    CHECK(q.causes[i].score == b.causes[i].score);
    CHECK(q.causes[i].evidence == b.causes[i].evidence);
    CHECK(q.causes[i].explain.empty());
    CHECK_FALSE(b.causes[i].explain.empty());
  }
  CHECK(report::to_json(q, -1) == json);
}

TEST_CASE("catalogue: the explain command", "[catalogue]") {
  Knowledge k = with_causes(kTestCauses);
  bool found = false;
  std::string out = explain_text("5.1.10", k, &found);
  CHECK(found);
  CHECK(out.find("5.1.10: ") == 0);
  CHECK(out.find("Catalogue entries for 5.1.10:\n  mailbox.unknown  (weight 30, userunknown)") != std::string::npos);
  out = explain_text("5.7.*", k, &found);
  CHECK(out.find("relay.onprem-eop") != std::string::npos);
  out = explain_text("relay.onprem-eop", k, &found);
  CHECK(found);
  CHECK(out.find("relay.onprem-eop  (") == 0);
  CHECK(out.find("Set-ReceiveConnector") != std::string::npos);
  out = explain_text("relay.onprem-eap", k, &found);
  CHECK_FALSE(found);
  CHECK(out == "unknown cause id 'relay.onprem-eap' (did you mean 'relay.onprem-eop'?)\n");
  out = explain_text("relay", k, &found);
  CHECK(out.find("Catalogue entries of area relay:") == 0);
  out = explain_text("550 5.7.1 Unable to relay", k, &found);
  CHECK(found);
  CHECK(out.find("Read as a server line: status 5.7.1, reply 550, reason norelaying") == 0);
  CHECK(out.find("  1. relay.generic  score 20") != std::string::npos);
  CHECK(out.find("Also possible when the route") != std::string::npos);
  CHECK(out.find("  relay.onprem-eop  (weight 40)") != std::string::npos);
  out = explain_text("552", k, &found);
  CHECK(out.find("mailbox.full") != std::string::npos);
}

TEST_CASE("catalogue: dump then load gives the same catalogue", "[catalogue]") {
  for (const std::string& dir : {kTestCauses, std::string(NDRSCAN_KNOWLEDGE_DIR) + "/causes"}) {
    Knowledge k = with_causes(dir);
    TempDir d;
    for (const auto& a : k.causes.areas()) d.write(fs::path(a.file).filename().string(), dump_area(k.causes, a));
    Catalogue again;
    std::string err;
    REQUIRE(again.load(d.dir.string(), LoadContext{&k.reasons, &k.networks}, &err));
    CHECK(dump(again) == dump(k.causes));
    REQUIRE(again.size() == k.causes.size());
    for (std::size_t i = 0; i < again.size(); ++i) {
      const Cause& x = again.causes()[i];
      const Cause& y = k.causes.causes()[i];
      CHECK(x.id == y.id);
      CHECK(x.summary == y.summary);
      CHECK(x.weight == y.weight);
      CHECK(x.match.size() == y.match.size());
      CHECK(x.signals.size() == y.signals.size());
      CHECK(x.steps.size() == y.steps.size());
      CHECK(x.samples == y.samples);
    }
  }
  CHECK(toml_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST_CASE("catalogue: lint finds unreachable causes and dead signals", "[catalogue]") {
  TempDir d;
  std::string path = d.write(
      "t.toml",
      one_cause("phrases = [\"unable to relay\"]", "t.a", 30, "samples = [\"550 5.7.1 Unable to relay\"]\n") + "\n" +
          one_cause("phrases = [\"unable to relay\"]", "t.b", 30, "samples = [\"550 5.7.1 Unable to relay\"]\n")
              .substr(std::string(kMeta).size()) +
          "\n" + one_cause("status = [\"2.*\"]", "t.c", 20, "samples = [\"250 2.0.0 ok\"]\n").substr(std::string(kMeta).size()) +
          "\n" + one_cause("status = [\"5.7.1\"]\nreply_code = [\"421\"]", "t.d", 20).substr(std::string(kMeta).size()) +
          "\n[[cause.signal]]\nwhen = { status = [\"5.1.1\"] }\npoints = 5\nwhy = \"never\"\n");
  Knowledge k = with_causes(d.dir.string());
  std::vector<Problem> p = lint(k.causes, k);
  std::vector<std::string> lines;
  for (const auto& x : p) lines.push_back(x.str().substr(path.size()));
  CHECK(lines == std::vector<std::string>{
                     ":13:12: warning: sample 1 of 't.a' ties with 't.b' at score 30 (first only by id)",
                     ":28:12: sample 1 of 't.b' ranks 't.a' first (score 30 vs 30): the cause is unreachable for this text",
                     ":46:1: cause 't.c' is unreachable: status [2.*] is a success class; only failed and delayed "
                     "recipients are ranked",
                     ":51:1: warning: cause 't.d' has no samples: nothing checks that it is reachable",
                     ":61:1: cause 't.d' is unreachable: status [5.7.1] and reply_code [421] are of different classes",
                     ":66:10: warning: signal of 't.d' can never hold: its status [5.1.1] excludes the match's [5.7.1]"});

}

// The catalogue contract: every sample line ranks its own cause first.
// Text-only causes are scored on the line alone; causes whose `match` needs
// route, rejected_by, dialect, header or profile facts get those facts from
// the first value of each such key of their own `match` (docs/catalogue.md).
TEST_CASE("catalogue: every sample line in the catalogue ranks its own cause first", "[catalogue][samples]") {
  Knowledge k;
  KnowledgeOptions o;
  o.geoip_auto = false;
  std::string err;
  REQUIRE(load_knowledge(NDRSCAN_KNOWLEDGE_DIR, o, &k, &err));
  if (k.causes.empty()) {
    SUCCEED("knowledge/causes is empty: nothing to check yet");
    return;
  }
  std::size_t checked = 0;
  for (const auto& c : k.causes.causes()) {
    for (std::size_t i = 0; i < c.samples.size(); ++i) {
      SampleCase sc = sample_case(c.samples[i], c.needs_context() ? &c : nullptr, k);
      auto ranked = rank_recipient(k.causes, sc.analysis, sc.analysis.recipients[0], sc.site, k.networks, false);
      std::string first = ranked.empty() ? std::string("(nothing)") : ranked[0].id;
      INFO(c.pos.str() << ": sample " << i + 1 << " \"" << c.samples[i] << "\" (status "
                       << sc.analysis.recipients[0].status << ", reason " << sc.analysis.recipients[0].reason
                       << ") ranks " << first << " first");
      CHECK(first == c.id);
      ++checked;
    }
  }
  CHECK(checked > 0);
}
