// analyze_test.cc - the single-message pipeline on small in-memory inputs.
#include <catch2/catch.hpp>
#include <mimetic/mimetic.h>

#include <iterator>
#include <random>

#include "tests/unit/test_support.h"

#include "parsers/mime/message_adapter.h"
#include "src/core/analyze.h"

using namespace ndrscan;

namespace {

using testing::with_endings;

const Knowledge& knowledge() {
  static Knowledge k = [] {
    Knowledge kk;
    std::string err;
    REQUIRE(load_knowledge(NDRSCAN_KNOWLEDGE_DIR, &kk, &err));
    return kk;
  }();
  return k;
}

Analysis run(const std::string& text, bool expect_ok = true) {
  Analysis a;
  std::string err;
  bool ok = analyze_message(text, knowledge(), AnalyzeOptions{}, &a, &err);
  INFO(err);
  CHECK(ok == expect_ok);
  return a;
}

const char* kReport =
    "Return-Path: <>\n"
    "Received: from mx.example.net (mx.example.net [192.0.2.1]) by mail.example.com (Postfix) with ESMTPS id AAA;\n"
    "\tTue, 12 Nov 2024 09:15:10 +0000\n"
    "Received: by mx.example.net (Postfix) id BBB; Tue, 12 Nov 2024 09:15:05 +0000\n"
    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
    "To: alice@example.com\n"
    "Subject: =?UTF-8?Q?Undelivered_Mail_Returned_to_Sender?=\n"
    "Message-ID: <20241112091505.BBB@mx.example.net>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "\tboundary=\"BOUND\"\n"
    "\n"
    "--BOUND\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "This is the mail system.\n"
    "\n"
    "--BOUND\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; bob@example.org\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: User unknown\n"
    "\n"
    "--BOUND\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "Received: from client.example.com (client.example.com [198.51.100.5]) by mx.example.net (Postfix) with ESMTP id CCC; Tue, 12 Nov 2024 09:15:00 +0000\n"
    "From: alice@example.com\n"
    "To: bob@example.org\n"
    "Subject: hello\n"
    "Message-ID: <orig@example.com>\n"
    "\n"
    "--BOUND--\n";

}  // namespace

TEST_CASE("analyze: multipart/report with returned headers", "[analyze]") {
  Analysis a = run(kReport);
  CHECK(a.input_kind == "message");
  CHECK(a.subject == "Undelivered Mail Returned to Sender");
  CHECK(a.is_report);
  REQUIRE(a.dsn.has_value());
  CHECK(a.dsn->reporting_mta == "mx.example.net");
  REQUIRE(a.recipients.size() == 1);
  CHECK(a.recipients[0].status == "5.1.1");
  CHECK(a.recipients[0].status_text == "Bad destination mailbox address");
  REQUIRE(a.hops.size() == 2);
  CHECK(a.hops[0].by_host == "mx.example.net");
  CHECK(a.hops[1].from_ip == "192.0.2.1");
  CHECK(a.hops[1].delay_s == 5);
  REQUIRE(a.original.has_value());
  CHECK(a.original->headers_only);
  CHECK(a.original->message_id == "orig@example.com");
  REQUIRE(a.original->hops.size() == 1);
  CHECK(a.original->hops[0].from_ip == "198.51.100.5");
}

TEST_CASE("analyze: LF, CRLF and CR-only give the same facts", "[analyze]") {
  Analysis lf = run(kReport);
  for (const char* eol : {"\r\n", "\r"}) {
    INFO((eol[1] ? "CRLF" : "CR"));
    Analysis b = run(with_endings(kReport, eol));
    REQUIRE(b.recipients.size() == lf.recipients.size());
    CHECK(b.recipients[0].status == lf.recipients[0].status);
    CHECK(b.recipients[0].diagnostic == lf.recipients[0].diagnostic);
    REQUIRE(b.hops.size() == lf.hops.size());
    CHECK(b.hops[1].from_ip == lf.hops[1].from_ip);
    REQUIRE(b.original.has_value());
    CHECK(b.original->hops.size() == 1);
  }
}

