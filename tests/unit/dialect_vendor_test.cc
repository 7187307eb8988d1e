// dialect_vendor_test.cc - old Gmail, Lotus Domino/Notes and KDDI free-text
// bounces, plus hostile input. Fictitious texts quoting the vendors' fixed
// phrases only.
#include <catch2/catch.hpp>

#include "tests/unit/test_support.h"

#include <string>

#include "parsers/dialects/microsoft.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

using testing::with_endings;

using Run = testing::DialectRun;

Run run(bool (*detect)(const BounceText&), bool (*parse)(const BounceText&, DialectFacts*), std::string_view text,
        std::string_view subject, std::string_view from) {
  BounceText b;
  b.text = text;
  b.subject = subject;
  b.from = from;
  return testing::run_dialect(detect, parse, b);
}

constexpr std::string_view kGmailFrom = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>";

const char* kGmailPermanent =
    "Delivery to the following recipient failed permanently:\n\n"
    "     ana@example.org\n\n"
    "Technical details of permanent failure:\n"
    "Google tried to deliver your message, but it was rejected by the server for the recipient domain example.org "
    "by mx.example.org. [192.0.2.25].\n\n"
    "The error that the other server returned was:\n"
    "550 5.1.1 <ana@example.org>... User Unknown\n\n"
    "----- Original message -----\n\n"
    "Received: from [192.0.2.7] by mx.google.com with ESMTPSA id x1; Tue, 12 Nov 2024 09:15:02 -0800 (PST)\n"
    "Subject: hello\n\nbody\n";

}  // namespace

TEST_CASE("dialect vendor: old Gmail text", "[dialect][vendor]") {
  Run r = run(gmail_text_detect, gmail_text_parse, kGmailPermanent, "Delivery Status Notification (Failure)",
              kGmailFrom);
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  const Recipient& x = r.facts.recipients[0];
  CHECK(x.address == "ana@example.org");
  CHECK(x.action == "failed");
  CHECK(x.status == "5.1.1");
  CHECK(x.reply_code == "550");
  CHECK(x.remote_mta == "mx.example.org");
  REQUIRE(r.facts.original_offset != std::string_view::npos);
  CHECK(std::string_view(kGmailPermanent).substr(r.facts.original_offset).find("Received:") != std::string_view::npos);

  const char* delayed =
      "THIS IS A WARNING MESSAGE ONLY.\n\n"
      "Delivery to the following recipient has been delayed:\n\n     bo@example.net\n\n"
      "Message will be retried for 2 more day(s)\n\n"
      "Technical details of temporary failure:\n"
      "The recipient server did not accept our requests to connect.\n"
      "[example.net 203.0.113.5: socket error]\n\n----- Original message -----\n";
  Run d = run(gmail_text_detect, gmail_text_parse, delayed, "Delivery Status Notification (Delay)", kGmailFrom);
  REQUIRE(d.parsed);
  CHECK(d.facts.recipients[0].action == "delayed");
  CHECK(d.facts.recipients[0].status == "4.0.0");
  CHECK(d.facts.recipients[0].reply_code.empty());
  CHECK(d.facts.recipients[0].diagnostic.find("did not accept") != std::string::npos);

  // "554 554 5.7.1": the first reply code, the enhanced status after it
  const char* doubled =
      "Delivery to the following recipient failed permanently:\n\n     kim@example.com\n\n"
      "Technical details of permanent failure: \nGoogle tried to deliver your message, but it was rejected by the "
      "recipient domain. The error that the other server returned was: 554 554 5.7.1 Service unavailable\n";
  Run g = run(gmail_text_detect, gmail_text_parse, doubled, "Delivery Status Notification (Failure)", kGmailFrom);
  REQUIRE(g.parsed);
  CHECK(g.facts.recipients[0].reply_code == "554");
  CHECK(g.facts.recipients[0].status == "5.7.1");

  // a person quoting the phrase is not a bounce
  CHECK_FALSE(run(gmail_text_detect, gmail_text_parse, kGmailPermanent, "Re: odd message", "Ana <ana@example.org>")
                  .detected);
}

TEST_CASE("dialect vendor: Lotus Domino and Notes", "[dialect][vendor]") {
  const char* domino =
      "Your message\n\n  Subject: Report\n\nwas not delivered to:\n\n  lee@example.net\n\nbecause:\n\n"
      "  User Lee (lee@example.net) not listed in Domino Directory\n";
  Run d = run(domino_detect, domino_parse, domino, "DELIVERY FAILURE: User Lee (lee@example.net) not listed",
              "Postmaster@example.net");
  REQUIRE(d.parsed);
  REQUIRE(d.facts.recipients.size() == 1);
  CHECK(d.facts.recipients[0].address == "lee@example.net");
  CHECK(d.facts.recipients[0].status == "5.0.0");
  CHECK(d.facts.recipients[0].diagnostic == "User Lee (lee@example.net) not listed in Domino Directory");

  const char* notes =
      "------- Failure Reasons  --------\n\nUser  not listed in public Name & Address Book\nkai@example.com\n\n\n"
      "------- Returned Message --------\nReceived: from mx.example.com ([192.0.2.31]) by gw.example.com;\n"
      " Tue, 12 Nov 2024 09:15:02 +0900\nSubject: x\n\nbody\n";
  Run n = run(notes_detect, notes_parse, notes, "Undeliverable message", "POSTMASTER@gw.example.com");
  REQUIRE(n.parsed);
  REQUIRE(n.facts.recipients.size() == 1);
  CHECK(n.facts.recipients[0].address == "kai@example.com");
  CHECK(n.facts.recipients[0].diagnostic == "User  not listed in public Name & Address Book");
  CHECK(std::string_view(notes).substr(n.facts.original_offset).rfind("Received:", 0) == 0);

  CHECK_FALSE(run(domino_detect, domino_parse, "was not delivered to: nobody\n", "Hi", "a@example.com").detected);
}

