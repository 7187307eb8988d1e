// auth_results_test.cc - Authentication-Results forms, ARC-A-R, Received-SPF.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parsers/microsoft/auth_results.h"

using ndrscan::microsoft::AuthResults;
using ndrscan::microsoft::AuthSource;
using ndrscan::microsoft::find_auth_results;
using ndrscan::microsoft::MsTables;
using ndrscan::microsoft::parse_authentication_results;
using ndrscan::microsoft::parse_received_spf;
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

std::string prop(const ndrscan::microsoft::AuthMethod& m, const std::string& key) {
  for (const auto& [k, v] : m.properties)
    if (k == key) return v;
  return "<none>";
}

}  // namespace

TEST_CASE("auth: Authentication-Results forms", "[auth]") {
  struct Row {
    const char* name;
    AuthSource source;
    const char* value;
    const char* authserv, *version;
    int instance;
    const char *spf, *dkim, *dmarc, *compauth, *reason, *client_ip;
    std::size_t methods;
  } rows[] = {
      {"Exchange Online, no authserv-id", AuthSource::kAuthenticationResults,
       "spf=pass (sender IP is 198.51.100.5) smtp.mailfrom=example.com; dkim=pass (signature was verified) "
       "header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass reason=100",
       "", "", 0, "pass", "pass", "pass", "pass", "100", "198.51.100.5", 4},
      {"Exchange Online failure", AuthSource::kAuthenticationResults,
       "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=example.net; dkim=none (message not signed) "
       "header.d=none;dmarc=fail action=oreject header.from=example.org;compauth=fail reason=000",
       "", "", 0, "fail", "none", "fail", "fail", "000", "203.0.113.9", 4},
      {"Exchange Online softpass", AuthSource::kAuthenticationResults,
       "spf=softfail (sender IP is 192.0.2.77) smtp.mailfrom=example.com; dkim=none (message not signed) "
       "header.d=none;dmarc=none action=none header.from=example.com;compauth=softpass reason=201",
       "", "", 0, "softfail", "none", "none", "softpass", "201", "192.0.2.77", 4},
      {"Exchange Online IPv6 sender", AuthSource::kAuthenticationResults,
       "spf=pass (sender IP is 2001:db8:4::25) smtp.mailfrom=example.com; dkim=pass (signature was verified) "
       "header.d=example.com;dmarc=bestguesspass action=none header.from=example.com;compauth=pass reason=109",
       "", "", 0, "pass", "pass", "bestguesspass", "pass", "109", "2001:db8:4::25", 4},
      {"Gmail style with authserv-id", AuthSource::kAuthenticationResults,
       "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=AbCd+/==; spf=pass (google.com: domain "
       "of bounce@example.com designates 2001:db8::1 as permitted sender) smtp.mailfrom=bounce@example.com; "
       "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com",
       "mx.google.com", "", 0, "pass", "pass", "pass", "", "", "2001:db8::1", 3},
      {"RFC 8601 no result", AuthSource::kAuthenticationResults, "example.com; none", "example.com", "", 0, "", "",
       "", "", "", "", 0},
      {"RFC 8601 with version", AuthSource::kAuthenticationResults, "example.org 1; spf=pass smtp.mailfrom=example.net",
       "example.org", "1", 0, "pass", "", "", "", "", "", 1},
      {"quoted reason", AuthSource::kAuthenticationResults,
       "mx.example.org; dkim=fail reason=\"signature verification failed\" header.d=example.net",
       "mx.example.org", "", 0, "", "fail", "", "", "", "", 1},
      {"missing ';' between entries", AuthSource::kAuthenticationResults,
       "spf=pass smtp.mailfrom=example.com dkim=pass header.d=example.com", "", "", 0, "pass", "pass", "", "", "",
       "", 2},
      {"Microsoft ARC-A-R", AuthSource::kArc,
       "i=1; mx.microsoft.com 1; spf=pass (sender ip is 198.51.100.5) smtp.rcpttodomain=example.org "
       "smtp.mailfrom=example.com; dmarc=pass (p=none sp=none pct=100) action=none header.from=example.com; "
       "dkim=pass (signature was verified) header.d=example.com; arc=none",
       "mx.microsoft.com", "1", 1, "pass", "pass", "pass", "", "", "198.51.100.5", 4},
      {"ARC-A-R of a forwarder", AuthSource::kArc,
       "i=2; mx.example.net; dkim=pass header.d=example.com; spf=fail smtp.mailfrom=example.com; arc=pass",
       "mx.example.net", "", 2, "fail", "pass", "", "", "", "", 3},
      {"Authentication-Results-Original", AuthSource::kOriginal,
       "gateway.example.org; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com",
       "gateway.example.org", "", 0, "pass", "pass", "", "", "", "", 2},
      {"folded text, spaces around '='", AuthSource::kAuthenticationResults,
       "mx.example.org;\r\n\tspf = pass smtp.mailfrom = example.com ;\r\n\tdkim=neutral (no key)", "mx.example.org", "",
       0, "pass", "neutral", "", "", "", "", 2},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    AuthResults a = parse_authentication_results(r.value, r.source, &tables());
    CHECK(a.authserv_id == r.authserv);
    CHECK(a.version == r.version);
    CHECK(a.arc_instance == r.instance);
    CHECK(a.spf == r.spf);
    CHECK(a.dkim == r.dkim);
    CHECK(a.dmarc == r.dmarc);
    CHECK(a.compauth == r.compauth);
    CHECK(a.compauth_reason == r.reason);
    CHECK(a.spf_client_ip == r.client_ip);
    CHECK(a.methods.size() == r.methods);
    CHECK(a.from_original == (r.source == AuthSource::kOriginal));
    CHECK_FALSE(a.partial);
  }
}

