// encoded_word.cc - RFC 2047 encoded-word decoder; see encoded_word.h.
//
// decode_words() is a single left-to-right scan. Decoded bytes of a run
// of adjacent encoded-words in one charset are collected in `pending`
// and converted to UTF-8 once (RFC 2047 6.2 says adjacent words are
// displayed as one run; real encoders split multi-byte characters
// across words). Charset conversion uses a per-thread cache of iconv
// descriptors; UTF-8, US-ASCII and ISO-8859-1/Windows-1252 do not use
// iconv at all.

#include "parsers/rfc2047/encoded_word.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include <iconv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "src/util/strings.h"

namespace ndrscan::rfc2047 {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Longest charset label accepted in an encoded-word (with language).
constexpr size_t kMaxCharset = 64;

// Number of iconv descriptors cached per thread.
constexpr size_t kCacheSize = 8;

const iconv_t kBadCd = reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1));

// to_lower - ASCII lower case, locale independent.
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// is_lwsp - linear white space (RFC 2047 6.2, RFC 5322 FWS).
constexpr bool is_lwsp(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// append_codepoint - append the UTF-8 encoding of a scalar value.
void append_codepoint(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}


// first_invalid_utf8 - offset of the first invalid byte, or npos.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
#ifdef __SSE2__
    // 16 ASCII bytes at a time (no byte with its high bit set)
    while (i + 16 <= s.size() &&
           _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i))) == 0)
      i += 16;
    if (i >= s.size()) break;
#endif
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    size_t n = util::utf8_valid_len(s, i, &bad);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// append_sanitized - append `s`, replacing invalid UTF-8 with U+FFFD;
// returns false when a replacement was made.
bool append_sanitized(std::string_view s, std::string* out) {
  size_t i = first_invalid_utf8(s);
  if (i == std::string_view::npos) {
    out->append(s);
    return true;
  }
  out->append(s.substr(0, i));
  while (i < s.size()) {
    size_t bad = 0;
    size_t n = util::utf8_valid_len(s, i, &bad);
    if (n) {
      out->append(s.substr(i, n));
      i += n;
    } else {
      out->append(kReplacement);
      i += bad;
    }
  }
  return false;
}

// Windows-1252 0x80..0x9F; 0 marks the five undefined positions.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// append_cp1252_byte - append one Windows-1252 byte as UTF-8; returns
// false for the undefined positions, which become U+FFFD.
bool append_cp1252_byte(unsigned char b, std::string* out) {
  if (b >= 0x80 && b < 0xA0) {
    uint16_t cp = kCp1252High[b - 0x80];
    if (cp == 0) {
      out->append(kReplacement);
      return false;
    }
    append_codepoint(out, cp);
    return true;
  }
  append_codepoint(out, b);
  return true;
}

// append_cp1252 - convert Windows-1252 (and so ISO-8859-1) to UTF-8.
bool append_cp1252(std::string_view s, std::string* out) {
  bool ok = true;
  for (char ch : s) ok &= append_cp1252_byte(static_cast<unsigned char>(ch), out);
  return ok;
}

// append_plain - append bytes that are meant to be UTF-8 (RFC 6532);
// each byte of an invalid subsequence is read as Windows-1252. Returns
// false when such a fallback happened.
bool append_plain(std::string_view s, std::string* out) {
  size_t i = first_invalid_utf8(s);
  if (i == std::string_view::npos) {
    out->append(s);
    return true;
  }
  out->append(s.substr(0, i));
  while (i < s.size()) {
    size_t bad = 0;
    size_t n = util::utf8_valid_len(s, i, &bad);
    if (n) {
      out->append(s.substr(i, n));
      i += n;
    } else {
      for (size_t k = 0; k < bad; ++k)
        append_cp1252_byte(static_cast<unsigned char>(s[i + k]), out);
      i += bad;
    }
  }
  return false;
}

// CharsetKind - how a charset label is converted.
enum class CharsetKind { kUtf8, kAscii, kCp1252, kIconv, kUnknown };

// Label - a normalized charset label: lower case, RFC 2231 5 language
// suffix removed, NUL terminated for iconv_open().
struct Label {
  char buf[kMaxCharset + 1];
  size_t len = 0;
  bool ok = false;
  std::string_view view() const { return {buf, len}; }
};

