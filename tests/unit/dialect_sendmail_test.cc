// dialect_sendmail_test.cc - Sendmail, DragonFly, OpenSMTPD, Postfix-text and
// IMail free-text readers on small fictitious texts (example.* domains,
// documentation IPs) that quote each real form.
#include <catch2/catch.hpp>

#include "tests/unit/test_support.h"

#include <string>
#include <vector>

#include "parsers/dialects/sendmail.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

using testing::with_endings;

struct Expect {
  std::string address, action, status, reply, remote;
};

struct Case {
  const char* name;
  bool (*detect)(const BounceText&);
  bool (*parse)(const BounceText&, DialectFacts*);
  const char* text;
  std::vector<Expect> want;
  const char* reporting_mta;
  const char* original_starts;  ///< text at original_offset ("" = none)
};

const Case kCases[] = {
    {"sendmail classic list + transcript", sendmail_detect, sendmail_parse,
     "The original message was received at Tue, 12 Nov 2024 09:15:00 +0000\n"
     "from client.example.com [192.0.2.7]\n"
     "\n"
     "   ----- The following addresses had permanent fatal errors -----\n"
     "<carol@example.org>\n"
     "    (reason: 550 5.1.1 <carol@example.org>... User unknown)\n"
     "\n"
     "   ----- Transcript of session follows -----\n"
     "... while talking to mx.example.org.:\n"
     ">>> RCPT To:<carol@example.org>\n"
     "<<< 550 5.1.1 <carol@example.org>... User unknown\n"
     "550 5.1.1 <carol@example.org>... User unknown\n"
     "\n"
     "   ----- Original message follows -----\n"
     "Received: from client.example.com\n",
     {{"carol@example.org", "failed", "5.1.1", "550", "mx.example.org"}},
     "",
     "Received: from client.example.com"},
    {"V5 sendmail transcript only, remote reply wins over the exit line", sendmail_detect, sendmail_parse,
     "   ----- Transcript of session follows -----\n"
     "While talking to mail.example.edu:\n"
     ">>> MAIL From:<sender@example.com>\n"
     "<<< 501 <sender@example.com>... no access from mail server\n"
     "554 <kim@example.edu>... Remote protocol error\n"
     "550 example.net (smtp)... 550 Host unknown\n"
     "554 <lee@example.net>... 550 Host unknown (Authoritative answer from name server)\n"
     "250 example.info (smtp)... 250 Deferred\n"
     "\n"
     "   ----- Unsent message follows -----\n"
     "From: sender@example.com\n",
     {{"kim@example.edu", "failed", "5.0.0", "501", "mail.example.edu"},
      {"lee@example.net", "failed", "5.0.0", "550", ""}},
     "",
     "From: sender@example.com"},
    {"Active!Hunter >>> list line and unaddressed transcript", sendmail_detect, sendmail_parse,
     "  ----- The following addresses had permanent fatal errors -----\n"
     "\n"
     ">>> kim@example.org <kim@example.org>\n"
     "\n"
     "  ----- Transcript of session follows -----\n"
     "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)\n",
     {{"kim@example.org", "failed", "5.1.1", "550", ""}},
     "",
     ""},
    {"sendmail delay warning", sendmail_detect, sendmail_parse,
     "**********************************************\n"
     "**      THIS IS A WARNING MESSAGE ONLY      **\n"
     "**********************************************\n"
     "\n"
     "   ----- The following addresses had transient non-fatal errors -----\n"
     "<dora@example.net>\n"
     "\n"
     "   ----- Transcript of session follows -----\n"
     "<dora@example.net>... Deferred: Connection timed out with mx.example.net.\n"
     "Warning: could not send message for past 4 hours\n",
     {{"dora@example.net", "delayed", "", "", ""}},
     "",
     ""},
    {"sendmail forwarded with > quoting", sendmail_detect, sendmail_parse,
     "Begin forwarded message:\n"
     "> From: Mail Delivery Subsystem <MAILER-DAEMON>\n"
     ">\n"
     ">    ----- The following addresses had permanent fatal errors -----\n"
     "> <kim@example.com>\n"
     ">     (reason: 550 5.1.1 <kim@example.com>... User unknown)\n"
     ">\n",
     {{"kim@example.com", "failed", "5.1.1", "550", ""}},
     "",
     ""},
    {"BIGLOBE delivery problems", sendmail_detect, sendmail_parse,
     "   ----- The following addresses had delivery problems -----\n"
     "ana@example.jp\n"
     "\n"
     "   ----- Non-delivered information -----\n"
     "The number of messages in recipient's mailbox exceeded the local limit.\n",
     {{"ana@example.jp", "failed", "", "", ""}},
     "",
     ""},
    {"DragonFly multi-line reply", dma_detect, dma_parse,
     "This is the DragonFly Mail Agent v0.13 at df.example.jp.\n"
     "\n"
     "There was an error delivering your mail to <ana@example.com>.\n"
     "\n"
     "mx.example.com [192.0.2.27] did not like our final DATA:\n"
     "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's\n"
     "550 5.7.26 DMARC policy.\n"
     "\n"
     "Message headers follow.\n"
     "\n"
     "Received: from root (uid 0)\n",
     {{"ana@example.com", "failed", "5.7.26", "550", "mx.example.com"}},
     "df.example.jp",
     "\nReceived: from root (uid 0)"},
    {"DragonFly DNS failure", dma_detect, dma_parse,
     "This is the DragonFly Mail Agent v0.13 at df.example.jp.\n"
     "There was an error delivering your mail to <postmaster@cx.example.org>.\n"
     "DNS lookup failure: host cx.example.org not found\n",
     {{"postmaster@cx.example.org", "failed", "", "", ""}},
     "df.example.jp",
     ""},
    {"OpenSMTPD recipients list", opensmtpd_detect, opensmtpd_parse,
     "    Hi!\n"
     "\n"
     "    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n"
     "    An error has occurred while attempting to deliver a message for\n"
     "    the following list of recipients:\n"
     "\n"
     "full@example.jp: 550 5.2.2 <full@example.jp>... Mailbox Full\n"
     "gone@example.jp: Domain does not exist\n"
     "\n"
     "    Below is a copy of the original message:\n"
     "\n"
     "Subject: test\n",
     {{"full@example.jp", "failed", "5.2.2", "550", ""}, {"gone@example.jp", "failed", "", "", ""}},
     "",
     "\nSubject: test"},
    {"OpenSMTPD delay", opensmtpd_detect, opensmtpd_parse,
     "    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n"
     "    A message is delayed for more than 4 hours for the following\n"
     "    list of recipients:\n"
     "\n"
     "late@example.org: Envelope expired\n",
     {{"late@example.org", "delayed", "", "", ""}},
     "",
     ""},
    {"Postfix text-only", postfix_text_detect, postfix_text_parse,
     "This is the Postfix program at host relay.example.net.\n"
     "\n"
     "I'm sorry to have to inform you that the message returned\n"
     "below could not be delivered to one or more destinations.\n"
     "\n"
     "<bob@example.org>: host mx.example.org[192.0.2.14] said: 550 5.1.1\n"
     "    <bob@example.org>... User unknown (in reply to RCPT TO command)\n"
     "\n"
     "<eve@example.org>: Name service error for domain example.org: Host not found\n",
     {{"bob@example.org", "failed", "5.1.1", "550", "mx.example.org"}, {"eve@example.org", "failed", "", "", ""}},
     "relay.example.net",
     ""},
    {"Postfix delay warning with inline DSN fields", postfix_text_detect, postfix_text_parse,
     "This is the mail system at host smtp.example.org.\n"
     "\n"
     "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
     "\n"
     "<kim@example.com>: connect to\n"
     "    mx.example.com[192.0.2.2]:25: No route to host\n"
     "\n"
     "Reporting-MTA: dns; smtp.example.org\n"
     "\n"
     "Final-Recipient: rfc822; kim@example.com\n"
     "Action: delayed\n"
     "Status: 4.4.1\n",
     {{"kim@example.com", "delayed", "4.4.1", "", ""}},
     "smtp.example.org",
     ""},
    {"IMail / SMTP32", imail_detect, imail_parse,
     "Unknown user: one@example.net\n"
     "\n"
     "RCPT TO generated following response:\n"
     "553 5.3.0 <one@example.net>... Addressee unknown, relay=[192.0.2.10]\n"
     "\n"
     "Delivery failed 20 attempts: two@example.net\n"
     "undeliverable  to three@example.net\n"
     "\n"
     "Original message follows.\n"
     "\n"
     "Subject: hi\n",
     {{"one@example.net", "failed", "5.3.0", "553", ""},
      {"two@example.net", "failed", "", "", ""},
      {"three@example.net", "failed", "", "", ""}},
     "",
     "\nSubject: hi"},
};

