// paste_test.cc - repairs of pasted header blocks and bounce text: mangled
// input -> repaired text and diagnostic codes; clean input left alone;
// hostile input bounded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <fstream>
#include <set>
#include <sstream>

#include "parsers/paste/paste.h"
#include "parsers/paste/paste_internal.h"

using ndrscan::Diagnostic;
using ndrscan::paste::Mode;
using ndrscan::paste::prepare;

namespace {

std::set<std::string> codes(const std::vector<Diagnostic>& d) {
  std::set<std::string> out;
  for (const auto& x : d)
    if (x.code.rfind("paste-", 0) == 0) out.insert(x.code);
  return out;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Row {
  const char* name;
  std::string in;
  std::string want;  // repaired text
  std::set<std::string> codes;
};

void run_rows(const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    INFO(row.name);
    std::vector<Diagnostic> d;
    auto got = prepare(row.in, Mode::kAuto, &d);
    REQUIRE(got.has_value());
    CHECK(*got == row.want);
    CHECK(codes(d) == row.codes);
    for (const auto& x : d) {
      CHECK(x.offset >= 0);
      CHECK(static_cast<std::size_t>(x.offset) <= row.in.size());
    }
  }
}

const std::string kRcvd1 = "Received: from mail.example.org (mail.example.org [198.51.100.25]) by mx.contoso.com";
const std::string kDate = "Tue, 12 Nov 2024 09:15:02 +0000";

}  // namespace

TEST_CASE("paste: clean messages and header blocks are left alone", "[paste]") {
  std::vector<std::string> clean = {
      "Received: from a (a [192.0.2.1]) by b; " + kDate + "\nSubject: x\n",
      "Received: from a\n\tby b; " + kDate + "\nSubject: x\n\nbody text\n",
      "From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nHello\r\n",
      "Subject: Re: To: you\nFrom: a@example.com\n",
      "List-Unsubscribe: <mailto:unsub@example.com>\nSubject: news\n\n> quoted reply\n> more\n",
      "Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\nFrom: a@example.com\n",
  };
  for (const auto& t : clean) {
    INFO(t);
    std::vector<Diagnostic> d;
    CHECK_FALSE(prepare(t, Mode::kAuto, &d).has_value());
    CHECK(d.empty());
  }
  // --no-paste never repairs, even a damaged paste
  std::vector<Diagnostic> d;
  CHECK_FALSE(prepare("> Subject: x\n> From: y\n", Mode::kOff, &d).has_value());
}

TEST_CASE("paste: every corpus sample that is not a paste sample is left alone", "[paste]") {
  namespace fs = std::filesystem;
  fs::path corpus = fs::path(NDRSCAN_KNOWLEDGE_DIR).parent_path() / "corpus";
  REQUIRE(fs::exists(corpus));
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file() || e.path().extension() != ".eml") continue;
    std::string name = e.path().filename().string();
    // paste-05 onwards are mangled on purpose
    if (name.rfind("paste-", 0) == 0 && name >= "paste-05") continue;
    INFO(e.path().string());
    std::vector<Diagnostic> d;
    CHECK_FALSE(prepare(slurp(e.path()), Mode::kAuto, &d).has_value());
    ++n;
  }
  CHECK(n >= 34);
}

TEST_CASE("paste: lost fold indentation, name and value split, body separation", "[paste]") {
  run_rows({
      {"lost indentation",
       "Received: from a (a [192.0.2.1])\nby b with ESMTP id 1;\n" + kDate + "\nSubject: x\n",
       "Received: from a (a [192.0.2.1])\n by b with ESMTP id 1;\n " + kDate + "\nSubject: x\n",
       {"paste-unfolded"}},
      {"last field at the end of the paste",
       "Subject: x\nReceived: from a (a [192.0.2.1])\nby b; " + kDate,
       "Subject: x\nReceived: from a (a [192.0.2.1])\n by b; " + kDate,
       {"paste-unfolded"}},
      {"DKIM continuation that looks like a field",
       "DKIM-Signature: v=1; a=rsa-sha256; d=example.org;\nh=From:To:Subject;\nbh=abc=\nSubject: x\n",
       "DKIM-Signature: v=1; a=rsa-sha256; d=example.org;\n h=From:To:Subject;\n bh=abc=\nSubject: x\n",
       {"paste-unfolded"}},
      {"name and value on separate lines",
       "Subject:\nQuarterly report\nFrom:\nAnna <a@example.org>\nTo: b@example.com\n",
       "Subject: Quarterly report\nFrom: Anna <a@example.org>\nTo: b@example.com\n",
       {"paste-name-value-split"}},
      {"bounce text straight after the header",
       "From: Mail Delivery Subsystem <mailer-daemon@example.net>\nSubject: Undelivered Mail\n"
       "This is the mail system at host mx.example.net.\n\nI'm sorry.\n",
       "From: Mail Delivery Subsystem <mailer-daemon@example.net>\nSubject: Undelivered Mail\n\n"
       "This is the mail system at host mx.example.net.\n\nI'm sorry.\n",
       {"paste-body-separated"}},
  });
}

