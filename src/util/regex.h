// regex.h - PCRE2 patterns compiled once, JIT where available, bounded.
//
// PURPOSE
//   A small RAII wrapper: compile at start-up (caseless by default), JIT
//   compile, and match with a match limit so a hostile subject cannot make
//   a pattern run away. Match data is per thread (thread_local), so one
//   compiled Regex is shared read-only by all threads.
//
// PUBLIC FUNCTIONS
//   Regex::compile()  pattern -> Regex, or an error with the offset
//   Regex::search()   true when the pattern matches somewhere in the subject
//   literal_suffix()  the text a pattern's every match ends with, if plain
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct pcre2_real_code_8;

namespace ndrscan::util {

class Regex {
 public:
  Regex() = default;
  /// compile - false with "message at offset N" in *err.
  bool compile(std::string_view pattern, std::string* err, bool caseless = true);
  /// search - match anywhere; a match-limit hit counts as no match.
  bool search(std::string_view subject) const;
  const std::string& pattern() const { return pattern_; }
  /// The literal text every match must end the subject with ("" if none is
  /// known): search() rejects a subject without it before running PCRE2.
  const std::string& required_suffix() const { return suffix_; }

 private:
  bool ends_with_suffix(std::string_view subject) const;
  struct Free {
    void operator()(pcre2_real_code_8* c) const;
  };
  std::shared_ptr<pcre2_real_code_8> code_;
  std::string pattern_;
  std::string suffix_;
  bool caseless_ = true;
};

/// literal_suffix - for a pattern ending in an unescaped '$', the run of
/// plain characters (letters, digits, '_', '-', and escaped '.' or '-')
/// just before it, which every match ends with; "" when the pattern could
/// end otherwise (alternation, inline options, escape sequences, no '$').
std::string literal_suffix(std::string_view pattern);

}  // namespace ndrscan::util
