// phrase_set.h - many literal phrases searched for in one pass over a text.
//
// PURPOSE
//   Dialect detection, lead-phrase tables and the cause catalogue each ask
//   "which of these N phrases occur in this text?". Asking it with one
//   util::ifind per phrase reads the text N times; a PhraseSet is an
//   Aho-Corasick automaton, built once at start-up, that answers it in one
//   pass (a table look-up per byte), whatever N is.
//
//   Matching is byte-exact, with ASCII letters case-folded when the set is
//   built with fold = true: exactly util::ifind's rule, so a loop of ifind
//   calls and a PhraseSet give the same answers. Bytes >= 0x80 (UTF-8 of
//   localised phrases) are compared as they are.
//
// PUBLIC INTERFACE
//   PhraseSet(phrases, fold)  build (phrases are indexed in the given order)
//   mark(text, &hits)         which phrases occur anywhere in text
//   any(text)                 some phrase occurs
//
// COST
//   A scan is one table look-up per byte, without branches on the text
//   (a branchy trie walk cost three times as much). The table takes
//   4 x states x byte classes bytes (about 1 MB for the catalogue's 240
//   phrases) and is built in under a millisecond. Worth it from about
//   ten phrases up: for one or two, util::ifind's SIMD filter is faster.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ndrscan::util {

/// Hits - a bit per phrase of one PhraseSet.
class Hits {
 public:
  void reset(std::size_t n) { words_.assign((n + 63) / 64, 0); }
  void set(std::size_t i) { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }
  bool test(std::size_t i) const { return (i >> 6) < words_.size() && ((words_[i >> 6] >> (i & 63)) & 1u); }
  /// any_in - some i in [lo, hi) is set.
  bool any_in(std::size_t lo, std::size_t hi) const {
    hi = std::min(hi, words_.size() * 64);
    while (lo < hi) {
      const std::size_t w = lo >> 6, b = lo & 63;
      const std::size_t n = std::min<std::size_t>(64 - b, hi - lo);
      const std::uint64_t m = (n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1)) << b;
      if (words_[w] & m) return true;
      lo += n;
    }
    return false;
  }
  bool none() const {
    for (std::uint64_t w : words_)
      if (w) return false;
    return true;
  }

 private:
  std::vector<std::uint64_t> words_;
};

class PhraseSet {
 public:
  PhraseSet() = default;
  explicit PhraseSet(const std::vector<std::string_view>& phrases, bool fold = true);

  std::size_t size() const { return size_; }

  /// mark - hits->test(i) is true afterwards iff phrase i occurs in text.
  void mark(std::string_view text, Hits* hits) const;

  /// any - some phrase occurs in text.
  bool any(std::string_view text) const;

 private:
  // A deterministic automaton over byte classes (each byte some phrase uses
  // is a class; every other byte is class 0). delta_[base + cls_[byte]] is
  // the next state's base (state number x classes_) shifted left once, with
  // bit 0 set when phrases end in that state. Built from the trie with
  // failure links: a state's row is its failure state's row with its own
  // children written over it.
  std::uint8_t cls_[256] = {};
  std::uint32_t classes_ = 1;
  std::vector<std::uint32_t> delta_;
  std::vector<std::uint32_t> out_begin_, out_end_;  // per state, into out_
  std::vector<std::uint32_t> out_;  // phrase numbers ending in a state, ascending
  std::vector<std::uint32_t> empty_;  // phrases of length 0: present in every text
  std::size_t size_ = 0;  // phrases
};

}  // namespace ndrscan::util
