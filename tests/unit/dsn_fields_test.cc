// dsn_fields_test.cc - RFC 3464 blocks, reply codes and enhanced status codes.
#include <catch2/catch.hpp>

#include "parsers/rfc3464/dsn_fields.h"

using namespace ndrscan;
using namespace ndrscan::rfc3464;

TEST_CASE("dsn: per-message and per-recipient blocks", "[dsn]") {
  const char* body =
      "Reporting-MTA: dns; mx.example.net\n"
      "X-Postfix-Queue-ID: 4XYZ12abCd\n"
      "Arrival-Date: Tue, 12 Nov 2024 09:15:02 +0100 (CET)\n"
      "\n"
      "Final-Recipient: rfc822; bob@example.org\n"
      "Original-Recipient: rfc822;Bob@Example.org\n"
      "Action: failed\n"
      "Status: 5.0.0\n"
      "Remote-MTA: dns; mx.example.org\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address\n"
      "    rejected: User unknown in local recipient table\n"
      "\n"
      "Final-Recipient: rfc822; <carol@example.org>\n"
      "Action: delayed\n"
      "Status: 4.4.1\n"
      "Diagnostic-Code: X-Postfix; connect to mx.example.org[198.51.100.7]:25: Connection timed out\n"
      "Will-Retry-Until: Fri, 15 Nov 2024 09:15:02 +0100\n";
  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status(body, &d);
  CHECK(d.empty());
  CHECK(ds.report.reporting_mta == "mx.example.net");
  CHECK(ds.report.arrival_date == "2024-11-12T08:15:02Z");
  REQUIRE(ds.recipients.size() == 2);
  const auto& bob = ds.recipients[0];
  CHECK(bob.address == "bob@example.org");
  CHECK(bob.original_recipient == "Bob@Example.org");
  CHECK(bob.action == "failed");
  CHECK(bob.dsn_status == "5.0.0");
  CHECK(bob.status == "5.1.1");  // the diagnostic is more specific than Status
  CHECK(bob.reply_code == "550");
  CHECK(bob.diagnostic_type == "smtp");
  CHECK(bob.diagnostic == "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table");
  CHECK(bob.remote_mta == "mx.example.org");
  CHECK(bob.command.empty());  // the diagnostic names no SMTP command
  const auto& carol = ds.recipients[1];
  CHECK(carol.address == "carol@example.org");
  CHECK(carol.action == "delayed");
  CHECK(carol.status == "4.4.1");
  CHECK(carol.reply_code.empty());
  CHECK(carol.will_retry_until == "2024-11-15T08:15:02Z");
}

TEST_CASE("dsn: recipient block first, no per-message block", "[dsn]") {
  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status("Final-Recipient: rfc822;a@example.com\nAction: failed\nStatus: 5.2.2\n", &d);
  REQUIRE(ds.recipients.size() == 1);
  CHECK(ds.recipients[0].status == "5.2.2");
}

TEST_CASE("dsn: no recipients and bad status are diagnosed", "[dsn]") {
  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status("Reporting-MTA: dns; a\n", &d);
  CHECK(ds.recipients.empty());
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "dsn-no-recipients");
  d.clear();
  ds = parse_delivery_status("Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; b@c\nStatus: failed\n", &d);
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "dsn-bad-status");
}

TEST_CASE("dsn: enhanced status found in free text", "[dsn]") {
  struct Row {
    const char* text;
    const char* want;
  } rows[] = {
      {"550 5.1.1 <x>: user unknown", "5.1.1"},
      {"550-5.1.1 The email account that you tried to reach does not exist", "5.1.1"},
      {"#550 5.7.1 RESOLVER.RST.AuthRequired; authentication required ##", "5.7.1"},
      {"550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup", "5.7.133"},
      {"host 192.0.2.5 said: 554 rejected", ""},
      {"id 15.1.2507.23", ""},
      {"421 4.4.2 timeout", "4.4.2"},
      {"version 5.1.10.3", ""},
      {"(5.7.1)", "5.7.1"},
      {"no code here", ""},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(find_enhanced_status(r.text) == r.want);
  }
}

TEST_CASE("dsn: reply codes", "[dsn]") {
  CHECK(find_reply_code("550 5.1.1 x") == "550");
  CHECK(find_reply_code("550-5.1.1 x") == "550");
  CHECK(find_reply_code("#550 5.1.1") == "550");
  CHECK(find_reply_code("5.1.1 x").empty());
  CHECK(find_reply_code("connect to host").empty());
  CHECK(find_reply_code("5501 x").empty());
}

TEST_CASE("dsn: most specific status of the same class", "[dsn]") {
  CHECK(most_specific_status("5.0.0", "5.1.1") == "5.1.1");
  CHECK(most_specific_status("5.1.0", "5.1.1") == "5.1.1");
  CHECK(most_specific_status("5.7.1", "5.0.0") == "5.7.1");
  CHECK(most_specific_status("4.0.0", "5.1.1") == "4.0.0");  // classes disagree: keep Status
  CHECK(most_specific_status("", "5.1.1") == "5.1.1");
  CHECK(most_specific_status("5.2.2", "") == "5.2.2");
}