TEST_CASE("analyze: a DSN with no SMTP reply takes the server's reply from the notice text", "[analyze]") {
  // shape of an OpenSMTPD report: the reply only in the text, "Status: 4.0.0"
  // and no Diagnostic-Code in the delivery-status part
  const std::string msg =
      "From: MAILER-DAEMON@mx.example.net\n"
      "To: ana@example.com\n"
      "Subject: Delivery status notification: delayed\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
      "\n"
      "--B\n"
      "Content-Type: text/plain\n"
      "\n"
      "Hi!\n"
      "\n"
      "This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n"
      "\n"
      "An error has occurred while attempting to deliver a message for\n"
      "the following list of recipients:\n"
      "\n"
      "bo@example.org: 421 4.7.0 [TS04] Messages from 192.0.2.25 temporarily deferred\n"
      "\n"
      "--B\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Reporting-MTA: dns; mx.example.net\n"
      "\n"
      "Final-Recipient: rfc822; bo@example.org\n"
      "Action: delayed\n"
      "Status: 4.0.0\n"
      "\n"
      "--B--\n";
  Analysis a = run(msg);
  REQUIRE(a.recipients.size() == 1);
  CHECK(a.dialect == "rfc3464");
  CHECK(a.recipients[0].status == "4.7.0");
  CHECK(a.recipients[0].reply_code == "421");
  CHECK(a.recipients[0].dsn_status == "4.0.0");
  CHECK(a.recipients[0].diagnostic.find("temporarily deferred") != std::string::npos);
}

TEST_CASE("analyze: kinds of notices without a usable DSN", "[analyze]") {
  SECTION("a delivery-status failure notice that lost its details is a bounce") {
    // shape of BounceParser no-message-collected
    Analysis a = run(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
        "To: <bounces@example.com>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status;\n"
        "\tboundary=\"p0H9.1/mx.example.net\"\n"
        "Subject: Returned mail: see transcript for details\n"
        "Auto-Submitted: auto-generated (failure)\n"
        "\n"
        "<<< No Message Collected >>>\n");
    CHECK(a.kind == "bounce");
    CHECK(a.recipients.empty());
    CHECK(std::any_of(a.diagnostics.begin(), a.diagnostics.end(),
                      [](const Diagnostic& d) { return d.code == "bounce-no-recipient"; }));
  }
  SECTION("an auto-reply saying the address is not a valid user is a bounce") {
    // shape of BounceParser warning-5
    Analysis a = run(
        "From: <>\n"
        "To: bounces@example.com\n"
        "Auto-Submitted: auto-replied\n"
        "\n"
        "You sent mail to ana@example.org. That's not a valid user here.\n");
    CHECK(a.kind == "bounce");
    REQUIRE(a.recipients.size() == 1);
    CHECK(a.recipients[0].address == "ana@example.org");
  }
  SECTION("a server that refuses until the sender confirms is a challenge") {
    Analysis a = run(
        "From: MAILER-DAEMON@mx.example.net\n"
        "To: ana@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
        "\n"
        "--B\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.example.net\n"
        "\n"
        "Final-Recipient: rfc822; bo@example.org\n"
        "Action: failed\n"
        "Status: 5.0.0\n"
        "Diagnostic-Code: smtp; 550 Your server requires confirmation. Visit http://www.example.org/Whitelist.aspx"
        "?IP=192.0.2.1 to confirm this mail server.\n"
        "\n"
        "--B--\n");
    CHECK(a.kind == "challenge-response");
  }
}

