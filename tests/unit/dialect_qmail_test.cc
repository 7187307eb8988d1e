// dialect_qmail_test.cc - qmail and qmail-style bounces on small fictitious
// texts (example.* domains, documentation IPs) quoting each real opening.
#include <catch2/catch.hpp>

#include "tests/unit/test_support.h"

#include <string>
#include <vector>

#include "parsers/dialects/qmail.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

using testing::with_endings;

struct Expect {
  std::string address, action, status, reply, remote;
};

struct Case {
  const char* name;
  const char* text;
  std::vector<Expect> want;
  const char* reporting_mta;
  const char* original_starts;  ///< text at original_offset ("" = none)
};

const Case kCases[] = {
    {"qmail-send",
     "Hi. This is the qmail-send program at mail.example.net.\n"
     "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
     "This is a permanent error; I've given up. Sorry it didn't work out.\n"
     "\n"
     "<ana@example.org>:\n"
     "198.51.100.9 does not like recipient.\n"
     "Remote host said: 550 5.1.1 <ana@example.org>: Recipient address rejected\n"
     "Giving up on 198.51.100.9.\n"
     "\n"
     "--- Below this line is a copy of the message.\n"
     "\n"
     "Return-Path: <s@example.com>\n",
     {{"ana@example.org", "failed", "5.1.1", "550", "198.51.100.9"}},
     "mail.example.net",
     "\nReturn-Path: <s@example.com>"},
    {"qmail remote host said inside the text",
     "Hi. This is the qmail-send program at mx4.example.jp.\n"
     "This is a permanent error; I've given up. Sorry it didn't work out.\n"
     "\n"
     "<kim@example.net>:\n"
     "Sorry, no SMTP connection got far enough; most progress was RCPT TO response; remote host 192.0.2.32 "
     "said: 550 Unknown user kim@example.net\n"
     ". (#5.5.0)\n",
     {{"kim@example.net", "failed", "5.5.0", "550", "192.0.2.32"}},
     "mx4.example.jp",
     ""},
    {"Yahoo: Sorry, we were unable to deliver",
     "Sorry, we were unable to deliver your message to the following address.\n"
     "\n"
     "<kim@example.ed.jp>:\n"
     "Remote host said: 550 5.2.2 <kim@example.ed.jp>... Mailbox Full [RCPT_TO]\n"
     "\n"
     "--- Below this line is a copy of the message.\n"
     "\n"
     "Received: from [192.0.2.1] by mx.example.com with NNFMP; 21 Nov 2014 22:23:29 -0000\n",
     {{"kim@example.ed.jp", "failed", "5.2.2", "550", ""}},
     "",
     "\nReceived: from [192.0.2.1]"},
    {"Yahoo: 550: code with a colon",
     "Sorry, we were unable to deliver your message to the following address.\n"
     "\n"
     "<full@example.org>:\n"
     "550: 5.2.2 <full@example.org>... Mailbox Full\n",
     {{"full@example.org", "failed", "5.2.2", "550", ""}},
     "",
     ""},
    {"Message from HOST / Original message follows, several blocks",
     "Message from example.com.\n"
     "Unable to deliver message to the following address(es).\n"
     "\n"
     "<a1@example.com>:\n"
     "This user doesn't have a example.com account (a1@example.com) [0]\n"
     "\n"
     "<a2@example.com>:\n"
     "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n"
     "I'm not going to try again; this message has been in the queue too long.\n"
     "\n"
     "--- Original message follows.\n"
     "\n"
     "Subject: hi\n",
     {{"a1@example.com", "failed", "5.0.0", "", ""}, {"a2@example.com", "failed", "4.4.1", "", ""}},
     "example.com",
     "\nSubject: hi"},
    {"MessageLabs opening",
     "This is the mail delivery agent at messagelabs.example.com.\n"
     "I was not able to deliver your message to the following addresses.\n"
     "\n"
     "<u@example.au>:\n"
     "192.0.2.7 does not like recipient.\n"
     "Remote host said: 550 u@example.au... No such user\n"
     "\n"
     "--- Below this line is a copy of the message.\n",
     {{"u@example.au", "failed", "5.0.0", "550", "192.0.2.7"}},
     "messagelabs.example.com",
     ""},
    {"unknown opening, address block + copy marker",
     "He/Her is not a user here.\n"
     "\n"
     "<u@example.jp>:\n"
     "Sorry, no mailbox here by that name. vpopmail (#5.1.1)\n"
     "\n"
     "---Below this line is a copy of the message.\n",
     {{"u@example.jp", "failed", "5.1.1", "", ""}},
     "",
     ""},
};

}  // namespace