void check_case(const Case& c, std::string_view eol) {
  std::string text = with_endings(c.text, eol);
  BounceText b;
  b.text = text;
  INFO(c.name << " eol=" << (eol == "\n" ? "LF" : eol == "\r\n" ? "CRLF" : "CR"));
  REQUIRE(c.detect(b));
  DialectFacts f;
  REQUIRE(c.parse(b, &f));
  REQUIRE(f.recipients.size() == c.want.size());
  for (std::size_t i = 0; i < c.want.size(); ++i) {
    const Recipient& r = f.recipients[i];
    const Expect& e = c.want[i];
    CHECK(r.address == e.address);
    CHECK(r.action == e.action);
    CHECK(r.status == e.status);
    CHECK(r.reply_code == e.reply);
    CHECK(r.remote_mta == e.remote);
    CHECK_FALSE((r.diagnostic.empty() && !e.status.empty()));
  }
  CHECK(f.reporting_mta == c.reporting_mta);
  std::string_view want_orig = c.original_starts;
  if (want_orig.empty()) {
    CHECK(f.original_offset == std::string_view::npos);
  } else {
    REQUIRE(f.original_offset < text.size());
    std::string w = with_endings(want_orig, eol);
    CHECK(std::string_view(text).substr(f.original_offset, w.size()) == w);
  }
}

}  // namespace