TEST_CASE("paste: flattened headers and doubled blank lines", "[paste]") {
  run_rows({
      {"flattened",
       kRcvd1 + "; " + kDate + " Subject: Budget To: Anna <a@example.org> Message-ID: <1@example.org>\n",
       kRcvd1 + "; " + kDate + "\nSubject: Budget\nTo: Anna <a@example.org>\nMessage-ID: <1@example.org>\n",
       {"paste-flattened"}},
      {"two Received on one line",
       "Received: from a by b; " + kDate + " Received: from c by a; " + kDate + "\n",
       "Received: from a by b; " + kDate + "\nReceived: from c by a; " + kDate + "\n",
       {"paste-flattened"}},
      {"doubled newlines (Outlook)",
       "Received: from a\n\n\tby b; " + kDate + "\n\nSubject: x\n\nFrom: a@example.org\n",
       "Received: from a\n\tby b; " + kDate + "\nSubject: x\nFrom: a@example.org\n",
       {"paste-blank-lines"}},
      {"doubled newlines, CRLF",
       "Subject: x\r\n\r\nFrom: a@example.org\r\n\r\nTo: b@example.com\r\n",
       "Subject: x\nFrom: a@example.org\nTo: b@example.com\n",
       {"paste-blank-lines"}},
  });
}

TEST_CASE("paste: quoting, indentation, links, HTML", "[paste]") {
  run_rows({
      {"quoted",
       "> Received: from a\n>\tby b; " + kDate + "\n> Subject: x\n",
       "Received: from a\n\tby b; " + kDate + "\nSubject: x\n",
       {"paste-quoted"}},
      {"quoted twice, folds kept",
       ">> Received: from a\n>>  by b; " + kDate + "\n> > Subject: x\n",
       "Received: from a\n by b; " + kDate + "\nSubject: x\n",
       {"paste-quoted"}},
      {"indented",
       "    Received: from a\n      by b; " + kDate + "\n    Subject: x\n",
       "Received: from a\n  by b; " + kDate + "\nSubject: x\n",
       {"paste-indented"}},
      {"markdown and Outlook links",
       "Received: from [mail.example.org](http://mail.example.org/) by b; " + kDate +
           "\nTo: [a@example.org](mailto:a@example.org)\nCc: b@example.com<mailto:b@example.com>\n"
           "Reply-To: <mailto:c@example.com>\n",
       "Received: from mail.example.org by b; " + kDate +
           "\nTo: a@example.org\nCc: b@example.com\nReply-To: <c@example.com>\n",
       {"paste-links"}},
      {"HTML",
       "<div>Received: from a (a [192.0.2.1])<br>\n\tby b; " + kDate +
           "</div><div>From: Anna &lt;a@example.org&gt;</div><p>Subject: Q&amp;A &quot;x&quot; &#39;y&#39;&nbsp;z</p>",
       "Received: from a (a [192.0.2.1])\n\tby b; " + kDate + "\nFrom: Anna <a@example.org>\nSubject: Q&A \"x\" 'y' z\n",
       {"paste-html"}},
  });
}

TEST_CASE("paste: quoted-printable, JSON, tables, typography, charset", "[paste]") {
  run_rows({
      {"quoted-printable",
       "Authentication-Results: spf=3Dpass smtp.mailfrom=3Dexample.org; dkim=3Dnone\nSubject: =?utf-8?Q?Gr=C3=BC?=\n",
       "Authentication-Results: spf=pass smtp.mailfrom=example.org; dkim=none\nSubject: =?utf-8?Q?Gr=C3=BC?=\n",
       {"paste-quoted-printable"}},
      {"JSON string",
       "\"Received: from a\\r\\n\\tby b; " + kDate + "\\r\\nSubject: Caf\\u00e9 \\\"x\\\"\\r\\n\"",
       "Received: from a\n\tby b; " + kDate + "\nSubject: Caf\xC3\xA9 \"x\"\n",
       {"paste-json-escapes"}},
      {"JSON object",
       "{\"headers\": \"Subject: x\\nFrom: a@example.org\\n\"}",
       "Subject: x\nFrom: a@example.org\n",
       {"paste-json-escapes"}},
      {"OWA table with tabs",
       "Received\tfrom a by b; " + kDate + "\nSubject\tHello\t\nX-MS-Exchange-Organization-SCL\t1\n",
       "Received: from a by b; " + kDate + "\nSubject: Hello\nX-MS-Exchange-Organization-SCL: 1\n",
       {"paste-table-tabs"}},
      {"curly quotes, dashes, NBSP",
       "\xE2\x80\x83Subject: x\n\xE2\x80\x83" "From: \xE2\x80\x9C" "Anna B\xE2\x80\x9D <a@example.org>\n"
       "\xE2\x80\x83\xE2\x80\x83" "Date:\xC2\xA0Tue, 12 Nov 2024 09:15:02 \xE2\x80\x93" "0500\n",
       "Subject: x\nFrom: \"Anna B\" <a@example.org>\n Date: Tue, 12 Nov 2024 09:15:02 -0500\n",
       {"paste-typography", "paste-indented"}},
      {"Windows-1252",
       "Subject: Gr\xFC\xDF" "e \x96 \x93x\x94\nFrom: J\xFCrgen <j@example.org>\n\n",
       "Subject: Gr\xC3\xBC\xC3\x9F" "e - \"x\"\nFrom: J\xC3\xBCrgen <j@example.org>\n\n",
       {"paste-charset", "paste-typography"}},
  });
}

