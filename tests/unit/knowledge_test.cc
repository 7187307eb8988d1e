// knowledge_test.cc - status code table loading and validation messages.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "src/core/knowledge.h"

using ndrscan::StatusCodeTable;

namespace {
std::string write_tmp(const std::string& text) {
  char name[] = "/tmp/ndrscan-knowledge-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(name) << text;
  return name;
}
}  // namespace

TEST_CASE("knowledge: the shipped status table loads", "[knowledge]") {
  StatusCodeTable t;
  std::string err;
  REQUIRE(t.load(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/status/enhanced-status-codes.tsv", &err));
  CHECK(err.empty());
  CHECK(t.meaning("5.1.1") == "Bad destination mailbox address");
  CHECK(t.meaning("4.4.7") == "Delivery time expired");
  CHECK(t.meaning("5.7.133") == "Security or policy status (detail not registered)");
  CHECK(t.meaning("").empty());
  CHECK_FALSE(t.date().empty());
}

TEST_CASE("knowledge: errors name file and line", "[knowledge]") {
  struct Row {
    const char* text;
    const char* want;
  } rows[] = {
      {"# date: 2026-01-01\nX.1.1\tBad\n", ":2: expected 3 tab-separated columns (code, meaning, source), found 2"},
      {"# date: 2026-01-01\nY.1.1\tBad\tRFC\n", ":2: 'Y.1.1' is not a code pattern (use 5, X.7 or X.7.1)"},
      {"# date: 2026-01-01\nX.1.1\ta\tRFC\nX.1.1\tb\tRFC\n", ":3: duplicate code 'X.1.1'"},
      {"X.1.1\ta\tRFC\n", ": missing '# date:' line"},
      {"# date: 2026-01-01\nX.1.1\t \tRFC\n", ":2: empty meaning or source"},
  };
  for (const auto& r : rows) {
    std::string path = write_tmp(r.text);
    StatusCodeTable t;
    std::string err;
    CHECK_FALSE(t.load(path, &err));
    CHECK(err == path + r.want);
    std::remove(path.c_str());
  }
}