TEST_CASE("dialect sendmail: real forms, LF / CRLF / CR endings", "[dialect]") {
  for (const Case& c : kCases)
    for (std::string_view eol : {std::string_view("\n"), std::string_view("\r\n"), std::string_view("\r")})
      check_case(c, eol);
}

TEST_CASE("dialect sendmail: no trailing newline", "[dialect]") {
  std::string text =
      "   ----- Transcript of session follows -----\n"
      "550 5.1.1 <kim@example.org>... User unknown";
  BounceText b;
  b.text = text;
  REQUIRE(sendmail_detect(b));
  DialectFacts f;
  REQUIRE(sendmail_parse(b, &f));
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].status == "5.1.1");
  CHECK(f.recipients[0].reply_code == "550");
}

TEST_CASE("dialect sendmail: hostile input is refused or bounded", "[dialect]") {
  const char* texts[] = {
      "",
      "\n\n\n",
      "   ----- Transcript of session follows -----",
      "   ----- The following addresses had permanent fatal errors -----\n",
      "   ----- The following addresses had permanent fatal errors -----\n<>\n<@>\n(reason: 550)\n",
      "This is the DragonFly Mail Agent v0.13 at .\nThere was an error delivering your mail to <>.\n",
      "This is the MAILER-DAEMON\nlist of recipients:\n: : :\n",
      "This is the Postfix program at host \n<>: \n",
      "Unknown user: \nOriginal message follows.",
      ">>>\n<<<\n",
  };
  for (const char* t : texts) {
    BounceText b;
    b.text = t;
    DialectFacts f;
    INFO(t);
    if (sendmail_detect(b)) CHECK_FALSE(sendmail_parse(b, &f));
    if (dma_detect(b)) CHECK_FALSE(dma_parse(b, &f));
    if (opensmtpd_detect(b)) CHECK_FALSE(opensmtpd_parse(b, &f));
    if (postfix_text_detect(b)) CHECK_FALSE(postfix_text_parse(b, &f));
    if (imail_detect(b)) CHECK_FALSE(imail_parse(b, &f));
  }
}

TEST_CASE("dialect sendmail: thousands of addresses stay bounded", "[dialect]") {
  std::string text = "   ----- The following addresses had permanent fatal errors -----\n";
  for (int i = 0; i < 12000; ++i) text += "<u" + std::to_string(i) + "@example.org>\n";
  text += "\n   ----- Transcript of session follows -----\n";
  for (int i = 0; i < 3000; ++i) text += "550 5.1.1 <u" + std::to_string(i) + "@example.org>... User unknown\n";
  BounceText b;
  b.text = text;
  REQUIRE(sendmail_detect(b));
  DialectFacts f;
  REQUIRE(sendmail_parse(b, &f));
  CHECK(f.recipients.size() == 10000);
  CHECK(f.recipients[2999].status == "5.1.1");
  CHECK(f.recipients[5000].status.empty());
}

TEST_CASE("dialect sendmail: detection does not fire on other texts", "[dialect]") {
  const char* texts[] = {
      "This is the mail system at host mx.example.net.\n",  // Postfix: postfix-text, not sendmail
      "Transcript of session follows.\n Out: 220 mx.example.net ESMTP\n",  // Postfix SMTP server notice
      "Hi. This is the qmail-send program at mail.example.net.\n",
  };
  BounceText b;
  b.text = texts[0];
  CHECK_FALSE(sendmail_detect(b));
  CHECK(postfix_text_detect(b));
  b.text = texts[1];
  CHECK_FALSE(sendmail_detect(b));
  b.text = texts[2];
  CHECK_FALSE(sendmail_detect(b));
  CHECK_FALSE(dma_detect(b));
  CHECK_FALSE(opensmtpd_detect(b));
  CHECK_FALSE(imail_detect(b));
}