TEST_CASE("paste: bounce text and the pasted header block", "[paste]") {
  std::string ndr =
      "Delivery has failed to these recipients or groups:\n\nbob@example.org\nThe email address wasn't found.\n\n"
      "Diagnostic information for administrators:\n\nGenerating server: EX01.contoso.local\n\nbob@example.org\n"
      "Remote Server returned '550 5.1.1 User unknown'\n\nOriginal message headers:\n\n";
  std::string hdr = "Received: from EX01.contoso.local (10.20.1.11) by EX02.contoso.local (10.20.1.12); " + kDate +
                    "\nSubject: Budget\nFrom: Anna <a@contoso.com>\n";
  SECTION("header block after the bounce text") {
    std::vector<Diagnostic> d;
    auto got = prepare(ndr + hdr, Mode::kAuto, &d);
    REQUIRE(got);
    CHECK(*got == hdr + "Auto-Submitted: auto-generated (ndrscan: pasted bounce text)\n\n" + ndr + hdr);
    CHECK(codes(d) == std::set<std::string>{"paste-ndr-reordered"});
    REQUIRE(d.size() == 1);
    CHECK(d[0].offset == static_cast<std::int64_t>(ndr.size()));
  }
  SECTION("bounce text alone") {
    std::vector<Diagnostic> d;
    auto got = prepare(ndr, Mode::kAuto, &d);
    REQUIRE(got);
    CHECK(*got == "Auto-Submitted: auto-generated (ndrscan: pasted bounce text)\n\n" + ndr);
    CHECK(codes(d) == std::set<std::string>{"paste-ndr-text"});
  }
  SECTION("non-English bounce text passes through (UTF-8 kept)") {
    std::string de =
        "Die Zustellung an folgende Empf\xC3\xA4nger oder Gruppen ist fehlgeschlagen:\n\n"
        "j\xC3\xBCrgen@example.org\nDie E-Mail-Adresse wurde nicht gefunden.\n";
    std::vector<Diagnostic> d;
    auto got = prepare(de, Mode::kAuto, &d);
    REQUIRE(got);
    CHECK(got->substr(got->size() - de.size()) == de);
  }
  SECTION("prose that is neither bounce nor header is not touched") {
    std::vector<Diagnostic> d;
    CHECK_FALSE(prepare("hello,\nmy mail does not arrive.\nthanks\n", Mode::kAuto, &d));
    CHECK(d.empty());
  }
}

TEST_CASE("paste: --paste forces the repairs, offsets point into the paste", "[paste]") {
  std::vector<Diagnostic> d;
  std::string in = "Subject: x\r\nReceived: from a\r\n> by b\r\n";
  auto got = prepare(in, Mode::kOn, &d);
  REQUIRE(got);
  std::vector<Diagnostic> d2;
  auto clean = prepare("Subject: x\nFrom: y\n", Mode::kOn, &d2);
  REQUIRE(clean);
  CHECK(*clean == "Subject: x\nFrom: y\n");
  CHECK(d2.empty());
  // offsets are in the pasted text, through CRLF normalisation
  std::vector<Diagnostic> d3;
  std::string quoted = "Subject: x\r\nFrom: y\r\n> To: z\r\n> Cc: w\r\n> Date: " + kDate + "\r\n";
  auto q = prepare(quoted, Mode::kAuto, &d3);
  REQUIRE(q);
  REQUIRE(d3.size() == 1);
  CHECK(d3[0].code == "paste-quoted");
  CHECK(d3[0].offset == static_cast<std::int64_t>(quoted.find("> To")));
}