TEST_CASE("dialect qmail: real forms, LF / CRLF / CR endings", "[dialect]") {
  for (const Case& c : kCases) {
    for (std::string_view eol : {std::string_view("\n"), std::string_view("\r\n"), std::string_view("\r")}) {
      std::string text = with_endings(c.text, eol);
      BounceText b;
      b.text = text;
      INFO(c.name << " eol=" << (eol == "\n" ? "LF" : eol == "\r\n" ? "CRLF" : "CR"));
      REQUIRE(qmail_detect(b));
      DialectFacts f;
      REQUIRE(qmail_parse(b, &f));
      REQUIRE(f.recipients.size() == c.want.size());
      for (std::size_t i = 0; i < c.want.size(); ++i) {
        const Recipient& r = f.recipients[i];
        CHECK(r.address == c.want[i].address);
        CHECK(r.action == c.want[i].action);
        CHECK(r.status == c.want[i].status);
        CHECK(r.reply_code == c.want[i].reply);
        CHECK(r.remote_mta == c.want[i].remote);
      }
      CHECK(f.reporting_mta == c.reporting_mta);
      std::string_view want_orig = c.original_starts;
      if (!want_orig.empty()) {
        REQUIRE(f.original_offset < text.size());
        std::string w = with_endings(want_orig, eol);
        CHECK(std::string_view(text).substr(f.original_offset, w.size()) == w);
      }
    }
  }
}

TEST_CASE("dialect qmail: not detected without a block or without opening and marker", "[dialect]") {
  const char* texts[] = {
      "",
      "\r\r\r",
      "--- Below this line is a copy of the message.",
      "<ana@example.org>:\nsome text\n",                              // block, no opening, no marker
      "Dear user,\n--- Below this line is a copy of the message.\n<ana@example.org>:\n",  // marker before block
      "Sorry, we were unable to deliver your message to the following address.\n<not an address>:\n",
  };
  for (const char* t : texts) {
    BounceText b;
    b.text = t;
    INFO(t);
    CHECK_FALSE(qmail_detect(b));
  }
}

TEST_CASE("dialect qmail: hostile input", "[dialect]") {
  SECTION("banner only, no trailing newline") {
    BounceText b;
    b.text = "Hi. This is the qmail-send program at ";
    REQUIRE(qmail_detect(b));
    DialectFacts f;
    CHECK_FALSE(qmail_parse(b, &f));
  }
  SECTION("block without trailing newline") {
    BounceText b;
    b.text = "Unable to deliver message to the following address(es).\n<a@example.org>:\n550 5.1.1 gone";
    REQUIRE(qmail_detect(b));
    DialectFacts f;
    REQUIRE(qmail_parse(b, &f));
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].status == "5.1.1");
  }
  SECTION("a rule of dashes only is not a copy marker (fuzzer: substr(npos) threw)") {
    // tests/regressions/analyze-qmail-dash-rule.bin, as a unit: "-----" once
    // made is_copy_marker() call substr(npos) and throw std::out_of_range.
    for (const char* t : {"i\n<a@example.org>:\n-----", "i\n<a@example.org>:\n-----\n", "i\n<a@example.org>:\n---   \n"}) {
      INFO(t);
      BounceText b;
      b.text = t;
      DialectFacts f;
      CHECK_NOTHROW(qmail_parse(b, &f));
    }
  }
  SECTION("thousands of blocks are capped") {
    std::string text = "Unable to deliver message to the following address(es).\n";
    for (int i = 0; i < 12000; ++i) text += "<u" + std::to_string(i) + "@example.org>:\nUser unknown\n\n";
    text += "--- Original message follows.\n";
    BounceText b;
    b.text = text;
    REQUIRE(qmail_detect(b));
    DialectFacts f;
    REQUIRE(qmail_parse(b, &f));
    CHECK(f.recipients.size() == 10000);
    CHECK(f.original_offset == text.size());
  }
}
