// strings.cc - ASCII helpers: IP-literal and host-name checks.
#include "src/util/strings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NDRSCAN_AVX2_DISPATCH 1
#endif

namespace ndrscan::util {

namespace {

#ifdef NDRSCAN_AVX2_DISPATCH
/// have_avx2 - the CPU runs AVX2 (checked once): the searches then filter
/// 32 candidate starts per step instead of 16. The build stays baseline
/// x86-64; only the functions marked target("avx2") use it.
bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

/// scan_avx2 - find_impl's filter, 32 starts at a time, while both loads
/// stay inside the text (i + 31 <= last_start). Returns the match, or npos
/// with *pos at the first start not yet examined.
template <bool kFold, class Same>
__attribute__((target("avx2"))) std::size_t scan_avx2(const char* h, std::size_t n, std::size_t last_start,
                                                      std::size_t* pos, char f_lo, char f_up, char l_lo, char l_up,
                                                      Same&& same) {
  const __m256i f1 = _mm256_set1_epi8(f_lo), f2 = _mm256_set1_epi8(f_up);
  const __m256i l1 = _mm256_set1_epi8(l_lo), l2 = _mm256_set1_epi8(l_up);
  std::size_t i = *pos;
  for (; i + 31 <= last_start; i += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i + n - 1));
    __m256i first = _mm256_cmpeq_epi8(a, f1), last = _mm256_cmpeq_epi8(b, l1);
    if constexpr (kFold) {
      first = _mm256_or_si256(first, _mm256_cmpeq_epi8(a, f2));
      last = _mm256_or_si256(last, _mm256_cmpeq_epi8(b, l2));
    }
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_and_si256(first, last)));
    while (mask) {
      const auto bit = static_cast<std::size_t>(__builtin_ctz(mask));
      if (same(i + bit)) return i + bit;
      mask &= mask - 1;
    }
  }
  *pos = i;
  return std::string_view::npos;
}
#endif

/// find_impl - first i >= from where hay[i, i + n) equals the needle (ASCII
/// case folded when kFold), else npos. Each block of 16 candidate starts
/// is kept only where the first and the last byte both match (Muła's
/// "generic SIMD" substring search); survivors are compared in full.
template <bool kFold>
std::size_t find_impl(std::string_view hay, std::string_view needle, std::size_t from) {
  constexpr std::size_t npos = std::string_view::npos;
  const std::size_t n = needle.size();
  if (n == 0) return from <= hay.size() ? from : npos;
  if (hay.size() < n || from > hay.size() - n) return npos;
  const std::size_t last_start = hay.size() - n;
  const char* h = hay.data();
  auto both_cases = [](char c, char* lo, char* up) {
    if (kFold && is_alpha(c)) {
      *lo = static_cast<char>(c | 0x20);
      *up = static_cast<char>(c & ~0x20);
    } else {
      *lo = *up = c;
    }
  };
  auto same = [&](std::size_t i) {
    if constexpr (kFold) return iequals(std::string_view(h + i, n), needle);
    else return std::memcmp(h + i, needle.data(), n) == 0;
  };
  char f_lo, f_up, l_lo, l_up;
  both_cases(needle.front(), &f_lo, &f_up);
  both_cases(needle.back(), &l_lo, &l_up);
  std::size_t i = from;
#ifdef NDRSCAN_AVX2_DISPATCH
  if (last_start >= 31 && i <= last_start - 31 && have_avx2()) {
    const std::size_t r = scan_avx2<kFold>(h, n, last_start, &i, f_lo, f_up, l_lo, l_up, same);
    if (r != npos) return r;
  }
#endif
#ifdef __SSE2__
  const __m128i f1 = _mm_set1_epi8(f_lo), f2 = _mm_set1_epi8(f_up);
  const __m128i l1 = _mm_set1_epi8(l_lo), l2 = _mm_set1_epi8(l_up);
  // Both 16-byte loads stay inside hay while i + 15 <= last_start.
  for (; last_start >= 15 && i <= last_start - 15; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + n - 1));
    const __m128i m = _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(a, f1), _mm_cmpeq_epi8(a, f2)),
                                    _mm_or_si128(_mm_cmpeq_epi8(b, l1), _mm_cmpeq_epi8(b, l2)));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(m));
    while (mask) {
      const auto bit = static_cast<std::size_t>(__builtin_ctz(mask));
      if (same(i + bit)) return i + bit;
      mask &= mask - 1;
    }
  }