TEST_CASE("paste: hostile input stays bounded and never throws", "[paste]") {
  using clock = std::chrono::steady_clock;
  auto timed = [](const std::string& in, Mode m) {
    auto t0 = clock::now();
    std::vector<Diagnostic> d;
    std::optional<std::string> out;
    CHECK_NOTHROW(out = prepare(in, m, &d));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
    CHECK(ms < 5000);
    if (out) CHECK(out->size() <= in.size() * 3 + 256);
    CHECK(d.size() <= 20);
    return out;
  };
  timed("", Mode::kAuto);
  timed("", Mode::kOn);
  timed(std::string(1, '\0'), Mode::kOn);
  {
    std::string s;
    for (int i = 0; i < 5 * 1024 * 1024; ++i) s += ">\n";  // 10 MB of '>' lines
    auto out = timed(s, Mode::kAuto);
    REQUIRE(out);
    CHECK(out->find('>') == std::string::npos);
  }
  timed(std::string(1 << 20, 'a'), Mode::kOn);   // one 1 MB line
  timed("Received: " + std::string(1 << 20, 'x'), Mode::kAuto);
  {
    std::string s = "Subject: a\0b\n";
    s += std::string("From: \0\0\0\n", 10);
    s += "> x\0\n> y\n> z\n";
    timed(s, Mode::kOn);
  }
  timed("Subject: \xFF\xFE\xC3\x28\xE2\x82 \xF0\x9F\x98\n> a\n> b\xED\xA0\x80\n", Mode::kOn);
  {
    std::string s;  // many tags, entities, escapes and links on one line
    for (int i = 0; i < 100000; ++i) s += "<br>&lt;[a](mailto:a@b.c)=3D\\n\\u00e9\xE2\x80\x9C<";
    timed(s, Mode::kOn);
  }
  {
    std::string s;  // flattened field names without end
    for (int i = 0; i < 200000; ++i) s += " Received: x Subject: y";
    timed("Received:" + s, Mode::kAuto);
  }
  {
    std::string s(9 << 20, '\n');  // only line breaks
    timed(s, Mode::kOn);
  }
  {
    std::string s;
    for (int i = 0; i < 300000; ++i) s += "Subject: x\n\n";
    timed(s, Mode::kAuto);
  }
  {
    std::string s(17 << 20, 'a');  // beyond the paste limit
    std::vector<Diagnostic> d;
    CHECK_FALSE(prepare(s, Mode::kOn, &d));
    REQUIRE(d.size() == 1);
    CHECK(d[0].code == "paste-too-large");
  }
}

// The splitter's candidate count is found from each colon, looking back;
// it must count what a left-to-right scan for "<blank>Name: " counts.
TEST_CASE("paste: flattened_candidates agrees with a left-to-right scan", "[paste]") {
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  };
  auto reference = [&](std::string_view v, bool* strong) {
    *strong = false;
    std::size_t n = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i - 1] != ' ' && v[i - 1] != '\t') continue;
      if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z'))) continue;
      std::size_t e = i;
      while (e < v.size() && e - i < 60 && name_char(v[e])) ++e;
      if (e + 1 >= v.size() || v[e] != ':' || v[e + 1] != ' ') continue;
      // the same value with only this candidate, asked of the real function
      bool s = false;
      std::string one = " " + std::string(v.substr(i, e - i)) + ": ";
      if (ndrscan::paste::detail::flattened_candidates(one, &s) == 1) {
        ++n;
        *strong = *strong || s;
      }
      i = e;
    }
    return n;
  };
  const std::vector<std::string> pieces = {" ", "\t", ":", ": ", "Subject", "From", "X-MS-Exchange", "X-a", "Received",
                                           "-", "_", "9", "a", "Date", "To", "\xC3\xA9", "\n", std::string(59, 'A')};
  std::mt19937 rng(20261127);
  for (int round = 0; round < 20000; ++round) {
    std::string v;
    const int k = static_cast<int>(rng() % 24);
    for (int j = 0; j < k; ++j) v += pieces[rng() % pieces.size()];
    bool s1 = false, s2 = false;
    const std::size_t want = reference(v, &s1);
    const std::size_t got = ndrscan::paste::detail::flattened_candidates(v, &s2);
    INFO(v);
    REQUIRE(got == want);
    REQUIRE(s1 == s2);
  }
  bool strong = false;
  CHECK(ndrscan::paste::detail::flattened_candidates("x Subject: y From: z", &strong) == 2);
  CHECK(ndrscan::paste::detail::flattened_candidates("x Subject:y", &strong) == 0);
  CHECK(ndrscan::paste::detail::flattened_candidates("Subject: y", &strong) == 0);
  CHECK(ndrscan::paste::detail::flattened_candidates("a X-MS-Exchange-Organization: 1", &strong) == 1);
  CHECK(strong);
}
