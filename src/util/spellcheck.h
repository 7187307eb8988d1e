// spellcheck.h - "did you mean" suggestions for keys and names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::util {

/// edit_distance - Levenshtein distance, ASCII case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// did_you_mean - the closest candidate within a third of the word's length
/// (at least 1, at most 3 edits), or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ndrscan::util