#endif
  if constexpr (!kFold) {
    // Short texts and the tail: memchr to each first-byte candidate.
    while (i <= last_start) {
      const void* p = std::memchr(h + i, f_lo, last_start - i + 1);
      if (!p) return npos;
      i = static_cast<std::size_t>(static_cast<const char*>(p) - h);
      if (same(i)) return i;
      ++i;
    }
    return npos;
  }
  for (; i <= last_start; ++i) {
    const char c = h[i];
    if ((c == f_lo || c == f_up) && same(i)) return i;
  }
  return npos;
}

}  // namespace

void lower_into(char* dst, const char* src, std::size_t n) {
  std::size_t i = 0;
#ifdef __SSE2__
  // bytes are signed: 'A' - 1 < c < 'Z' + 1 picks exactly A-Z (bytes >= 0x80 are negative)
  const __m128i below = _mm_set1_epi8('A' - 1), above = _mm_set1_epi8('Z' + 1), bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(c, below), _mm_cmplt_epi8(c, above));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_or_si128(c, _mm_and_si128(upper, bit)));
  }
#endif
  for (; i < n; ++i) dst[i] = to_lower_ascii(src[i]);
}

std::size_t utf8_valid_len(std::string_view s, std::size_t i, std::size_t* bad) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;  // no overlongs
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    if (bad) *bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) {
      if (bad) *bad = k;
      return 0;
    }
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < lo || b > hi) {
      if (bad) *bad = k;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

std::size_t find_any3(std::string_view s, std::size_t from, char a, char b, char c) {
  std::size_t i = from;
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(m));
    if (mask) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < s.size(); ++i)
    if (s[i] == a || s[i] == b || s[i] == c) return i;
  return s.size();
}

#ifdef __SSE2__
namespace {

/// PackTable - for each 8-bit keep mask, the byte positions to keep in
/// order (then padding) and how many: a pshufb left-pack of eight bytes.
struct PackTable {
  alignas(16) std::uint8_t idx[256][8];
  std::uint8_t count[256];
};

constexpr PackTable make_pack_table() {
  PackTable t{};
  for (unsigned m = 0; m < 256; ++m) {
    std::uint8_t k = 0;
    for (std::uint8_t b = 0; b < 8; ++b)
      if (m & (1u << b)) t.idx[m][k++] = b;
    t.count[m] = k;
    for (std::uint8_t j = k; j < 8; ++j) t.idx[m][j] = 0x80;  // zero (overwritten later)
  }
  return t;
}

constexpr PackTable kPack = make_pack_table();

bool have_ssse3() {
  static const bool yes = __builtin_cpu_supports("ssse3");
  return yes;
}

/// pack_block - write the bytes of `v` whose bit is set in `keep` (16 bits)
/// to dst + w, in order; returns the new w. Stores eight bytes per half,
/// never past dst + w + 16.
__attribute__((target("ssse3"))) std::size_t pack_block(char* dst, std::size_t w, __m128i v, unsigned keep) {
  const unsigned lo = keep & 0xFFu, hi = keep >> 8;
  const __m128i a = _mm_shuffle_epi8(v, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kPack.idx[lo])));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + w), a);
  w += kPack.count[lo];
  const __m128i b =
      _mm_shuffle_epi8(_mm_srli_si128(v, 8), _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kPack.idx[hi])));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + w), b);
  return w + kPack.count[hi];
}

}  // namespace
#endif

