// dialect_more_test.cc - the "more" dialect group (more.h): the lead-phrase
// table and fml. Fictitious texts in the shape of the MTAs' notices, quoting
// only their fixed phrases (example.* domains, documentation IPs).
#include <catch2/catch.hpp>

#include "tests/unit/test_support.h"

#include <string>
#include <vector>

#include "parsers/dialects/dialect.h"
#include "parsers/dialects/more.h"
#include "src/core/analyze.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

using testing::with_endings;

using Run = testing::DialectRun;

Run run(bool (*detect)(const BounceText&), bool (*parse)(const BounceText&, DialectFacts*), std::string_view text,
        std::string_view subject, std::string_view from, const std::vector<rfc5322::HeaderField>* headers = nullptr) {
  BounceText b;
  b.text = text;
  b.subject = subject;
  b.from = from;
  b.headers = headers;
  return testing::run_dialect(detect, parse, b);
}

}  // namespace

TEST_CASE("dialect more: lead phrases name the failed address", "[dialect][more]") {
  struct Row {
    const char* name;
    const char* from;
    const char* subject;
    const char* text;
    const char* addresses;  // comma-separated, in order
    const char* action;
    const char* status;
    const char* reply;
  };
  const Row rows[] = {
      {"MailFoundry same line", "MAILER-DAEMON@example.org", "Message delivery has failed",
       "Unable to deliver message to: <ana@example.org>\nDelivery failed for the following reason:\n"
       "Server mx.example.org[192.0.2.22] failed with: 550 <ana@example.org> No such user here\n\n"
       "This has been a permanent failure.  No further delivery attempts will be made.\n",
       "ana@example.org", "failed", "5.0.0", "550"},
      {"list after the phrase, bullets", "Mail Delivery System <>", "Delivery status notification",
       "   This is an automatically generated Delivery Status Notification.\n\n"
       "Delivery to the following recipients failed permanently:\n\n   * bo@example.net\n   * cy@example.net\n\n"
       "   Technical details:\nSMTP:RCPT host 192.0.2.33: 553 5.3.0 <bo@example.net>... No such user here\n",
       "bo@example.net,cy@example.net", "failed", "5.3.0", "553"},
      {"InterScan transcript", "\"InterScan MSS\" <postmaster@example.jp>", "x",
       "...\n\nSent <<< RCPT TO:<di@example.jp>\nReceived >>> 550 5.1.1 <di@example.jp>... user unknown\n\n...\n",
       "di@example.jp", "failed", "5.1.1", "550"},
      {"address then reason in brackets, no code", "\"Mail Deliver System\" <MAILER-DAEMON@example.jp>",
       "Returned Mail: User unknown",
       "The original message was received at Thu, 29 Apr 2010 23:34:45 +0900 (JST)\nfrom ed@example.jp\n\n"
       "---The following addresses had delivery errors---\n\ned@example.co.jp [User unknown]\n",
       "ed@example.co.jp", "failed", "5.0.0", ""},
      {"delay wording gives delayed", "MAILER-DAEMON@mx.example.com (Mail Delivery System)",
       "Warning: message has not yet been delivered",
       "This is an automated message created by mail delivery software.\n\nYour message to:\n\n\tfay@example.com\n\n"
       "has not yet been delivered because the recipient server did not respond.\n",
       "fay@example.com", "delayed", "4.0.0", ""},
      {"Mimecast '-- ' list", "\"postmaster\" <postmaster@example.org>", "[Postmaster] Email Delivery Failure",
       "This is an automated alert notification. Please do not reply.\n\n"
       "An email that you attempted to send to the following address could not be delivered:\n\n"
       "-- gus@example.org\n\nThe problem appears to be :\n\n-- Recipient email address is possibly incorrect\n",
       "gus@example.org", "failed", "5.0.0", ""},
      {"companion phrase instead of an automated sender (Apache James)", "post_master@example.com", "Re:Test",
       "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n\n"
       "Message details:\n\n  Subject: Test\n  MAIL FROM: sender@example.net\n  RCPT TO: hal@example.com\n",
       "hal@example.com", "failed", "5.0.0", "550"},
      {"AOL bare screen name takes the sender's domain", "Mail Delivery Subsystem <MAILER-DAEMON@example.com>",
       "Mail Delivery Problem",
       "Your mail to the following recipients could not be delivered because they are not accepting mail from "
       "list@example.org:\n\tscreenname\n",
       "screenname@example.com", "failed", "5.0.0", ""},
      {"MDaemon quoted list", "MDaemon@mx.example.com", "Permanent Delivery Failure",
       "YOUR MESSAGE WAS NOT DELIVERED!\n\nThe following addresses did NOT receive a copy of your message:\n\n"
       "> ivy@example.com\n\n--- Session Transcript ---\n 220 example.com ESMTP ready\n",
       "ivy@example.com", "failed", "5.0.0", ""},
      {"Mimecast: the enhanced status stands on its own line", "\"postmaster\" <postmaster@example.org>",
       "[Postmaster] Email Delivery Failure",
       "An email that you attempted to send to the following address could not be delivered:\n\n-- nia@example.org\n\n"
       "The problem appears to be :\n\n-- Recipient email address is possibly incorrect\n\n"
       "Additional information follows :\n\n-- 5.4.1 Recipient address rejected: Access denied.\n",
       "nia@example.org", "failed", "5.4.1", ""},
      {"Yahoo!: the address on the summary's To: line", "MAILER-DAEMON@example.com", "[List] Re: hello",
       "I'm afraid I wasn't able to deliver the following message.\n"
       "This is a permanent error; I've given up. Sorry it didn't work out.\n\nSubject: [List] Re: hello\n"
       "To: oz@example.com\n\n---Below this line is a copy of the message.\n\nTo: other@example.com\n",
       "oz@example.com", "failed", "5.0.0", ""},
      {"Novell list with a reason in parentheses", "Mailer-Daemon@gw.example.net", "Message status - undeliverable",
       "The message that you sent was undeliverable to the following:\n\tjo@example.net (user not found)\n",
       "jo@example.net", "failed", "5.0.0", ""},
  };
  for (const Row& row : rows) {
    for (std::string_view eol : {"\n", "\r\n", "\r"}) {
      INFO(row.name << " eol " << eol.size());
      std::string text = with_endings(row.text, eol);
      Run r = run(lead_phrase_detect, lead_phrase_parse, text, row.subject, row.from);
      REQUIRE(r.parsed);
      std::string got;
      for (const auto& rc : r.facts.recipients) got += (got.empty() ? "" : ",") + rc.address;
      CHECK(got == row.addresses);
      const Recipient& first = r.facts.recipients.front();
      CHECK(first.action == row.action);
      CHECK(first.status == row.status);
      CHECK(first.reply_code == row.reply);
    }
  }
}