// normalize_label - lower-case `charset`, strip "*lang"; refuse names
// with characters that iconv_open() would interpret ("/", ",").
Label normalize_label(std::string_view charset) {
  Label l;
  size_t star = charset.find('*');
  if (star != std::string_view::npos) charset = charset.substr(0, star);
  if (charset.empty() || charset.size() > kMaxCharset) return l;
  for (char ch : charset) {
    char c = to_lower(ch);
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                   c == '_' || c == '.' || c == ':' || c == '+' || c == '(' || c == ')';
    if (!allowed) return l;
    l.buf[l.len++] = c;
  }
  l.buf[l.len] = '\0';
  l.ok = true;
  return l;
}

// Alias - a label mapped to a built-in converter or an iconv name.
struct Alias {
  std::string_view label;
  CharsetKind kind;
  const char* iconv_name;
};

// Labels with built-in converters, and labels mapped to the supersets
// that real mail uses (WHATWG Encoding Standard, section 4.2).
constexpr Alias kAliases[] = {
    {"utf-8", CharsetKind::kUtf8, nullptr},
    {"utf8", CharsetKind::kUtf8, nullptr},
    {"unicode-1-1-utf-8", CharsetKind::kUtf8, nullptr},
    {"us-ascii", CharsetKind::kAscii, nullptr},
    {"ascii", CharsetKind::kAscii, nullptr},
    {"us", CharsetKind::kAscii, nullptr},
    {"ansi_x3.4-1968", CharsetKind::kAscii, nullptr},
    {"iso646-us", CharsetKind::kAscii, nullptr},
    {"csascii", CharsetKind::kAscii, nullptr},
    {"iso-8859-1", CharsetKind::kCp1252, nullptr},
    {"iso8859-1", CharsetKind::kCp1252, nullptr},
    {"iso_8859-1", CharsetKind::kCp1252, nullptr},
    {"iso_8859-1:1987", CharsetKind::kCp1252, nullptr},
    {"latin1", CharsetKind::kCp1252, nullptr},
    {"latin-1", CharsetKind::kCp1252, nullptr},
    {"l1", CharsetKind::kCp1252, nullptr},
    {"cp819", CharsetKind::kCp1252, nullptr},
    {"ibm819", CharsetKind::kCp1252, nullptr},
    {"csisolatin1", CharsetKind::kCp1252, nullptr},
    {"iso-ir-100", CharsetKind::kCp1252, nullptr},
    {"windows-1252", CharsetKind::kCp1252, nullptr},
    {"cp1252", CharsetKind::kCp1252, nullptr},
    {"x-cp1252", CharsetKind::kCp1252, nullptr},
    {"gb2312", CharsetKind::kIconv, "GB18030"},
    {"gbk", CharsetKind::kIconv, "GB18030"},
    {"x-gbk", CharsetKind::kIconv, "GB18030"},
    {"cp936", CharsetKind::kIconv, "GB18030"},
    {"ms936", CharsetKind::kIconv, "GB18030"},
    {"euc-cn", CharsetKind::kIconv, "GB18030"},
    {"x-euc-cn", CharsetKind::kIconv, "GB18030"},
    {"csgb2312", CharsetKind::kIconv, "GB18030"},
    {"gb_2312-80", CharsetKind::kIconv, "GB18030"},
    {"chinese", CharsetKind::kIconv, "GB18030"},
    {"shift_jis", CharsetKind::kIconv, "WINDOWS-31J"},
    {"shift-jis", CharsetKind::kIconv, "WINDOWS-31J"},
    {"sjis", CharsetKind::kIconv, "WINDOWS-31J"},
    {"x-sjis", CharsetKind::kIconv, "WINDOWS-31J"},
    {"ms_kanji", CharsetKind::kIconv, "WINDOWS-31J"},
    {"csshiftjis", CharsetKind::kIconv, "WINDOWS-31J"},
    {"cp932", CharsetKind::kIconv, "WINDOWS-31J"},
    {"x-ms-cp932", CharsetKind::kIconv, "WINDOWS-31J"},
    {"euc-kr", CharsetKind::kIconv, "CP949"},
    {"cseuckr", CharsetKind::kIconv, "CP949"},
    {"ks_c_5601-1987", CharsetKind::kIconv, "CP949"},
    {"ks_c_5601", CharsetKind::kIconv, "CP949"},
    {"ksc5601", CharsetKind::kIconv, "CP949"},
    {"ksc_5601", CharsetKind::kIconv, "CP949"},
    {"windows-949", CharsetKind::kIconv, "CP949"},
    {"big5", CharsetKind::kIconv, "BIG5-HKSCS"},
    {"big-5", CharsetKind::kIconv, "BIG5-HKSCS"},
    {"cn-big5", CharsetKind::kIconv, "BIG5-HKSCS"},
    {"x-x-big5", CharsetKind::kIconv, "BIG5-HKSCS"},
    {"csbig5", CharsetKind::kIconv, "BIG5-HKSCS"},
    {"unicode-1-1-utf-7", CharsetKind::kIconv, "UTF-7"},
    {"iso-8859-8-i", CharsetKind::kIconv, "ISO-8859-8"},
    {"iso_8859-8-i", CharsetKind::kIconv, "ISO-8859-8"},
    {"x-mac-roman", CharsetKind::kIconv, "MACINTOSH"},
    {"tis-620", CharsetKind::kIconv, "WINDOWS-874"},
    {"iso-8859-11", CharsetKind::kIconv, "WINDOWS-874"},
};