TEST_CASE("analyze: bare header block as pasted", "[analyze]") {
  Analysis a = run("Received: from a.example.com (a.example.com [192.0.2.9]) by b.example.net with ESMTP; Tue, 12 Nov 2024 09:15:10 +0000\nSubject: test\nMessage-ID: <x@y>");
  CHECK(a.input_kind == "headers");
  CHECK(a.message_id == "x@y");
  REQUIRE(a.hops.size() == 1);
  CHECK(a.hops[0].from_ip == "192.0.2.9");
}

TEST_CASE("analyze: binary is many NULs or over 5 % other controls in the first 8 KiB", "[analyze]") {
  const std::string kBinary = "binary data, not a message or header block";
  auto with = [](char c, int n, int offset) {
    std::string m = "From: a@example.org\nSubject: x\n\n";
    m.resize(9000, 'a');
    for (int i = 0; i < n; ++i) m[static_cast<std::size_t>(offset + i * 17)] = c;
    return m;
  };
  auto error_of = [&](const std::string& m) {
    Analysis a;
    std::string err;
    analyze_message(m, knowledge(), AnalyzeOptions{}, &a, &err);
    return err;
  };
  for (int offset : {40, 41, 47}) {  // the 16-byte steps and the tail alike
    CHECK(error_of(with('\0', 8, offset)) != kBinary);
    CHECK(error_of(with('\0', 9, offset)) == kBinary);
    CHECK(error_of(with('\x01', 409, offset)) != kBinary);  // 409 * 20 <= 8192
    CHECK(error_of(with('\x01', 410, offset)) == kBinary);
    CHECK(error_of(with('\x1b', 460, offset)) != kBinary);  // ESC is text (ISO-2022-JP)
  }
  // controls after the first 8 KiB are not counted
  CHECK(error_of(with('\0', 40, 8193)) != kBinary);
}

TEST_CASE("analyze: bad inputs fail with one reason", "[analyze]") {
  struct Row {
    std::string text;
    const char* reason;
  } rows[] = {
      {"", "empty input"},
      {"\n\n  \n", "empty input"},
      {std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10), "binary data, not a message or header block"},
      {"just some words\nwithout any header\n", "no header fields found: not a message or header block"},
  };
  for (const auto& r : rows) {
    Analysis a;
    std::string err;
    CHECK_FALSE(analyze_message(r.text, knowledge(), AnalyzeOptions{}, &a, &err));
    CHECK(err == r.reason);
  }
}

TEST_CASE("analyze: mimetic defects stay contained", "[analyze][mimetic]") {
  // address accessor use-after-free input: we never call typed accessors
  Analysis a = run("To: undisclosed-recipients:\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\nbody\n--x--\n");
  CHECK(a.to == "undisclosed-recipients:");
  // uncaught std::length_error in the random-access parser
  Analysis b = run("Content-Type:multipart\n\n\r\n--");
  (void)b;
  // base64 body with characters outside the alphabet
  Analysis c = run(
      "Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n"
      "Content-Transfer-Encoding: base64\n\n||||UmVwb3J0aW5nLU1UQTogZG5zOyBhCgpGaW5hbC1SZWNpcGllbnQ6IHJmYzgyMjsgYkBj|\n--b--\n");
  CHECK(c.dsn.has_value());
}

TEST_CASE("mime: quoted-printable keeps line breaks after trailing blanks (LF and CRLF alike)", "[mimetic]") {
  // mimetic alone turned "said: \nnext" into "said:next" with LF line ends
  const std::string lf = "Remote server said: \n550 5.1.1 user unknown=20\nsoft=\nbreak\n";
  std::string crlf;
  for (char ch : lf) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  const std::string want = "Remote server said:\n550 5.1.1 user unknown \nsoftbreak\n";
  CHECK(mime::decode_transfer(lf, "quoted-printable") == want);
  CHECK(mime::decode_transfer(crlf, "quoted-printable") == want);
}