TEST_CASE("dialect more: lead phrases need a machine-generated notice", "[dialect][more]") {
  // a person quoting the phrase in ordinary mail is not a bounce
  const char* text = "Hi,\nyesterday I got 'Failed Recipient: kim@example.com' from our server, any idea?\n";
  Run r = run(lead_phrase_detect, lead_phrase_parse, text, "question about our mail", "Lee <lee@example.com>");
  CHECK_FALSE(r.detected);
  // the companion phrase is required where it stands in for the sender check
  r = run(lead_phrase_detect, lead_phrase_parse, "  RCPT TO: kim@example.com\n", "notes", "Lee <lee@example.com>");
  CHECK_FALSE(r.detected);
  // a phrase with no address after it gives nothing
  r = run(lead_phrase_detect, lead_phrase_parse, "Failed Recipient: (unknown)\n", "Delivery Failure",
          "MAILER-DAEMON@example.com");
  CHECK(r.detected);
  CHECK_FALSE(r.parsed);
}

TEST_CASE("dialect more: the returned copy is not read", "[dialect][more]") {
  const char* text =
      "Delivery to the following recipients failed.\n\n       kay@example.com\n\n"
      "----- Original message -----\nTo: other@example.com\nFailed Recipient: other@example.com\n";
  Run r = run(lead_phrase_detect, lead_phrase_parse, text, "Delivery Status Notification (Failure)",
              "postmaster@example.com");
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  CHECK(r.facts.recipients[0].address == "kay@example.com");
}

