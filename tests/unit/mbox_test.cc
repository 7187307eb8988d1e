// mbox_test.cc - From_ separators, quoting, line endings, odd endings.
#include <catch2/catch.hpp>

#include "src/io/mbox.h"

using namespace ndrscan::io;

namespace {
std::vector<std::string> messages(const std::string& mbox) {
  std::vector<std::string> out;
  for (const auto& s : split_mbox(mbox)) {
    std::string_view m = std::string_view(mbox).substr(s.begin, s.end - s.begin);
    out.push_back(needs_unquote(m) ? unquote_from(m) : std::string(m));
  }
  return out;
}
}  // namespace

TEST_CASE("mbox: separators need a blank line before and a date", "[mbox]") {
  std::string mbox =
      "From MAILER-DAEMON Tue Nov 12 09:15:02 2024\n"
      "Subject: one\n\nbody line\nFrom here on, a body line that is not a separator\n"
      "\n"
      "From someone on a body line after a blank line without a date\n"
      "\n"
      "From a@example.com  Wed Nov 13 10:00:00 2024\n"
      "Subject: two\n\n>From quoted\n>>From twice quoted\n";
  auto m = messages(mbox);
  REQUIRE(m.size() == 2);
  CHECK(m[0].find("Subject: one") == 0);
  CHECK(m[0].find("From here on") != std::string::npos);
  CHECK(m[0].find("From someone on a body line") != std::string::npos);
  CHECK(m[1] == "Subject: two\n\nFrom quoted\n>From twice quoted\n");
  auto spans = split_mbox(mbox);
  CHECK(spans[1].offset == mbox.find("From a@example.com"));
}

TEST_CASE("mbox: CRLF, no final newline, empty and non-mbox data", "[mbox]") {
  std::string crlf = "From a Tue Nov 12 09:15:02 2024\r\nSubject: x\r\n\r\nb\r\n\r\nFrom b Tue Nov 12 09:15:03 2024\r\nSubject: y\r\n\r\nc";
  auto m = messages(crlf);
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "Subject: x\r\n\r\nb\r\n");
  CHECK(m[1] == "Subject: y\r\n\r\nc");
  CHECK(split_mbox("").empty());
  CHECK(split_mbox("Subject: not an mbox\n\nbody\n").empty());
  CHECK_FALSE(looks_like_mbox("Subject: x\n"));
  CHECK(looks_like_mbox("From a Tue Nov 12 09:15:02 2024\n"));
  auto one = split_mbox("From a Tue Nov 12 09:15:02 2024");  // truncated: separator only
  REQUIRE(one.size() == 1);
  CHECK(one[0].begin == one[0].end);
}

TEST_CASE("mbox: From_ line shapes", "[mbox]") {
  CHECK(is_from_line("From MAILER-DAEMON Tue Nov 12 09:15:02 2024"));
  CHECK(is_from_line("From - Tue Nov 12 09:15:02 2024"));
  CHECK(is_from_line("From a@b 2024"));
  CHECK_FALSE(is_from_line("From the desk of the CEO"));
  CHECK_FALSE(is_from_line("From"));
  CHECK_FALSE(is_from_line("From  Tue Nov 12 09:15:02 2024"));
}

TEST_CASE("mbox: CR-only line endings (old Mac files)", "[mbox]") {
  // shape of sisimai maildir/mac/*.eml: a From_ line and CR line endings only
  std::string one = "From MAILER-DAEMON Thu Apr 29 23:34:45 2010\rFrom: Postmaster <postmaster@example.jp>\r"
                    "Subject: Mail System Error\r\rbody\r";
  CHECK(looks_like_mbox(one));
  auto m = messages(one);
  REQUIRE(m.size() == 1);
  CHECK(m[0].find("From: Postmaster") == 0);
  std::string two = one + "\rFrom a@example.com  Fri Apr 30 10:00:00 2010\rSubject: two\r\rx\r";
  m = messages(two);
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "From: Postmaster <postmaster@example.jp>\rSubject: Mail System Error\r\rbody\r");
  CHECK(m[1].find("Subject: two") == 0);
}
