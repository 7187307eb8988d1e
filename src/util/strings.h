// strings.h - small ASCII string helpers with no email knowledge.
//
// PURPOSE
//   Case-insensitive comparison, trimming and IP-literal checks over
//   std::string_view, shared by the parsers. All functions are ASCII-only on
//   purpose: header syntax is ASCII, and locale-dependent <cctype> calls are
//   both slow and wrong on 8-bit bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace ndrscan::util {

/// to_lower_ascii - lowercase one byte, leaving non-ASCII untouched.
constexpr char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// is_space - blank or line break (header whitespace).
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_xdigit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// iequals - ASCII case-insensitive equality.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) return false;
  return true;
}

/// istarts_with - ASCII case-insensitive prefix test.
inline bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// ifind - ASCII case-insensitive search; npos when absent. Candidates are
/// filtered 16 positions at a time on the needle's first and last byte
/// (strings.cc), so long texts are scanned at memchr-like speed.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0);

/// find_bytes - hay.find(needle, from) with the same filter: faster than
/// std::string_view::find when the needle's first byte is common in `hay`.
std::size_t find_bytes(std::string_view hay, std::string_view needle, std::size_t from = 0);

/// trim - strip header whitespace at both ends.
inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// lower_into - dst[0, n) = src[0, n) ASCII-lowercased (16 bytes at a time
/// where SSE2 is available); dst may equal src.
void lower_into(char* dst, const char* src, std::size_t n);

/// utf8_valid_len - length of the well-formed UTF-8 sequence at s[i] (1 for
/// ASCII), or 0 when it is not well formed; then *bad (when given) is the
/// length of the maximal subpart to replace with U+FFFD (Unicode 15
/// section 3.9, Table 3-7).
std::size_t utf8_valid_len(std::string_view s, std::size_t i, std::size_t* bad = nullptr);

/// find_any3 - first i >= from with s[i] one of a, b, c; s.size() when none
/// (16 bytes at a time where SSE2 is available).
std::size_t find_any3(std::string_view s, std::size_t from, char a, char b, char c);

/// collapse_blanks - copy src[0, n) to dst with every run of blanks (space,
/// tab, CR, LF) written as one space; returns the length written (<= n).
/// dst may equal src. 16 bytes at a time where no two blanks touch.
std::size_t collapse_blanks(char* dst, const char* src, std::size_t n);

/// lower - ASCII-lowercased copy.
inline std::string lower(std::string_view s) {
  std::string out(s.size(), '\0');
  lower_into(out.data(), s.data(), s.size());
  return out;
}

/// is_ipv4 - dotted quad, each part 0..255, no leading junk.
bool is_ipv4(std::string_view s);

/// is_ipv6 - RFC 4291 text form (with optional embedded IPv4 tail and zone).
bool is_ipv6(std::string_view s);

/// is_ip - IPv4 or IPv6 text.
inline bool is_ip(std::string_view s) { return is_ipv4(s) || is_ipv6(s); }

/// clean_ip - strip brackets, an "IPv6:" prefix and a ":port" / ".port"
/// suffix from an IP literal as written in a Received field; empty if what
/// remains is not an IP address.
std::string clean_ip(std::string_view s);

/// canonical_ipv6 - RFC 5952 text form (lowercase, zeros compressed), no zone.
std::string canonical_ipv6(std::string_view s);

/// is_hostname - plausible DNS name (letters, digits, '-', '_', '.'), not an IP.
bool is_hostname(std::string_view s);

/// strip_dot - drop one trailing '.' (absolute DNS names).
inline std::string_view strip_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace ndrscan::util