TEST_CASE("dialect more: fml non-member rejection", "[dialect][more]") {
  std::vector<rfc5322::HeaderField> h = {{"X-MLServer", "fml [fml 4.0.3 release (20011202/4.0.3)]", 0}};
  const char* text = "You are not a member of this mailing list <cats@example.org>.\n\nIf you know the general guide "
                     "of this list, please send mail with\nthe mail body\n\tguide\n";
  Run r = run(fml_detect, fml_parse, text, "You are not member (cats ML)", "cats-admin@example.org", &h);
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  CHECK(r.facts.recipients[0].address == "cats@example.org");
  CHECK(r.facts.recipients[0].action == "failed");
  // without the list server's header it is not fml's notice
  r = run(fml_detect, fml_parse, text, "x", "cats-admin@example.org");
  CHECK_FALSE(r.detected);
}

namespace {

const Knowledge& knowledge() {
  static Knowledge k = [] {
    Knowledge kk;
    std::string err;
    REQUIRE(load_knowledge(NDRSCAN_KNOWLEDGE_DIR, &kk, &err));
    return kk;
  }();
  return k;
}

Analysis analyze(const std::string& text) {
  Analysis a;
  std::string err;
  INFO(err);
  REQUIRE(analyze_message(text, knowledge(), AnalyzeOptions{}, &a, &err));
  return a;
}

}  // namespace

TEST_CASE("dialect more: Boxbe's DSN-shaped notice is challenge-response", "[dialect][more][kind]") {
  // shape of BounceParser boxbe-cr.msg: the only recipient block says 4.7.0
  const std::string msg =
      "From: noreply@boxbe.example.com\nTo: ana@example.org\nSubject: Re: hello\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain\n\nYour message has been waitlisted.\n\n"
      "--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; boxbe.example.com\nAction: failed\n\n"
      "Final-Recipient: rfc822; bo@example.net\nDiagnostic-Code: X-Boxbe-Notice; Sender not pre-approved.\n"
      "Status: 4.7.0\n\n--b1--\n";
  Analysis a = analyze(msg);
  REQUIRE(a.recipients.size() == 1);
  CHECK(a.kind == "challenge-response");
}

TEST_CASE("dialect more: a DSN naming a pipe command leaves the address to the text", "[dialect][more][dsn]") {
  // shape of sisimai lhost-exim-44: Exim's DSN writes the pipe command as Final-Recipient
  const std::string msg =
      "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\nTo: cy@example.net\n"
      "Subject: Mail delivery failed: returning message to sender\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b2\"\n\n"
      "--b2\nContent-Type: text/plain\n\n"
      "This message was created automatically by mail delivery software.\n\n"
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. This is a permanent error. The following address(es) failed:\n\n"
      "  pipe to |/usr/local/bin/prog dee@example.com /home/dee/.prog\n"
      "    generated by dee@example.com\n\n"
      "--b2\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
      "Action: failed\nFinal-Recipient: rfc822;|/usr/local/bin/prog dee@example.com /home/dee/.prog\n"
      "Status: 5.0.0\n\n--b2--\n";
  Analysis a = analyze(msg);
  REQUIRE(a.recipients.size() == 1);
  CHECK(a.recipients[0].address == "dee@example.com");
  CHECK(a.recipients[0].action == "failed");
}

