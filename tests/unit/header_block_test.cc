// header_block_test.cc - unfolding, line endings, blocks without a blank line.
#include <catch2/catch.hpp>

#include "parsers/rfc5322/header_block.h"

using ndrscan::Diagnostic;
using ndrscan::rfc5322::next_line;
using ndrscan::rfc5322::scan_header_block;

TEST_CASE("header: line endings LF, CRLF, CR and mixed", "[header]") {
  struct Row {
    const char* name;
    std::string text;
  } rows[] = {
      {"LF", "A: 1\nB: 2\n\nbody\n"},
      {"CRLF", "A: 1\r\nB: 2\r\n\r\nbody\r\n"},
      {"CR", "A: 1\rB: 2\r\rbody\r"},
      {"mixed", "A: 1\r\nB: 2\n\r\nbody\n"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    std::vector<Diagnostic> d;
    auto b = scan_header_block(row.text, 0, &d);
    REQUIRE(b.fields.size() == 2);
    CHECK(b.fields[0].name == "A");
    CHECK(b.fields[1].value == "2");
    CHECK(b.terminated);
    CHECK(row.text.substr(b.body_offset, 4) == "body");
    CHECK(d.empty());
  }
}

TEST_CASE("header: folded values unfold to one space", "[header]") {
  std::vector<Diagnostic> d;
  auto b = scan_header_block("Received: from a\n\tby b\n    with SMTP;\n Tue, 12 Nov 2024\nX: y\n\n", 0, &d);
  REQUIRE(b.fields.size() == 2);
  CHECK(b.fields[0].value == "from a by b with SMTP; Tue, 12 Nov 2024");
  CHECK(b.fields[1].offset == std::string("Received: from a\n\tby b\n    with SMTP;\n Tue, 12 Nov 2024\n").size());
}

TEST_CASE("header: pasted block with no blank line and no final newline", "[header]") {
  std::vector<Diagnostic> d;
  auto b = scan_header_block("Subject: hi\nMessage-ID: <a@b>", 0, &d);
  REQUIRE(b.fields.size() == 2);
  CHECK(b.fields[1].value == "<a@b>");
  CHECK_FALSE(b.terminated);
}

TEST_CASE("header: leading indentation of a paste and obsolete 'Name :' syntax", "[header]") {
  std::vector<Diagnostic> d;
  auto b = scan_header_block("   Subject : hi\nTo: x@example.com\n", 0, &d);
  REQUIRE(b.fields.size() == 2);
  CHECK(b.fields[0].name == "Subject");
  CHECK(b.fields[0].value == "hi");
}

TEST_CASE("header: a stray line is joined when fields follow, else ends the block", "[header]") {
  std::vector<Diagnostic> d;
  auto joined = scan_header_block("Subject: a long\nsubject line\nTo: x@example.com\n\n", 0, &d);
  REQUIRE(joined.fields.size() == 2);
  CHECK(joined.fields[0].value == "a long subject line");
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "header-not-a-field");

  d.clear();
  auto ended = scan_header_block("Subject: x\nThis is the body\nwith no blank line\nbefore it.\n", 0, &d);
  CHECK(ended.fields.size() == 1);
  CHECK(ended.stopped_at_non_field);
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "header-no-blank-line");
  CHECK(d[0].offset == 11);
}

TEST_CASE("header: caps on field length and count", "[header]") {
  std::vector<Diagnostic> d;
  ndrscan::rfc5322::HeaderLimits lim;
  lim.max_field_bytes = 100;
  lim.max_fields = 3;
  std::string text = "A: " + std::string(500, 'x') + "\nB: 1\nC: 2\nD: 3\nE: 4\n\n";
  auto b = scan_header_block(text, 0, &d, 0, lim);
  CHECK(b.fields.size() == 3);
  CHECK(b.fields[0].value.size() == 100);
  REQUIRE(d.size() == 2);
  CHECK(d[0].code == "header-line-too-long");
  CHECK(d[1].code == "header-too-many-fields");
}

TEST_CASE("header: next_line handles every ending", "[header]") {
  std::string t = "a\r\nb\rc\nd";
  auto l1 = next_line(t, 0);
  CHECK(l1.end == 1);
  CHECK(l1.next == 3);
  auto l2 = next_line(t, l1.next);
  CHECK(t.substr(l2.begin, l2.end - l2.begin) == "b");
  auto l3 = next_line(t, l2.next);
  CHECK(t.substr(l3.begin, l3.end - l3.begin) == "c");
  auto l4 = next_line(t, l3.next);
  CHECK(t.substr(l4.begin, l4.end - l4.begin) == "d");
  CHECK(l4.next == t.size());
}
