// json_writer.cc - streaming JSON output, byte-compatible with nlohmann's dump().
#include "src/util/json_writer.h"

#include <charconv>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "src/util/strings.h"

namespace ndrscan::util {
namespace {

// Byte classes for the string escaper: 0 copied as is, 1 needs an escape
// (control character, quote, backslash), 2 starts a multi-byte sequence.
constexpr unsigned char kPlain = 0, kEscape = 1, kMulti = 2;

struct ByteClasses {
  unsigned char c[256];
  constexpr ByteClasses() : c() {
    for (int i = 0; i < 256; ++i) c[i] = i < 0x20 ? kEscape : (i >= 0x80 ? kMulti : kPlain);
    c[static_cast<unsigned char>('"')] = kEscape;
    c[static_cast<unsigned char>('\\')] = kEscape;
  }
};
constexpr ByteClasses kClasses;

// append_escape - the escape nlohmann writes for one control character,
// quote or backslash.
void append_escape(std::string* out, unsigned char c) {
  switch (c) {
    case '\b': out->append("\\b", 2); return;
    case '\t': out->append("\\t", 2); return;
    case '\n': out->append("\\n", 2); return;
    case '\f': out->append("\\f", 2); return;
    case '\r': out->append("\\r", 2); return;
    case '"': out->append("\\\"", 2); return;
    case '\\': out->append("\\\\", 2); return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(buf, 6);
    }
  }
}

}  // namespace

// is_valid_utf8 - scan for the first ill-formed sequence.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = utf8_valid_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// plain_end - the first i >= `i` where s[i] needs an escape or is part of
// a multi-byte sequence (s.size() when none). 16 bytes a step: a signed
// compare below 0x20 catches control characters and bytes >= 0x80 alike.
std::size_t plain_end(std::string_view s, std::size_t i) {
#ifdef __SSE2__
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i special = _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),
                                         _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('"')),
                                                      _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'))));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special)))
      return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < s.size() && kClasses.c[static_cast<unsigned char>(s[i])] == kPlain) ++i;
  return i;
}

}  // namespace

bool json_plain(std::string_view s) { return plain_end(s, 0) == s.size(); }

// append_json_string - copy runs of plain bytes, escape the rest; on the
// first ill-formed sequence undo and either refuse (strict) or let
// nlohmann serialise the whole string with its replacement rules.
bool append_json_string(std::string* out, std::string_view s, bool strict) {
  const std::size_t start = out->size();
  out->push_back('"');
  std::size_t run = 0, i = 0;
  while ((i = plain_end(s, i)) < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (kClasses.c[c] == kMulti) {
      std::size_t n = utf8_valid_len(s, i);
      if (n == 0) {
        out->resize(start);
        if (strict) return false;
        out->append(nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return true;
      }
      i += n;
      continue;
    }
    out->append(s.data() + run, i - run);
    append_escape(out, c);
    run = ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
  return true;
}

void JsonWriter::newline_indent(std::size_t depth) {
  out_->push_back('\n');
  out_->append(depth * static_cast<std::size_t>(indent_), ' ');
}

// before_value - the separator and, when pretty, the line break before an
// array element; nothing after a key (key() wrote ":").
void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_->push_back(',');
  first_.back() = 0;
  if (indent_ >= 0) newline_indent(first_.size());
}

// compact_member - in compact output, grow the output once by `,"k":` (the
// comma when a member came before) and `extra` bytes; returns where the
// extra bytes go.
char* JsonWriter::compact_member(std::string_view k, std::size_t extra) {
  const bool comma = !first_.back();
  first_.back() = 0;
  const std::size_t at = out_->size();
  out_->resize(at + (comma ? 1 : 0) + k.size() + 3 + extra);
  char* p = out_->data() + at;
  if (comma) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, k.data(), k.size());
  p += k.size();
  *p++ = '"';
  *p++ = ':';
  return p;
}

void JsonWriter::key(std::string_view k) {
  after_key_ = true;
  if (indent_ < 0) {
    compact_member(k, 0);
    return;
  }
  if (!first_.back()) out_->push_back(',');
  first_.back() = 0;
  newline_indent(first_.size());
  out_->push_back('"');
  out_->append(k);
  out_->append("\": ", 3);
}

void JsonWriter::member_raw(std::string_view k, std::string_view raw, bool quoted) {
  if (indent_ >= 0) {
    key(k);
    before_value();
    if (quoted) out_->push_back('"');
    out_->append(raw);
    if (quoted) out_->push_back('"');
    return;
  }
  char* p = compact_member(k, raw.size() + (quoted ? 2 : 0));
  if (quoted) *p++ = '"';
  std::memcpy(p, raw.data(), raw.size());
  if (quoted) p[raw.size()] = '"';
}

void JsonWriter::open(char c) {
  before_value();
  out_->push_back(c);
  first_.push_back(1);
}

// close - empty containers stay on one line ({} and []), as nlohmann does.
void JsonWriter::close(char c) {
  const bool empty = first_.back() != 0;
  first_.pop_back();
  if (!empty && indent_ >= 0) newline_indent(first_.size());
  out_->push_back(c);
}

void JsonWriter::value_int(std::int64_t v) {
  before_value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_->append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void JsonWriter::value_uint(std::uint64_t v) {
  before_value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_->append(buf, static_cast<std::size_t>(r.ptr - buf));
}

bool JsonWriter::try_value_string(std::string_view s) {
  const bool after_key = after_key_;
  const std::size_t start = out_->size();
  const std::vector<char>::size_type depth = first_.size();
  const char first = depth ? first_.back() : 0;
  before_value();
  if (append_json_string(out_, s, true)) return true;
  // Undo the separator so the caller can retry with repaired text.
  out_->resize(start);
  after_key_ = after_key;
  if (depth) first_.back() = first;
  return false;
}

}  // namespace ndrscan::util
