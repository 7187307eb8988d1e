// regex_test.cc - unit tests for src/util/regex.h: the literal suffix a
// pattern's matches must end with, and search() with that early rejection
// compared with PCRE2 alone on random subjects.

#include "src/util/regex.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using ndrscan::util::literal_suffix;
using ndrscan::util::Regex;

TEST_CASE("literal_suffix takes only the plain run before an unescaped $", "[regex]") {
  CHECK(literal_suffix(R"(^mail-[a-z0-9]+-f[0-9]+\.google\.com$)") == ".google.com");
  CHECK(literal_suffix(R"(^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com$)") == ".amazonaws.com");
  CHECK(literal_suffix(R"(x\-y_z$)") == "x-y_z");
  CHECK(literal_suffix("abc") == "");          // no anchor
  CHECK(literal_suffix(R"(abc\$)") == "");     // an escaped '$' is a literal
  CHECK(literal_suffix(R"(abc\\$)") == "");    // an escaped backslash, then the anchor
  CHECK(literal_suffix("ab+c$") == "c");       // the quantifier belongs to 'b'
  CHECK(literal_suffix("ab.com$") == "com");   // an unescaped '.' is any character
  CHECK(literal_suffix("a[bc]de$") == "de");
  CHECK(literal_suffix("(ab)?cd$") == "cd");
  CHECK(literal_suffix("a|bcd$") == "");       // alternation
  CHECK(literal_suffix("(?i)abc$") == "");     // inline options
  CHECK(literal_suffix(R"(a\x2e$)") == "");    // an escape sequence, not "2e"
  CHECK(literal_suffix(R"(a\d$)") == "");
  CHECK(literal_suffix(R"(a\1$)") == "");
  CHECK(literal_suffix(R"(\Qa.b$)") == "");   // quoted: the '$' is a literal
  CHECK(literal_suffix("(*CR)abc$") == "");    // a verb may change what '$' means
  CHECK(literal_suffix("$") == "");
}

TEST_CASE("Regex::search with the suffix check agrees with PCRE2 alone", "[regex]") {
  struct Case {
    std::string pattern, example;  // the example matches
  };
  const std::vector<Case> cases = {
      {R"(^mail-[a-z0-9]+-f[0-9]+\.google\.com$)", "mail-yb1-f171.google.com"},
      {R"(^[a-z0-9-]+\.eop-[a-z0-9]+\.prod\.protection\.outlook\.com$)",
       "bn3nam04ft003.eop-nam04.prod.protection.outlook.com"},
      {R"(^[a-z0-9]+(-[a-z0-9]+)*-obe\.outbound\.protection\.outlook\.com$)",
       "nam04-bn3-obe.outbound.protection.outlook.com"},
      {R"(ks$)", "ks"},
      {R"(k\-s$)", "k-s"},
      {R"(AB$)", "AB"},
  };
  const std::vector<std::string> pieces = {"mail", "-",  "f1",    ".",     "google", ".com", "com",  "K",  "k",
                                           "s",    "S",  "\xE2\x84\xAA",  "\xC5\xBF", "\n",   "eop-", "prod",
                                           "protection", "outlook", "obe", "outbound", "ab", "AB", "x", "9"};
  std::mt19937 rng(77);
  for (bool caseless : {true, false}) {
    for (const auto& [p, example] : cases) {
      Regex fast, plain;
      std::string err;
      REQUIRE(fast.compile(p, &err, caseless));
      REQUIRE(plain.compile(p + "(?:)", &err, caseless));  // same language, no suffix known
      REQUIRE_FALSE(fast.required_suffix().empty());
      REQUIRE(plain.required_suffix().empty());
      int matched = 0;
      for (int n = 0; n < 20000; ++n) {
        // half start from a matching example, mangled or not
        std::string s = rng() % 2 ? example : std::string();
        if (!s.empty() && rng() % 2) s.insert(rng() % (s.size() + 1), pieces[rng() % pieces.size()]);
        const int k = static_cast<int>(rng() % (s.empty() ? 9 : 2));
        for (int i = 0; i < k; ++i) s += pieces[rng() % pieces.size()];
        // often end with the pattern's own suffix, in either case
        if (s.empty() && rng() % 2) {
          std::string tail = fast.required_suffix();
          if (rng() % 2)
            for (char& ch : tail) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
          s += tail;
          if (rng() % 4 == 0) s += "\n";
        }
        const bool want = plain.search(s);
        matched += want;
        INFO("pattern " << p << " caseless " << caseless << " subject '" << s << "'");
        REQUIRE(fast.search(s) == want);
      }
      CHECK(matched > 0);
    }
  }
}