// find_alias - the alias entry for a normalized label, or nullptr.
const Alias* find_alias(std::string_view label) {
  for (const Alias& a : kAliases)
    if (a.label == label) return &a;
  return nullptr;
}

// IconvCache - per-thread LRU cache of iconv descriptors keyed by the
// normalized label; failed opens are cached too (kBadCd), so a junk
// charset costs one iconv_open() per thread.
class IconvCache {
 public:
  IconvCache() = default;
  IconvCache(const IconvCache&) = delete;
  IconvCache& operator=(const IconvCache&) = delete;

  // ~IconvCache - close every open descriptor at thread exit.
  ~IconvCache() {
    for (Entry& e : entries_)
      if (e.used && e.cd != kBadCd) iconv_close(e.cd);
  }

  // get - the descriptor converting `label` to UTF-8, or kBadCd.
  iconv_t get(const Label& label, const char* iconv_name) {
    ++clock_;
    Entry* victim = &entries_[0];
    for (Entry& e : entries_) {
      if (e.used && e.len == label.len && std::memcmp(e.name, label.buf, e.len) == 0) {
        e.stamp = clock_;
        return e.cd;
      }
      if (!e.used || (victim->used && e.stamp < victim->stamp)) victim = &e;
    }
    if (victim->used && victim->cd != kBadCd) iconv_close(victim->cd);
    iconv_t cd = kBadCd;
    if (iconv_name) cd = iconv_open("UTF-8", iconv_name);
    if (cd == kBadCd) cd = iconv_open("UTF-8", label.buf);
    std::memcpy(victim->name, label.buf, label.len);
    victim->len = label.len;
    victim->cd = cd;
    victim->used = true;
    victim->stamp = clock_;
    return cd;
  }

 private:
  struct Entry {
    char name[kMaxCharset];
    size_t len = 0;
    iconv_t cd = kBadCd;
    bool used = false;
    uint64_t stamp = 0;
  };
  Entry entries_[kCacheSize];
  uint64_t clock_ = 0;
};

// iconv_cache - this thread's cache.
IconvCache& iconv_cache() {
  thread_local IconvCache cache;
  return cache;
}

// Converter - a resolved charset.
struct Converter {
  CharsetKind kind = CharsetKind::kUnknown;
  iconv_t cd = kBadCd;
};

// resolve - find the converter for a charset label (possibly opening an
// iconv descriptor). The descriptor stays valid until the next resolve.
Converter resolve(std::string_view charset) {
  Converter c;
  Label label = normalize_label(charset);
  if (!label.ok) return c;
  const Alias* a = find_alias(label.view());
  if (a && a->kind != CharsetKind::kIconv) {
    c.kind = a->kind;
    return c;
  }
  c.cd = iconv_cache().get(label, a ? a->iconv_name : nullptr);
  if (c.cd != kBadCd) c.kind = CharsetKind::kIconv;
  return c;
}