TEST_CASE("auth: properties, comments and compauth meanings", "[auth]") {
  AuthResults a = parse_authentication_results(
      "spf=pass (sender IP is 198.51.100.5) smtp.mailfrom=example.com; dkim=pass (signature was verified) "
      "header.d=example.com;dmarc=fail action=oreject header.from=example.org;compauth=fail reason=000",
      AuthSource::kAuthenticationResults, &tables());
  REQUIRE(a.methods.size() == 4);
  CHECK(a.methods[0].method == "spf");
  CHECK(a.methods[0].comment == "sender IP is 198.51.100.5");
  CHECK(prop(a.methods[0], "smtp.mailfrom") == "example.com");
  CHECK(a.methods[1].comment == "signature was verified");
  CHECK(prop(a.methods[1], "header.d") == "example.com");
  CHECK(prop(a.methods[2], "action") == "oreject");
  CHECK(prop(a.methods[2], "header.from") == "example.org");
  CHECK(a.dmarc_action == "oreject");
  CHECK(a.methods[3].reason == "000");
  CHECK(a.compauth_reason_meaning.rfind("compauth=fail: explicit authentication failed", 0) == 0);

  struct Row {
    const char* code;
    const char* meaning_starts;
  } rows[] = {
      {"000", "compauth=fail: explicit"},   {"001", "compauth=fail: implicit"},
      {"002", "compauth=fail: an admin"},   {"010", "compauth=fail: DMARC failed"},
      {"100", "compauth=pass: the message"}, {"109", "compauth=pass: the message"},
      {"130", "compauth=pass: passed because the ARC"}, {"201", "compauth=softpass"},
      {"301", "compauth=none: composite authentication was not checked"},
      {"451", "compauth=none: composite authentication was bypassed"},
      {"601", "compauth=fail: implicit authentication failed and the sending domain"},
      {"701", "compauth=pass"},             {"905", "compauth=none: composite authentication was bypassed"},
      {"501", ""},                          {"8", ""},
      {"abc", ""},                          {"", ""},
  };
  for (const auto& r : rows) {
    INFO(r.code);
    std::string m = tables().compauth_meaning(r.code);
    if (*r.meaning_starts == '\0') CHECK(m.empty());
    else CHECK(m.rfind(r.meaning_starts, 0) == 0);
  }

  AuthResults g = parse_authentication_results(
      "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=AbCd+/==");
  REQUIRE(g.methods.size() == 1);
  CHECK(prop(g.methods[0], "header.b") == "AbCd+/==");
  CHECK(prop(g.methods[0], "header.s") == "s1");
  AuthResults q = parse_authentication_results("mx.example.org; dkim=fail reason=\"bad \\\"sig\\\"\" header.d=x");
  REQUIRE(q.methods.size() == 1);
  CHECK(q.methods[0].reason == "bad \"sig\"");
  AuthResults n = parse_authentication_results("mx.example.org; dkim/1=pass (nested (comment) here) header.d=x");
  REQUIRE(n.methods.size() == 1);
  CHECK(n.methods[0].method == "dkim");
  CHECK(n.methods[0].comment == "nested (comment) here");
}

