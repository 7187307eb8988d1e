// dialect_generic_test.cc - the last-resort readers: pasted DSN fields and
// X-Failed-Recipients. Texts are written for this test (example.* domains).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parsers/dialects/generic.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

std::vector<rfc5322::HeaderField> xfr(const std::string& value) {
  return {{"From", "Mail Delivery Subsystem <mailer-daemon@example.com>", 0}, {"X-Failed-Recipients", value, 60}};
}

}  // namespace

TEST_CASE("dialect generic: DSN fields pasted into the text", "[dialect][generic]") {
  struct Row {
    const char* name;
    const char* text;
    const char* address;
    const char* action;
    const char* status;
    const char* reply;
    const char* reporting;
  };
  const Row rows[] = {
      {"Amazon WorkMail technical report",
       "An error occurred while trying to deliver the mail to the following recipients:\n"
       "ana@example.jp\n"
       "\n"
       "Technical report:\n"
       "\n"
       "Reporting-MTA: dsn; a1-2.smtp-out.example.com\n"
       "\n"
       "Action: failed\n"
       "Final-Recipient: rfc822; ana@example.jp\n"
       "Diagnostic-Code: smtp; 550 5.2.1 <ana@example.jp>... User Unknown\n"
       "Status: 5.2.1\n",
       "ana@example.jp", "failed", "5.2.1", "550", "a1-2.smtp-out.example.com"},
      {"fields of a report whose boundary did not match, up to the next boundary",
       "--unmatched-boundary\n"
       "Content-Type: message/delivery-status\n"
       "\n"
       "Reporting-MTA: dns; mx.example.net\n"
       "\n"
       "Final-Recipient: rfc822; bo@example.org\n"
       "Action: delayed\n"
       "Status: 4.4.1\n"
       "--unmatched-boundary\n"
       "Final-Recipient: rfc822; not-this@example.org\n",
       "bo@example.org", "delayed", "4.4.1", "", "mx.example.net"},
      {"CR-only line endings, no Reporting-MTA",
       "Original-Recipient: rfc822;cy@example.org\rFinal-Recipient: rfc822;cy@example.org\rAction: failed\r"
       "Status: 5.0.0\rDiagnostic-Code: smtp; 550 5.1.1 unknown",
       "cy@example.org", "failed", "5.1.1", "550", ""},
  };
  for (const Row& r : rows) {
    SECTION(r.name) {
      BounceText b;
      b.text = r.text;
      REQUIRE(embedded_dsn_detect(b));
      DialectFacts f;
      REQUIRE(embedded_dsn_parse(b, &f));
      REQUIRE(f.recipients.size() == 1);
      CHECK(f.recipients[0].address == r.address);
      CHECK(f.recipients[0].action == r.action);
      CHECK(f.recipients[0].status == r.status);
      CHECK(f.recipients[0].reply_code == r.reply);
      CHECK(f.reporting_mta == r.reporting);
    }
  }
}

TEST_CASE("dialect generic: DSN fields only in the whole message", "[dialect][generic]") {
  BounceText b;
  b.whole = "Subject: x\n\nFinal-Recipient: rfc822; ana@example.org\nAction: failed\nStatus: 5.1.1\n";
  REQUIRE(embedded_dsn_detect(b));
  DialectFacts f;
  REQUIRE(embedded_dsn_parse(b, &f));
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.original_offset == std::string_view::npos);
}

TEST_CASE("dialect generic: hostile input for the DSN reader", "[dialect][generic]") {
  for (const char* t : {"", "Final-Recipient:", "Final-Recipient: rfc822;", "x Final-Recipient: rfc822; a@example.org\n"}) {
    BounceText b;
    b.text = t;
    DialectFacts f;
    CHECK_FALSE(embedded_dsn_parse(b, &f));
  }
}

TEST_CASE("dialect generic: X-Failed-Recipients", "[dialect][generic]") {
  SECTION("Gmail: the reply stands a few lines below the address") {
    auto h = xfr("ana@example.jp");
    BounceText b;
    b.headers = &h;
    b.subject = "Delivery Status Notification (Failure)";
    b.text =
        "Delivery to the following recipient failed permanently:\n"
        "\n"
        "     ana@example.jp\n"
        "\n"
        "Technical details of permanent failure:\n"
        "Google tried to deliver your message, but it was rejected by the server for the recipient domain.\n"
        "\n"
        "The error that the other server returned was:\n"
        "550 5.1.1 <ana@example.jp>... User Unknown\n"
        "\n"
        "----- Original message -----\n"
        "\n"
        "From: s@example.net\n";
    REQUIRE(failed_recipients_detect(b));
    DialectFacts f;
    REQUIRE(failed_recipients_parse(b, &f));
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].action == "failed");
    CHECK(f.recipients[0].reply_code == "550");
    CHECK(f.recipients[0].status == "5.1.1");
    CHECK(f.recipients[0].diagnostic == "550 5.1.1 <ana@example.jp>... User Unknown");
    REQUIRE(f.original_offset != std::string_view::npos);
    CHECK(b.text.substr(f.original_offset).find("From: s@example.net") != std::string_view::npos);
  }
  SECTION("several addresses, duplicates and junk; no text") {
    auto h = xfr(" ana@example.org, <bo@example.org>,ana@EXAMPLE.org, not-an-address ,");
    BounceText b;
    b.headers = &h;
    DialectFacts f;
    REQUIRE(failed_recipients_parse(b, &f));
    REQUIRE(f.recipients.size() == 2);
    CHECK(f.recipients[1].address == "bo@example.org");
    CHECK(f.recipients[1].diagnostic.empty());
    CHECK(f.recipients[1].status == "5.0.0");  // no code: the class of a failed address
  }
  SECTION("no code and a delay subject: 4.0.0") {
    auto h = xfr("ana@example.org");
    BounceText b;
    b.headers = &h;
    b.subject = "Warning: message delayed";
    DialectFacts f;
    REQUIRE(failed_recipients_parse(b, &f));
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].action == "delayed");
    CHECK(f.recipients[0].status == "4.0.0");
  }
  SECTION("no header, empty header") {
    BounceText b;
    CHECK_FALSE(failed_recipients_detect(b));
    auto h = xfr("");
    b.headers = &h;
    DialectFacts f;
    CHECK_FALSE(failed_recipients_parse(b, &f));
  }
  SECTION("10k addresses") {
    std::string v;
    std::string text;
    for (int i = 0; i < 10000; ++i) {
      v += "u" + std::to_string(i) + "@example.org,";
      text += "u" + std::to_string(i) + "@example.org\r550 5.1.1 unknown\r";
    }
    auto h = xfr(v);
    BounceText b;
    b.headers = &h;
    b.text = text;
    DialectFacts f;
    REQUIRE(failed_recipients_parse(b, &f));
    CHECK(f.recipients.size() == 10000);
    CHECK(f.recipients[0].reply_code == "550");
  }
}