// ndrscan decodes quoted-printable with its own restatement of mimetic's
// decoder (faster on plain runs); it must give mimetic's bytes, quirks
// included, on any input.
TEST_CASE("mime: qp_decode gives mimetic's QP decoder's bytes", "[mimetic]") {
  auto mimetic_qp = [](std::string_view in) {
    std::string out;
    mimetic::QP::Decoder dec;
    mimetic::decode(in.begin(), in.end(), dec, std::back_inserter(out));
    return out;
  };
  auto ours = [](std::string_view in) {
    std::string out(in.size() + 2, '\0');
    out.resize(static_cast<std::size_t>(mime::detail::qp_decode(in, out.data()) - out.data()));
    return out;
  };
  static const char* const pieces[] = {"a", "Z", "=", "=3D", "=C3=A9", "=4", "=g", "=\n", "=\r\n", " ", "\t", "  \n",
                                       "\n", "\r", "\r\n", "\n\r", "\x01", "\x7f", "\xe9", "= ", "=  x", "=\t\n",
                                       "text ", "0", "f", "F"};
  std::mt19937 rng(20261127);
  for (int round = 0; round < 30000; ++round) {
    std::string in;
    const int k = static_cast<int>(rng() % 20);
    for (int j = 0; j < k; ++j) in += pieces[rng() % std::size(pieces)];
    INFO("input: " << in);
    REQUIRE(ours(in) == mimetic_qp(in));
  }
  for (int round = 0; round < 3000; ++round) {  // any bytes
    std::string in(rng() % 64, '\0');
    for (char& ch : in) ch = static_cast<char>(rng() % 256);
    REQUIRE(ours(in) == mimetic_qp(in));
  }
}

TEST_CASE("analyze: MIME caps become diagnostics", "[analyze][limits]") {
  std::string deep = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 3000; ++i) deep += "--b\nContent-Type: message/rfc822\n\n";
  Analysis a = run(deep);
  bool capped = false;
  for (const auto& d : a.diagnostics)
    if (d.code == "mime-too-many-parts") capped = true;
  CHECK(capped);

  std::string longline = "Content-Type: multipart/mixed; boundary=b\n\n--b\nX-Long: " + std::string(200000, 'a') +
                         "\n\nbody\n--b--\n";
  Analysis l = run(longline);
  bool cut = false;
  for (const auto& d : l.diagnostics)
    if (d.code == "mime-line-too-long") cut = true;
  CHECK(cut);
}

// mimetic is given the top-level header cut to its MIME fields when the cut
// cannot change what it reads; the results must be those of the whole one.
TEST_CASE("analyze: the MIME tree is the same with the top header cut to its MIME fields", "[analyze][mimetic]") {
  const std::string report =
      "\n--b\nContent-Type: text/plain\n\nDelivery failed.\n--b\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; u@example.net\nAction: failed\n"
      "Status: 5.1.1\n\n--b--\n";
  const std::string ct = "Content-Type: multipart/report; report-type=delivery-status;\n boundary=b\n";
  auto diag_codes = [](const Analysis& a) {
    std::string codes;
    for (const auto& d : a.diagnostics) codes += d.code + " ";
    return codes;
  };
  struct Row {
    const char* what;
    std::string header;
  } rows[] = {
      {"fields around the MIME ones, folded", "From: a@example.org\nSubject: x\n  folded\n" + ct + "X-Y: 1\n"},
      {"CR LF lines", "From: a@example.org\r\nSubject: x\r\n" + ct + "MIME-Version: 1.0\r\n"},
      {"a left-out line over the cap", "X-Long: " + std::string(70000, 'a') + "\n" + ct},
      {"MIME fields only", ct},
      {"a line of blanks ends the block", "From: a@example.org\nSubject: x\n" + ct + "X-Y: 1\n  "},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    Analysis a = run(r.header + report);
    REQUIRE(a.recipients.size() == 1);
    CHECK(a.recipients[0].status == "5.1.1");
    CHECK(a.is_report);
    CHECK(a.reporting_mta == "mx.example.org");
  }
  // the line cap still counts the top header's lines
  CHECK(diag_codes(run(rows[2].header + report)).find("mime-line-too-long") != std::string::npos);
  CHECK(diag_codes(run(rows[0].header + report)).find("mime-line-too-long") == std::string::npos);
}

