// regex.cc - PCRE2 wrapper.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "src/util/regex.h"

#include <pcre2.h>

#include <cstdint>
#include <cstring>

namespace ndrscan::util {
namespace {

constexpr uint32_t kMatchLimit = 100000;

/// Per-thread match data and context, created on first use.
struct ThreadState {
  pcre2_match_data* data = pcre2_match_data_create(32, nullptr);
  pcre2_match_context* ctx = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, kMatchLimit);
    pcre2_set_depth_limit(c, 1000);
    return c;
  }();
  ~ThreadState() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(ctx);
  }
};

ThreadState& state() {
  thread_local ThreadState s;
  return s;
}

/// ASCII-only case folding: lowercase letters, every other byte as is.
char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string literal_suffix(std::string_view p) {
  // Conservative: anything that could make a match end other than with the
  // run before '$' gives up (alternation, inline options such as (?i) or
  // (?x), verbs such as (*CR), \Q...\E quoting, a '$' that is escaped).
  for (std::string_view no : {"|", "(?", "(*", "\\Q"})
    if (p.find(no) != std::string_view::npos) return {};
  auto escaped = [&](std::size_t i) {  // preceded by an odd number of backslashes
    std::size_t n = 0;
    while (i > n && p[i - n - 1] == '\\') ++n;
    return n % 2 == 1;
  };
  if (p.empty() || p.back() != '$' || escaped(p.size() - 1)) return {};
  std::string rev;
  for (std::size_t i = p.size() - 1; i > 0; --i) {
    const char c = p[i - 1];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (escaped(i - 1)) {
      // "\." and "\-" are literals; an escaped letter or digit starts an
      // escape sequence (\d, \x2e, \1, ...) that the characters already
      // taken may belong to.
      if (c == '.' || c == '-') {
        rev.push_back(c);
        --i;  // skip the backslash
        continue;
      }
      if (alnum) return {};
      break;
    }
    if (!alnum && c != '_' && c != '-') break;
    rev.push_back(c);
  }
  return std::string(rev.rbegin(), rev.rend());
}

void Regex::Free::operator()(pcre2_real_code_8* c) const { pcre2_code_free(c); }

bool Regex::compile(std::string_view pattern, std::string* err, bool caseless) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (caseless ? PCRE2_CASELESS : 0);
  pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts, &code, &offset,
                                nullptr);
  if (!c) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    *err = std::string(reinterpret_cast<char*>(msg)) + " at offset " + std::to_string(offset);
    return false;
  }
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
  code_.reset(c, Free{});
  pattern_.assign(pattern);
  caseless_ = caseless;
  suffix_ = literal_suffix(pattern);
  // The check reads '$' as "at the end, or before a final LF": it holds for
  // LF newlines without multi-line or extended mode (asked of the compiled
  // pattern, so the library's build default counts too).
  std::uint32_t newline = 0, options = 0;
  if (pcre2_pattern_info(c, PCRE2_INFO_NEWLINE, &newline) != 0 || newline != PCRE2_NEWLINE_LF ||
      pcre2_pattern_info(c, PCRE2_INFO_ALLOPTIONS, &options) != 0 ||
      (options & (PCRE2_MULTILINE | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE)) != 0)
    suffix_.clear();
  if (caseless_)
    for (char& ch : suffix_) ch = fold(ch);
  return true;
}

bool Regex::ends_with_suffix(std::string_view subject) const {
  // '$' also matches before a final newline.
  std::string_view s = subject;
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (s.size() >= suffix_.size()) {
    const std::string_view tail = s.substr(s.size() - suffix_.size());
    bool same = true;
    for (std::size_t i = 0; i < tail.size() && same; ++i) same = (caseless_ ? fold(tail[i]) : tail[i]) == suffix_[i];
    if (same) return true;
  }
  // Caseless UTF matching folds some non-ASCII letters to ASCII ones (the
  // Kelvin sign to 'k', long s to 's'): a subject with non-ASCII bytes is
  // left to PCRE2.
  if (!caseless_) return false;
  std::size_t i = 0;
  std::uint64_t high = 0;  // the top bits of every byte, eight at a time
  for (; i + 8 <= subject.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, subject.data() + i, 8);
    high |= w;
  }
  for (; i < subject.size(); ++i) high |= static_cast<unsigned char>(subject[i]);
  return (high & 0x8080808080808080ull) != 0;
}

bool Regex::search(std::string_view subject) const {
  if (!code_) return false;
  if (!suffix_.empty() && !ends_with_suffix(subject)) return false;
  ThreadState& s = state();
  int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, s.data, s.ctx);
  return rc >= 0;
}

}  // namespace ndrscan::util