// append_iconv - convert with iconv(3), replacing invalid and truncated
// sequences with U+FFFD; returns false when a replacement was made.
bool append_iconv(iconv_t cd, std::string_view in, std::string* out) {
  bool ok = true;
  const size_t out_start = out->size();
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  char* inp = const_cast<char*>(in.data());
  size_t inleft = in.size();
  char buf[1024];
  while (inleft > 0) {
    char* outp = buf;
    size_t outleft = sizeof buf;
    size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
    out->append(buf, static_cast<size_t>(outp - buf));
    if (r != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    ok = false;
    out->append(kReplacement);
    if (errno == EILSEQ && inleft > 0) {
      ++inp;  // skip one byte and resynchronize
      --inleft;
    } else {
      break;  // EINVAL: truncated sequence at the end
    }
  }
  char* outp = buf;
  size_t outleft = sizeof buf;
  iconv(cd, nullptr, nullptr, &outp, &outleft);  // flush shift state
  out->append(buf, static_cast<size_t>(outp - buf));
  // Defensive: iconv output should be valid UTF-8 already.
  std::string_view produced(out->data() + out_start, out->size() - out_start);
  if (first_invalid_utf8(produced) != std::string_view::npos) {
    std::string copy(produced);
    out->resize(out_start);
    append_sanitized(copy, out);
    ok = false;
  }
  return ok;
}

// append_converted - convert `bytes` with a resolved converter; returns
// false when a replacement or fallback was made.
bool append_converted(const Converter& c, std::string_view bytes, std::string* out) {
  switch (c.kind) {
    case CharsetKind::kUtf8:
      return append_sanitized(bytes, out);
    case CharsetKind::kAscii:
      return append_plain(bytes, out);
    case CharsetKind::kCp1252:
      return append_cp1252(bytes, out);
    case CharsetKind::kIconv:
      return append_iconv(c.cd, bytes, out);
    case CharsetKind::kUnknown:
      break;
  }
  return false;
}

// same_charset - labels equal after normalization (case, language).
bool same_charset(std::string_view a, std::string_view b) {
  size_t sa = a.find('*'), sb = b.find('*');
  a = a.substr(0, sa);
  b = b.substr(0, sb);
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (to_lower(a[k]) != to_lower(b[k])) return false;
  return true;
}

// is_charset_char - RFC 2047 2 token characters, plus "." and ":",
// which occur in real labels such as "ansi_x3.4-1968".
constexpr bool is_charset_char(char c) {
  if (c <= ' ' || c >= 0x7F) return false;
  switch (c) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';':
    case '"': case '/': case '[': case ']': case '?': case '=': case '\\':
      return false;
    default:
      return true;
  }
}

// Word - the parts of one encoded-word (RFC 2047 2).
struct Word {
  std::string_view charset;  // may carry an RFC 2231 "*lang" suffix
  char encoding = 0;         // 'b' or 'q'
  std::string_view text;     // encoded-text
  size_t end = 0;            // offset just past "?="
};

// Result of looking at a "=?".
enum class WordScan { kNotWord, kWord, kBroken };

// scan_word - parse "=?charset?encoding?encoded-text?=" at v[p]. kBroken
// means the "=?charset?X?" prefix is present but the word is unusable
// (missing "?=", unknown encoding). Blanks inside the encoded-text are
// tolerated; "?", CR, LF and NUL end it.
WordScan scan_word(std::string_view v, size_t p, Word* w) {
  size_t i = p + 2;
  size_t cs = i;
  while (i < v.size() && i - cs <= kMaxCharset && is_charset_char(v[i])) ++i;
  if (i == cs || i - cs > kMaxCharset || i >= v.size() || v[i] != '?') return WordScan::kNotWord;
  w->charset = v.substr(cs, i - cs);
  ++i;
  if (i + 1 >= v.size() || v[i + 1] != '?') return WordScan::kNotWord;
  char enc = to_lower(v[i]);
  i += 2;
  size_t ts = i;
  while (i < v.size() && v[i] != '?' && v[i] != '\r' && v[i] != '\n' && v[i] != '\0') ++i;
  if (i + 1 >= v.size() || v[i] != '?' || v[i + 1] != '=') return WordScan::kBroken;
  if (enc != 'b' && enc != 'q') return WordScan::kBroken;
  w->encoding = enc;
  w->text = v.substr(ts, i - ts);
  w->end = i + 2;
  return WordScan::kWord;
}

// hex_value - value of a hex digit, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// decode_q - RFC 2047 4.2 "Q" encoding; returns false on a bad "=XX".
bool decode_q(std::string_view t, std::string* out) {
  bool ok = true;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '_') {
      out->push_back(' ');  // 4.2 (2): "_" is always 0x20
    } else if (c == '=') {
      int hi = i + 1 < t.size() ? hex_value(t[i + 1]) : -1;
      int lo = i + 2 < t.size() ? hex_value(t[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        out->push_back('=');  // keep a stray "=" literally
        ok = false;
      }
    } else {
      out->push_back(c);
    }
  }
  return ok;
}