TEST_CASE("auth: Received-SPF forms", "[auth]") {
  struct Row {
    const char* name;
    const char* value;
    const char *result, *client_ip, *receiver, *helo, *envelope_from;
  } rows[] = {
      {"Exchange Online pass",
       "Pass (protection.outlook.com: domain of example.com designates 198.51.100.5 as permitted sender) "
       "receiver=protection.outlook.com; client-ip=198.51.100.5; helo=mail.example.com; pr=C",
       "pass", "198.51.100.5", "protection.outlook.com", "mail.example.com", ""},
      {"Exchange Online fail, no client-ip",
       "Fail (protection.outlook.com: domain of example.com does not designate 203.0.113.9 as permitted sender) "
       "receiver=protection.outlook.com; helo=bad.example.net;",
       "fail", "203.0.113.9", "protection.outlook.com", "bad.example.net", ""},
      {"Exchange Online softfail",
       "SoftFail (protection.outlook.com: domain of transitioning example.com discourages use of 192.0.2.8 as "
       "permitted sender)",
       "softfail", "192.0.2.8", "", "", ""},
      {"Exchange Online none",
       "None (protection.outlook.com: example.com does not designate permitted sender hosts)", "none", "", "", "",
       ""},
      {"RFC 7208 example",
       "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender) "
       "receiver=mybox.example.org; client-ip=192.0.2.1; envelope-from=\"myname@example.com\"; "
       "helo=foo.example.com;",
       "pass", "192.0.2.1", "mybox.example.org", "foo.example.com", "myname@example.com"},
      {"IPv6 client", "neutral (mx.example.org: 2001:db8::9 is neither permitted nor denied) client-ip=2001:db8::9;",
       "neutral", "2001:db8::9", "", "", ""},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto s = parse_received_spf(r.value);
    CHECK(s.result == r.result);
    CHECK(s.client_ip == r.client_ip);
    CHECK(s.receiver == r.receiver);
    CHECK(s.helo == r.helo);
    CHECK(s.envelope_from == r.envelope_from);
    CHECK_FALSE(s.partial);
  }
}

