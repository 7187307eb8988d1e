// encoded_word_test.cc - unit tests for parsers/rfc2047/encoded_word.h.

#include "parsers/rfc2047/encoded_word.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace {

using ndrscan::rfc2047::decode_words;
using ndrscan::rfc2047::sanitize_utf8;
using ndrscan::rfc2047::to_utf8;

// is_valid_utf8 - sanitize_utf8() is the identity exactly on valid UTF-8.
bool is_valid_utf8(std::string_view s) { return sanitize_utf8(s) == s; }

// WordRow - one decode_words() case.
struct WordRow {
  const char* input;
  const char* expected;
  bool changed;
  bool had_errors;
};

const WordRow kRows[] = {
    // Plain text.
    {"", "", false, false},
    {"Undelivered Mail Returned to Sender", "Undelivered Mail Returned to Sender", false, false},
    {"J\xC3\xBCrgen", "J\xC3\xBCrgen", false, false},
    {"a=?b and 1 =? 2 ?= x", "a=?b and 1 =? 2 ?= x", false, false},
    // B and Q encodings (RFC 2047 4.1, 4.2), case-insensitive.
    {"=?UTF-8?B?SGVsbG8gV29ybGQ=?=", "Hello World", true, false},
    {"=?utf-8?b?SGVsbG8gV29ybGQ=?=", "Hello World", true, false},
    {"=?UtF-8?q?Hello_World?=", "Hello World", true, false},
    {"=?UTF-8?Q?Hello=20World?=", "Hello World", true, false},
    {"=?utf-8?q?=c3=a9t=C3=A9?=", "\xC3\xA9t\xC3\xA9", true, false},
    {"=?utf-8?Q?" "?=", "", true, false},
    // RFC 2047 section 8 examples: white space handling (6.2).
    {"(=?ISO-8859-1?Q?a?=)", "(a)", true, false},
    {"(=?ISO-8859-1?Q?a?= b)", "(a b)", true, false},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)", true, false},
    {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)", true, false},
    {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)", true, false},
    {"(=?ISO-8859-1?Q?a_b?=)", "(a b)", true, false},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)", true, false},
    {"Hello =?utf-8?Q?W=C3=B6rld?= !", "Hello W\xC3\xB6rld !", true, false},
    {"=?utf-8?Q?a?==?utf-8?Q?b?=", "ab", true, false},
    // RFC 2231 section 5 language suffix.
    {"=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore", true, false},
    {"=?utf-8*en?Q?Hello?= =?UTF-8*de?Q?_Welt?=", "Hello Welt", true, false},
    // Glued to text, inside quoted strings.
    {"foo=?utf-8?Q?bar?=", "foobar", true, false},
    {"=?utf-8?Q?bar?=baz", "barbaz", true, false},
    {"\"=?utf-8?Q?J=C3=BCrgen_M=C3=BCller?=\" <j@example.com>",
     "\"J\xC3\xBCrgen M\xC3\xBCller\" <j@example.com>", true, false},
    {"=?utf-8?Q?hello world?=", "hello world", true, false},
    // Split multi-byte characters: raw bytes are joined before conversion.
    {"=?utf-8?Q?=E2=82?= =?utf-8?Q?=AC?=", "\xE2\x82\xAC", true, false},
    {"=?UTF-8?B?5pc=?=\r\n =?utf-8?B?peacrA==?=", "\xE6\x97\xA5\xE6\x9C\xAC", true, false},
    {"=?utf-8?B?5pc=?= =?utf-8?Q?=A5?=", "\xE6\x97\xA5", true, false},
    {"=?shift_jis?Q?=93?= =?shift_jis?Q?=FA?=", "\xE6\x97\xA5", true, false},
    // Charsets via iconv or built-in tables.
    {"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", true, false},
    {"=?iso-2022-jp?B?GyRCRnxLXBsoQg==?= =?iso-2022-jp?B?GyRCOGwbKEI=?=",
     "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", true, false},
    {"=?koi8-r?B?8NLJ18XU?=", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", true, false},
    {"=?windows-1251?B?z/Do4uXy?=", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", true, false},
    {"=?GB2312?B?1tDOxNPKvP4=?=", "\xE4\xB8\xAD\xE6\x96\x87\xE9\x82\xAE\xE4\xBB\xB6", true, false},
    {"=?gbk?B?zcvQxQ==?=", "\xE9\x80\x80\xE4\xBF\xA1", true, false},
    {"=?GB18030?B?zcvQxQ==?=", "\xE9\x80\x80\xE4\xBF\xA1", true, false},
    {"=?big5?B?pKSk5bZspfM=?=", "\xE4\xB8\xAD\xE6\x96\x87\xE9\x83\xB5\xE4\xBB\xB6", true, false},
    {"=?Shift_JIS?B?k/qWe4zq?=", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", true, false},
    {"=?EUC-KR?B?x9Gxub7u?=", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4", true, false},
    {"=?ks_c_5601-1987?B?x9Gxub7u?=", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4", true, false},
    {"=?ISO-8859-2?B?o/NkvA==?=", "\xC5\x81\xC3\xB3\x64\xC5\xBA", true, false},
    {"=?ISO-8859-1?Q?Caf=E9?=", "Caf\xC3\xA9", true, false},
    {"=?iso-8859-15?Q?=A4?=", "\xE2\x82\xAC", true, false},
    {"=?windows-1252?Q?=80_=93x=94?=", "\xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D", true, false},
    {"=?us-ascii?Q?plain?=", "plain", true, false},
    // Different charsets next to each other are converted separately.
    {"=?iso-8859-1?Q?=E9?= =?koi8-r?Q?=F0?=", "\xC3\xA9\xD0\x9F", true, false},
    // Breakage: left raw or replaced, with had_errors.
    {"=?utf-8?Q?abc", "=?utf-8?Q?abc", false, true},
    {"Re: =?utf-8?Q?abc def", "Re: =?utf-8?Q?abc def", false, true},
    {"=?utf-8?Q?abc =?utf-8?Q?def?=", "=?utf-8?Q?abc def", true, true},
    {"=?utf-8?X?abc?=", "=?utf-8?X?abc?=", false, true},
    {"=?x-unknown?Q?abc?=", "=?x-unknown?Q?abc?=", false, true},
    {"=?utf-8?Q?a?= =?x-unknown?Q?b?= =?utf-8?Q?c?=", "a =?x-unknown?Q?b?= c", true, true},
    {"=?utf//translit?Q?abc?=", "=?utf//translit?Q?abc?=", false, false},
    {"=?utf-8?B?SGVsbG8?=", "Hello", true, true},
    {"=?utf-8?B?SGVs*bG8=?=", "Hello", true, true},
    {"=?utf-8?B?SGk=SGk=?=", "HiHi", true, false},
    {"=?utf-8?B?S?=", "", true, true},
    {"=?utf-8?Q?a=ZZb?=", "a=ZZb", true, true},
    {"=?utf-8?Q?a=FFb?=", "a\xEF\xBF\xBD" "b", true, true},
    {"=?utf-8?Q?=E2=82?=", "\xEF\xBF\xBD", true, true},
    {"=?shift_jis?Q?=93?=", "\xEF\xBF\xBD", true, true},
    {"=?iso-2022-jp?Q?=1B$BF?=", "\xEF\xBF\xBD", true, true},
    // Plain bytes that are not UTF-8 are read as Windows-1252.
    {"Caf\xE9", "Caf\xC3\xA9", true, true},
    {"\x93quoted\x94 =?utf-8?Q?x?=", "\xE2\x80\x9Cquoted\xE2\x80\x9D x", true, true},
    {"bad \x81 byte", "bad \xEF\xBF\xBD byte", true, true},
};

}  // namespace

TEST_CASE("rfc2047: decode_words table", "[rfc2047]") {
  for (const WordRow& row : kRows) {
    INFO("input: \"" << row.input << "\"");
    auto r = decode_words(row.input);
    CHECK(r.text == row.expected);
    CHECK(r.changed == row.changed);
    CHECK(r.had_errors == row.had_errors);
    CHECK(is_valid_utf8(r.text));
  }
}

TEST_CASE("rfc2047: embedded NUL and 8-bit bytes in encoded text", "[rfc2047]") {
  std::string in("=?utf-8?Q?a=00b?= x\0y", 21);
  auto r = decode_words(in);
  CHECK(r.text == std::string("a\0b x\0y", 7));
  CHECK_FALSE(r.had_errors);
  auto r2 = decode_words("=?utf-8?Q?caf\xE9?=");
  CHECK(r2.text == "caf\xEF\xBF\xBD");
  CHECK(r2.had_errors);
}

TEST_CASE("rfc2047: sanitize_utf8", "[rfc2047]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(sanitize_utf8("") == "");
  CHECK(sanitize_utf8("plain ascii") == "plain ascii");
  CHECK(sanitize_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(sanitize_utf8("a\xFF" "b") == "a" + fffd + "b");
  CHECK(sanitize_utf8("\xC0\xAF") == fffd + fffd);                   // overlong
  CHECK(sanitize_utf8("\xE0\x80\xAF") == fffd + fffd + fffd);        // overlong
  CHECK(sanitize_utf8("\xED\xA0\x80") == fffd + fffd + fffd);        // surrogate
  CHECK(sanitize_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // > U+10FFFF
  CHECK(sanitize_utf8("\xE2\x82") == fffd);                          // truncated
  CHECK(sanitize_utf8("\xE2\x82x") == fffd + "x");                   // maximal subpart
  CHECK(sanitize_utf8("\xF0\x9F\x98") == fffd);
  CHECK(sanitize_utf8("\x80\xBF") == fffd + fffd);                   // lone continuations
  CHECK(sanitize_utf8("\xF5\x80") == fffd + fffd);
}

TEST_CASE("rfc2047: is_valid_utf8 is sanitize_utf8 changing nothing", "[rfc2047]") {
  std::mt19937 rng(80);
  const char* pieces[] = {"a", "plain ASCII text ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x93\xA7",
                          "\xC3", "\x80", "\xED\xA0\x80", "\xFF", "\t\r\n"};
  for (int n = 0; n < 5000; ++n) {
    std::string s;
    const int k = static_cast<int>(rng() % 12);
    for (int j = 0; j < k; ++j) s += pieces[rng() % (n % 3 == 0 ? 10 : 5)];  // a third may hold invalid bytes
    INFO(n);
    REQUIRE(ndrscan::rfc2047::is_valid_utf8(s) == (sanitize_utf8(s) == s));
  }
}

TEST_CASE("rfc2047: to_utf8", "[rfc2047]") {
  std::string out = "unchanged";
  CHECK_FALSE(to_utf8("x-unknown-8bit", "abc", &out));
  CHECK(out == "unchanged");
  CHECK_FALSE(to_utf8("", "abc", &out));
  CHECK_FALSE(to_utf8("utf-8//TRANSLIT", "abc", &out));
  CHECK(out == "unchanged");

  REQUIRE(to_utf8("UTF-8", "a\xFF", &out));
  CHECK(out == "a\xEF\xBF\xBD");
  REQUIRE(to_utf8("iso-8859-1", "\xE9", &out));
  CHECK(out == "\xC3\xA9");
  REQUIRE(to_utf8("ISO-8859-7", "\xE1", &out));
  CHECK(out == "\xCE\xB1");
  REQUIRE(to_utf8("koi8-r", "\xF0\xD2\xC9\xD7\xC5\xD4", &out));
  CHECK(out == "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  // Invalid sequence in the middle and a truncated one at the end.
  REQUIRE(to_utf8("shift_jis", "a\x93\xFA\xFF" "b\x93", &out));
  CHECK(out == "a\xE6\x97\xA5\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  REQUIRE(to_utf8("EUC-JP", "\xC6\xFC\xCB\xDC", &out));
  CHECK(out == "\xE6\x97\xA5\xE6\x9C\xAC");
  REQUIRE(to_utf8("utf-7", "+ZeVnLIqe-", &out));
  CHECK(out == "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
}

TEST_CASE("rfc2047: iconv descriptor cache survives eviction", "[rfc2047]") {
  // More charsets than cache slots, in rotation; stateful ISO-2022-JP is
  // reset before every use.
  struct Case {
    const char* charset;
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"iso-8859-2", "\xA3", "\xC5\x81"},
      {"iso-8859-5", "\xBF", "\xD0\x9F"},
      {"iso-8859-7", "\xE1", "\xCE\xB1"},
      {"iso-8859-9", "\xFD", "\xC4\xB1"},
      {"iso-8859-15", "\xA4", "\xE2\x82\xAC"},
      {"windows-1250", "\xA3", "\xC5\x81"},
      {"windows-1251", "\xCF", "\xD0\x9F"},
      {"koi8-r", "\xF0", "\xD0\x9F"},
      {"koi8-u", "\xA4", "\xD1\x94"},
      {"gb2312", "\xD6\xD0", "\xE4\xB8\xAD"},
      {"big5", "\xA4\xA4", "\xE4\xB8\xAD"},
      {"iso-2022-jp", "\x1B$BF|", "\xE6\x97\xA5"},
      {"euc-kr", "\xC7\xD1", "\xED\x95\x9C"},
      {"x-bogus", "", nullptr},
  };
  for (int round = 0; round < 50; ++round) {
    for (const Case& c : cases) {
      INFO("charset " << c.charset << " round " << round);
      std::string out;
      bool ok = to_utf8(c.charset, c.in, &out);
      if (!c.out) {
        CHECK_FALSE(ok);
        continue;
      }
      REQUIRE(ok);
      CHECK(out == c.out);
    }
  }
}

TEST_CASE("rfc2047: output is always valid UTF-8", "[rfc2047]") {
  static const char* const kPieces[] = {
      "=?",    "?=",  "utf-8", "?B?",  "?Q?", "?q?",   "_",      "=E2",  "=82", "=AC",
      "=",     " ",   "\r\n ", "SGVs", "5pc", "peacrA", "==",    "\xE9", "\xFF", "\xC3",
      "iso-2022-jp", "\x1B$B", "shift_jis", "=93", "x-junk", "*en", "?", "a", "\xE2\x82", "koi8-r"};
  uint64_t state = 42;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    int pieces = static_cast<int>(next() % 24);
    for (int k = 0; k < pieces; ++k)
      s += kPieces[next() % (sizeof kPieces / sizeof kPieces[0])];
    auto r = decode_words(s);
    INFO("input: \"" << s << "\"");
    REQUIRE(is_valid_utf8(r.text));
    if (!r.changed) REQUIRE(r.text == s);
  }
  // Random bytes.
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    int len = static_cast<int>(next() % 64);
    for (int k = 0; k < len; ++k) s.push_back(static_cast<char>(next() & 0xFF));
    REQUIRE(is_valid_utf8(decode_words(s).text));
    REQUIRE(is_valid_utf8(sanitize_utf8(s)));
  }
}