TEST_CASE("analyze: route findings: a mail loop and a TLS downgrade", "[analyze]") {
  auto find = [](const Analysis& a, const std::string& id) -> const Finding* {
    for (const auto& f : a.findings)
      if (f.id == id) return &f;
    return nullptr;
  };
  // the same receiver three times, however its name is spelled
  Analysis loop = run(
      "Received: from relay.example.net ([198.51.100.9]) by MX.Example.org. with ESMTP; Tue, 12 Nov 2024 09:03:00 +0000\n"
      "Received: from mx.example.org ([192.0.2.1]) by relay.example.net with ESMTP; Tue, 12 Nov 2024 09:02:00 +0000\n"
      "Received: from relay.example.net ([198.51.100.9]) by mx.example.org with ESMTP; Tue, 12 Nov 2024 09:01:30 +0000\n"
      "Received: from a.example.com ([203.0.113.5]) by mx.example.ORG with ESMTP; Tue, 12 Nov 2024 09:01:00 +0000\n"
      "Subject: x\n");
  const Finding* f = find(loop, "mail-loop");
  REQUIRE(f != nullptr);
  CHECK(f->hops == std::vector<int>{1, 2, 4});
  CHECK(f->message.rfind("mx.example.org received this message 3 times", 0) == 0);
  // twice is a relay, not a loop
  Analysis twice = run(
      "Received: from mx.example.org ([192.0.2.1]) by relay.example.net with ESMTP; Tue, 12 Nov 2024 09:02:00 +0000\n"
      "Received: from a.example.com ([203.0.113.5]) by mx.example.org with ESMTP; Tue, 12 Nov 2024 09:01:00 +0000\n"
      "Received: from b.example.com ([203.0.113.6]) by MX.example.org with ESMTP; Tue, 12 Nov 2024 09:00:00 +0000\n"
      "Subject: x\n");
  CHECK(find(twice, "mail-loop") == nullptr);
  // protected on the first hop, then in clear between two public servers
  Analysis down = run(
      "Received: from mx.example.org ([192.0.2.1]) by mx2.example.net with ESMTP; Tue, 12 Nov 2024 09:02:00 +0000\n"
      "Received: from a.example.com ([203.0.113.5]) by mx.example.org with ESMTPS; Tue, 12 Nov 2024 09:01:00 +0000\n"
      "Subject: x\n");
  const Finding* d = find(down, "tls-downgrade");
  REQUIRE(d != nullptr);
  CHECK(d->hops == std::vector<int>{1, 2});
  // a local hand-off after TLS is no downgrade
  Analysis local = run(
      "Received: from mx.example.org ([192.0.2.1]) by store.example.org with LMTP; Tue, 12 Nov 2024 09:02:00 +0000\n"
      "Received: from a.example.com ([203.0.113.5]) by mx.example.org with ESMTPS; Tue, 12 Nov 2024 09:01:00 +0000\n"
      "Subject: x\n");
  CHECK(find(local, "tls-downgrade") == nullptr);
}

TEST_CASE("analyze: clock skew is flagged on the hop", "[analyze]") {
  Analysis a = run(
      "Received: from b by c; Tue, 12 Nov 2024 09:00:00 +0000\n"
      "Received: from a by b; Tue, 12 Nov 2024 09:05:00 +0000\n"
      "Subject: x\n");
  REQUIRE(a.hops.size() == 2);
  CHECK(a.hops[1].delay_s == -300);
  CHECK(a.hops[1].clock_skew);
  CHECK_FALSE(a.hops[0].clock_skew);
}