TEST_CASE("dsn: the remote server's code beats a generic or mapped Status", "[dsn]") {
  CHECK(remote_status("5.1.1", "5.7.1", "550") == "5.7.1");  // sendmail maps; the server said blacklisted
  CHECK(remote_status("4.4.7", "4.7.1", "450") == "4.7.1");  // equal specificity: the server's
  CHECK(remote_status("5.7.1", "5.0.0", "550") == "5.7.1");  // less specific text: keep Status
  CHECK(remote_status("4.5.0", "5.5.0", "550") == "5.5.0");  // other class, backed by the reply
  CHECK(remote_status("4.0.0", "5.1.1", "") == "4.0.0");     // other class, nothing backs it
  CHECK(remote_status("4.0.0", "5.1.1", "450") == "4.0.0");
  CHECK(remote_status("", "5.1.1", "") == "5.1.1");
  CHECK(remote_status("5.2.2", "", "552") == "5.2.2");
}

TEST_CASE("dsn: a reply quoted inside a relay's diagnostic is the remote server's", "[dsn]") {
  std::string reply, status;
  // shapes of Amazon WorkMail and Amazon SES diagnostics
  REQUIRE(nested_reply("554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>",
                       &reply, &status));
  CHECK(reply == "421");
  CHECK(status == "4.4.2");
  REQUIRE(nested_reply("5.1.0 - Unknown address error 550-'5.2.2 <ana@example.jp>... Mailbox Full' (delivery attempts: 0)",
                       &reply, &status));
  CHECK(reply == "550");
  CHECK(status == "5.2.2");
  CHECK_FALSE(nested_reply("550 5.1.1 <ana@example.jp>: Recipient address rejected", &reply, &status));
  CHECK_FALSE(nested_reply("", &reply, &status));
  CHECK_FALSE(nested_reply("421 4.4", &reply, &status));

  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status(
      "Final-Recipient: rfc822; ana@example.org\nAction: failed\nStatus: 4.4.7\n"
      "Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection "
      "timed out>\n",
      &d);
  REQUIRE(ds.recipients.size() == 1);
  CHECK(ds.recipients[0].status == "4.4.2");
  CHECK(ds.recipients[0].reply_code == "421");
}

TEST_CASE("dsn: an X-Unix exit status is not an SMTP reply code", "[dsn]") {
  auto ds = parse_delivery_status("Final-Recipient: rfc822; ana@example.org\nAction: failed\nStatus: 5.0.0\n"
                                  "Diagnostic-Code: X-Unix; 255\n",
                                  nullptr);
  REQUIRE(ds.recipients.size() == 1);
  CHECK(ds.recipients[0].reply_code.empty());
  CHECK(ds.recipients[0].diagnostic == "255");
  CHECK(ds.recipients[0].status == "5.0.0");
}

TEST_CASE("dsn: pre-RFC 3464 Action words failure/error mean failed", "[dsn]") {
  // shape of flufl.bounce dsn_03 ("Action: failure") and dsn_18 ("Action: error")
  for (const char* word : {"failure", "error", "Failure"}) {
    std::vector<Diagnostic> d;
    auto ds = parse_delivery_status(std::string("Reporting-MTA: dns; mx.example.be\n\nFinal-Recipient: rfc822; ana@example.be\n"
                                                "Action: ") + word + "\nStatus: 5.0.0\n",
                                    &d);
    REQUIRE(ds.recipients.size() == 1);
    CHECK(ds.recipients[0].action == "failed");
  }
}

TEST_CASE("dsn: a pipe command or an empty local part is no recipient address", "[dsn]") {
  // shapes of sisimai lhost-exim-44 (Exim pipe) and lhost-sendmail-15 ("@host")
  for (const char* fr : {"rfc822;|/usr/local/bin/prog ana@example.com /home/ana/.prog", "RFC822; @mx.example.org"}) {
    auto ds = parse_delivery_status(std::string("Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: ") + fr +
                                        "\nAction: failed\nStatus: 5.0.0\n",
                                    nullptr);
    CHECK(ds.recipients.empty());  // no recipient: the dialects read the text
  }
  auto ds = parse_delivery_status("Final-Recipient: rfc822; ana@example.com\nAction: failed\nStatus: 5.0.0\n", nullptr);
  REQUIRE(ds.recipients.size() == 1);
  CHECK(ds.recipients[0].address == "ana@example.com");
}

TEST_CASE("dsn: the SMTP command named by the diagnostic", "[dsn]") {
  const char* body =
      "Reporting-MTA: dns; mx.example.net\n"
      "\n"
      "Final-Recipient: rfc822; dan@example.org\n"
      "Action: failed\n"
      "Status: 5.0.0\n"
      "Diagnostic-Code: smtp; 550 <dan@example.org>: User unknown (in reply to RCPT TO\n"
      "    command)\n"
      "\n"
      "Final-Recipient: rfc822; eve@example.org\n"
      "Action: failed\n"
      "Status: 5.0.0\n"
      "Diagnostic-Code: smtp; SMTP error from remote mail server after end of data: 554 rejected\n";
  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status(body, &d);
  REQUIRE(ds.recipients.size() == 2);
  CHECK(ds.recipients[0].command == "RCPT");
  CHECK(ds.recipients[1].command == "DATA");
}

TEST_CASE("dsn: Remote-MTA with a comment after the host", "[dsn]") {
  std::vector<Diagnostic> d;
  auto ds = parse_delivery_status(
      "Reporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n"
      "Remote-MTA: dns; aspmx.l.google.com. (64.233.184.26, the server for the domain example.net.)\n",
      &d);
  REQUIRE(ds.recipients.size() == 1);
  CHECK(ds.recipients[0].remote_mta == "aspmx.l.google.com");
}