// base64_value - value of a base64 character (RFC 2045 6.8), or -1.
constexpr int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// decode_b - RFC 2047 4.1 "B" encoding (RFC 2045 6.8 base64). Invalid
// characters are skipped; "=" ends a quantum wherever it occurs, so
// misplaced or missing padding still decodes what is valid. Returns
// false when anything had to be skipped or guessed.
bool decode_b(std::string_view t, std::string* out) {
  bool ok = true;
  uint32_t acc = 0;
  int bits = 0;
  int chars = 0;  // characters in the current quantum
  for (char c : t) {
    if (c == '=') {
      // Padding: a quantum of 2 or 3 characters is complete; drop the
      // leftover zero bits.
      if (chars == 1) ok = false;
      acc = 0;
      bits = 0;
      chars = 0;
      continue;
    }
    int v = base64_value(c);
    if (v < 0) {
      if (c != ' ' && c != '\t') ok = false;
      continue;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    chars = (chars + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
      acc &= (1u << bits) - 1;
    }
  }
  if (chars != 0) ok = false;  // unpadded final quantum
  return ok;
}

// all_lwsp - true when `s` is only linear white space (or empty).
bool all_lwsp(std::string_view s) {
  for (char c : s)
    if (!is_lwsp(c)) return false;
  return true;
}

}  // namespace

// sanitize_utf8 - copy `bytes`, replacing invalid UTF-8 with U+FFFD.
bool is_valid_utf8(std::string_view bytes) { return first_invalid_utf8(bytes) == std::string_view::npos; }

std::string sanitize_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  append_sanitized(bytes, &out);
  return out;
}

// to_utf8 - convert bytes in `charset` to UTF-8.
bool to_utf8(std::string_view charset, std::string_view bytes, std::string* out) {
  Converter c = resolve(charset);
  if (c.kind == CharsetKind::kUnknown) return false;
  std::string result;
  result.reserve(bytes.size() + bytes.size() / 2);
  append_converted(c, bytes, &result);
  *out = std::move(result);
  return true;
}

// decode_words - decode RFC 2047 encoded-words to UTF-8.
DecodeResult decode_words(std::string_view value) {
  DecodeResult r;
  size_t p = value.find("=?");
  if (p == std::string_view::npos) {
    r.text.reserve(value.size());
    r.had_errors = !append_plain(value, &r.text);
    r.changed = r.had_errors;
    return r;
  }
  r.text.reserve(value.size());
  std::string pending;           // decoded bytes of the current run
  std::string_view pending_cs;   // charset label of the current run
  bool have_pending = false;
  size_t plain_start = 0;

  // flush - convert the pending run (RFC 2047 6.2: one display run).
  auto flush = [&]() {
    if (!have_pending) return;
    Converter c = resolve(pending_cs);
    if (!append_converted(c, pending, &r.text)) r.had_errors = true;
    pending.clear();
    have_pending = false;
  };

  for (; p != std::string_view::npos; p = value.find("=?", p)) {
    Word w;
    WordScan s = scan_word(value, p, &w);
    if (s == WordScan::kNotWord) {
      p += 1;
      continue;
    }
    if (s == WordScan::kBroken) {  // left raw as plain text
      r.had_errors = true;
      p += 2;
      continue;
    }
    if (resolve(w.charset).kind == CharsetKind::kUnknown) {  // left raw
      r.had_errors = true;
      p = w.end;
      continue;
    }
    std::string_view gap = value.substr(plain_start, p - plain_start);
    if (have_pending && all_lwsp(gap)) {
      // RFC 2047 6.2: drop white space between adjacent encoded-words.
      if (!same_charset(pending_cs, w.charset)) flush();
    } else {
      flush();
      if (!append_plain(gap, &r.text)) r.had_errors = true;
    }
    if (!have_pending) {
      pending_cs = w.charset;
      have_pending = true;
    }
    bool ok = w.encoding == 'b' ? decode_b(w.text, &pending) : decode_q(w.text, &pending);
    if (!ok) r.had_errors = true;
    plain_start = p = w.end;
  }
  flush();
  if (!append_plain(value.substr(plain_start), &r.text)) r.had_errors = true;
  r.changed = r.text != value;
  return r;
}

}  // namespace ndrscan::rfc2047