std::size_t collapse_blanks(char* dst, const char* src, std::size_t n) {
  std::size_t w = 0, i = 0;
  bool last_sp = false;
  // scalar step: a blank after a blank is written and then overwritten (w
  // does not move), so each run of blanks leaves one space
  auto one = [&](char ch) {
    const bool sp = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    dst[w] = sp ? ' ' : ch;
    w += !(sp && last_sp);
    last_sp = sp;
  };
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r'),
                lf = _mm_set1_epi8('\n');
  const bool ssse3 = have_ssse3();
  for (; i + 16 <= n; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i blank = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, space), _mm_cmpeq_epi8(c, tab)),
                                       _mm_or_si128(_mm_cmpeq_epi8(c, cr), _mm_cmpeq_epi8(c, lf)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(blank));
    if ((mask & ((mask << 1) | (last_sp ? 1u : 0u))) == 0) {
      // no blank follows a blank: every byte stays, blanks become spaces
      // (w <= i, so the store stays inside the first i + 16 bytes of dst)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + w),
                       _mm_or_si128(_mm_andnot_si128(blank, c), _mm_and_si128(blank, space)));
      w += 16;
      last_sp = (mask & 0x8000u) != 0;
      continue;
    }
    if (ssse3) {
      // keep every byte but a blank after a blank, blanks as spaces
      // (w <= i: the stores stay inside the first i + 16 bytes of dst,
      // which also makes it safe in place)
      const unsigned drop = mask & ((mask << 1) | (last_sp ? 1u : 0u));
      w = pack_block(dst, w, _mm_or_si128(_mm_andnot_si128(blank, c), _mm_and_si128(blank, space)),
                     ~drop & 0xFFFFu);
      last_sp = (mask & 0x8000u) != 0;
      continue;
    }
    for (std::size_t k = 0; k < 16; ++k) one(src[i + k]);
  }
#endif
  for (; i < n; ++i) one(src[i]);
  return w;
}

std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  return find_impl<true>(hay, needle, from);
}

std::size_t find_bytes(std::string_view hay, std::string_view needle, std::size_t from) {
  return find_impl<false>(hay, needle, from);
}

bool is_ipv4(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i] - '0');
      if (value > 255 || i - start >= 3) return false;
      ++i;
    }
    if (i == start) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view s) {
  // Zone ids ("%eth0") are legal in text but never meaningful in mail.
  std::size_t pct = s.find('%');
  if (pct != std::string_view::npos) s = s.substr(0, pct);
  if (s.size() < 2 || s.size() > 45 || s.find(':') == std::string_view::npos) return false;
  for (char c : s)
    if (!is_xdigit(c) && c != ':' && c != '.') return false;  // also rejects an embedded NUL
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

std::string clean_ip(std::string_view s) {
  s = trim(s);
  // MDaemon writes "[(192.0.2.1)]"
  if (s.size() > 4 && s.substr(0, 2) == "[(" && s.substr(s.size() - 2) == ")]") s = s.substr(2, s.size() - 4);
  if (!s.empty() && s.front() == '[') {
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) {
      s.remove_prefix(1);
    } else {
      s = s.substr(1, close - 1);  // "[ip]:port" -> "ip"
    }
  }
  if (istarts_with(s, "IPv6:")) s.remove_prefix(5);
  s = strip_dot(trim(s));
  // IPv4-mapped IPv6 ("::ffff:192.0.2.1") is the IPv4 peer of a dual-stack socket
  if (istarts_with(s, "::ffff:") && is_ipv4(s.substr(7))) return std::string(s.substr(7));
  if (is_ipv4(s)) return std::string(s);
  if (is_ipv6(s)) return canonical_ipv6(s);
  // "1.2.3.4:25" or "1.2.3.4.25" (some MTAs append the port)
  std::size_t sep = s.find_last_of(":.");
  if (sep != std::string_view::npos && is_ipv4(s.substr(0, sep))) {
    std::string_view port = s.substr(sep + 1);
    if (!port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), is_digit))
      return std::string(s.substr(0, sep));
  }
  return {};
}

std::string canonical_ipv6(std::string_view s) {
  std::size_t pct = s.find('%');
  if (pct != std::string_view::npos) s = s.substr(0, pct);
  if (s.size() > 45) return std::string(s);
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char bin[16];
  if (inet_pton(AF_INET6, buf, bin) != 1) return std::string(s);
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bin, out, sizeof out)) return std::string(s);
  return out;
}

bool is_hostname(std::string_view s) {
  s = strip_dot(s);
  if (s.empty() || s.size() > 253 || is_ipv4(s)) return false;
  bool letter = false;
  for (char c : s) {
    if (is_alpha(c)) {
      letter = true;
    } else if (!(is_digit(c) || c == '-' || c == '.' || c == '_')) {
      return false;
    }
  }
  return letter;
}

}  // namespace ndrscan::util