TEST_CASE("dialect more: Amazon SES JSON bounce notification", "[dialect][more]") {
  const char* json =
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
      "\"bouncedRecipients\":[{\"emailAddress\":\"ana@example.org\",\"action\":\"failed\",\"status\":\"5.1.1\","
      "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"},{\"emailAddress\":\"bo@example.org\"}],"
      "\"timestamp\":\"2024-11-12T00:06:40.502Z\",\"reportingMTA\":\"dsn; a1-2.smtp-out.example.com\"},"
      "\"mail\":{\"destination\":[\"ana@example.org\",\"bo@example.org\"]}}\n";
  Run r = run(ses_json_detect, ses_json_parse, json, "AWS Notification Message", "SES <no-reply@sns.example.com>");
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 2);
  CHECK(r.facts.recipients[0].address == "ana@example.org");
  CHECK(r.facts.recipients[0].status == "5.1.1");
  CHECK(r.facts.recipients[0].reply_code == "550");
  CHECK(r.facts.recipients[0].diagnostic == "550 5.1.1 user unknown");
  CHECK(r.facts.recipients[1].action == "failed");
  CHECK(r.facts.recipients[1].status == "5.0.0");
  CHECK(r.facts.reporting_mta == "a1-2.smtp-out.example.com");
  // delivery and complaint notifications are not bounces; broken JSON gives nothing
  r = run(ses_json_detect, ses_json_parse, "{\"notificationType\":\"Delivery\",\"delivery\":{}}", "AWS Notification Message",
          "x");
  CHECK_FALSE(r.detected);
  r = run(ses_json_detect, ses_json_parse, "{\"notificationType\":\"Bounce\",\"bouncedRecipients\":[{\"emailAddress\":\"a",
          "AWS Notification Message", "x");
  CHECK_FALSE(r.parsed);
}

TEST_CASE("dialect more: Postfix smtpd error transcript names the RCPT TO", "[dialect][more]") {
  const char* text =
      "Transcript of session follows.\n\n Out: 220 mx.example.com ESMTP\n In:  EHLO client.example.net\n"
      " Out: 250 mx.example.com\n In:  MAIL FROM:<s@example.net>\n Out: 250 2.1.0 Ok\n"
      " In:  RCPT TO:<lu@example.com> ORCPT=rfc822;lu@example.com\n Out: 250 2.1.5 Ok\n In:  DATA\n"
      " Out: 354 End data with <CR><LF>.<CR><LF>\n Out: 451 4.3.0 Error: queue file write error\n";
  Run r = run(lead_phrase_detect, lead_phrase_parse, text, "Postfix SMTP server: errors from client.example.net",
              "MAILER-DAEMON@mx.example.com (Mail Delivery System)");
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  CHECK(r.facts.recipients[0].address == "lu@example.com");
  CHECK(r.facts.recipients[0].status == "4.3.0");
  CHECK(r.facts.recipients[0].reply_code == "451");
}

TEST_CASE("dialect more: no text part, the whole body is read", "[dialect][more]") {
  // shape of sisimai lhost-apachejames-01: the nested boundary is on an unfolded line, so no text part is found
  const char* whole =
      "From: post_master@example.com\nSubject: Re:Test\nContent-Type: multipart/mixed; boundary=\"p0\"\n\n"
      "--p0\nContent-Type: multipart/alternative;\nboundary=\"p1\"\n\n--p1\nContent-Type: text/plain\n\n"
      "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n\n"
      "Message details:\n  RCPT TO: mo@example.com\n--p1--\n--p0--\n";
  BounceText b;
  b.whole = whole;
  b.subject = "Re:Test";
  b.from = "post_master@example.com";
  REQUIRE(lead_phrase_detect(b));
  DialectFacts f;
  REQUIRE(lead_phrase_parse(b, &f));
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].address == "mo@example.com");
  CHECK(f.recipients[0].reply_code == "550");
}

TEST_CASE("dialect more: hostile input stays bounded", "[dialect][more]") {
  std::string many;
  for (int i = 0; i < 50000; ++i) many += "Failed Recipient: u" + std::to_string(i) + "@example.org\n";
  Run r = run(lead_phrase_detect, lead_phrase_parse, many, "Delivery Failure", "MAILER-DAEMON@example.com");
  REQUIRE(r.parsed);
  CHECK(r.facts.recipients.size() <= 1000);
  std::string one_line = "Failed Recipient: a@example.org " + std::string(200000, '5') + std::string(100000, ' ');
  r = run(lead_phrase_detect, lead_phrase_parse, one_line, "Delivery Failure", "MAILER-DAEMON@example.com");
  CHECK(r.parsed);
  std::string junk(100000, '{');
  r = run(ses_json_detect, ses_json_parse, "{\"notificationType\":\"Bounce\",\"bouncedRecipients\":[" + junk,
          "AWS Notification Message", "x");
  CHECK_FALSE(r.parsed);
}
