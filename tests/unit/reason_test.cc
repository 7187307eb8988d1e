// reason_test.cc - reason classifier: decisions, hardness, inferred status,
// table validation errors and hostile input.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "parsers/reason/reason.h"
#include "src/util/strings.h"

#ifndef NDRSCAN_KNOWLEDGE_DIR
#define NDRSCAN_KNOWLEDGE_DIR "knowledge"
#endif

using ndrscan::reason::classify;
using ndrscan::reason::Input;
using ndrscan::reason::ReasonTables;

namespace {

const ReasonTables& tables() {
  static ReasonTables t = [] {
    ReasonTables r;
    std::string err;
    if (!r.load(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/reasons", &err)) FAIL("load: " << err);
    return r;
  }();
  return t;
}

/// A scratch copy of knowledge/reasons where one file is replaced.
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    dir = std::filesystem::temp_directory_path() / ("ndrscan-reason-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const char* f : {"reasons.tsv", "status.tsv", "phrases.tsv", "vendor.tsv"})
      std::filesystem::copy_file(std::filesystem::path(NDRSCAN_KNOWLEDGE_DIR) / "reasons" / f, dir / f);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  void write(const char* name, const std::string& text) const { std::ofstream(dir / name) << text; }
  std::string path(const char* name) const { return (dir / name).string(); }
  std::string load_error() const {
    ReasonTables t;
    std::string err;
    if (t.load(dir.string(), &err)) return "loaded";
    return err;
  }
};

}  // namespace

TEST_CASE("reason: tables load and every row is usable") {
  const ReasonTables& t = tables();
  CHECK(t.reasons().size() == 36);
  CHECK(t.phrases().size() > 400);
  CHECK(t.vendors().size() > 80);
  CHECK(t.id("failedstarttls") >= 0);
  CHECK(t.id("suppressed") >= 0);
  CHECK(t.id("ratelimited") < 0);  // newer name only, via newer_name()
  CHECK(ndrscan::reason::newer_name("mesgtoobig", t) == "emailtoolarge");
  CHECK(ndrscan::reason::newer_name("toomanyconn", t) == "ratelimited");
  CHECK(ndrscan::reason::newer_name("userunknown", t) == "userunknown");
}

TEST_CASE("reason: table-driven decisions") {
  struct Row {
    const char* status;
    const char* reply;
    const char* text;
    const char* action;
    const char* reason;
    bool hard;
    const char* inferred;
  };
  const Row rows[] = {
      // status decides
      {"5.1.1", "550", "550 5.1.1 <a@example.org>... User Unknown", "failed", "userunknown", true, ""},
      {"5.2.2", "552", "552 5.2.2 Mailbox full", "failed", "mailboxfull", false, ""},
      {"5.1.2", "550", "550 Host unknown", "failed", "hostunknown", true, ""},
      {"5.3.4", "552", "552 5.3.4 Message too large", "failed", "mesgtoobig", false, ""},
      {"5.2.3", "552", "552 5.2.3 Message size exceeds fixed maximum message size", "failed", "exceedlimit", false, ""},
      {"5.7.26", "550", "550 5.7.26 Multiple authentication checks failed", "failed", "authfailure", false, ""},
      {"5.7.1", "550", "550 5.7.1 Delivery not authorized", "failed", "securityerror", false, ""},
      {"4.4.7", "", "", "delayed", "expired", false, ""},
      {"2.0.0", "250", "250 2.0.0 OK", "delivered", "delivered", false, ""},
      // filtered vs userunknown (Sisimai: user-unknown text needs 5.1.x or RCPT)
      {"5.2.1", "550", "550 5.2.1 <a@example.org>... User Unknown", "failed", "filtered", false, ""},
      {"", "550", "host mx[192.0.2.1] said: 550 unknown user (in reply to RCPT TO command)", "failed", "userunknown",
       true, "5.1.1"},
      {"", "550", "550 kijitora@example.com... No such user", "failed", "filtered", false, "5.2.0"},
      // phrase decides, status inferred
      {"", "554", "554 5.7.1 <a@example.org>: Relay access denied", "failed", "norelaying", false, "5.7.1"},
      {"", "550", "550 Mailbox is frozen. See http://mail.i.ua/err/3/", "failed", "suspend", false, "5.2.1"},
      {"", "554", "554 Transaction failed (in reply to MAIL FROM command)", "failed", "systemerror", false, "5.3.0"},
      {"", "", "connect to mx.example.org[192.0.2.2]:25: No route to host", "delayed", "networkerror", false,
       "4.4.0"},
      {"", "550", "550 Virus Detected; Content Rejected", "failed", "virusdetected", false, "5.7.1"},
      {"", "", "Quota exceeded message delivery failed to /var/mail/u", "delayed", "mailboxfull", false, "4.2.2"},
      // vendor texts
      {"", "550", "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", "failed", "userunknown",
       true, "5.1.1"},
      {"", "550", "#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##", "failed",
       "mesgtoobig", false, "5.2.3"},
      {"5.7.64", "550", "550 5.7.64 TenantAttribution; Relay Access Denied", "failed", "norelaying", false, ""},
      {"5.4.1", "550", "550 5.4.1 Recipient address rejected: Access denied", "failed", "userunknown", true, ""},
      {"", "451", "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation",
       "failed", "badreputation", false, "4.7.650"},
      {"", "550", "The email account that you tried to reach is disabled. - gsmtp", "failed", "suspend", false,
       "5.2.1"},
      {"", "421", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
                  "complaints",
       "failed", "badreputation", false, "4.7.1"},  // Yahoo's own reading needs a *.yahoodns.net host (below)
      {"", "421", "421 4.2.0 Service refuse. OFR005_505 [505]", "failed", "systemerror", false, "4.3.0"},
      {"", "530", "530 5.7.10 STARTTLS is required to send mail", "failed", "failedstarttls", false, "5.7.10"},
      // notaccept: hard unless 4xx
      {"", "550", "No MX found for domain", "failed", "notaccept", true, "5.3.2"},
      {"4.0.0", "", "DNS Error: The domain example.org doesn't receive email according to the administrator: "
                    "returned Null MX",
       "failed", "notaccept", false, ""},
      // multi-line reply: the repeated "552-5.7.0" prefixes are removed even
      // for an x.x.0 code, so the vendor sentence reads whole
      {"5.7.0", "552", "552-5.7.0 This message was blocked because its content presents a potential "
                       "552-5.7.0 security issue. Please visit 552 5.7.0 our guidelines.",
       "failed", "policyviolation", false, ""},
      {"5.7.0", "552", "552-5.7.0 Our system detected an illegal attachment on your message. Please", "failed",
       "policyviolation", false, ""},
      // Spectrum's AUP# codes decide (the 5.1.0 status alone would say userunknown)
      {"5.1.0", "550", "550 5.1.0 <x@example.com> sender rejected. Please see "
                       "https://www.spectrum.net/support/internet/understanding-email-error-codes AUP#In-1310",
       "failed", "toomanyconn", false, ""},
      {"", "550", "550 AUP#O-1100 rejected", "failed", "requireptr", false, "5.7.25"},
      // reply-code and fall-backs
      {"", "503", "503 Improper sequence of commands", "failed", "syntaxerror", false, "5.5.2"},
      {"", "", "", "delayed", "expired", false, "4.4.7"},
      {"", "", "something nobody has seen before", "failed", "onhold", false, ""},
      {"", "", "", "failed", "undefined", false, ""},
  };
  for (const Row& r : rows) {
    INFO("status=" << r.status << " reply=" << r.reply << " text=" << r.text);
    auto res = classify(r.status, r.reply, r.text, r.action, "rfc3464", tables());
    INFO("evidence: " << res.evidence);
    CHECK(res.reason == r.reason);
    CHECK(res.hard == r.hard);
    CHECK(res.status == r.inferred);
    CHECK(!res.evidence.empty());
  }
}

TEST_CASE("reason: evidence names the deciding row") {
  auto a = classify("5.1.1", "550", "550 5.1.1 user unknown", "failed", "", tables());
  CHECK(a.evidence.rfind("status 5.1.1 (knowledge/reasons/status.tsv:", 0) == 0);
  auto b = classify("", "550", "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", "failed",
                    "", tables());
  CHECK(b.evidence.rfind("microsoft text 'resolver.adr.recipnotfound' (knowledge/reasons/vendor.tsv:", 0) == 0);
  auto c = classify("", "", "552 too much mail data", "failed", "", tables());
  CHECK(c.reason == "mailboxfull");
  CHECK(c.evidence.rfind("phrase 'too much mail data' (knowledge/reasons/phrases.tsv:", 0) == 0);
}

TEST_CASE("reason: dialect, command and diagnostic type inputs") {
  Input in;
  in.dialect = "ARF";
  CHECK(classify(in, tables()).reason == "feedback");
  in.dialect = "rfc3834";
  in.diagnostic = "I'm out of the office";
  CHECK(classify(in, tables()).reason == "vacation");

  Input u;
  u.status = "5.2.1";
  u.diagnostic = "550 5.2.1 <a@example.org>... User Unknown";
  u.action = "failed";
  CHECK(classify(u, tables()).reason == "filtered");
  u.command = "rcpt";
  auto r = classify(u, tables());
  CHECK(r.reason == "userunknown");
  CHECK(r.hard);

  Input x;
  x.status = "5.1.1";
  x.diagnostic = "procmail: Couldn't create \"/var/spool/mail/neko\"";
  x.diagnostic_type = "X-UNIX";
  x.action = "failed";
  CHECK(classify(x, tables()).reason == "mailererror");

  ndrscan::Recipient rec;
  rec.status = "5.2.2";
  rec.reply_code = "552";
  rec.diagnostic = "552 5.2.2 Over quota";
  rec.action = "failed";
  CHECK(classify(rec, "postfix", tables()).reason == "mailboxfull");

  CHECK(ndrscan::reason::infer_command("host x said: 550 no (in reply to rcpt to command)") == "RCPT");
  CHECK(ndrscan::reason::infer_command("smtp error from remote mail server after end of data: 550") == "DATA");
  CHECK(ndrscan::reason::infer_command("550 nothing here").empty());
}

TEST_CASE("reason: remote host, bounce text and status written in the diagnostic") {
  // vendor.tsv rhost= rows: Yahoo's reading only for Yahoo's hosts.
  Input y;
  y.reply_code = "421";
  y.diagnostic = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints";
  y.action = "failed";
  y.rhost = "mta7.am0.yahoodns.net";
  CHECK(classify(y, tables()).reason == "rejected");
  y.rhost = "mx.example.net";
  CHECK(classify(y, tables()).reason == "badreputation");
  // the recipient's domain also matches rhost= (Google Groups, no text at all)
  Input g;
  g.action = "failed";
  g.recipient = "list@googlegroups.com";
  CHECK(classify(g, tables()).reason == "rejected");
  // the SMTP command is read from the bounce text when the diagnostic has none
  Input u;
  u.status = "5.0.0";
  u.reply_code = "550";
  u.diagnostic = "550 <bob@example.org>: User unknown";
  u.action = "failed";
  u.recipient = "bob@example.org";
  CHECK(classify(u, tables()).reason == "filtered");
  u.context = "<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 <bob@example.org>: User\n"
              "    unknown (in reply to RCPT TO\n    command)\n";
  auto ur = classify(u, tables());
  CHECK(ur.reason == "userunknown");
  CHECK(ur.evidence.find("command RCPT") != std::string::npos);
  {
    // The context is read per message: another bounce text of the same
    // length in the same buffer (the next message's) is read afresh.
    std::string buf(u.context);
    u.context = buf;
    CHECK(classify(u, tables()).reason == "userunknown");
    const std::string other = "<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 <bob@example.org>: User\n"
                              "    unknown (in reply to DATA   \n    command)\n";
    REQUIRE(other.size() == buf.size());
    buf.replace(0, buf.size(), other);
    CHECK(classify(u, tables()).reason == "filtered");
    u.context = "<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 <bob@example.org>: User\n"
                "    unknown (in reply to RCPT TO\n    command)\n";
  }
  // an empty diagnostic: the bounce text's paragraph naming the recipient
  Input e;
  e.status = "5.0.0";
  e.action = "failed";
  e.recipient = "carol@example.net";
  e.context = "Hi!\n\ncarol@example.net: 550 5.7.25 <carol@example.net>: Reverse DNS validation failed\n\nBelow\n";
  CHECK(classify(e, tables()).reason == "requireptr");
  // a status in the diagnostic overrides the Status field (Sisimai)
  CHECK(classify("5.1.1", "552", "552 5.2.2 Over quota", "failed", "", tables()).reason == "mailboxfull");
  // multi-line replies: "rate that 550-5.2.1 prevents" reads "rate that prevents"
  CHECK(classify("5.2.1", "550",
                 "550-5.2.1 The user you are trying to contact is receiving mail at a rate that 550-5.2.1 prevents "
                 "additional messages from being delivered. 550 5.2.1 https://support.google.com/mail/",
                 "failed", "", tables())
            .reason == "speeding");
  const std::string msg =
      "From: MAILER-DAEMON\n\nbody\n--b\nContent-Type: message/rfc822\n\nSubject: after RCPT TO\n";
  CHECK(ndrscan::reason::bounce_context(msg).find("after RCPT TO") == std::string_view::npos);
}

TEST_CASE("reason: hostile input") {
  auto empty = classify("", "", "", "", "", tables());
  CHECK(empty.reason == "undefined");
  CHECK_FALSE(empty.hard);

  std::string big(1024 * 1024, 'a');
  big.replace(10, 12, "user unknown");
  auto b = classify("5.1.1", "550", big, "failed", "", tables());
  CHECK(b.reason == "userunknown");
  std::string tail(1024 * 1024, 'x');
  tail += " mailbox full";  // beyond kMaxScan: not seen
  CHECK(classify("", "", tail, "failed", "", tables()).reason == "onhold");

  std::string bad = "550 \xff\xfe\xc3( user unknown \xe2\x82 (in reply to RCPT TO command)";
  CHECK(classify("", "550", bad, "failed", "", tables()).reason == "userunknown");
  std::string nul("550 \0 mailbox full", 18);
  CHECK(classify("", "550", nul, "failed", "", tables()).reason == "mailboxfull");
  CHECK(classify("9.9.9", "abc", "   ", "weird", "???", tables()).reason == "undefined");
  CHECK(classify("5.", "5", "", "failed", "", tables()).reason == "undefined");

  ReasonTables none;
  CHECK(classify("5.1.1", "", "", "", "", none).reason == "undefined");
}

TEST_CASE("reason: re: rows run only when the literal every match needs occurs") {
  // The literal scan also marks the required literals of re: rows; a row
  // whose literal is absent is skipped, one whose literal is present still
  // needs its pattern to match.
  Scratch s;
  s.write("phrases.tsv", "# date: 2026-01-01\nblocked\tre:client host \\[[0-9.]+\\] blocked\tsrc\n");
  s.write("vendor.tsv", "# date: 2026-01-01\nacme\tre:quota of [0-9]+ mb exceeded\tmailboxfull\t5.2.2\tsrc\n");
  ReasonTables t;
  std::string err;
  REQUIRE(t.load(s.dir.string(), &err));
  REQUIRE(t.phrases().size() == 1);
  REQUIRE(t.phrases()[0].m.required == "client host [");
  REQUIRE(t.vendors()[0].m.required == " mb exceeded");
  auto reason = [&](std::string_view text) { return classify("", "554", text, "failed", "", t).reason; };
  CHECK(reason("554 Client host [192.0.2.1] blocked by policy") == "blocked");
  CHECK(reason("554 client host [unknown] blocked") != "blocked");  // literal present, pattern not
  CHECK(reason("554 host [192.0.2.1] blocked") != "blocked");       // literal absent
  CHECK(reason("552 Quota of 100 MB exceeded") == "mailboxfull");
  CHECK(reason("552 quota of many mb exceeded") != "mailboxfull");
  CHECK(reason("552 quota of 100 mb was exceeded") != "mailboxfull");
}

TEST_CASE("reason: bounce_context agrees with a search per marker") {
  // The reference: each marker searched on its own (util::ifind), the first
  // occurrence on a Content-Type line kept, the earliest of those wins.
  auto reference = [](std::string_view message) {
    std::string_view m = message.substr(0, std::min(message.size(), ndrscan::reason::kMaxScan));
    std::size_t cut = m.size();
    for (std::string_view marker : {"message/rfc822", "text/rfc822-headers", "message/global"}) {
      std::size_t p = ndrscan::util::ifind(m, marker);
      while (p != std::string_view::npos) {
        std::size_t ls = m.rfind('\n', p);
        ls = ls == std::string_view::npos ? 0 : ls + 1;
        if (ndrscan::util::istarts_with(m.substr(ls), "content-type:")) break;
        p = ndrscan::util::ifind(m, marker, p + 1);
      }
      if (p != std::string_view::npos) cut = std::min(cut, p);
    }
    return m.substr(0, cut);
  };
  const char* pieces[] = {"Content-Type: ", "content-TYPE:", "message/rfc822", "MESSAGE/RFC822", "message/global",
                          "text/rfc822-headers", "Text/RFC822-Headers", "text/plain", "message/", "/", "rfc822",
                          "text/rfc822", "\n", "\r\n", " ", "x", "multipart/report", "Content-Type ",
                          "Content-Typo: "};
  std::mt19937 rng(2468);
  int cut = 0;
  for (int n = 0; n < 50000; ++n) {
    std::string s;
    const int k = static_cast<int>(rng() % 12);
    for (int i = 0; i < k; ++i) s += pieces[rng() % (sizeof pieces / sizeof pieces[0])];
    const std::string_view want = reference(s);
    INFO("'" << s << "'");
    REQUIRE(ndrscan::reason::bounce_context(s) == want);
    REQUIRE(ndrscan::reason::bounce_context(s).data() == s.data());
    cut += want.size() < s.size();
  }
  CHECK(cut > 1000);  // the markers were found, not only missed
}

TEST_CASE("reason: load errors name file and line") {
  {
    Scratch s;
    s.write("phrases.tsv", "# date: 2026-01-01\nuserunknown\tlit:user unknown\tsrc\nuserunknwn\tlit:no such user\tsrc\n");
    CHECK(s.load_error() == s.path("phrases.tsv") + ":3: unknown reason 'userunknwn' (did you mean 'userunknown'?)");
  }
  {
    Scratch s;
    s.write("phrases.tsv", "# date: 2026-01-01\nblocked\tre:client host (\tsrc\n");
    std::string e = s.load_error();
    CHECK(e.rfind(s.path("phrases.tsv") + ":2: bad regex 'client host (': missing closing parenthesis", 0) == 0);
  }
  {
    Scratch s;
    s.write("phrases.tsv", "# date: 2026-01-01\nblocked\tlit:go away\tsrc\n\nspamdetected\tlit:go away\tsrc\n");
    CHECK(s.load_error() == s.path("phrases.tsv") + ":4: duplicate match 'lit:go away' (first at line 2)");
  }
  {
    Scratch s;
    s.write("phrases.tsv", "# date: 2026-01-01\nblocked\tlit:Go Away\tsrc\n");
    CHECK(s.load_error() == s.path("phrases.tsv") + ":2: literal 'Go Away' must be lowercase");
  }
  {
    Scratch s;
    s.write("phrases.tsv", "blocked\tlit:go away\tsrc\n");
    CHECK(s.load_error() == s.path("phrases.tsv") + ": missing '# date:' line");
  }
  {
    Scratch s;
    s.write("status.tsv", "# date: 2026-01-01\n5.7.1\tsecurityerror\tsrc\n5.7\tblocked\tsrc\n");
    CHECK(s.load_error() ==
          s.path("status.tsv") + ":3: '5.7' is not a status pattern (use 5.7.1, 5.7.*, X.7.1, X.7.* or 550)");
  }
  {
    Scratch s;
    s.write("vendor.tsv", "# date: 2026-01-01\nmicrosoft\tlit:xy\tuserunknown\t5.1\tsrc\n");
    CHECK(s.load_error() == s.path("vendor.tsv") + ":2: status '5.1' must be c.s.d or -");
  }
  {
    Scratch s;
    s.write("reasons.tsv", "# date: 2026-01-01\nuserunknown\thard\tX.1.1\t-\tm\ts\n");
    CHECK(s.load_error() == s.path("reasons.tsv") + ": reason 'filtered' used by the classifier is missing");
  }
  {
    Scratch s;
    s.write("reasons.tsv", "# date: 2026-01-01\nuserunknown\tfirm\tX.1.1\t-\tm\ts\n");
    CHECK(s.load_error() == s.path("reasons.tsv") + ":2: hardness 'firm' must be hard, soft or depends");
  }
  {
    ReasonTables t;
    std::string err;
    CHECK_FALSE(t.load("/nonexistent-dir", &err));
    CHECK(err == "/nonexistent-dir/reasons.tsv: cannot open");
  }
}
