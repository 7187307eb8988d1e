// strings_test.cc - unit tests for the searches in src/util/strings.h,
// compared with a plain byte-by-byte reference on random text.

#include "src/util/strings.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>

namespace {

using ndrscan::util::find_bytes;
using ndrscan::util::ifind;
using ndrscan::util::iequals;

// naive_ifind - the reference: every start position in order.
std::size_t naive_ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

}  // namespace

TEST_CASE("ifind and find_bytes agree with a byte-by-byte search", "[strings]") {
  std::mt19937 rng(4242);
  const char alphabet[] = {'a', 'A', 'b', 'B', 'z', '@', '`', '<', '>', ' ', '\n', '\x80', '\xC3', '\xE9', '1'};
  for (int n = 0; n < 30000; ++n) {
    std::string hay, needle;
    // up to 200 bytes: the 32-byte (AVX2), 16-byte and byte-wise paths all run
    std::size_t hn = rng() % 200, nn = rng() % 6;
    for (std::size_t i = 0; i < hn; ++i) hay.push_back(alphabet[rng() % sizeof alphabet]);
    for (std::size_t i = 0; i < nn; ++i) needle.push_back(alphabet[rng() % sizeof alphabet]);
    std::size_t from = rng() % (hn + 3);
    INFO(n);
    REQUIRE(ifind(hay, needle, from) == naive_ifind(hay, needle, from));
    REQUIRE(find_bytes(hay, needle, from) == std::string_view(hay).find(needle, from));
  }
}

TEST_CASE("ifind: matches at block edges and the end of the text", "[strings]") {
  std::string hay(100, '.');
  for (std::size_t at : {0u, 1u, 14u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 90u, 94u}) {
    std::string h = hay;
    h.replace(at, 6, "Bounce");
    CHECK(ifind(h, "bOUNCE") == at);
    CHECK(find_bytes(h, "Bounce") == at);
    CHECK(find_bytes(h, "bounce") == std::string_view::npos);
    CHECK(ifind(h, "bounce", at + 1) == std::string_view::npos);
  }
  CHECK(ifind("abc", "") == 0);
  CHECK(ifind("abc", "", 3) == 3);
  CHECK(ifind("abc", "", 4) == std::string_view::npos);
  CHECK(ifind("ab", "abc") == std::string_view::npos);
  // '@' and '`' differ only in bit 0x20: not letters, so never folded.
  CHECK(ifind("x`y", "@") == std::string_view::npos);
}

TEST_CASE("lower_into agrees with to_lower_ascii on every byte value", "[strings]") {
  std::mt19937 rng(77);
  for (int n = 0; n < 2000; ++n) {
    std::string s(rng() % 70, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xFF);
    std::string want = s;
    for (char& c : want) c = ndrscan::util::to_lower_ascii(c);
    std::string got(s.size(), '\0');
    ndrscan::util::lower_into(got.data(), s.data(), s.size());
    REQUIRE(got == want);
    ndrscan::util::lower_into(s.data(), s.data(), s.size());  // in place
    REQUIRE(s == want);
  }
}

TEST_CASE("collapse_blanks agrees with a byte-by-byte reference", "[strings]") {
  std::mt19937 rng(78);
  const char alphabet[] = {'a', 'b', ' ', ' ', '\t', '\r', '\n', 'Z', '\x80'};
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 80, '\0');
    const bool sparse = n % 2;  // mostly letters: the 16-byte path
    for (char& c : s) c = sparse && rng() % 8 ? 'x' : alphabet[rng() % sizeof alphabet];
    std::string want;
    bool last = false;
    for (char c : s) {
      const bool sp = c == ' ' || c == '\t' || c == '\r' || c == '\n';
      if (!(sp && last)) want.push_back(sp ? ' ' : c);
      last = sp;
    }
    std::string got(s.size(), '\0');
    got.resize(ndrscan::util::collapse_blanks(got.data(), s.data(), s.size()));
    REQUIRE(got == want);
    s.resize(ndrscan::util::collapse_blanks(s.data(), s.data(), s.size()));  // in place
    REQUIRE(s == want);
  }
}

TEST_CASE("find_any3 finds the first of three bytes", "[strings]") {
  std::mt19937 rng(79);
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 70, 'x');
    for (char& c : s)
      if (rng() % 12 == 0) c = "=\n\r "[rng() % 4];
    const std::size_t from = rng() % (s.size() + 2);
    std::size_t want = s.size();
    for (std::size_t i = from; i < s.size(); ++i)
      if (s[i] == '=' || s[i] == '\n' || s[i] == '\r') {
        want = i;
        break;
      }
    REQUIRE(ndrscan::util::find_any3(s, from, '\n', '\r', '=') == want);
  }
}
