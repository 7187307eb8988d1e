// rfc2047_fuzzer.cc - decode_words(), to_utf8() and sanitize_utf8(): every
// output must be valid UTF-8 (Unicode 15 3.9: no overlongs, surrogates or
// code points above U+10FFFF), and sanitize_utf8 must be idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parsers/rfc2047/encoded_word.h"

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }
    else return false;
    if (i + len > n) return false;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (int k = 2; k < len; ++k) {
      unsigned char ck = static_cast<unsigned char>(s[i + k]);
      if (ck < 0x80 || ck > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

void require_utf8(const char* what, std::string_view s) {
  if (!valid_utf8(s)) {
    std::fprintf(stderr, "%s returned invalid UTF-8 (%zu bytes)\n", what, s.size());
    std::abort();
  }
}

// Charsets for to_utf8(), picked by the first input byte.
const char* const kCharsets[] = {
    "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "iso-2022-jp", "shift_jis", "euc-jp", "gb2312",
    "gbk", "gb18030", "big5", "euc-kr", "ks_c_5601-1987", "koi8-r", "utf-16", "utf-16le", "utf-7",
    "iso-8859-15", "windows-1251", "x-unknown", "", "UTF-8*en",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace e = ndrscan::rfc2047;

  e::DecodeResult r = e::decode_words(in);
  require_utf8("decode_words", r.text);
  if (!r.changed && r.text != in) {
    std::fprintf(stderr, "decode_words: text differs from input but changed=false\n");
    std::abort();
  }

  std::string s = e::sanitize_utf8(in);
  require_utf8("sanitize_utf8", s);
  if (valid_utf8(in) && s != in) {
    std::fprintf(stderr, "sanitize_utf8 altered valid UTF-8\n");
    std::abort();
  }
  if (e::sanitize_utf8(s) != s) {
    std::fprintf(stderr, "sanitize_utf8 is not idempotent\n");
    std::abort();
  }

  if (size > 0) {
    const char* cs = kCharsets[data[0] % (sizeof kCharsets / sizeof kCharsets[0])];
    std::string out = "unchanged";
    if (e::to_utf8(cs, in.substr(1), &out)) require_utf8("to_utf8", out);
    else if (out != "unchanged") {
      std::fprintf(stderr, "to_utf8 failed but changed *out\n");
      std::abort();
    }
  }
  return 0;
}