TEST_CASE("auth: choosing the trustworthy results of a header block", "[auth]") {
  auto make = [](std::initializer_list<std::pair<const char*, const char*>> l) {
    std::vector<HeaderField> f;
    std::size_t off = 0;
    for (const auto& [n, v] : l) f.push_back({n, v, off++ * 100});
    return f;
  };
  SECTION("top-most Authentication-Results; the renamed original is noted") {
    auto f = make({{"Received-SPF",
                    "Pass (protection.outlook.com: domain of example.com designates 198.51.100.5 as permitted sender) "
                    "receiver=protection.outlook.com; client-ip=198.51.100.5; helo=mail.example.com;"},
                   {"Authentication-Results",
                    "spf=pass (sender IP is 198.51.100.5) smtp.mailfrom=example.com; dkim=none (message not signed) "
                    "header.d=none;dmarc=none action=none header.from=example.com;compauth=pass reason=102"},
                   {"Authentication-Results-Original", "gateway.example.org; spf=fail smtp.mailfrom=example.com"},
                   {"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=example.com"}});
    auto a = find_auth_results(f, tables());
    REQUIRE(a.results);
    CHECK(a.used == "Authentication-Results");
    CHECK(a.offset == 100);
    CHECK(a.results->spf == "pass");
    CHECK(a.results->compauth_reason == "102");
    CHECK(a.results->compauth_reason_meaning.rfind("compauth=pass", 0) == 0);
    CHECK_FALSE(a.results->from_original);
    REQUIRE(a.received_spf);
    CHECK(a.received_spf->client_ip == "198.51.100.5");
    REQUIRE(a.notes.size() == 2);
    CHECK(a.notes[0].find("2 Authentication-Results fields") == 0);
    CHECK(a.notes[1].find("Authentication-Results-Original present") == 0);
  }
  SECTION("no Authentication-Results: ARC i=1 is used") {
    auto f = make({{"ARC-Authentication-Results", "i=2; mx.example.net; spf=fail smtp.mailfrom=example.com; arc=pass"},
                   {"ARC-Authentication-Results",
                    "i=1; mx.microsoft.com 1; spf=pass (sender ip is 198.51.100.5) smtp.mailfrom=example.com; "
                    "dmarc=pass action=none header.from=example.com; dkim=pass header.d=example.com; arc=none"}});
    auto a = find_auth_results(f, tables());
    REQUIRE(a.results);
    CHECK(a.used == "ARC-Authentication-Results i=1");
    CHECK(a.offset == 100);
    CHECK(a.results->arc_instance == 1);
    CHECK(a.results->authserv_id == "mx.microsoft.com");
    CHECK(a.results->spf == "pass");
    CHECK(a.results->spf_client_ip == "198.51.100.5");
  }
  SECTION("only the original; Received-SPF supplies the client IP") {
    auto f = make({{"Authentication-Results-Original", "gateway.example.org; spf=pass smtp.mailfrom=example.com"},
                   {"Received-SPF", "Pass (receiver: ...) client-ip=192.0.2.33;"},
                   {"Received-SPF", "Fail client-ip=203.0.113.1;"}});
    auto a = find_auth_results(f, tables());
    REQUIRE(a.results);
    CHECK(a.used == "Authentication-Results-Original");
    CHECK(a.results->from_original);
    CHECK(a.results->spf_client_ip == "192.0.2.33");
    CHECK(a.notes.size() == 2);
  }
  SECTION("nothing to find") {
    auto a = find_auth_results(make({{"From", "a@example.com"}}), tables());
    CHECK_FALSE(a.results);
    CHECK_FALSE(a.received_spf);
    CHECK(a.used.empty());
  }
}

TEST_CASE("auth: hostile input does not crash", "[auth]") {
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "dkim=pass header.d=example.com;";
  std::string deep(20000, '(');
  std::string backslashes(5000, '\\');
  const std::vector<std::string> values = {
      "", "=", ";;;;", "spf", "spf=", "=pass", "(", ")", "\"", "\\", "i=", "i=99999; x",
      "spf=pass (sender IP is 198.51.100.5", "mx.example.org; dkim=fail reason=\"unterminated",
      "mx.example.org; spf=pass (a (b (c) d)", many, deep, backslashes, "spf=pass\x01\x02\xff;dkim=\xfe",
      std::string("spf=pass\0dkim=pass", 18)};
  for (const auto& v : values) {
    INFO(v.substr(0, 60));
    AuthResults a = parse_authentication_results(v, AuthSource::kAuthenticationResults, &tables());
    AuthResults b = parse_authentication_results(v, AuthSource::kArc, &tables());
    auto s = parse_received_spf(v);
    CHECK(a.methods.size() <= 10000);
    CHECK(b.methods.size() <= 10000);
    (void)s;
  }
  AuthResults u = parse_authentication_results("spf=pass (sender IP is 198.51.100.5");
  CHECK(u.partial);
  CHECK(u.spf == "pass");
  CHECK(parse_authentication_results(many).methods.size() == 10000);

  std::vector<HeaderField> f;
  for (int i = 0; i < 10000; ++i) {
    f.push_back({"ARC-Authentication-Results", "i=" + std::to_string(10000 - i) + "; x; spf=pass", std::size_t(i)});
    f.push_back({"Received-SPF", "pass", std::size_t(i)});
  }
  auto a = find_auth_results(f, tables());
  REQUIRE(a.results);
  CHECK(a.used == "ARC-Authentication-Results i=1");
}
