// phrase_set.cc - Aho-Corasick automaton (see phrase_set.h).
#include "src/util/phrase_set.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace ndrscan::util {

PhraseSet::PhraseSet(const std::vector<std::string_view>& phrases, bool fold) {
  for (int b = 0; b < 256; ++b)
    fold_[b] = static_cast<unsigned char>((fold && b >= 'A' && b <= 'Z') ? (b | 0x20) : b);

  // 1. the trie (children as (byte, state) pairs while building)
  std::vector<std::vector<std::pair<unsigned char, std::uint32_t>>> kids(1);
  std::vector<std::vector<std::uint32_t>> outs(1);
  lengths_.reserve(phrases.size());
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    std::string_view p = phrases[i];
    lengths_.push_back(static_cast<std::uint32_t>(p.size()));
    max_len_ = std::max(max_len_, p.size());
    if (p.empty()) {
      empty_.push_back(static_cast<std::uint32_t>(i));
      continue;
    }
    std::uint32_t s = 0;
    for (char ch : p) {
      const unsigned char b = fold_[static_cast<unsigned char>(ch)];
      auto it = std::find_if(kids[s].begin(), kids[s].end(), [&](const auto& k) { return k.first == b; });
      if (it != kids[s].end()) {
        s = it->second;
        continue;
      }
      if (kids.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("phrase set too large for one automaton");
      const auto t = static_cast<std::uint32_t>(kids.size());
      kids[s].emplace_back(b, t);
      kids.emplace_back();
      outs.emplace_back();
      s = t;
    }
    outs[s].push_back(static_cast<std::uint32_t>(i));
  }
  const std::size_t states = kids.size();
  if (states == 1) return;  // nothing to scan for (maybe empty phrases)

  // 2. flat child lists and the root's full row
  nodes_.resize(states);
  for (std::size_t s = 0; s < states; ++s) {
    std::sort(kids[s].begin(), kids[s].end());
    nodes_[s].child_begin = static_cast<std::uint32_t>(child_byte_.size());
    for (const auto& [b, t] : kids[s]) {
      child_byte_.push_back(b);
      child_next_.push_back(t);
    }
    nodes_[s].child_end = static_cast<std::uint32_t>(child_byte_.size());
  }
  for (const auto& [b, t] : kids[0]) root_[b] = t;
  if (fold)
    for (int b = 'A'; b <= 'Z'; ++b) root_[b] = root_[b | 0x20];

  // 3. failure links breadth first; each state's outputs gain its failure
  //    state's (already complete: it is shallower)
  std::vector<std::uint32_t> order;
  order.reserve(states);
  for (const auto& [b, t] : kids[0]) {
    nodes_[t].fail = 0;
    order.push_back(t);
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint32_t s = order[k];
    const auto& fo = outs[nodes_[s].fail];
    outs[s].insert(outs[s].end(), fo.begin(), fo.end());
    for (const auto& [b, t] : kids[s]) {
      nodes_[t].fail = step(nodes_[s].fail, b);
      order.push_back(t);
    }
  }
  for (std::size_t s = 0; s < states; ++s) {
    std::sort(outs[s].begin(), outs[s].end());
    nodes_[s].out_begin = static_cast<std::uint32_t>(out_.size());
    out_.insert(out_.end(), outs[s].begin(), outs[s].end());
    nodes_[s].out_end = static_cast<std::uint32_t>(out_.size());
  }
}

void PhraseSet::mark(std::string_view text, Hits* hits) const {
  hits->reset(size());
  for (std::uint32_t i : empty_) hits->set(i);
  if (nodes_.empty()) return;
  std::uint32_t s = 0;
  for (char ch : text) {
    s = step(s, fold_[static_cast<unsigned char>(ch)]);
    const Node& n = nodes_[s];
    for (std::uint32_t k = n.out_begin; k < n.out_end; ++k) hits->set(out_[k]);
  }
}

bool PhraseSet::any(std::string_view text) const {
  if (!empty_.empty()) return true;
  if (nodes_.empty()) return false;
  std::uint32_t s = 0;
  for (char ch : text) {
    s = step(s, fold_[static_cast<unsigned char>(ch)]);
    if (nodes_[s].out_begin != nodes_[s].out_end) return true;
  }
  return false;
}

std::size_t PhraseSet::first(std::string_view text, std::size_t* which) const {
  constexpr std::size_t npos = std::string_view::npos;
  std::size_t best = npos, best_i = 0;
  if (!empty_.empty()) {  // "" is found at 0; a lower-numbered phrase at 0 still wins
    best = 0;
    best_i = empty_.front();
  }
  if (!nodes_.empty()) {
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      // every match still to come ends after i, so starts after i + 1 - max_len
      if (best != npos && i + 1 > best + max_len_) break;
      s = step(s, fold_[static_cast<unsigned char>(text[i])]);
      const Node& n = nodes_[s];
      for (std::uint32_t k = n.out_begin; k < n.out_end; ++k) {
        const std::uint32_t id = out_[k];
        const std::size_t start = i + 1 - lengths_[id];
        if (start < best || (start == best && id < best_i)) {
          best = start;
          best_i = id;
        }
      }
    }
  }
  if (best != npos && which) *which = best_i;
  return best;
}

}  // namespace ndrscan::util
