// dialect_exim_test.cc - Exim-style free-text bounces and Zoho's forms.
//
// Every text here is written for this test (example.* domains, documentation
// addresses); each quotes the layout of one real form the reader handles.
#include <catch2/catch.hpp>

#include <string>

#include "parsers/dialects/exim.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

struct Expect {
  std::string address, action, status, reply, remote;
};

DialectFacts run_exim(const std::string& text, std::string_view subject = "Mail delivery failed: returning message to sender") {
  BounceText b;
  b.text = text;
  b.subject = subject;
  DialectFacts f;
  if (exim_detect(b)) exim_parse(b, &f);
  return f;
}

const char* kIntro =
    "This message was created automatically by mail delivery software.\n"
    "\n"
    "A message that you sent could not be delivered to one or more of its\n"
    "recipients. This is a permanent error. The following address(es) failed:\n"
    "\n";

}  // namespace

TEST_CASE("dialect exim: one recipient per layout", "[dialect][exim]") {
  struct Row {
    const char* name;
    std::string body;
    Expect e;
  };
  const Row rows[] = {
      {"host and reply on one line",
       "  ana@example.org\n"
       "    SMTP error from remote mail server after RCPT TO:<ana@example.org>:\n"
       "    host mx.example.org [192.0.2.1]: 550 5.1.1 <ana@example.org>... User unknown\n",
       {"ana@example.org", "failed", "5.1.1", "550", "mx.example.org"}},
      {"host line first, reply on its own line",
       "  ana@example.org\n"
       "    host mx2.example.org [192.0.2.2]\n"
       "    SMTP error from remote mail server after MAIL FROM:<s@example.net> SIZE=1024:\n"
       "    554 5.7.1 Reverse DNS failed.\n",
       {"ana@example.org", "failed", "5.7.1", "554", "mx2.example.org"}},
      {"old Exim: every part on its own line",
       "  ana@example.org:\n"
       "    SMTP error from remote mailer after RCPT TO:\n"
       "    <ana@example.org>:\n"
       "    host mx3.example.org [192.0.2.3]:\n"
       "    553 5.1.1 unknown or illegal user:\n"
       "    ana@example.org\n",
       {"ana@example.org", "failed", "5.1.1", "553", "mx3.example.org"}},
      {"all on one line",
       "  ana@example.org\n"
       "    SMTP error from remote mail server after RCPT TO:<ana@example.org>: host mx4.example.org "
       "[192.0.2.4]: 550 5.2.1 Mailbox disabled\n",
       {"ana@example.org", "failed", "5.2.1", "550", "mx4.example.org"}},
      {"reply without enhanced status: the reply's class",
       "  ana@example.org\n"
       "    host mx.example.org [192.0.2.1]\n"
       "    SMTP error from remote mail server after end of data:\n"
       "    550 Rejected\n",
       {"ana@example.org", "failed", "5.0.0", "550", "mx.example.org"}},
      {"multi-line reply",
       "  ana@example.org\n"
       "    host mx.example.org [192.0.2.1]\n"
       "    SMTP error from remote mail server after end of data:\n"
       "    550-5.7.1 [192.0.2.9] Our system has detected that this message is\n"
       "    550 5.7.1 likely unsolicited mail.\n",
       {"ana@example.org", "failed", "5.7.1", "550", "mx.example.org"}},
      {"local error, no SMTP",
       "  ana@example.org\n"
       "    an MX or SRV record indicated no SMTP service\n",
       {"ana@example.org", "failed", "5.0.0", "", ""}},  // no code: a permanent error's class
      {"MXLogic: reply on the address line",
       "  <ana@example.org>: 550 5.1.1 <ana@example.org>: Recipient address rejected\n",
       {"ana@example.org", "failed", "5.1.1", "550", ""}},
      {"malformed address: the one in brackets",
       "  ana@example.org <bo@example.net>: malformed address: <bo@example.net> may not follow ana@example.org\n",
       {"bo@example.net", "failed", "5.0.0", "", ""}},
      {"undisclosed address generated from an alias",
       "  an undisclosed address\n"
       "    (generated from ana@example.org)\n",
       {"ana@example.org", "failed", "5.0.0", "", ""}},
      {"GMX: quoted address, unindented diagnostic",
       "\"ana@example.org\":\n"
       "SMTP error from remote server after RCPT command:\n"
       "host: mx.example.org\n"
       "5.2.2 <ana@example.org>... Mailbox Full\n",
       {"ana@example.org", "failed", "5.2.2", "", "mx.example.org"}},
      {"1&1: host and reason on one line",
       "ana@example.org\n"
       "\n"
       "For the following reason:\n"
       "\n"
       "SMTP error from remote server for TEXT command, host: smtp.example.fr (192.0.2.9) reason: 550 5.2.0 Mail rejected\n",
       {"ana@example.org", "failed", "5.2.0", "550", "smtp.example.fr"}},
  };
  for (const Row& r : rows) {
    SECTION(r.name) {
      DialectFacts f = run_exim(std::string(kIntro) + r.body + "\n------ This is a copy of the message, including all the headers. ------\n\nFrom: a@example.net\n");
      REQUIRE(f.recipients.size() == 1);
      const Recipient& got = f.recipients[0];
      CHECK(got.address == r.e.address);
      CHECK(got.action == r.e.action);
      CHECK(got.status == r.e.status);
      CHECK(got.reply_code == r.e.reply);
      CHECK(got.remote_mta == r.e.remote);
      if (!r.e.reply.empty()) CHECK_FALSE(got.diagnostic.empty());
    }
  }
}