TEST_CASE("dialect sendmail: a forwarded copy keeps the inline DSN's Status", "[dialect]") {
  // shape of sisimai make-test-36: "Begin forwarded message:" and every line
  // quoted; the list gives a reply without an enhanced code, the inline DSN
  // fields give Status 5.2.0 (better than 5.0.0 from the reply code)
  const std::string text =
      "Begin forwarded message:\n"
      "\n"
      "> The original message was received at Thu, 16 Apr 2009 17:26:31 +0900\n"
      ">\n"
      ">    ----- The following addresses had permanent fatal errors -----\n"
      "> <kim@example.jp>\n"
      ">     (reason: 550 Unknown user kim@example.jp)\n"
      ">\n"
      ">    ----- Transcript of session follows -----\n"
      "> ... while talking to mx.example.jp.:\n"
      "> >>> DATA\n"
      "> <<< 550 Unknown user kim@example.jp\n"
      "> 554 5.0.0 Service unavailable\n"
      "> Reporting-MTA: dns; smtp.example.net\n"
      ">\n"
      "> Final-Recipient: RFC822; kim@example.jp\n"
      "> Action: failed\n"
      "> Status: 5.2.0\n"
      "> Diagnostic-Code: SMTP; 550 Unknown user kim@example.jp\n";
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    const std::string t = with_endings(text, eol);
    BounceText b;
    b.text = t;
    testing::DialectRun run = testing::run_dialect(sendmail_detect, sendmail_parse, b);
    REQUIRE(run.detected);
    REQUIRE(run.parsed);
    const DialectFacts& f = run.facts;
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].address == "kim@example.jp");
    CHECK(f.recipients[0].status == "5.2.0");
    CHECK(f.recipients[0].reply_code == "550");
  }
}

TEST_CASE("dialect postfix text: an indented <addr>: line continues the block", "[dialect]") {
  // shape of sisimai lhost-postfix-07: the server's reply quotes the address
  const std::string text =
      "This is the Postfix program at host smtp.example.jp.\n"
      "\n"
      "<kim@example.or.jp>: host\n"
      "    mx.example.or.jp[192.0.2.22] said: 550\n"
      "    <kim@example.or.jp>: User unknown\n"
      "\n";
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    const std::string t = with_endings(text, eol);
    BounceText b;
    b.text = t;
    testing::DialectRun run = testing::run_dialect(postfix_text_detect, postfix_text_parse, b);
    REQUIRE(run.detected);
    REQUIRE(run.parsed);
    const DialectFacts& f = run.facts;
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].reply_code == "550");
    CHECK(f.recipients[0].diagnostic.find("User unknown") != std::string::npos);
  }
}

TEST_CASE("dialect sendmail: a multi-line reply to DATA replaces its first line", "[dialect]") {
  // shape of sisimai lhost-sendmail-34: "(reason: ...)" keeps the first line
  // only; the transcript has all of Google's "<<< 552-5.7.0" lines
  const std::string text =
      "   ----- The following addresses had permanent fatal errors -----\n"
      "kim@example.com\n"
      "    (reason: 552-5.7.0 This message was blocked because its content presents a potential)\n"
      "\n"
      "   ----- Transcript of session follows -----\n"
      "... while talking to mx.example.com.:\n"
      ">>> DATA\n"
      "<<< 552-5.7.0 This message was blocked because its content presents a potential\n"
      "<<< 552-5.7.0 security issue. Please visit\n"
      "<<< 552 5.7.0 our guidelines. x1 - gsmtp\n"
      "554 5.0.0 Service unavailable\n";
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    const std::string t = with_endings(text, eol);
    BounceText b;
    b.text = t;
    testing::DialectRun run = testing::run_dialect(sendmail_detect, sendmail_parse, b);
    REQUIRE(run.detected);
    REQUIRE(run.parsed);
    const DialectFacts& f = run.facts;
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].diagnostic.find("security issue") != std::string::npos);
    CHECK(f.recipients[0].diagnostic.find("gsmtp") != std::string::npos);
    CHECK(f.recipients[0].status == "5.7.0");
  }
}
