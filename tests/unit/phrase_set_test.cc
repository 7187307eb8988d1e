// phrase_set_test.cc - util::PhraseSet against a loop of ifind / find_bytes
// (the searches it replaces), on random phrases and texts.

#include "src/util/phrase_set.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "src/util/strings.h"

namespace {

using ndrscan::util::find_bytes;
using ndrscan::util::Hits;
using ndrscan::util::ifind;
using ndrscan::util::PhraseSet;
constexpr std::size_t npos = std::string_view::npos;

std::string random_text(std::mt19937& rng, std::size_t max_len) {
  // few distinct bytes, so that phrases overlap and share prefixes and suffixes
  static const char alphabet[] = {'a', 'A', 'b', 'B', 'z', 'Z', '@', '`', '[', ' ', '\n', '\x80', '\xC3', '\xE9'};
  std::uniform_int_distribution<std::size_t> len(0, max_len), pick(0, sizeof alphabet - 1);
  std::string s(len(rng), ' ');
  for (char& c : s) c = alphabet[pick(rng)];
  return s;
}

}  // namespace

TEST_CASE("PhraseSet agrees with one search per phrase", "[phrase-set]") {
  std::mt19937 rng(977);
  for (int round = 0; round < 4000; ++round) {
    const bool fold = round % 2 == 0;
    std::vector<std::string> owned;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) owned.push_back(random_text(rng, 5));
    std::vector<std::string_view> phrases(owned.begin(), owned.end());
    PhraseSet set(phrases, fold);
    for (int t = 0; t < 5; ++t) {
      std::string text = random_text(rng, 60);
      auto find = [&](std::string_view p) { return fold ? ifind(text, p) : find_bytes(text, p); };
      Hits hits;
      set.mark(text, &hits);
      bool any = false;
      for (std::size_t i = 0; i < phrases.size(); ++i) {
        const std::size_t p = find(phrases[i]);
        INFO("fold " << fold << " phrase #" << i << " '" << owned[i] << "' in '" << text << "'");
        CHECK(hits.test(i) == (p != npos));
        any = any || p != npos;
      }
      CHECK(set.any(text) == any);
      CHECK(hits.none() == !any);
    }
  }
}

TEST_CASE("PhraseSet folds ASCII letters only", "[phrase-set]") {
  PhraseSet set({"Delivery has failed", "\xC3\xA9" "chec", "550 5.1.1"}, true);
  Hits h;
  set.mark("DELIVERY HAS FAILED to these recipients; \xC3\x89" "CHEC", &h);
  CHECK(h.test(0));
  CHECK_FALSE(h.test(1));  // U+00C9 is not folded to U+00E9
  CHECK_FALSE(h.test(2));
  PhraseSet exact({"Abc"}, false);
  CHECK_FALSE(exact.any("abc"));
  CHECK(exact.any("xAbc"));
}

TEST_CASE("PhraseSet edge cases", "[phrase-set]") {
  PhraseSet none;
  Hits h;
  none.mark("text", &h);
  CHECK(h.none());
  CHECK_FALSE(none.any("text"));
  CHECK_FALSE(h.test(1000));  // out of range: not found
  PhraseSet with_empty({"zz", ""}, true);
  CHECK(with_empty.any("abc"));  // "" is in every text, as ifind finds it
  with_empty.mark("", &h);
  CHECK(h.test(1));
  CHECK_FALSE(h.test(0));
  // phrases that are suffixes of one another, all ending at the same byte
  PhraseSet nested({"rcpt to", "pt to", "after rcpt to", "rcpt to:x"}, true);
  nested.mark("error after RCPT TO:", &h);
  CHECK(h.test(0));
  CHECK(h.test(1));
  CHECK(h.test(2));
  CHECK_FALSE(h.test(3));
}

TEST_CASE("Hits::any_in agrees with testing each bit", "[phrase-set]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = 1 + rng() % 300;
    std::vector<std::string> texts;
    std::vector<std::string_view> views;
    for (std::size_t i = 0; i < n; ++i) texts.push_back("p" + std::to_string(i) + ";");
    for (const auto& t : texts) views.push_back(t);
    PhraseSet set(views, false);
    std::string text;
    for (std::size_t i = 0; i < n; ++i)
      if (rng() % 16 == 0) text += texts[i];
    Hits h;
    set.mark(text, &h);
    for (int q = 0; q < 20; ++q) {
      const std::size_t lo = rng() % (n + 70), hi = lo + rng() % 140;
      bool want = false;
      for (std::size_t i = lo; i < hi; ++i) want = want || h.test(i);
      INFO(n << " [" << lo << ", " << hi << ")");
      REQUIRE(h.any_in(lo, hi) == want);
    }
  }
}