TEST_CASE("dialect vendor: KDDI au one net and ezweb", "[dialect][vendor]") {
  const char* au =
      "Your mail sent on: Tue, 12 Nov 2024 09:15:02 +0900\n"
      "     Could not be delivered to: <mio@x0000.dion.ne.jp>\n"
      "     As their mailbox is full.\n";
  Run a = run(kddi_detect, kddi_parse, au, "Mail", "no-reply@x0000.dion.ne.jp");
  REQUIRE(a.parsed);
  CHECK(a.facts.recipients[0].address == "mio@x0000.dion.ne.jp");
  CHECK(a.facts.recipients[0].diagnostic == "As their mailbox is full.");

  // ISO-2022-JP Japanese line first (ESC $ B ... ESC ( B), then the English one
  std::string ez =
      "\x1b$B%a!<%k$rAw?.$G$-$^$;$s$G$7$?\x1b(B\n\nYour message was not delivered within 0 days and 1 hours.\n"
      "Remote host is not responding.\n\nThe following recipients did not receive this message:\n\n"
      "<ren@ezweb.ne.jp>\n";
  Run e = run(kddi_detect, kddi_parse, ez, "Mail System Error - Returned Mail", "<Postmaster@ezweb.ne.jp>");
  REQUIRE(e.parsed);
  CHECK(e.facts.recipients[0].address == "ren@ezweb.ne.jp");
  CHECK(e.facts.recipients[0].action == "delayed");
  CHECK(e.facts.recipients[0].diagnostic.find("Remote host is not responding.") != std::string::npos);
  CHECK(e.facts.recipients[0].diagnostic.find('\x1b') == std::string::npos);

  const char* rejected =
      "Each of the following recipients was rejected by a remote\nmail server.\n\n"
      "    Recipient: <sam@example.com>\n    >>> MAIL FROM:<ren@ezweb.ne.jp>\n    <<< 550 5.7.1 Blocked\n";
  Run x = run(kddi_detect, kddi_parse, rejected, "Mail System Error - Returned Mail", "<Postmaster@ezweb.ne.jp>");
  REQUIRE(x.parsed);
  CHECK(x.facts.recipients[0].address == "sam@example.com");
  CHECK(x.facts.recipients[0].reply_code == "550");
  CHECK(x.facts.recipients[0].status == "5.7.1");

  // not from KDDI: declined
  CHECK_FALSE(run(kddi_detect, kddi_parse, au, "Mail", "someone@example.com").detected);
}

TEST_CASE("dialect vendor: hostile input", "[dialect][vendor]") {
  CHECK_FALSE(run(gmail_text_detect, gmail_text_parse, "", "Delivery Status Notification", kGmailFrom).detected);
  Run m = run(gmail_text_detect, gmail_text_parse, "Delivery to the following recipient failed permanently:",
              "Delivery Status Notification", kGmailFrom);
  CHECK(m.detected);
  CHECK_FALSE(m.parsed);
  CHECK_FALSE(run(notes_detect, notes_parse, "------- Failure Reasons", "x", "postmaster@example.com").parsed);
  CHECK_FALSE(run(domino_detect, domino_parse, "was not delivered to:\nbecause:", "DELIVERY FAILURE", "p@example.com")
                  .parsed);
  for (std::string_view eol : {"\r\n", "\r"}) {
    std::string t = with_endings(kGmailPermanent, eol);
    Run r = run(gmail_text_detect, gmail_text_parse, t, "Delivery Status Notification (Failure)", kGmailFrom);
    REQUIRE(r.parsed);
    CHECK(r.facts.recipients[0].status == "5.1.1");
    CHECK(r.facts.recipients[0].reply_code == "550");
  }
  // no trailing newline
  std::string cut(kGmailPermanent);
  cut = cut.substr(0, cut.find("\n\n----- Original"));
  Run c = run(gmail_text_detect, gmail_text_parse, cut, "Delivery Status Notification (Failure)", kGmailFrom);
  REQUIRE(c.parsed);
  CHECK(c.facts.recipients[0].status == "5.1.1");
  // thousands of lines
  std::string big = "Delivery to the following recipient failed permanently:\n\n";
  for (int i = 0; i < 3000; ++i) big += "     u" + std::to_string(i) + "@example.com\n";
  big += "\nTechnical details of permanent failure:\n";
  for (int i = 0; i < 10000; ++i) big += "filler line\n";
  Run b = run(gmail_text_detect, gmail_text_parse, big, "Delivery Status Notification (Failure)", kGmailFrom);
  REQUIRE(b.parsed);
  CHECK(b.facts.recipients.size() == 1000);
  CHECK(b.facts.recipients[0].diagnostic.size() <= 2000);
}