TEST_CASE("dialect exim: diagnostic is unfolded, copy offset after the marker", "[dialect][exim]") {
  std::string t = std::string(kIntro) +
                  "  ana@example.org\n"
                  "    SMTP error from remote mail server after RCPT TO:<ana@example.org>:\n"
                  "    host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown\n"
                  "\n"
                  "------ This is a copy of the message, including all the headers. ------\n"
                  "\n"
                  "Return-path: <a@example.net>\n";
  DialectFacts f = run_exim(t);
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].diagnostic ==
        "SMTP error from remote mail server after RCPT TO:<ana@example.org>: host mx.example.org [192.0.2.1]: 550 "
        "5.1.1 User unknown");
  REQUIRE(f.original_offset != std::string_view::npos);
  CHECK(t.substr(f.original_offset).find("Return-path:") != std::string::npos);
  CHECK(t.substr(f.original_offset).find("------") == std::string::npos);
}

TEST_CASE("dialect exim: delay warning", "[dialect][exim]") {
  // "A message that you sent has not yet been delivered to one or more of its"
  std::string t =
      "This message was created automatically by mail delivery software.\n"
      "A message that you sent has not yet been delivered to one or more of its\n"
      "recipients after more than 24 hours on the queue on relay.example.net.\n"
      "\n"
      "The message identifier is:     1abcDE-000001-AB\n"
      "The subject of the message is: Hello\n"
      "\n"
      "The address to which the message has not yet been delivered is:\n"
      "\n"
      "  ana@example.org\n"
      "    host mx.example.org [192.0.2.1]\n"
      "    Delay reason: SMTP error from remote mail server after MAIL FROM:<s@example.net> SIZE=1024:\n"
      "    450 4.7.1 Greylisted, try later\n"
      "\n"
      "No action is required on your part. Delivery attempts will continue for\n"
      "some time, and this warning may be repeated at intervals if the message\n"
      "remains undelivered.\n";
  DialectFacts f = run_exim(t, "Warning: message 1abcDE-000001-AB delayed 24 hours");
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].action == "delayed");
  CHECK(f.recipients[0].reply_code == "450");
  CHECK(f.recipients[0].status == "4.7.1");
  CHECK(f.reporting_mta == "relay.example.net");
}

TEST_CASE("dialect exim: several recipients, mail.ru's repeated list", "[dialect][exim]") {
  // ru-RU: "К сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:"
  std::string t =
      "\xD0\xAD\xD1\x82\xD0\xBE \xD0\xBF\xD0\xB8\xD1\x81\xD1\x8C\xD0\xBC\xD0\xBE \xD1\x81\xD0\xBE\xD0\xB7\xD0\xB4\xD0\xB0\xD0\xBD\xD0\xBE "
      "\xD0\xB0\xD0\xB2\xD1\x82\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x82\xD0\xB8\xD1\x87\xD0\xB5\xD1\x81\xD0\xBA\xD0\xB8.\n"
      "\n"
      "\xD0\x9A \xD1\x81\xD0\xBE\xD0\xB6\xD0\xB0\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xB8\xD1\x8E:\n"
      "\n"
      "  ana@example.org\n"
      "    host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown\n"
      "  bo@example.org\n"
      "    host mx.example.org [192.0.2.1]: 552 5.2.2 Mailbox full\n"
      "\n"
      "**********************\n"
      "\n" +
      std::string(kIntro) +
      "  ana@example.org\n"
      "    host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown\n"
      "  bo@example.org\n"
      "    host mx.example.org [192.0.2.1]: 552 5.2.2 Mailbox full\n";
  DialectFacts f = run_exim(t);
  REQUIRE(f.recipients.size() == 2);
  CHECK(f.recipients[0].address == "ana@example.org");
  CHECK(f.recipients[0].status == "5.1.1");
  CHECK(f.recipients[1].address == "bo@example.org");
  CHECK(f.recipients[1].reply_code == "552");
  CHECK(f.recipients[1].status == "5.2.2");
}

