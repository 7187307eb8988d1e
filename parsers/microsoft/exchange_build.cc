// exchange_build.cc - locate an Exchange build number and name its product.
#include "parsers/microsoft/exchange_build.h"

#include "src/util/strings.h"

namespace ndrscan::microsoft {
namespace {

using util::is_digit;
using util::is_space;

/// build_at - the run of digits and dots starting at `pos`, if it is a
/// build of 2-4 numbers; "" otherwise.
std::string_view build_at(std::string_view s, std::size_t pos) {
  std::size_t e = pos;
  while (e < s.size() && (is_digit(s[e]) || s[e] == '.')) ++e;
  std::string_view run = s.substr(pos, e - pos);
  while (!run.empty() && run.back() == '.') run.remove_suffix(1);  // "id 15.2.1544.4."
  // the build must end the word: "15.2.1544.4;" or "15.2.1544.4 via" are fine
  if (e < s.size() && !is_space(s[e]) && s[e] != ';' && s[e] != ')' && s[e] != ',') return {};
  std::vector<long> parts = normalise_build(run);
  if (parts.size() < 2) return {};
  return run;
}

}  // namespace

std::string find_exchange_build(std::string_view text) {
  std::string_view t = util::trim(text);
  if (t.empty()) return {};
  if (is_digit(t[0])) {
    std::string_view b = build_at(t, 0);
    if (b.size() == t.size() || (!b.empty() && b.size() + 1 == t.size() && t.back() == '.')) return std::string(b);
  }
  // "id <build>": the word "id" preceded by start, blank or '(' and followed by blanks
  for (std::size_t p = util::ifind(t, "id"); p != std::string_view::npos; p = util::ifind(t, "id", p + 2)) {
    if (p > 0 && !is_space(t[p - 1]) && t[p - 1] != '(' && t[p - 1] != ';') continue;
    std::size_t q = p + 2;
    if (q >= t.size() || !is_space(t[q])) continue;
    while (q < t.size() && is_space(t[q])) ++q;
    if (q < t.size() && is_digit(t[q])) {
      std::string_view b = build_at(t, q);
      if (!b.empty()) return std::string(b);
    }
  }
  return {};
}

std::string exchange_version_name(std::string_view id_or_build, const MsTables& tables) {
  std::string build = find_exchange_build(id_or_build);
  if (build.empty()) return {};
  return tables.exchange_product(build);
}

}  // namespace ndrscan::microsoft
