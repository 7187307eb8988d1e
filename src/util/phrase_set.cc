// phrase_set.cc - Aho-Corasick automaton (see phrase_set.h).
#include "src/util/phrase_set.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

namespace ndrscan::util {

PhraseSet::PhraseSet(const std::vector<std::string_view>& phrases, bool fold) {
  unsigned char folded[256];
  for (int b = 0; b < 256; ++b)
    folded[b] = static_cast<unsigned char>((fold && b >= 'A' && b <= 'Z') ? (b | 0x20) : b);

  // 1. byte classes
  bool used[256] = {};
  for (std::string_view p : phrases)
    for (char ch : p) used[folded[static_cast<unsigned char>(ch)]] = true;
  std::uint32_t next_class = 1;
  for (int b = 0; b < 256; ++b)
    if (used[b]) cls_[b] = static_cast<std::uint8_t>(next_class++);
  for (int b = 0; b < 256; ++b) cls_[b] = cls_[folded[b]];
  classes_ = next_class;
  const std::uint32_t C = classes_;

  // 2. the trie, as rows of the table: delta_[s * C + c] is the child of s on
  //    class c, 0 for none (the root is nobody's child)
  std::size_t total = 0;
  for (std::string_view p : phrases) total += p.size();
  delta_.reserve((total + 1) * C);  // at most one state per phrase byte: no regrowth
  delta_.assign(C, 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> finals;  // (state, phrase)
  size_ = phrases.size();
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    std::string_view p = phrases[i];
    if (p.empty()) {
      empty_.push_back(static_cast<std::uint32_t>(i));
      continue;
    }
    std::size_t s = 0;
    for (char ch : p) {
      const std::size_t at = s * C + cls_[static_cast<unsigned char>(ch)];
      if (delta_[at] == 0) {
        const std::size_t t = delta_.size() / C;
        if ((t + 1) * C > (std::numeric_limits<std::uint32_t>::max() >> 1))
          throw std::length_error("phrase set too large for one automaton");
        delta_[at] = static_cast<std::uint32_t>(t);
        delta_.resize(delta_.size() + C, 0);
      }
      s = delta_[at];
    }
    finals.emplace_back(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i));
  }
  const std::size_t states = delta_.size() / C;
  if (states == 1) {  // nothing to scan for (maybe empty phrases)
    delta_.clear();
    return;
  }
  std::sort(finals.begin(), finals.end());

  // 3. breadth first: each state's missing edges become its failure state's
  //    (shallower, so complete already); its outputs are its own phrases and
  //    its failure state's
  std::uint32_t* next = delta_.data();
  std::vector<std::uint32_t> fail(states, 0), order;
  order.reserve(states);
  for (std::uint32_t c = 0; c < C; ++c)
    if (next[c]) order.push_back(next[c]);
  out_begin_.assign(states, 0);
  out_end_.assign(states, 0);
  auto add_outputs = [&](std::uint32_t s) {
    out_begin_[s] = static_cast<std::uint32_t>(out_.size());
    auto it = std::lower_bound(finals.begin(), finals.end(), std::make_pair(s, std::uint32_t{0}));
    for (; it != finals.end() && it->first == s; ++it) out_.push_back(it->second);
    const std::uint32_t f = fail[s];
    for (std::uint32_t k = out_begin_[f]; k < out_end_[f]; ++k) out_.push_back(out_[k]);
    std::sort(out_.begin() + out_begin_[s], out_.end());
    out_end_[s] = static_cast<std::uint32_t>(out_.size());
  };
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint32_t s = order[k];
    add_outputs(s);
    const std::uint32_t* row_f = next + static_cast<std::size_t>(fail[s]) * C;
    std::uint32_t* row = next + static_cast<std::size_t>(s) * C;
    for (std::uint32_t c = 0; c < C; ++c) {
      if (row[c]) {  // a trie edge (the row has no other entries yet)
        fail[row[c]] = row_f[c];
        order.push_back(row[c]);
      } else {
        row[c] = row_f[c];
      }
    }
  }

  // 4. state numbers become bases (x C, shifted) with the has-output bit
  for (std::size_t i = 0; i < states * C; ++i) {
    const std::uint32_t t = next[i];
    next[i] = (t * C) << 1 | (out_end_[t] != out_begin_[t] ? 1u : 0u);
  }
}

void PhraseSet::mark(std::string_view text, Hits* hits) const {
  hits->reset(size());
  for (std::uint32_t i : empty_) hits->set(i);
  if (delta_.empty()) return;
  const std::uint32_t* delta = delta_.data();
  std::uint32_t base = 0;
  for (char ch : text) {
    const std::uint32_t e = delta[base + cls_[static_cast<unsigned char>(ch)]];
    base = e >> 1;
    if (e & 1u) {
      const std::uint32_t s = base / classes_;
      for (std::uint32_t k = out_begin_[s]; k < out_end_[s]; ++k) hits->set(out_[k]);
    }
  }
}

bool PhraseSet::any(std::string_view text) const {
  if (!empty_.empty()) return true;
  if (delta_.empty()) return false;
  const std::uint32_t* delta = delta_.data();
  std::uint32_t base = 0;
  for (char ch : text) {
    const std::uint32_t e = delta[base + cls_[static_cast<unsigned char>(ch)]];
    if (e & 1u) return true;
    base = e >> 1;
  }
  return false;
}

}  // namespace ndrscan::util