TEST_CASE("dialect exim: German wording", "[dialect][exim]") {
  std::string t =
      "Diese Nachricht wurde automatisch vom Mailsystem erstellt.\n"  // de-DE
      "\n"
      "Eine von Ihnen gesendete Nachricht konnte nicht an alle Empfaenger zugestellt\n"
      "werden. Dies ist ein permanenter Fehler. Folgende Adressen sind betroffen:\n"
      "\n"
      "  ana@example.de\n"
      "    SMTP error from remote mail server after RCPT TO:<ana@example.de>:\n"
      "    host mx.example.de [192.0.2.5]: 550 5.1.1 User unknown\n"
      "\n"
      "------ Dies ist eine Kopie der Nachricht, einschliesslich aller Kopfzeilen. ------\n"
      "\n"
      "From: a@example.net\n";
  DialectFacts f = run_exim(t, "Unzustellbar");
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].status == "5.1.1");
  CHECK(f.original_offset != std::string_view::npos);
}

TEST_CASE("dialect exim: pipe delivery and its generated text", "[dialect][exim]") {
  std::string t = std::string(kIntro) +
                  "  pipe to |/usr/local/bin/prog ana@example.org /home/ana/.prog\n"
                  "    generated by ana@example.org\n"
                  "\n"
                  "The following text was generated during the delivery attempt:\n"
                  "\n"
                  "------ pipe to |/usr/local/bin/prog ana@example.org /home/ana/.prog\n"
                  "       generated by ana@example.org ------\n"
                  "\n"
                  "prog: cannot read template\n"
                  "\n"
                  "------ This is a copy of the message, including all the headers. ------\n";
  DialectFacts f = run_exim(t);
  REQUIRE(f.recipients.size() == 1);
  CHECK(f.recipients[0].address == "ana@example.org");
  CHECK(f.recipients[0].diagnostic == "prog: cannot read template");
}

TEST_CASE("dialect exim: line endings and hostile input", "[dialect][exim]") {
  std::string lf = std::string(kIntro) +
                   "  ana@example.org\n"
                   "    host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown";  // no trailing newline
  auto with = [&](const std::string& eol) {
    std::string s;
    for (char c : lf) {
      if (c == '\n') s += eol;
      else s += c;
    }
    return s;
  };
  for (const std::string& eol : {std::string("\n"), std::string("\r\n"), std::string("\r")}) {
    DialectFacts f = run_exim(with(eol));
    REQUIRE(f.recipients.size() == 1);
    CHECK(f.recipients[0].address == "ana@example.org");
    CHECK(f.recipients[0].reply_code == "550");
    CHECK(f.recipients[0].status == "5.1.1");
  }
  CHECK(run_exim("").recipients.empty());
  CHECK(run_exim("This message was created automatically by mail delivery software.").recipients.empty());
  CHECK(run_exim(kIntro).recipients.empty());
  // the sender named before the list is not a recipient
  CHECK(run_exim("This message was created automatically by mail delivery software.\n\nA message sent by\n\n"
                 "  <s@example.net>\n\ncould not be delivered to one or more of its recipients.\n")
            .recipients.empty());

  std::string many = kIntro;
  for (int i = 0; i < 10000; ++i)
    many += "  user" + std::to_string(i) + "@example.org\n    host mx.example.org [192.0.2.1]: 550 5.1.1 unknown\n";
  DialectFacts f = run_exim(many);
  CHECK(f.recipients.size() == 10000);
  CHECK(f.recipients.back().address == "user9999@example.org");
}

TEST_CASE("dialect exim: Zoho forms", "[dialect][exim]") {
  struct Row {
    const char* name;
    const char* text;
    Expect e;
  };
  const Row rows[] = {
      {"ERROR_CODE line",
       "This message was created automatically by mail delivery software.\n"
       "A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.\n"
       "\n"
       "ana@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <ana@example.org>... User Unknown\n"
       "\n"
       "\n"
       "Received:from mail.example.com by mx.example.com\n",
       {"ana@example.org", "failed", "5.1.1", "550", ""}},
      {"warning with a Status bracket",
       "This message was created automatically by mail delivery system.\n"
       "\n"
       "THIS IS A WARNING MESSAGE ONLY.\n"
       "\n"
       "----- The following addresses had fatal errors -----\n"
       "[Status: Error, Address: <ana@example.org>, ResponseCode 421, , Host not reachable.]\n",
       {"ana@example.org", "delayed", "", "421", ""}},
  };
  for (const Row& r : rows) {
    SECTION(r.name) {
      BounceText b;
      b.text = r.text;
      REQUIRE(zoho_detect(b));
      DialectFacts f;
      REQUIRE(zoho_parse(b, &f));
      REQUIRE(f.recipients.size() == 1);
      CHECK(f.recipients[0].address == r.e.address);
      CHECK(f.recipients[0].action == r.e.action);
      CHECK(f.recipients[0].status == r.e.status);
      CHECK(f.recipients[0].reply_code == r.e.reply);
    }
  }
  BounceText none;
  none.text = "ERROR_CODE :";
  DialectFacts f;
  CHECK(zoho_detect(none));
  CHECK_FALSE(zoho_parse(none, &f));
}
